import ShareModel
import Testing
import TestSupport
@testable import ShareLoader

/// What the tests assert about one diagnostic.
struct Located: Hashable, Sendable, CustomStringConvertible {
    var rule: String
    var file: String
    var line: Int
    var column: Int
    var severity: Severity = .error

    var description: String { "\(file):\(line):\(column): \(severity.rawValue) [\(rule)]" }
}

extension Diagnostic {
    var located: Located { Located(rule: rule, file: file, line: line, column: column, severity: severity) }
}

/// An input file: its name inside `content/p/shares/` (the extension picks the parser) and its bytes.
struct InputFile: Sendable, CustomTestStringConvertible {
    var label: String
    var name: String
    var bytes: [UInt8]

    init(_ label: String, _ name: String, _ text: String) {
        self.init(label, name, bytes: Array(text.utf8))
    }

    init(_ label: String, _ name: String, bytes: [UInt8]) {
        self.label = label
        self.name = name
        self.bytes = bytes
    }

    var path: String { "content/p/shares/\(name)" }
    var testDescription: String { label }
}

/// Loads a site whose only input is `file`, through the same loader `sharegen` uses.
func load(_ file: InputFile) -> LoadedSite {
    let fileSystem = InMemoryFileSystem()
    fileSystem.write(file.path, bytes: file.bytes)
    return SiteLoader(fileSystem: fileSystem, root: "").load()
}

/// The parsed value of a lone JSON or Markdown share, after checking it loaded cleanly.
func parsedValue(_ file: InputFile, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> SourceValue {
    let loaded = load(file)
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return try #require(loaded.projects.first?.shares.first?.value, sourceLocation: sourceLocation)
}

extension SourceValue {
    /// Follows object keys and array indexes, e.g. `value[path: "video", "captions", 0]`.
    subscript(path path: any PathStep...) -> SourceValue? {
        path.reduce(self as SourceValue?) { value, step in
            switch step {
            case let key as String: return value?[key]
            case let index as Int: return value?.elements.flatMap { $0.indices.contains(index) ? $0[index] : nil }
            default: return nil
            }
        }
    }
}

protocol PathStep {}
extension String: PathStep {}
extension Int: PathStep {}

func position(_ line: Int, _ column: Int) -> SourcePosition {
    SourcePosition(line: line, column: column)
}
