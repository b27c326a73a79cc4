import ShareModel

/// The complete output of one channel, sorted by path.
public struct RenderedSite: Sendable {
    public var channel: Channel
    public var files: [OutputFile]
    /// Landing pages of Enabled shares.
    public var pageCount: Int
    /// Disabled, gone and redirect stubs.
    public var stubCount: Int
}
