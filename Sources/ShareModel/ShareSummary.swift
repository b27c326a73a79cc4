/// One share as the listings of `sharegen list` and `sharegen diff` show it.
public struct ShareSummary: Sendable, Hashable {
    public var project: String
    public var channel: Channel
    public var visibility: Visibility
    public var status: ShareStatus
    public var slug: String
    /// The page URL on the channel's base URL.
    public var url: String
    public var title: String
    /// The share file, relative to the site root.
    public var file: String

    public init(_ share: Share, url: String) {
        project = share.project
        channel = share.channel
        visibility = share.video.visibility
        status = share.status
        slug = share.slug
        self.url = url
        title = share.publicTitle
        file = share.sourceFile
    }
}
