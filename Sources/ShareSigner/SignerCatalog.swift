import Crypto
import Foundation
import ShareModel

/// A validated `manifest.json`, indexed for the signer's routes. Immutable: a reload builds a
/// new catalog and swaps it in whole, so a request sees one manifest from start to end.
/// Everything a request needs that does not depend on the clock or the key is computed here,
/// once per load, rather than per request.
public final class SignerCatalog: Sendable {
    /// The manifest's format version (`"version"`).
    public let manifestVersion: Int
    /// Hex SHA-256 of the manifest file, to tell which one a signer serves.
    public let digest: String
    public let channel: Channel
    /// Number of shares in the manifest, Enabled or Disabled.
    public let shareCount: Int
    let defaultTTL: Int64
    let maxTTL: Int64
    let mediaBase: MediaBase?
    /// Current slug → share.
    let shares: [String: CatalogShare]
    /// Slugs rotated away → their project (and the current slug, for redirect rotations).
    let rotatedSlugs: [String: (project: String, redirectsTo: String?)]
    /// Upstream video id → the shares of it, every project.
    let sharesByVideo: [String: [CatalogShare]]
    let credentialsByAPIKey: [String: CatalogCredential]
    let credentialsBySecret: [SecretDigest: CatalogCredential]

    /// Decodes and validates manifest bytes.
    public convenience init(bytes: [UInt8]) throws(ManifestError) {
        struct Versioned: Decodable { var version: Int }
        let manifest: Manifest
        do {
            // The version first: a future format should be reported as such, not as a misfit.
            let version = try JSONDecoder().decode(Versioned.self, from: Data(bytes)).version
            guard version == Manifest.currentVersion else { throw ManifestError.unsupported(version) }
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch let error as ManifestError {
            throw error
        } catch let error as DecodingError {
            throw ManifestError(ManifestError.describe(error))
        } catch {
            throw ManifestError("not valid JSON: \(error)")
        }
        let digest = lowercaseHex(SHA256.hash(data: bytes))
        try self.init(manifest: manifest, digest: digest)
    }

    /// Validates a manifest already in memory (the preview server builds one without a file).
    public init(manifest: Manifest, digest: String) throws(ManifestError) {
        guard manifest.version == Manifest.currentVersion else { throw ManifestError.unsupported(manifest.version) }
        let signing = manifest.signing
        guard signing.defaultTTLSeconds >= 1, signing.maxTTLSeconds >= signing.defaultTTLSeconds else {
            throw ManifestError("signing: defaultTTLSeconds (\(signing.defaultTTLSeconds)) must be at least 1 and at most maxTTLSeconds (\(signing.maxTTLSeconds))")
        }
        let mediaBase = try signing.mediaBaseURL.map { url throws(ManifestError) in
            guard let base = MediaBase(url) else { throw ManifestError("signing.mediaBaseURL \"\(url)\" is not an absolute http(s) URL without query") }
            return base
        }
        manifestVersion = manifest.version
        self.digest = digest
        channel = manifest.channel
        shareCount = manifest.shares.count
        defaultTTL = Int64(signing.defaultTTLSeconds)
        maxTTL = Int64(signing.maxTTLSeconds)
        self.mediaBase = mediaBase

        var shares: [String: CatalogShare] = [:]
        var sharesByVideo: [String: [CatalogShare]] = [:]
        for share in manifest.shares {
            let entry = try CatalogShare(share, mediaBase: mediaBase)
            guard shares.updateValue(entry, forKey: share.slug) == nil else {
                throw ManifestError("slug \"\(share.slug)\" names two shares")
            }
            sharesByVideo[share.video.id, default: []].append(entry)
        }
        var rotatedSlugs: [String: (project: String, redirectsTo: String?)] = [:]
        let rotations = manifest.gone.map { ($0.slug, $0.project, String?.none) } + manifest.redirects.map { ($0.from, $0.project, Optional($0.to)) }
        for (slug, project, target) in rotations {
            guard shares[slug] == nil, rotatedSlugs.updateValue((project, target), forKey: slug) == nil else {
                throw ManifestError("slug \"\(slug)\" is listed twice among shares, redirects and gone slugs")
            }
        }
        var byAPIKey: [String: CatalogCredential] = [:]
        var bySecret: [SecretDigest: CatalogCredential] = [:]
        for credential in manifest.credentials {
            guard let secret = SecretDigest(storedHash: credential.secretHash) else {
                throw ManifestError("credential \(credential.id): secretHash must be \"sha256:\" and 64 lowercase hex digits")
            }
            let entry = CatalogCredential(id: credential.id, project: credential.project, status: credential.status, secret: secret)
            guard byAPIKey.updateValue(entry, forKey: credential.apiKey) == nil, bySecret.updateValue(entry, forKey: secret) == nil else {
                throw ManifestError("credential \(credential.id): its apiKey or secret is also another credential's")
            }
        }
        self.shares = shares
        self.rotatedSlugs = rotatedSlugs
        self.sharesByVideo = sharesByVideo
        credentialsByAPIKey = byAPIKey
        credentialsBySecret = bySecret
    }
}

/// Why a manifest was refused.
public struct ManifestError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func unsupported(_ version: Int) -> ManifestError {
        ManifestError("unsupported manifest version \(version) (this signer reads version \(Manifest.currentVersion))")
    }

