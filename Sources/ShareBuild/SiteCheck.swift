import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator

/// What `sharegen check` reports: every diagnostic `sharegen build` would stop on (share
/// files, credentials, `sharegen.json`, templates and locale strings), without rendering.
public struct SiteCheck: Sendable {
    public struct Report: Sendable {
        /// Sorted for output.
        public var diagnostics: [Diagnostic]
        /// Share files read, and the shares among them that passed their own rules.
        public var shareFiles: Int
        public var validShares: Int
    }

    public let fileSystem: LocalFileSystem
    public let root: String

    public init(root: String, fileSystem: LocalFileSystem = LocalFileSystem()) {
        self.root = root
        self.fileSystem = fileSystem
    }

    /// Checks every channel; with `channel`, reports only what concerns it (templates always).
    public func run(channel: Channel?) -> Report {
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        let discovery = loader.discover()
        let shareFiles = discovery.inputPaths.count { $0.contains("/shares/") }
        let (loaded, result, outcomes) = SiteValidator().load(discovery, with: loader)
        var diagnostics = result.diagnostics(for: channel)
        if let warning = defaultBaseURLWarning(root: root, fileSystem: fileSystem) { diagnostics.append(warning) }
        if case .failure(let problems) = TemplateSet.load(fileSystem: fileSystem, root: root) {
            diagnostics += problems.diagnostics
        }
        let validShares = result.site.shares.count { channel == nil || $0.channel == channel }
        releaseInBackground((consume loaded, consume outcomes, consume result))
        return Report(diagnostics: diagnostics.sortedForOutput(), shareFiles: shareFiles, validShares: validShares)
    }
}
