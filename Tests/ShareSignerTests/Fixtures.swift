import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import ShareModel
import Testing
@testable import ShareSigner

/// A small site's manifest, credentials and keys, built in code: the example content's secrets
/// are stored nowhere, so tests make their own.
enum Fixture {
    /// 2026-01-01T00:00:00Z: the routes' clock in router tests.
    static let now: Int64 = 1_767_225_600
    static let mediaBase = "https://media.test"

    /// `k1` (bytes 0…31) signs; `k0` (bytes 100…131) is an older key that still verifies.
    static let keysJSON = #"""
        {"active": "k1", "keys": {"k1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                                   "k0": "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="}}
        """#
    static let keys = try! SigningKeySet(json: Array(keysJSON.utf8))
    /// `k1`'s bytes, to compute expected signatures apart from the key set.
    static let activeKey = SymmetricKey(data: Array(0..<32 as Range<UInt8>))
    static let oldKeyOnly = try! SigningKeySet(json: Array(#"{"active": "k0", "keys": {"k0": "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="}}"#.utf8))

    struct Caller: Sendable {
        var apiKey: String
        var secret: String
        var project: String
        var status: CredentialStatus

        var apiKeyHeader: HTTPFields { [Authentication.apiKeyHeader: secret] }
        var basicHeader: HTTPFields { [.authorization: "Basic " + Data("\(apiKey):\(secret)".utf8).base64EncodedString()] }
    }

    static let acme = Caller(apiKey: "pk_acme", secret: "sk_acme_secret", project: "acme", status: .active)
    static let revoked = Caller(apiKey: "pk_acme_old", secret: "sk_acme_revoked", project: "acme", status: .revoked)
    static let other = Caller(apiKey: "pk_other", secret: "sk_other_secret", project: "other", status: .active)

    /// `sha256:` and the lowercase hex SHA-256 of the secret, as `sharegen credentials` stores it.
    static func secretHash(_ secret: String) -> String {
        "sha256:" + SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func video(_ id: String, directory: String?, status: VideoStatus = .completed, segment: Manifest.Segment? = nil) -> Manifest.Video {
        let base = directory.map { "\(mediaBase)/videos/\($0)/" } ?? "https://cdn.test/videos/\(id)/"
        return Manifest.Video(
            id: id, segment: segment, status: status, hlsUrl: base + "index.m3u8", mp4Url: base + "720p.mp4", thumbnailUrl: base + "poster.jpg")
    }

    static func share(_ slug: String, project: String = "acme", visibility: Visibility, status: ShareStatus = .enabled, video: Manifest.Video) -> Manifest.Share {
        Manifest.Share(
            id: "id-\(slug)", project: project, slug: slug, path: "/\(slug)/", url: "https://watch.test/\(slug)/", status: status,
            visibility: visibility, video: video, locale: "en-US", title: "Title of \(slug)", description: "About *\(slug)*.\n",
            metadata: .object([("campaign", .string("spring"))]), createdAt: "2026-01-01T00:00:00Z", sourceFile: "content/\(project)/shares/\(slug).json")
    }

    /// Shares of every kind the routes tell apart; `disabled` lists slugs to disable.
    static func manifest(disabled: Set<String> = [], signing: SigningConfig = SigningConfig(mediaBaseURL: mediaBase, defaultTTLSeconds: 300, maxTTLSeconds: 3600)) -> Manifest {
        var shares = [
            share("acme-public", visibility: .public, video: video("vid-public", directory: nil)),
            share("acme-private", visibility: .private, video: video("vid-private", directory: "priv", segment: .init(id: "intro", start: 0, end: 10))),
            share("acme-private-off", visibility: .private, status: .disabled, video: video("vid-off", directory: "off")),
            share("acme-processing", visibility: .public, video: video("vid-processing", directory: nil, status: .processing)),
            share("other-private", project: "other", visibility: .private, video: video("vid-other", directory: "other")),
        ]
        for index in shares.indices where disabled.contains(shares[index].slug) { shares[index].status = .disabled }
        return Manifest(
            channel: .PROD, baseURL: "https://watch.test", siteName: "Test", signing: Manifest.Signing(signing), shares: shares,
            redirects: [Manifest.Redirect(from: "acme-moved", to: "acme-private", project: "acme")],
            gone: [Manifest.Gone(slug: "acme-gone", project: "acme")],
            credentials: [acme, revoked, other].enumerated().map { index, caller in
                Manifest.Credential(id: "cred-\(index)", project: caller.project, apiKey: caller.apiKey, secretHash: secretHash(caller.secret), status: caller.status)
            })
    }

    static func bytes(_ manifest: Manifest) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try! encoder.encode(manifest))
    }

    static func catalog(_ manifest: Manifest = manifest()) throws -> SignerCatalog {
        try SignerCatalog(bytes: bytes(manifest))
    }

    /// A token of `keys`' active key for share `slug`'s media path, valid until `expires`.
    static func tokenURI(
        _ mediaPath: String, slug: String = "acme-private", directory: String? = nil, expires: Int64 = now + 300, keys: SigningKeySet = keys
    ) -> String {
        keys.token(slug: slug, mediaPath: mediaPath, expires: expires, directory: directory).path
    }
}

/// A catalog that never changes, for router tests.
struct FixedCatalog: SignerCatalogProvider {
    let catalog: SignerCatalog
}

/// The routes on a bare router, with the fixture's keys and a fixed clock.
func withSignerRouter(
    _ catalog: SignerCatalog? = nil, bodyLimit: Int = 1024, now: Int64 = Fixture.now,
    _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let router = Router()
    SignerRoutes.add(
        to: router, catalog: FixedCatalog(catalog: try catalog ?? Fixture.catalog()), keys: Fixture.keys,
        options: .init(bodyLimit: bodyLimit, now: { now }))
    try await Application(router: router).test(.router, test)
}

extension TestResponse {
    /// The body as a JSON object.
    var object: [String: Any] {
        get throws {
            try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        }
    }

    /// `error.code` of an error body.
    var errorCode: String? {
        ((try? object)?["error"] as? [String: Any])?["code"] as? String
    }
}
