import ShareLoader
import ShareModel
import ShareValidator

extension ShareSummary {
    /// The entry as `list --json` prints it.
    public var listJSON: JSONValue {
        .object([
            ("project", .string(project)), ("channel", .string(channel.rawValue)), ("visibility", .string(visibility.rawValue)),
            ("status", .string(status.rawValue)), ("slug", .string(slug)), ("url", .string(url)), ("file", .string(file)),
        ])
    }
}

/// The shares and credentials of a site, for `list` and `credentials list`. Files with
/// errors are left out; `errorCount` says how many errors the site has.
public struct SiteListing: Sendable {
    public var shares: [ShareSummary]
    public var credentials: [Credential]
    public var errorCount: Int

    /// Reads and validates the site at `root`, keeping what matches the filters.
    public init(root: String, channel: Channel? = nil, project: String? = nil) {
        let result = SiteValidator().validate(SiteLoader(fileSystem: LocalFileSystem(), root: root).load())
        shares = result.site.shares
            .filter { (channel == nil || $0.channel == channel) && (project == nil || $0.project == project) }
            .map { share in
                ShareSummary(share, url: result.site.config.pageURL(of: share.slug, in: share.channel))
            }
            .sorted { ($0.project, $0.channel, $0.visibility.rawValue) < ($1.project, $1.channel, $1.visibility.rawValue) }
        credentials = result.site.credentials.filter { project == nil || $0.project == project }
            .sorted { ($0.project, $0.createdAt, $0.id) < ($1.project, $1.createdAt, $1.id) }
        errorCount = result.diagnostics.filter { $0.severity == .error }.count
    }
}
