import ShareModel

/// The complete output of one channel, sorted by path.
public struct RenderedSite: Sendable {
    public var channel: Channel
    public var files: [OutputFile]
    /// The paths rendered from each share's source file, for the build cache.
    public var outputsBySource: [String: [String]]
    /// Landing pages of Enabled shares.
    public var pageCount: Int
    /// Disabled, gone and redirect stubs.
    public var stubCount: Int
}

/// What a streaming render produced besides the files themselves.
public struct RenderSummary: Sendable {
    /// The paths rendered from each share's source file, for the build cache.
    public var outputsBySource: [String: [String]]
    /// Landing pages of Enabled shares.
    public var pageCount: Int
    /// Disabled, gone and redirect stubs.
    public var stubCount: Int
    /// What every site path answers: the rules the maps were written from.
    public var routes: SiteRoutes
    /// Where each share's entry lies in `manifest.json` (by source file), for the next
    /// build's `PreviousManifest`; empty when the manifest was not rendered.
    public var manifestEntries: [String: Range<Int>] = [:]
}

/// The last build's `manifest.json` and where each share's entry lies in it (by source file).
public struct PreviousManifest: Sendable {
    public var bytes: [UInt8]
    public var entries: [String: Range<Int>]

    public init(bytes: [UInt8], entries: [String: Range<Int>]) {
        self.bytes = bytes
        self.entries = entries
    }
}
