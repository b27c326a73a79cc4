import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator
import Synchronization

/// One channel of a site rendered into memory and kept up to date from the names of the files
/// that changed: what `sharegen serve` answers from. Only the changed files are parsed and
/// checked again, and only the shares whose source files changed are rendered again; the
/// cross-file rules still run over the whole site, because an edit in one file (a slug, a
/// credential) can break another.
public struct LiveBuild: Sendable {
    /// A successful build, complete in memory.
    public struct Output: Sendable {
        public var channel: Channel
        /// Every output file but `manifest.json` (`site/<slug>/index.html`, `redirects/…`) by
        /// path. The manifest is made on demand: see `manifest()`.
        public var files: [String: [UInt8]]
        /// What every site path answers: the rules of `redirects/` and `_headers`.
        public var routes: SiteRoutes
        /// Landing pages of Enabled shares.
        public var pageCount: Int
        /// Disabled, gone and redirect stubs.
        public var stubCount: Int
        /// Slugs of the Enabled private shares with a playable video: their pages play only
        /// from a signed link.
        public var privateSlugs: Set<String>
        /// Warnings: the build succeeded.
        public var warnings: [Diagnostic]
        fileprivate var site: Site
        fileprivate var renderer: SiteRenderer

        /// What `manifest.json` would hold. Encoding it is a large part of rendering a big
        /// site, and the preview needs it only when it signs.
        public func manifest() -> Manifest {
            renderer.manifest(site, channel: channel)
        }
    }

    /// What an update did, for progress lines and benchmarks.
    public struct Report: Sendable {
        /// Shares rendered this time.
        public var renderedShares = 0
        /// Shares whose files were carried over from the previous build.
        public var reusedShares = 0
        /// Whether every input file was read again (first build, or a file added or removed).
        public var loadedEverything = false
        /// Wall time of each stage in seconds, in order.
        public var timings: [(stage: String, seconds: Double)] = []
    }

    public enum Outcome: Sendable {
        case built(Output, Report)
        /// The site or a template is invalid; every diagnostic, sorted.
        case failed([Diagnostic], Report)
    }

    public let root: String
    public let channel: Channel
    private let fileSystem: any FileSystem
    private var loaded: LoadedSite?
    private var templates: Result<TemplateSet, DiagnosticList>?
    private var memo = FileMemo.empty
    /// The last successful build, to carry its files over.
    private var previous: (output: Output, global: UInt64, shares: [String: OutputLedger.Share])?

    public init(root: String, channel: Channel, fileSystem: any FileSystem = LocalFileSystem()) {
        self.root = root
        self.channel = channel
        self.fileSystem = fileSystem
    }

    /// Brings the build up to date after the files at `changed` (paths relative to the root,
    /// as a watcher reports them) changed; nil means anything may have changed, and the first
    /// update reads everything whatever it is given.
    public mutating func update(changed: Set<String>?) -> Outcome {
        var clock = StageClock()
        var report = Report()
        let isTemplate = { (path: String) in path == TemplateSet.directory || path.hasPrefix(TemplateSet.directory + "/") }
        let templates: Result<TemplateSet, DiagnosticList>
        if let current = self.templates, changed?.contains(where: isTemplate) == false {
            templates = current
        } else {
            templates = TemplateSet.load(fileSystem: fileSystem, root: root)
            self.templates = templates
        }
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        let site: LoadedSite
        if let loaded, let inputs = changed?.filter({ !isTemplate($0) }), let updated = inputs.isEmpty ? loaded : loader.reload(inputs, in: loaded) {
            site = updated
        } else {
            site = loader.load()
            report.loadedEverything = true
        }
        loaded = site
        clock.lap("load")
        let (validation, memo) = memo.validate(site)
        self.memo = memo
        let checkedTemplates: TemplateSet
        switch SiteBuild.checked(validation, templates) {
        case .success(let value): checkedTemplates = value
        case .failure(let failure):
            clock.lap("validate")
            report.timings = clock.laps
            guard case .invalid(let diagnostics) = failure else { preconditionFailure("validating writes nothing") }
            return .failed(diagnostics, report)
        }
        clock.lap("validate")

        let digests = site.shareDigests
        let global = Incremental.globalKey(site, checkedTemplates, channel: channel)
        // Projections rather than `shares(in:)`: copying thousands of shares is a visible part of a rebuild.
        let channel = channel
        let inChannel = validation.site.shares.lazy.filter { $0.channel == channel }
        let sources = Array(inChannel.map(\.sourceFile))
        var reused: [String: [String]] = [:]
        if let previous, previous.global == global {
            reused = OutputLedger(shares: previous.shares).carried(sources, digests: digests)
        }
        let rendered = OutputCollector()
        let renderer = SiteRenderer(templates: checkedTemplates)
        let summary = renderer.render(
            validation.site, channel: channel, shares: Set(sources.filter { reused[$0] == nil }), manifest: false, to: rendered)
        clock.lap("render")

        var files: [String: [UInt8]] = [:]
        if let previous, !reused.isEmpty {
            files = previous.output.files
            // Drop what came from shares that changed, moved to another channel or went away.
            for (source, share) in previous.shares where reused[source] == nil {
                for path in share.outputs { files[path] = nil }
            }
        }
        for file in rendered.collected { files[file.path] = file.bytes }
        let output = Output(
            channel: channel, files: files, routes: summary.routes, pageCount: summary.pageCount,
            stubCount: summary.stubCount,
            privateSlugs: Set(inChannel.filter { $0.status == .enabled && $0.video.visibility == .private && $0.video.status == .completed }.map(\.slug)),
            warnings: validation.diagnostics, site: validation.site, renderer: renderer)
        previous = (output, global, OutputLedger.shares(sources, digests: digests, rendered: summary.outputsBySource, carried: reused))
        clock.lap("merge")
        report.renderedShares = summary.outputsBySource.count
        report.reusedShares = reused.count
        report.timings = clock.laps
        return .built(output, report)
    }
}
