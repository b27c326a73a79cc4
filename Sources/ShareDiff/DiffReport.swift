import ShareModel

/// What a slug's URL answers once a channel is built and published (SPEC §4).
public enum URLAnswer: Sendable, Hashable {
    /// 200: the page of an Enabled share.
    case page
    /// 404 with the deactivation stub of a Disabled share.
    case disabled
    /// 301 to this absolute URL: a slug rotated with `--redirect`.
    case redirect(String)
    /// 410: a slug rotated away (mode `gone`).
    case gone
    /// 404: a slug the channel does not know.
    case unknown

    public var statusCode: Int {
        switch self {
        case .page: return 200
        case .redirect: return 301
        case .disabled, .unknown: return 404
        case .gone: return 410
        }
    }

    /// A stable name for machine-readable output.
    public var kind: String {
        switch self {
        case .page: return "page"
        case .disabled: return "disabled"
        case .redirect: return "redirect"
        case .gone: return "gone"
        case .unknown: return "unknown"
        }
    }

    /// Where a redirect leads.
    public var location: String? {
        if case .redirect(let url) = self { return url }
        return nil
    }
}

/// A URL whose answer differs between the ref and the working tree.
public struct URLChange: Sendable, Hashable {
    public var channel: Channel
    public var slug: String
    /// The URL on the channel's base URL at the ref.
    public var url: String
    public var before: URLAnswer
    public var after: URLAnswer
}

/// A share that appears, disappears or changes status.
public struct ShareChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case added, removed, disabled, restored
    }

    public var kind: Kind
    /// The share in the working tree, or at the ref for `removed`.
    public var share: ShareSummary
}

/// A slug rotated by `sharegen rotate-slug` since the ref.
public struct SlugRotation: Sendable, Hashable {
    public var share: ShareSummary
    public var from: String
    public var to: String
    public var mode: RotationMode
    /// The rotated-away URL (on the channel's base URL) and the URL it gave way to.
    public var fromURL: String
    public var toURL: String
}

/// A field of a share whose value changed; nil when the field is absent.
public struct FieldChange: Sendable, Hashable {
    public var share: ShareSummary
    /// The field's name in share files, e.g. `publicTitle` or `video.visibility`.
    public var field: String
    public var before: String?
    public var after: String?
}

/// An API credential that was created, revoked or deleted.
public struct CredentialChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case created, revoked, removed
    }

    public var kind: Kind
    public var id: String
    public var project: String
    public var name: String
    public var file: String
}

/// Everything `sharegen diff` reports, in output order. Lists are sorted by channel,
/// project and slug (credentials by project and id), so output is stable.
public struct DiffReport: Sendable {
    /// The ref as the user gave it.
    public var ref: String
    /// The channels compared.
    public var channels: [Channel]
    /// False when the working tree itself is invalid: then `diagnostics` holds its
    /// problems and nothing was compared.
    public var workingTreeIsValid: Bool
    /// Errors in the site at the ref; what it rejects is compared as if absent.
    public var baseErrorCount: Int
    public var urlChanges: [URLChange]
    public var shareChanges: [ShareChange]
    public var rotations: [SlugRotation]
    public var fieldChanges: [FieldChange]
    public var credentialChanges: [CredentialChange]
    /// Changes that break the contract (errors), sorted for output.
    public var diagnostics: [Diagnostic]

    public init(
        ref: String, channels: [Channel], workingTreeIsValid: Bool = true, baseErrorCount: Int = 0,
        urlChanges: [URLChange] = [], shareChanges: [ShareChange] = [], rotations: [SlugRotation] = [],
        fieldChanges: [FieldChange] = [], credentialChanges: [CredentialChange] = [], diagnostics: [Diagnostic] = []
    ) {
        self.ref = ref
        self.channels = channels
        self.workingTreeIsValid = workingTreeIsValid
        self.baseErrorCount = baseErrorCount
        self.urlChanges = urlChanges
        self.shareChanges = shareChanges
        self.rotations = rotations
        self.fieldChanges = fieldChanges
        self.credentialChanges = credentialChanges
        self.diagnostics = diagnostics
    }

    /// URLs that answered 200 at the ref and will not.
    public var stoppedURLs: [URLChange] { urlChanges.filter { $0.before == .page } }

    /// The command fails when this is true.
    public var hasErrors: Bool { diagnostics.hasErrors }
}
