import Crypto
import Foundation

/// The token of a signed media URL, carried in its path so that HLS playlists, renditions and
/// segments, which a playlist names relative to itself, inherit it (SPEC §5):
///
///     <mediaBaseURL>/t/<expires>/<keyId>/<slug>/<signature><mediaPath>
///
/// `signature` is unpadded base64url of HMAC-SHA256(key, `"<expires>:<slug>:<directory>"`), where
/// `directory` is the signed media path up to and including its last `/`. The token opens every
/// path under `directory`, subfolders included, so the URL does not say which ancestor was
/// signed: a verifier tries each (``candidateDirectories``). The format is exact so that a CDN
/// edge function can verify tokens without calling the signer (`edge/`).
public struct MediaToken: Sendable, Hashable {
    /// Unix seconds after which the token no longer verifies (beyond the clock-skew leeway).
    public var expires: Int64
    public var keyID: String
    /// The share's current slug when the token was issued: a rotated-away or disabled slug revokes it.
    public var slug: String
    public var signature: String
    /// The requested media path, starting with `/`.
    public var mediaPath: String

    public init(expires: Int64, keyID: String, slug: String, signature: String, mediaPath: String) {
        self.expires = expires
        self.keyID = keyID
        self.slug = slug
        self.signature = signature
        self.mediaPath = mediaPath
    }

    /// `/t/<expires>/<keyId>/<slug>/<signature><mediaPath>`: the part after the media base URL.
    public var path: String { "/t/\(expires)/\(keyID)/\(slug)/\(signature)\(mediaPath)" }

    /// The directories a token for `mediaPath` may have been signed over: each ancestor folder,
    /// deepest first (`/a/b/c.ts` → `/a/b/`, `/a/`, `/`).
    public var candidateDirectories: [Substring] {
        var result: [Substring] = []
        var end = mediaPath.endIndex
        while let slash = mediaPath[..<end].lastIndex(of: "/") {
            result.append(mediaPath[...slash])
            end = slash
        }
        return result
    }

    /// `path`'s directory up to and including its last `/` (the whole path when it has none).
    public static func directory<S: StringProtocol>(of mediaPath: S) -> S.SubSequence {
        guard let slash = mediaPath.lastIndex(of: "/") else { return mediaPath[...] }
        return mediaPath[...slash]
    }

    /// Unpadded base64url of HMAC-SHA256(key, `"<expires>:<slug>:<directory>"`).
    public static func signature(key: SymmetricKey, expires: Int64, slug: String, directory: some StringProtocol) -> String {
        signature(keyed: HMAC(key: key), expires: expires, slug: slug, directory: directory)
    }

    /// The same from an HMAC already keyed: a copy of it skips hashing the padded key
    /// twice, which is most of the work for a message this short.
    static func signature(keyed: HMAC<SHA256>, expires: Int64, slug: String, directory: some StringProtocol) -> String {
        var message = String(expires)
        message += ":"
        message += slug
        message += ":"
        message += directory
        var mac = keyed
        message.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return Base64URL.encode(mac.finalize())
    }

    /// Key ids appear in URLs and in nginx location patterns, so they are kept to a small,
    /// path-safe alphabet.
    public static func isValidKeyID(_ id: some StringProtocol) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy(Base64URL.isAlphabetByte)
    }

    /// Slugs as a token carries them: 1 to 64 of `a-z`, `0-9` and `-` (the share rules are
    /// stricter; a verifier needs only a path-safe field).
    static func isValidSlug(_ slug: some StringProtocol) -> Bool {
        (1...64).contains(slug.utf8.count)
            && slug.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }
    }

    /// Largest accepted `<expires>` field: 12 digits covers any date a token can carry and keeps
    /// the parse free of overflow.
    static let maxExpiresDigits = 12
    /// Length of an unpadded base64url HMAC-SHA256.
    static let signatureLength = 43

    /// Parses `/t/<expires>/<keyId>/<slug>/<signature><mediaPath>` (the media base URL's path
    /// prefix and any query already removed). Nil when any field is malformed or `mediaPath`
    /// could resolve, once a server decodes and normalizes it, to a file outside the signed directory.
    public init?(tokenPath: Substring) {
        guard tokenPath.hasPrefix("/t/") else { return nil }
        var rest = tokenPath.dropFirst(3)
        guard let expiresField = MediaToken.field(of: &rest), (1...MediaToken.maxExpiresDigits).contains(expiresField.utf8.count),
              expiresField.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let expires = Int64(expiresField),
              let keyField = MediaToken.field(of: &rest), MediaToken.isValidKeyID(keyField),
              let slugField = MediaToken.field(of: &rest), MediaToken.isValidSlug(slugField),
              let signatureEnd = rest.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let signatureField = rest[..<signatureEnd]
        guard signatureField.utf8.count == MediaToken.signatureLength, signatureField.utf8.allSatisfy(Base64URL.isAlphabetByte) else {
            return nil
        }
        let mediaPath = rest[signatureEnd...]
        guard MediaToken.staysInItsDirectory(mediaPath) else { return nil }
        self.init(
            expires: expires, keyID: String(keyField), slug: String(slugField), signature: String(signatureField), mediaPath: String(mediaPath))
    }

    /// Removes and returns the text up to the next `/`, and the `/`.
    private static func field(of text: inout Substring) -> Substring? {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let field = text[..<slash]
        text = text[text.index(after: slash)...]
        return field
    }

    /// The signature covers the path as sent, but nginx and most origins decode `%XX` and
    /// resolve dot segments before they look for the file: `/a/..%2Fb/x` is signed as directory
    /// `/a/` yet served from `/b/`. Such paths, and backslashes and NULs, are refused.
    static func staysInItsDirectory(_ mediaPath: Substring) -> Bool {
        for segment in mediaPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            var decoded: [UInt8] = []
            var bytes = segment.makeIterator()
            while let byte = bytes.next() {
                guard byte == UInt8(ascii: "%") else { decoded.append(byte); continue }
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return false }
                decoded.append(high << 4 | low)
            }
            if decoded == [0x2E] || decoded == [0x2E, 0x2E] { return false }
            if decoded.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }) { return false }
        }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Unpadded base64url (RFC 4648 §5) of small values: signatures and generated keys.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func isAlphabetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    static func encode(_ data: some ContiguousBytes) -> String {
        data.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: (bytes.count * 4 + 2) / 3) { output in
                var count = 0
                for start in stride(from: 0, to: bytes.count, by: 3) {
                    let end = min(start + 3, bytes.count)
                    var chunk: UInt32 = 0
                    for index in start..<start + 3 {
                        chunk = chunk << 8 | (index < end ? UInt32(bytes[index]) : 0)
                    }
                    // n input bytes give n + 1 characters; the rest would be padding.
                    for position in 0...(end - start) {
                        let shift = UInt32(18 - 6 * position)
                        output[count] = alphabet[Int((chunk >> shift) & 0x3F)]
                        count += 1
                    }
                }
                return count
            }
        }
    }
}

/// Equality whose running time depends only on the lengths, never on where the inputs differ,
/// so that comparing a guess against a secret value leaks nothing about the secret.
func constantTimeEquals<A: Collection<UInt8>, B: Collection<UInt8>>(_ lhs: A, _ rhs: B) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
    return difference == 0
}
