import ShareEmitter
import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator

/// The whole pipeline behind `sharegen build`: load, validate every channel, render
/// one, emit atomically.
public struct SiteBuild: Sendable {
    public enum Failure: Error, Sendable {
        /// The content (or a template) is invalid; nothing was written.
        case invalid([Diagnostic])
        /// Output could not be written; the previous output is untouched.
        case output(EmitError)
    }

    public struct Outcome: Sendable {
        public var rendered: RenderedSite
        public var report: EmitReport
        /// Warnings (the build succeeded).
        public var diagnostics: [Diagnostic]
    }

    public let fileSystem: LocalFileSystem
    public let root: String

    public init(root: String, fileSystem: LocalFileSystem = LocalFileSystem()) {
        self.root = root
        self.fileSystem = fileSystem
    }

    /// Validates the site and renders `channel` without writing anything.
    public func render(channel: Channel) -> Result<(RenderedSite, [Diagnostic]), Failure> {
        let loaded = SiteLoader(fileSystem: fileSystem, root: root).load()
        let validation = SiteValidator().validate(loaded)
        let templates = TemplateSet.load(fileSystem: fileSystem, root: root)
        var diagnostics = validation.diagnostics
        if case .failure(let problems) = templates { diagnostics += problems.diagnostics }
        guard !diagnostics.hasErrors, case .success(let templates) = templates else {
            return .failure(.invalid(diagnostics.sortedForOutput()))
        }
        let rendered = SiteRenderer(templates: templates).render(validation.site, channel: channel)
        return .success((rendered, diagnostics))
    }

    /// Validates, renders and writes `channel` to `output`.
    public func run(channel: Channel, output: String) -> Result<Outcome, Failure> {
        switch render(channel: channel) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let (rendered, diagnostics)):
            do {
                let report = try Emitter(fileSystem: fileSystem).emit(rendered.files, to: output)
                return .success(Outcome(rendered: rendered, report: report, diagnostics: diagnostics))
            } catch {
                return .failure(.output(error))
            }
        }
    }
}
