import ShareLoader
import ShareModel
import ShareValidator

/// A site loaded and validated from one file system: the working tree or a Git ref.
public struct SiteVersion: Sendable {
    public var loaded: LoadedSite
    public var validation: ValidationResult

    /// Loads and validates the site at `root` of `fileSystem`.
    public init(fileSystem: any FileSystem, root: String) {
        loaded = SiteLoader(fileSystem: fileSystem, root: root).load()
        validation = SiteValidator().validate(loaded)
    }

    public var site: Site { validation.site }

    /// Where a value was written, for located diagnostics: `steps` are object keys and array
    /// indices from the top of `file`. When a step is missing (a field left to its default),
    /// the deepest value found is cited instead.
    func position(in file: String, _ steps: [PathStep]) -> SourcePosition {
        guard var value = document(file)?.value else { return .start }
        for step in steps {
            let next: SourceValue?
            switch step {
            case .key(let key): next = value[key]
            case .index(let index): next = value.elements.flatMap { index < $0.count ? $0[index] : nil }
            }
            guard let next else { break }
            value = next
        }
        return value.position
    }

    private func document(_ file: String) -> SourceDocument? {
        for project in loaded.projects {
            if let document = (project.shares + project.credentials).first(where: { $0.path == file }) { return document }
        }
        return nil
    }
}

/// One step of a path into a located value.
enum PathStep: Sendable, ExpressibleByStringLiteral {
    case key(String)
    case index(Int)

    init(stringLiteral value: String) { self = .key(value) }
}
