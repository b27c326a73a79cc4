import Crypto
import Foundation
import Testing
@testable import ShareSigner

@Suite("Media tokens and keys")
struct TokenTests {
    /// Computed independently:
    ///
    ///     python3 -c 'import hmac, hashlib, base64; print(base64.urlsafe_b64encode(hmac.new(bytes(range(32)),
    ///         b"1767225600:acme-private:/videos/priv/", hashlib.sha256).digest()).rstrip(b"=").decode())'
    @Test("the signature matches an HMAC-SHA256 vector computed with Python")
    func knownVector() {
        let key = SymmetricKey(data: Array(0..<32 as Range<UInt8>))
        #expect(MediaToken.signature(key: key, expires: 1_767_225_600, slug: "acme-private", directory: "/videos/priv/") == "32ccWgpavsRrK4prMFFFHi7rhveBrF63RuWNSL2p1k8")
        #expect(MediaToken.signature(key: key, expires: 1_767_225_900, slug: "acme-private", directory: "/videos/priv/") == "vXaFjo2kYez72OHxS8uZPzFLoSi674AZBQhVHLSfhLY")
    }

    @Test("a token is /t/<expires>/<keyId>/<slug>/<signature><mediaPath>, signed over its slug and directory")
    func exactFormat() throws {
        let token = Fixture.keys.token(slug: "acme-private", mediaPath: "/videos/priv/index.m3u8", expires: 1_767_225_600)
        #expect(token.path == "/t/1767225600/k1/acme-private/32ccWgpavsRrK4prMFFFHi7rhveBrF63RuWNSL2p1k8/videos/priv/index.m3u8")
        // Every file of the directory shares the signature, so HLS segments inherit the playlist's token.
        #expect(Fixture.keys.token(slug: "acme-private", mediaPath: "/videos/priv/seg-001.ts", expires: 1_767_225_600).signature == token.signature)
        #expect(Fixture.keys.token(slug: "acme-private", mediaPath: "/videos/other/index.m3u8", expires: 1_767_225_600).signature != token.signature)
        #expect(Fixture.keys.token(slug: "acme-renamed", mediaPath: "/videos/priv/index.m3u8", expires: 1_767_225_600).signature != token.signature)
        #expect(MediaToken(tokenPath: token.path[...]) == token)
        let pattern = try Regex(#"^/t/[0-9]+/[A-Za-z0-9_-]{1,64}/[a-z0-9-]{1,64}/[A-Za-z0-9_-]{43}/.*$"#)
        #expect(token.path.wholeMatch(of: pattern) != nil)
    }

    @Test("directory is the media path up to and including its last slash; candidates are every ancestor, deepest first")
    func directories() {
        #expect(MediaToken.directory(of: "/a/b/c.ts") == "/a/b/")
        #expect(MediaToken.directory(of: "/c.ts") == "/")
        #expect(MediaToken.directory(of: "/a/b/") == "/a/b/")
        let token = MediaToken(expires: 1, keyID: "k1", slug: "s", signature: "", mediaPath: "/a/b/c.ts")
        #expect(token.candidateDirectories == ["/a/b/", "/a/", "/"])
    }

    static let signature = "32ccWgpavsRrK4prMFFFHi7rhveBrF63RuWNSL2p1k8"

    @Test("malformed token paths are refused", arguments: [
        "/t/1767225600/k1/acme-private/\(TokenTests.signature)",  // no media path
        "/t/1767225600/k1/\(TokenTests.signature)/v/a.ts",  // no slug
        "/t/abc/k1/acme-private/\(TokenTests.signature)/v/a.ts",  // expires not digits
        "/t/1234567890123/k1/acme-private/\(TokenTests.signature)/v/a.ts",  // 13 digits
        "/t/1767225600/k.1/acme-private/\(TokenTests.signature)/v/a.ts",  // key id alphabet
        "/t/1767225600/k1/Acme_private/\(TokenTests.signature)/v/a.ts",  // slug alphabet
        "/t/1767225600/k1/acme-private/\(TokenTests.signature.dropLast())/v/a.ts",  // 42 characters
        "/t/1767225600/k1/acme-private/\(TokenTests.signature.dropLast())=/v/a.ts",  // padding
        "/x/1767225600/k1/acme-private/\(TokenTests.signature)/v/a.ts",
    ])
    func malformed(path: String) {
        #expect(MediaToken(tokenPath: path[...]) == nil)
    }

    @Test("paths that a server would resolve outside the signed directory are refused", arguments: [
        "/videos/priv/../other/a.ts", "/videos/priv/..%2Fother%2Fa.ts", "/videos/priv/%2e%2E/other/a.ts",
        "/videos/priv/./a.ts", "/videos/priv/a%5c..%5cb.ts", "/videos/priv/a\\b.ts", "/videos/priv/a%00.ts", "/videos/priv/%zz.ts",
        "/videos/priv/720p/..%2f..%2fother/a.ts",
    ])
    func traversal(mediaPath: String) {
        #expect(!MediaToken.staysInItsDirectory(mediaPath[...]))
        #expect(MediaToken(tokenPath: "/t/1767225600/k1/acme-private/\(Self.signature)\(mediaPath)"[...]) == nil)
    }

    @Test("ordinary paths, encoded characters included, are accepted")
    func ordinaryPaths() {
        #expect(MediaToken.staysInItsDirectory("/videos/priv/My%20Clip.v2..mp4"[...]))
        #expect(MediaToken.staysInItsDirectory("/videos/priv/.hidden"[...]))
    }

    @Test("verification: valid, subfolders, leeway, expired, unknown key, bad signature, other slug; every listed key verifies")
    func verification() {
        let keys = Fixture.keys
        let token = keys.token(slug: "acme-private", mediaPath: "/videos/priv/index.m3u8", expires: 1000)
        #expect(keys.rejection(of: token, now: 1000, leeway: 30) == nil)
        #expect(keys.rejection(of: token, now: 1030, leeway: 30) == nil)
        #expect(keys.rejection(of: token, now: 1031, leeway: 30) == .expired)
        // Renditions in subfolders inherit the master playlist's token.
        var rendition = token
        rendition.mediaPath = "/videos/priv/720p/seg-3.ts"
        #expect(keys.rejection(of: rendition, now: 1000, leeway: 0) == nil)
        #expect(keys.rejection(of: rendition, directories: ["/videos/priv/720p/"], now: 1000, leeway: 0) == .badSignature)
        var tampered = token
        tampered.signature = String(token.signature.dropLast()) + (token.signature.hasSuffix("A") ? "B" : "A")
        #expect(keys.rejection(of: tampered, now: 1000, leeway: 30) == .badSignature)
        var later = token
        later.expires += 1
        #expect(keys.rejection(of: later, now: 1000, leeway: 30) == .badSignature)
        var elsewhere = token
        elsewhere.mediaPath = "/videos/other/index.m3u8"
        #expect(keys.rejection(of: elsewhere, now: 1000, leeway: 30) == .badSignature)
        var parent = token
        parent.mediaPath = "/videos/index.m3u8"
        #expect(keys.rejection(of: parent, now: 1000, leeway: 30) == .badSignature)
        var otherSlug = token
        otherSlug.slug = "acme-public"
        #expect(keys.rejection(of: otherSlug, now: 1000, leeway: 30) == .badSignature)
        var unknown = token
        unknown.keyID = "k9"
        #expect(keys.rejection(of: unknown, now: 1000, leeway: 30) == .unknownKey)
        // A token of the older key still verifies while the key is listed.
        let old = Fixture.oldKeyOnly.token(slug: "acme-private", mediaPath: "/videos/priv/index.m3u8", expires: 1000)
        #expect(old.keyID == "k0")
        #expect(keys.rejection(of: old, now: 1000, leeway: 0) == nil)
        #expect(keys.activeKeyID == "k1")
        #expect(keys.keyIDs == ["k0", "k1"])
    }

    @Test("key files: what is refused and why", arguments: [
        ("", "not a key file"),
        (#"{"active": "k1", "keys": {}}"#, #"the active key "k1" is not listed"#),
        (#"{"active": "k1", "keys": {"k1": "c2hvcnQ="}}"#, "at least 32 random bytes"),
        (#"{"active": "k1", "keys": {"k1": "not base64!"}}"#, "at least 32 random bytes"),
        (#"{"active": "k 1", "keys": {"k 1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}"#, "must be 1 to 64 characters"),
    ])
    func badKeyFiles(json: String, message: String) {
        #expect {
            try SigningKeySet(json: Array(json.utf8))
        } throws: { error in
            (error as? SigningKeyError)?.message.contains(message) == true
        }
    }

    @Test("keys come from --keys, else SHAREGEN_SIGNING_KEYS; neither is an error")
    func loading() throws {
        #expect(try SigningKeySet.load(path: nil, environment: ["SHAREGEN_SIGNING_KEYS": Fixture.keysJSON]).activeKeyID == "k1")
        #expect(throws: SigningKeyError.self) { try SigningKeySet.load(path: nil, environment: [:]) }
        #expect(throws: SigningKeyError.self) { try SigningKeySet.load(path: "/nonexistent/keys.json", environment: ["SHAREGEN_SIGNING_KEYS": Fixture.keysJSON]) }
    }

    @Test("a generated key file parses, holds 32 random bytes, and differs every time")
    func generated() throws {
        let first = SigningKeySet.generateFile(now: Date(timeIntervalSince1970: 1_767_225_600))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let active = try #require(object["active"] as? String)
        #expect(active.hasPrefix("k20260101-"))
        let encoded = try #require((object["keys"] as? [String: String])?[active])
        #expect(Data(base64Encoded: encoded)?.count == 32)
        #expect(try SigningKeySet(json: Array(first.utf8)).activeKeyID == active)
        #expect(SigningKeySet.generateFile() != SigningKeySet.generateFile())
        // The preview server's key: one random key that signs and verifies.
        let throwaway = SigningKeySet.throwaway()
        #expect(throwaway.keyIDs == [throwaway.activeKeyID])
        #expect(throwaway.rejection(of: throwaway.token(slug: "s", mediaPath: "/v/a.ts", expires: 10), now: 10, leeway: 0) == nil)
    }

    @Test("UTC timestamps", arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (1_767_225_600, "2026-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"),
        (4_107_542_399, "2100-02-28T23:59:59Z"), (-1, "1969-12-31T23:59:59Z"),
    ])
    func timestamps(seconds: Int64, text: String) {
        #expect(UTCTimestamp.iso8601(seconds) == text)
    }

    @Test("base64url matches Foundation's base64 with the URL alphabet and no padding")
    func base64url() {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 67 + 250) }
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
        }
    }
}
