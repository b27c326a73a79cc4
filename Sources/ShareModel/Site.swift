/// Publication channel of a share; each channel is built separately.
public enum Channel: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case DEV, STAGING, PROD

    public static func < (lhs: Channel, rhs: Channel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum ShareStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case enabled = "Enabled"
    case disabled = "Disabled"
}

public enum Visibility: String, Sendable, Hashable, CaseIterable, Codable {
    case `public`, `private`
}

public enum VideoStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case pending, processing, completed, failed
}

public enum RotationMode: String, Sendable, Hashable, CaseIterable, Codable {
    case gone, redirect
}

public enum AuditAction: String, Sendable, Hashable, CaseIterable, Codable {
    case created, updated, disabled, restored
    case slugRotated = "slug-rotated"
}

public enum CredentialStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active, revoked
}

/// How a share file is written; the Markdown body is the description.
public enum ShareFormat: String, Sendable, Hashable {
    case json, markdown
}

/// A part of a video file, in seconds.
public struct Segment: Sendable, Hashable {
    public var id: String?
    public var start: Double
    public var end: Double

    public init(id: String?, start: Double, end: Double) {
        self.id = id
        self.start = start
        self.end = end
    }

    /// Two segments are the same when their ids are equal, or, without ids, their bounds.
    public func isSame(as other: Segment) -> Bool {
        if let id, let otherID = other.id { return id == otherID }
        if id == nil, other.id == nil { return start == other.start && end == other.end }
        return false
    }
}

public struct Caption: Sendable, Hashable, Codable {
    public var locale: String
    public var label: String
    public var src: String

    public init(locale: String, label: String, src: String) {
        self.locale = locale
        self.label = label
        self.src = src
    }
}

public struct Video: Sendable, Hashable {
    public var id: String
    public var segment: Segment?
    public var visibility: Visibility
    public var status: VideoStatus
    public var hlsUrl: String?
    public var mp4Url: String?
    public var embedUrl: String?
    public var thumbnailUrl: String?
    public var captions: [Caption]
    public var width: Double?
    public var height: Double?
    public var durationSeconds: Double?

    public init(
        id: String, segment: Segment? = nil, visibility: Visibility = .public, status: VideoStatus = .completed,
        hlsUrl: String? = nil, mp4Url: String? = nil, embedUrl: String? = nil, thumbnailUrl: String? = nil,
        captions: [Caption] = [], width: Double? = nil, height: Double? = nil, durationSeconds: Double? = nil
    ) {
        self.id = id
        self.segment = segment
        self.visibility = visibility
        self.status = status
        self.hlsUrl = hlsUrl
        self.mp4Url = mp4Url
        self.embedUrl = embedUrl
        self.thumbnailUrl = thumbnailUrl
        self.captions = captions
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
    }
}

public struct PreviousSlug: Sendable, Hashable {
    public var slug: String
    public var rotatedAt: String
    public var rotatedBy: String
    public var mode: RotationMode

    public init(slug: String, rotatedAt: String, rotatedBy: String, mode: RotationMode) {
        self.slug = slug
        self.rotatedAt = rotatedAt
        self.rotatedBy = rotatedBy
        self.mode = mode
    }
}

public struct AuditEntry: Sendable, Hashable {
    public var action: AuditAction
    public var at: String
    public var by: String

    public init(action: AuditAction, at: String, by: String) {
        self.action = action
        self.at = at
        self.by = by
    }
}

/// A validated share definition. A value like any struct, kept in one shared box that is
/// copied only when written through (copy on write): a site's shares are copied between
/// the validator, the site and the renderer, and a copy of the fields themselves retained
/// some twenty strings each time and took 390 bytes (39 MB in a 100,000-share site).
public struct Share: Sendable {
    private struct Fields: Sendable {
        var project: String
        var channel: Channel
        var slug: String
        var status: ShareStatus
        var publicTitle: String
        var publicSubtitle: String?
        var locale: String
        var ctaLabel: String?
        var ctaUrl: String?
        var personalizationData: JSONValue?
        var apiCredentialId: String?
        var metadata: JSONValue?
        var description: String
        var video: Video
        var previousSlugs: [PreviousSlug]
        var audit: [AuditEntry]
        var sourceFile: String
        var format: ShareFormat
    }

