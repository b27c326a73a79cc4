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
        /// Share files read, and those with no error (cross-file rules included).
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
        let validated = FileMemo.empty.loadAndValidate(loader.discover(), with: loader)
        let (loaded, result) = (validated.loaded, validated.result)
        var diagnostics = result.diagnostics(for: channel)
        if let warning = defaultBaseURLWarning(root: root, fileSystem: fileSystem) { diagnostics.append(warning) }
        if case .failure(let problems) = TemplateSet.load(fileSystem: fileSystem, root: root) {
            diagnostics += problems.diagnostics
        }
        // A file whose channel is unknown (it did not parse) counts for every channel.
        let files = loaded.projects.flatMap { $0.shares.map(\.path) }.filter { path in
            channel == nil || result.channelOfFile[path].map { $0 == channel } ?? true
        }
        let failing = Set(diagnostics.filter { $0.severity == .error }.map(\.file))
        let validShares = files.count { result.channelOfFile[$0] != nil && !failing.contains($0) }
        let shareFiles = files.count
        releaseInBackground(consume validated)
        return Report(diagnostics: diagnostics.sortedForOutput(), shareFiles: shareFiles, validShares: validShares)
    }
}
