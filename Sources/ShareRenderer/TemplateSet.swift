import ShareLoader
import ShareModel

/// The templates, assets and locale strings a build renders with: the defaults carried
/// in the binary, each replaced by the site's own `templates/<same path>` when present.
public struct TemplateSet: Sendable {
    public static let directory = "templates"
    static let pageTemplates = ["page", "embed", "stub", "redirect"]

    let library: TemplateLibrary
    /// Asset file name (e.g. `share.css`) to contents.
    let assets: [String: [UInt8]]
    /// Lowercased locale tag (e.g. `es`, `es-cl`) to strings.
    let locales: [String: [String: String]]
    /// Every source text, by path under templates/, for cache keys.
    public let sources: [String: String]

    /// The defaults only.
    public static func defaults() -> TemplateSet {
        // The embedded defaults are tested to parse, so this cannot produce diagnostics.
        try! make(EmbeddedTemplates.files, origin: [:]).get()
    }

    /// Defaults overridden by `<root>/templates/`. Problems are located diagnostics.
    public static func load(fileSystem: any FileSystem, root: String) -> Result<TemplateSet, DiagnosticList> {
        var files = EmbeddedTemplates.files
        var origin: [String: String] = [:]
        var problems: [Diagnostic] = []
        let base = joinPath(root, directory)
        if fileSystem.resolvedKind(at: base) == .directory {
            for path in listFiles(fileSystem, base, prefix: "") {
                let display = joinPath(directory, path)
                do {
                    let bytes = try fileSystem.readFile(joinPath(base, path))
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        problems.append(.error("template.encoding", "template is not valid UTF-8", at: SourceLocation(file: display)))
                        continue
                    }
                    files[path] = text
                    origin[path] = display
                } catch {
                    problems.append(.error("source.unreadable", "cannot read template: \(error.reason)", at: SourceLocation(file: display)))
                }
            }
        }
        if !problems.isEmpty { return .failure(DiagnosticList(problems)) }
        return make(files, origin: origin)
    }

    private static func listFiles(_ fileSystem: any FileSystem, _ directory: String, prefix: String) -> [String] {
        guard let names = try? fileSystem.contentsOfDirectory(directory) else { return [] }
        var result: [String] = []
        for name in names where !name.hasPrefix(".") {
            let path = joinPath(directory, name)
            let relative = joinPath(prefix, name)
            switch fileSystem.resolvedKind(at: path) {
            case .directory: result += listFiles(fileSystem, path, prefix: relative)
            case .file: result.append(relative)
            default: break
            }
        }
        return result
    }

    /// The string names the built-in English file defines: the only ones templates use.
    private static let knownStrings: [String] = {
        let (value, _) = LocatedJSONParser.parse(Array((EmbeddedTemplates.files["locales/en.json"] ?? "").utf8), file: "en.json")
        return value?.members?.map(\.key) ?? []
    }()

    private static func make(_ files: [String: String], origin: [String: String]) -> Result<TemplateSet, DiagnosticList> {
        var templates: [String: Template] = [:]
        var displayNames: [String: String] = [:]
        var assets: [String: [UInt8]] = [:]
        var locales: [String: [String: String]] = [:]
        var problems: [Diagnostic] = []
        var broken = Set<String>()
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let display = origin[path] ?? "templates/\(path) (built in)"
            if path.hasSuffix(".mustache"), !path.contains("/") {
                let name = String(path.dropLast(".mustache".count))
                displayNames[name] = display
                do {
                    templates[name] = try TemplateParser.parse(text)
                } catch {
                    problems.append(.error("template.syntax", error.message, at: SourceLocation(file: display, position: error.position)))
                    broken.insert(name)
                }
            } else if path.hasPrefix("assets/"), !path.dropFirst(7).contains("/") {
                assets[String(path.dropFirst(7))] = Array(text.utf8)
            } else if path.hasPrefix("locales/"), path.hasSuffix(".json") {
                let tag = String(path.dropFirst(8).dropLast(5)).lowercased()
                switch parseStrings(text, file: display, known: knownStrings) {
                case .success(let strings): locales[tag] = strings
                case .failure(let list): problems += list.diagnostics
                }
            }
        }
        let library = TemplateLibrary(templates)
        if broken.isEmpty {
            for problem in library.includeProblems() {
                let location = SourceLocation(file: displayNames[problem.template] ?? problem.template, position: problem.position)
                problems.append(.error("template.syntax", problem.message, at: location))
            }
        }
        for name in pageTemplates where !library.contains(name) && !broken.contains(name) {
            problems.append(.error("template.missing", "template \(name).mustache is missing", at: SourceLocation(file: "templates/\(name).mustache")))
        }
        if locales["en"] == nil {
            problems.append(.error("template.missing", "locale strings locales/en.json are missing", at: SourceLocation(file: "templates/locales/en.json")))
        }
        if !problems.isEmpty { return .failure(DiagnosticList(problems)) }
        return .success(TemplateSet(library: library, assets: assets, locales: locales, sources: files))
    }

    private static func parseStrings(_ text: String, file: String, known: [String]) -> Result<[String: String], DiagnosticList> {
        let (value, diagnostics) = LocatedJSONParser.parse(Array(text.utf8), file: file)
        guard let value, !diagnostics.hasErrors else { return .failure(DiagnosticList(diagnostics)) }
        guard let members = value.members else {
            return .failure(DiagnosticList([.error("template.locale", "locale strings must be a JSON object of strings", at: SourceLocation(file: file, position: value.position))]))
        }
        var strings: [String: String] = [:]
        var problems: [Diagnostic] = []
        for member in members {
            if !known.contains(member.key) {
                var message = "unknown locale string \"\(member.key)\""
                if let suggestion = closestMatch(member.key, among: known) { message += "; did you mean \"\(suggestion)\"?" }
                problems.append(.error("template.locale", message, at: SourceLocation(file: file, position: member.keyPosition)))
            } else if let text = member.value.string {
                strings[member.key] = text
            } else {
                problems.append(.error("template.locale", "\"\(member.key)\" must be a string", at: SourceLocation(file: file, position: member.value.position)))
            }
        }
        return problems.isEmpty ? .success(strings) : .failure(DiagnosticList(problems))
    }

    /// UI strings for a locale, falling back along `es-CL` → `es` → `en`.
    func strings(for locale: String) -> [String: String] {
        var chain: [String] = []
        var tag = locale.lowercased()
        while true {
            chain.append(tag)
            guard let dash = tag.lastIndex(of: "-") else { break }
            tag = String(tag[..<dash])
        }
        chain.append("en")
        var merged: [String: String] = [:]
        for tag in chain.reversed() {
            if let strings = locales[tag] { merged.merge(strings) { _, specific in specific } }
        }
        return merged
    }

    /// Renders `template` with names looked up from the last value of `context` to the first.
    func render(_ template: String, _ context: [TemplateValue]) -> [UInt8] {
        library.render(template, context)
    }
}

/// A list of diagnostics as an `Error`, for stages that either succeed or report.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}