    /// Written only while uniquely referenced (`unique()`), so sharing it across threads is safe.
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    public var project: String {
        get { storage.fields.project }
        set { unique().fields.project = newValue }
    }
    public var channel: Channel {
        get { storage.fields.channel }
        set { unique().fields.channel = newValue }
    }
    public var slug: String {
        get { storage.fields.slug }
        set { unique().fields.slug = newValue }
    }
    public var status: ShareStatus {
        get { storage.fields.status }
        set { unique().fields.status = newValue }
    }
    public var publicTitle: String {
        get { storage.fields.publicTitle }
        set { unique().fields.publicTitle = newValue }
    }
    public var publicSubtitle: String? {
        get { storage.fields.publicSubtitle }
        set { unique().fields.publicSubtitle = newValue }
    }
    /// The effective locale (the site default when the file names none).
    public var locale: String {
        get { storage.fields.locale }
        set { unique().fields.locale = newValue }
    }
    public var ctaLabel: String? {
        get { storage.fields.ctaLabel }
        set { unique().fields.ctaLabel = newValue }
    }
    public var ctaUrl: String? {
        get { storage.fields.ctaUrl }
        set { unique().fields.ctaUrl = newValue }
    }
    public var personalizationData: JSONValue? {
        get { storage.fields.personalizationData }
        set { unique().fields.personalizationData = newValue }
    }
    public var apiCredentialId: String? {
        get { storage.fields.apiCredentialId }
        set { unique().fields.apiCredentialId = newValue }
    }
    public var metadata: JSONValue? {
        get { storage.fields.metadata }
        set { unique().fields.metadata = newValue }
    }
    /// CommonMark source: the JSON `description` or the Markdown body.
    public var description: String {
        get { storage.fields.description }
        set { unique().fields.description = newValue }
    }
    public var video: Video {
        get { storage.fields.video }
        set { unique().fields.video = newValue }
    }
    public var previousSlugs: [PreviousSlug] {
        get { storage.fields.previousSlugs }
        set { unique().fields.previousSlugs = newValue }
    }
    public var audit: [AuditEntry] {
        get { storage.fields.audit }
        set { unique().fields.audit = newValue }
    }
    /// Path relative to the site root, e.g. `content/acme/shares/intro.md`.
    public var sourceFile: String {
        get { storage.fields.sourceFile }
        set { unique().fields.sourceFile = newValue }
    }
    public var format: ShareFormat {
        get { storage.fields.format }
        set { unique().fields.format = newValue }
    }

    /// The box, copied first if another value shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    public init(
        project: String, channel: Channel, slug: String, status: ShareStatus, publicTitle: String,
        publicSubtitle: String?, locale: String, ctaLabel: String?, ctaUrl: String?,
        personalizationData: JSONValue?, apiCredentialId: String?, metadata: JSONValue?,
        description: String, video: Video, previousSlugs: [PreviousSlug], audit: [AuditEntry],
        sourceFile: String, format: ShareFormat
    ) {
        storage = Storage(Fields(
            project: project, channel: channel, slug: slug, status: status, publicTitle: publicTitle, publicSubtitle: publicSubtitle,
            locale: locale, ctaLabel: ctaLabel, ctaUrl: ctaUrl, personalizationData: personalizationData, apiCredentialId: apiCredentialId,
            metadata: metadata, description: description, video: video, previousSlugs: previousSlugs, audit: audit,
            sourceFile: sourceFile, format: format))
    }

    /// The audit entry that created the share, if recorded.
    public var createdAt: String? { audit.first { $0.action == .created }?.at }
}