    /// Where the JSON does not fit the manifest format, as a path like `shares[2].video.status`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON"
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        @unknown default:
            return "not a manifest"
        }
    }
}

/// A share as the routes need it.
final class CatalogShare: Sendable {
    let project: String
    let slug: String
    let status: ShareStatus
    let visibility: Visibility
    let videoStatus: VideoStatus
    let document: ShareDocument

    init(_ share: Manifest.Share, mediaBase: MediaBase?) throws(ManifestError) {
        project = share.project
        slug = share.slug
        status = share.status
        visibility = share.visibility
        videoStatus = share.video.status
        document = try ShareDocument(share, mediaBase: mediaBase)
    }
}

/// An API credential: who it belongs to and the SHA-256 of its secret.
struct CatalogCredential: Sendable {
    let id: String
    let project: String
    let status: CredentialStatus
    let secret: SecretDigest
}

/// A SHA-256 digest held in four words: hashable without allocating, and comparable in
/// constant time.
struct SecretDigest: Hashable, Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    private init(_ bytes: UnsafeRawBufferPointer) {
        words = (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// The digest of a secret as the caller sent it.
    init(secret: some StringProtocol) {
        self = SHA256.hash(data: Array(secret.utf8)).withUnsafeBytes(SecretDigest.init)
    }

    /// Parses `sha256:<64 lowercase hex>`, the stored form.
    init?(storedHash: String) {
        let prefix = "sha256:"
        let lowercaseHex = Array("0123456789abcdef".utf8)
        guard storedHash.hasPrefix(prefix) else { return nil }
        let nibbles = storedHash.utf8.dropFirst(prefix.utf8.count).compactMap { lowercaseHex.firstIndex(of: $0) }
        guard nibbles.count == 64, storedHash.utf8.count == prefix.utf8.count + 64 else { return nil }
        let bytes = stride(from: 0, to: 64, by: 2).map { UInt8(nibbles[$0] << 4 | nibbles[$0 + 1]) }
        self = bytes.withUnsafeBytes(SecretDigest.init)
    }

    /// Equality that inspects every word whatever the first difference.
    func matches(_ other: SecretDigest) -> Bool {
        ((words.0 ^ other.words.0) | (words.1 ^ other.words.1) | (words.2 ^ other.words.2) | (words.3 ^ other.words.3)) == 0
    }

    static func == (lhs: SecretDigest, rhs: SecretDigest) -> Bool { lhs.matches(rhs) }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

/// `signing.mediaBaseURL`, split for signing and for reading tokens back.
struct MediaBase: Sendable {
    /// The base URL without a trailing slash.
    let url: String
    /// `scheme://host[:port]`.
    let origin: String
    /// The base URL's path without a trailing slash: "" or e.g. `/cdn`.
    let pathPrefix: String

    init?(_ text: String) {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        guard url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains("?"), !url.contains("#"),
              let schemeEnd = url.range(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" }
        guard !authority.isEmpty else { return nil }
        self.url = url
        origin = String(url[..<authority.endIndex])
        pathPrefix = String(url[authority.endIndex...])
    }

    /// The path, query and fragment of a media URL that lies under this base, else nil.
    func mediaReference(of mediaURL: String) -> Substring? {
        guard mediaURL.hasPrefix(url + "/") else { return nil }
        return mediaURL.dropFirst(origin.count)
    }
}
