/// `dist/manifest.json`: everything the signer needs about one built channel, and
/// nothing it does not. Version 1 of the format.
public struct Manifest: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var channel: Channel
    var baseURL: String
    public var siteName: String
    public var signing: Signing
    public var shares: [Share]
    public var redirects: [Redirect]
    public var gone: [Gone]
    public var credentials: [Credential]

    public init(
        channel: Channel, baseURL: String, siteName: String, signing: Signing, shares: [Share],
        redirects: [Redirect], gone: [Gone], credentials: [Credential]
    ) {
        version = Manifest.currentVersion
        self.channel = channel
        self.baseURL = baseURL
        self.siteName = siteName
        self.signing = signing
        self.shares = shares
        self.redirects = redirects
        self.gone = gone
        self.credentials = credentials
    }

    public struct Signing: Codable, Sendable, Equatable {
        var endpoint: String?
        public var mediaBaseURL: String?
        public var defaultTTLSeconds: Int
        public var maxTTLSeconds: Int

        public init(_ config: SigningConfig) {
            endpoint = config.endpoint
            mediaBaseURL = config.mediaBaseURL
            defaultTTLSeconds = config.defaultTTLSeconds
            maxTTLSeconds = config.maxTTLSeconds
        }
    }

    public struct Segment: Codable, Sendable, Equatable {
        public var id: String?
        public var start: Double
        var end: Double

        public init(id: String? = nil, start: Double, end: Double) {
            self.id = id
            self.start = start
            self.end = end
        }
    }

    public struct Video: Codable, Sendable, Equatable {
        public var id: String
        public var segment: Segment?
        public var status: VideoStatus
        public var hlsUrl: String?
        public var mp4Url: String?
        var embedUrl: String?
        public var thumbnailUrl: String?
        /// WebVTT tracks, in the share file's order; absent when there are none. The signer
        /// signs a private share's.
        public var captions: [Caption]?
        var durationSeconds: Double?
        var width: Double?
        var height: Double?

        public init(id: String, segment: Segment? = nil, status: VideoStatus, hlsUrl: String? = nil, mp4Url: String? = nil, embedUrl: String? = nil, thumbnailUrl: String? = nil, captions: [Caption]? = nil, durationSeconds: Double? = nil, width: Double? = nil, height: Double? = nil) {
            self.captions = captions
            self.id = id
            self.segment = segment
            self.status = status
            self.hlsUrl = hlsUrl
            self.mp4Url = mp4Url
            self.embedUrl = embedUrl
            self.thumbnailUrl = thumbnailUrl
            self.durationSeconds = durationSeconds
            self.width = width
            self.height = height
        }
    }

    public struct Share: Codable, Sendable, Equatable {
        /// Stable across slug rotations: derived from project, channel and visibility.
        public var id: String
        public var project: String
        public var slug: String
        /// `/<slug>/`, under the base URL's path.
        public var path: String
        public var url: String
        public var status: ShareStatus
        public var visibility: Visibility
        public var video: Video
        var apiCredentialId: String?
        var locale: String
        public var title: String
        var subtitle: String?
        /// CommonMark source of the description.
        public var description: String
        public var metadata: JSONValue?
        public var personalizationData: JSONValue?
        public var createdAt: String?
        public var sourceFile: String

        public init(id: String, project: String, slug: String, path: String, url: String, status: ShareStatus, visibility: Visibility, video: Video, apiCredentialId: String? = nil, locale: String, title: String, subtitle: String? = nil, description: String, metadata: JSONValue? = nil, personalizationData: JSONValue? = nil, createdAt: String? = nil, sourceFile: String) {
            self.id = id
            self.project = project
            self.slug = slug
            self.path = path
            self.url = url
            self.status = status
            self.visibility = visibility
            self.video = video
            self.apiCredentialId = apiCredentialId
            self.locale = locale
            self.title = title
            self.subtitle = subtitle
            self.description = description
            self.metadata = metadata
            self.personalizationData = personalizationData
            self.createdAt = createdAt
            self.sourceFile = sourceFile
        }
    }

    /// A rotated slug that redirects (301) to the share's current slug.
    public struct Redirect: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var project: String

        public init(from: String, to: String, project: String) {
            self.from = from
            self.to = to
            self.project = project
        }
    }

    /// A rotated slug that answers 410.
    public struct Gone: Codable, Sendable, Equatable {
        public var slug: String
        public var project: String

        public init(slug: String, project: String) {
            self.slug = slug
            self.project = project
        }
    }

    public struct Credential: Codable, Sendable, Equatable {
        public var id: String
        public var project: String
        public var apiKey: String
        public var secretHash: String
        public var status: CredentialStatus

        public init(id: String, project: String, apiKey: String, secretHash: String, status: CredentialStatus) {
            self.id = id
            self.project = project
            self.apiKey = apiKey
            self.secretHash = secretHash
            self.status = status
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else {
            let object = try decoder.container(keyedBy: AnyKey.self)
            self = .object(try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map { ($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let literal):
            var container = encoder.singleValueContainer()
            try container.encode(Double(literal) ?? 0)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in members { try container.encode(value, forKey: AnyKey(key)) }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Manifest {
    /// The manifest as JSON with every object's keys in ascending order (nested data
    /// included) and absent optionals left out: the document `JSONEncoder` with
    /// `.sortedKeys` writes, built directly (the encoder was a tenth of a 10,000-share
    /// build's CPU). Members are listed in key order here, so no second sorted copy of
    /// the tree is made (it was the build's peak memory).
    public var json: JSONValue {
        .object([
            ("baseURL", .string(baseURL)), ("channel", .string(channel.rawValue)), ("credentials", .array(credentials.map(\.json))),
            ("gone", .array(gone.map(\.json))), ("redirects", .array(redirects.map(\.json))), ("shares", .array(shares.parallelMap(\.json))),
            ("signing", signing.json), ("siteName", .string(siteName)), ("version", .number(version)),
        ])
    }
}

extension Manifest.Signing {
    var json: JSONValue {
        .compactObject([
            ("defaultTTLSeconds", .number(defaultTTLSeconds)), ("endpoint", endpoint.map(JSONValue.string)),
            ("maxTTLSeconds", .number(maxTTLSeconds)), ("mediaBaseURL", mediaBaseURL.map(JSONValue.string)),
        ])
    }
}

extension Manifest.Share {
    /// The entry as `manifest.json` writes it.
    public var json: JSONValue {
        let video: JSONValue = .compactObject([
            ("captions", video.captions.map { .array($0.map { .object([("label", .string($0.label)), ("locale", .string($0.locale)), ("src", .string($0.src))]) }) }),
            ("durationSeconds", video.durationSeconds.map(JSONValue.number)), ("embedUrl", video.embedUrl.map(JSONValue.string)),
            ("height", video.height.map(JSONValue.number)), ("hlsUrl", video.hlsUrl.map(JSONValue.string)), ("id", .string(video.id)),
            ("mp4Url", video.mp4Url.map(JSONValue.string)),
            ("segment", video.segment.map { .compactObject([("end", .number($0.end)), ("id", $0.id.map(JSONValue.string)), ("start", .number($0.start))]) }),
            ("status", .string(video.status.rawValue)), ("thumbnailUrl", video.thumbnailUrl.map(JSONValue.string)),
            ("width", video.width.map(JSONValue.number)),
        ])
        return .compactObject([
            ("apiCredentialId", apiCredentialId.map(JSONValue.string)), ("createdAt", createdAt.map(JSONValue.string)),
            ("description", .string(description)), ("id", .string(id)), ("locale", .string(locale)), ("metadata", metadata?.sortingKeys()),
            ("path", .string(path)), ("personalizationData", personalizationData?.sortingKeys()), ("project", .string(project)),
            ("slug", .string(slug)), ("sourceFile", .string(sourceFile)), ("status", .string(status.rawValue)),
            ("subtitle", subtitle.map(JSONValue.string)), ("title", .string(title)), ("url", .string(url)), ("video", video),
            ("visibility", .string(visibility.rawValue)),
        ])
    }
}

extension Manifest.Redirect {
    var json: JSONValue { .object([("from", .string(from)), ("project", .string(project)), ("to", .string(to))]) }
}

extension Manifest.Gone {
    var json: JSONValue { .object([("project", .string(project)), ("slug", .string(slug))]) }
}

extension Manifest.Credential {
    var json: JSONValue {
        .object([("apiKey", .string(apiKey)), ("id", .string(id)), ("project", .string(project)), ("secretHash", .string(secretHash)), ("status", .string(status.rawValue))])
    }
}

extension JSONValue {
    /// The same value with the keys of every object, at every depth, in ascending order.
    func sortingKeys() -> JSONValue {
        switch self {
        case .object(let members): .object(members.map { ($0.0, $0.1.sortingKeys()) }.sorted { $0.0 < $1.0 })
        case .array(let elements): .array(elements.map { $0.sortingKeys() })
        default: self
        }
    }
}
