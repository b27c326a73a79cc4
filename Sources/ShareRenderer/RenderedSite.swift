import ShareModel

/// The complete output of one channel, sorted by path.
public struct RenderedSite: Sendable {
    public var channel: Channel
    public var files: [OutputFile]
    /// The paths rendered from each share's source file.
    public var outputsBySource: [String: [String]]
    /// Landing pages of Enabled shares.
    public var pageCount: Int
    /// Disabled, gone and redirect stubs.
    public var stubCount: Int
}

/// What a streaming render produced besides the files themselves.
public struct RenderSummary: Sendable {
    /// The paths rendered from each share's source file.
    public var outputsBySource: [String: [String]]
    /// Landing pages of Enabled shares.
    public var pageCount: Int
    /// Disabled, gone and redirect stubs.
    public var stubCount: Int
    /// What every site path answers: the rules the maps were written from.
    public var routes: SiteRoutes
    /// Where each share's entry lies in `manifest.json` (by source file); empty when the
    /// manifest was not rendered.
    public var manifestEntries: [String: Range<Int>] = [:]
}
