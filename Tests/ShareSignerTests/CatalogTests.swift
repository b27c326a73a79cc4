import Foundation
import ShareModel
import Testing
@testable import ShareSigner

@Suite("Manifest validation")
struct CatalogTests {
    @Test("the fixture manifest loads; a private share's media folders are the ones its tokens cover")
    func loads() throws {
        let catalog = try Fixture.catalog()
        #expect(catalog.manifestVersion == 1)
        #expect(catalog.shareCount == 5)
        #expect(catalog.digest.count == 64)
        #expect(catalog.shares["acme-private"]?.document.signedDirectories == ["/videos/priv/"])
        #expect(catalog.shares["acme-public"]?.document.signedDirectories == [])
    }

    static let refusals: [(@Sendable (inout Manifest) -> Void, String)] = [
        ({ (m: inout Manifest) in m.version = 2 }, "unsupported manifest version 2"),
        ({ (m: inout Manifest) in m.signing.defaultTTLSeconds = 0 }, "defaultTTLSeconds (0) must be at least 1"),
        ({ (m: inout Manifest) in m.signing.maxTTLSeconds = 60 }, "at most maxTTLSeconds (60)"),
        ({ (m: inout Manifest) in m.signing.mediaBaseURL = "ftp://media.test" }, "is not an absolute http(s) URL"),
        ({ (m: inout Manifest) in m.signing.mediaBaseURL = nil }, "is not under signing.mediaBaseURL"),
        ({ (m: inout Manifest) in m.shares[1].video.hlsUrl = "https://elsewhere.test/a/index.m3u8" }, "private share acme-private (content/acme/shares/acme-private.json): https://elsewhere.test/a/index.m3u8 is not under"),
        ({ (m: inout Manifest) in m.shares[1].video.mp4Url = "https://media.test/videos/priv/../x/a.mp4" }, "has dot segments"),
        ({ (m: inout Manifest) in m.shares[2].slug = "acme-public" }, #"slug "acme-public" names two shares"#),
        ({ (m: inout Manifest) in m.gone[0].slug = "acme-public" }, #"slug "acme-public" is listed twice"#),
        ({ (m: inout Manifest) in m.credentials[0].secretHash = "sha256:ABC" }, "secretHash must be"),
        ({ (m: inout Manifest) in m.credentials[0].secretHash = "sha256:" + String(repeating: "A", count: 64) }, "secretHash must be"),
        ({ (m: inout Manifest) in m.credentials[1].apiKey = "pk_acme" }, "also another credential's"),
    ]

    @Test("manifests the signer refuses, and the message that says why", arguments: refusals)
    func refused(change: @Sendable (inout Manifest) -> Void, message: String) {
        var manifest = Fixture.manifest()
        change(&manifest)
        #expect {
            try Fixture.catalog(manifest)
        } throws: { error in
            (error as? ManifestError)?.message.contains(message) == true
        }
    }

    @Test("bytes that are not a manifest", arguments: [
        ("", "not valid JSON"), ("[]", "the top level"), (#"{"version": 1}"#, "channel: missing"),
        (#"{"version": "1"}"#, "version:"),
    ])
    func notAManifest(text: String, message: String) {
        #expect {
            try SignerCatalog(bytes: Array(text.utf8))
        } throws: { error in
            (error as? ManifestError)?.message.contains(message) == true
        }
    }

    @Test("a private poster outside the media base passes through unsigned")
    func publicPoster() throws {
        var manifest = Fixture.manifest()
        manifest.shares[1].video.thumbnailUrl = "https://cdn.test/poster.jpg"
        let catalog = try Fixture.catalog(manifest)
        let body = try #require(catalog.shares["acme-private"]).document.render(keys: Fixture.keys, expires: 1)
        #expect(body.contains(#""thumbnailUrl":"https://cdn.test/poster.jpg""#))
    }

    @Test("the media base may have a path: tokens go after it and sign the media URL's whole path")
    func basePath() throws {
        var manifest = Fixture.manifest()
        manifest.signing.mediaBaseURL = "https://media.test/cdn/"
        for index in manifest.shares.indices where manifest.shares[index].visibility == .private {
            for keyPath in [\Manifest.Video.hlsUrl, \.mp4Url, \.thumbnailUrl] {
                manifest.shares[index].video[keyPath: keyPath] = manifest.shares[index].video[keyPath: keyPath]?
                    .replacingOccurrences(of: "https://media.test/", with: "https://media.test/cdn/")
            }
        }
        let catalog = try Fixture.catalog(manifest)
        let body = try #require(catalog.shares["acme-private"]).document.render(keys: Fixture.keys, expires: Fixture.now)
        let signature = MediaToken.signature(key: Fixture.activeKey, expires: Fixture.now, slug: "acme-private", directory: "/cdn/videos/priv/")
        #expect(body.contains(#""hlsUrl":"https://media.test/cdn/t/\#(Fixture.now)/k1/acme-private/\#(signature)/cdn/videos/priv/index.m3u8""#))
        let uri = "/cdn/t/\(Fixture.now)/k1/acme-private/\(signature)/cdn/videos/priv/seg-1.ts?x=1"
        #expect(catalog.rejection(ofOriginalURI: uri, keys: Fixture.keys, now: Fixture.now, leeway: 0) == nil)
        // An edge that strips the base's path before asking is understood too.
        #expect(catalog.rejection(ofOriginalURI: String(uri.dropFirst(4)), keys: Fixture.keys, now: Fixture.now, leeway: 0) == nil)
    }
}