/// An API credential; only the hash of its secret is ever stored.
public struct Credential: Sendable, Hashable {
    public var id: String
    public var project: String
    public var name: String
    public var apiKey: String
    public var secretHash: String
    public var createdAt: String
    public var status: CredentialStatus
    public var revokedAt: String?
    public var revokedBy: String?
    public var sourceFile: String

    public init(
        id: String, project: String, name: String, apiKey: String, secretHash: String, createdAt: String,
        status: CredentialStatus, revokedAt: String? = nil, revokedBy: String? = nil, sourceFile: String
    ) {
        self.id = id
        self.project = project
        self.name = name
        self.apiKey = apiKey
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.status = status
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
        self.sourceFile = sourceFile
    }
}

public struct Project: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The site's brand with the project's keys applied; its name is the project's.
    public var brand: Brand

    public init(id: String, name: String, brand: Brand? = nil) {
        self.id = id
        self.name = name
        self.brand = brand ?? Brand(name: name)
    }
}

public struct SigningConfig: Sendable, Hashable {
    public var endpoint: String?
    public var mediaBaseURL: String?
    public var defaultTTLSeconds: Int
    public var maxTTLSeconds: Int

    public init(endpoint: String? = nil, mediaBaseURL: String? = nil, defaultTTLSeconds: Int = 300, maxTTLSeconds: Int = 3600) {
        self.endpoint = endpoint
        self.mediaBaseURL = mediaBaseURL
        self.defaultTTLSeconds = defaultTTLSeconds
        self.maxTTLSeconds = maxTTLSeconds
    }
}

/// `sharegen.json`, with defaults applied.
public struct SiteConfig: Sendable, Hashable {
    public var baseURLs: [Channel: String]
    public var defaultLocale: String
    public var siteName: String
    public var signing: SigningConfig
    /// The site's default brand (named `siteName`): the 404 page's, and every project's
    /// where its own `brand` is silent.
    public var brand: Brand

    init(baseURLs: [Channel: String], defaultLocale: String, siteName: String, signing: SigningConfig, brand: Brand? = nil) {
        self.baseURLs = baseURLs
        self.defaultLocale = defaultLocale
        self.siteName = siteName
        self.signing = signing
        self.brand = brand ?? Brand(name: siteName)
    }

    public static let defaultBaseURLs: [Channel: String] = [
        .PROD: "https://watch.example.com",
        .STAGING: "https://watch.staging.example.com",
        .DEV: "http://127.0.0.1:8080",
    ]

    public static let `default` = SiteConfig(
        baseURLs: defaultBaseURLs, defaultLocale: "en-US", siteName: "sharegen", signing: SigningConfig()
    )

    /// The channel's base URL without a trailing slash.
    public func baseURL(for channel: Channel) -> String {
        var url = baseURLs[channel] ?? SiteConfig.defaultBaseURLs[channel]!
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// The validated site: what every later stage consumes.
public struct Site: Sendable {
    public var config: SiteConfig
    public var projects: [Project]
    /// Sorted by channel, project, slug: a stable order for every output.
    public var shares: [Share]
    public var credentials: [Credential]

    public init(config: SiteConfig, projects: [Project], shares: [Share], credentials: [Credential]) {
        self.config = config
        self.projects = projects
        self.shares = shares
        self.credentials = credentials
    }

    /// The shares of `channel`, in order: a slice of `shares` when they are sorted as
    /// documented (no copy of thousands of shares), else a filtered copy.
    public func shares(in channel: Channel) -> ArraySlice<Share> {
        let start = shares.firstIndex { $0.channel == channel } ?? shares.endIndex
        let end = shares[start...].firstIndex { $0.channel != channel } ?? shares.endIndex
        guard !shares[end...].contains(where: { $0.channel == channel }) else { return shares.filter { $0.channel == channel }[...] }
        return shares[start..<end]
    }
}
