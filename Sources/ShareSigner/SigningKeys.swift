import Crypto
import Foundation
import ShareModel

/// The signer's HMAC keys: `{"active": "<keyId>", "keys": {"<keyId>": "<base64 of ≥ 32 bytes>"}}`.
/// The active key signs; every listed key verifies, so keys rotate without downtime: add the
/// new key, make it active once every signer has it, drop the old one after the longest TTL.
public struct SigningKeySet: Sendable {
    /// The environment variable that may hold the key file's JSON instead of `--keys`.
    public static let environmentVariable = "SHAREGEN_SIGNING_KEYS"
    /// HMAC-SHA256 keys shorter than its block output would weaken it.
    public static let minimumKeyBytes = 32

    public let activeKeyID: String
    /// Keyed HMAC states, copied for each signature.
    let activeKey: HMAC<SHA256>
    private let keys: [String: HMAC<SHA256>]

    /// All listed key ids, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// Parses a key file.
    public init(json: [UInt8]) throws(SigningKeyError) {
        struct File: Decodable {
            var active: String
            var keys: [String: String]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(json))
        } catch {
            throw SigningKeyError(#"not a key file: expected {"active": "<keyId>", "keys": {"<keyId>": "<base64>"}}"#)
        }
        var keys: [String: HMAC<SHA256>] = [:]
        for (id, encoded) in file.keys {
            guard MediaToken.isValidKeyID(id) else {
                throw SigningKeyError("key id \"\(id)\" must be 1 to 64 characters of A-Z, a-z, 0-9, - and _")
            }
            guard let bytes = Data(base64Encoded: encoded), bytes.count >= SigningKeySet.minimumKeyBytes else {
                throw SigningKeyError("key \"\(id)\" must be base64 of at least \(SigningKeySet.minimumKeyBytes) random bytes")
            }
            keys[id] = HMAC(key: SymmetricKey(data: bytes))
        }
        guard let activeKey = keys[file.active] else {
            throw SigningKeyError("the active key \"\(file.active)\" is not listed in \"keys\"")
        }
        self.activeKeyID = file.active
        self.activeKey = activeKey
        self.keys = keys
    }

    /// Reads the key file at `path`, or else the JSON in `SHAREGEN_SIGNING_KEYS`.
    public static func load(path: String?, environment: [String: String]) throws(SigningKeyError) -> SigningKeySet {
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SigningKeyError("cannot read the key file \(path)")
            }
            do { return try SigningKeySet(json: Array(data)) } catch { throw SigningKeyError("\(path): \(error.message)") }
        }
        guard let json = environment[environmentVariable], !json.isEmpty else {
            throw SigningKeyError("no signing key: pass --keys FILE or set \(environmentVariable) (create one with `sharegen keys generate`)")
        }
        do { return try SigningKeySet(json: Array(json.utf8)) } catch { throw SigningKeyError("\(environmentVariable): \(error.message)") }
    }

    /// A new key file holding one random key, as `sharegen keys generate` prints it. The id is
    /// the UTC date and a random suffix, so ids of keys made on the same day differ.
    public static func generateFile(now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<minimumKeyBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let suffix = lowercaseHex((0..<3).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let day = UTCTimestamp.iso8601(Int64(now.timeIntervalSince1970)).prefix(10).replacingOccurrences(of: "-", with: "")
        let id = "k\(day)-\(suffix)"
        return """
            {
              "active": "\(id)",
              "keys": {
                "\(id)": "\(Data(key).base64EncodedString())"
              }
            }

            """
    }

    /// A key set with one random key that lives only in memory, for the preview server, whose
    /// tokens need to verify only against itself.
    public static func throwaway() -> SigningKeySet {
        // A generated file always parses.
        try! SigningKeySet(json: Array(generateFile().utf8))
    }

    /// The active key's token of share `slug` for `mediaPath`, signed over `directory` (by
    /// default `mediaPath`'s own), which must be a prefix of `mediaPath`.
    public func token(slug: String, mediaPath: String, expires: Int64, directory: String? = nil) -> MediaToken {
        let directory = directory ?? String(MediaToken.directory(of: mediaPath))
        return MediaToken(
            expires: expires, keyID: activeKeyID, slug: slug,
            signature: MediaToken.signature(keyed: activeKey, expires: expires, slug: slug, directory: directory), mediaPath: mediaPath)
    }

    /// The signature of `token` if it had been signed over `directory` with its key, or nil
    /// when the key is not listed.
    func expectedSignature(of token: MediaToken, directory: some StringProtocol) -> String? {
        keys[token.keyID].map { MediaToken.signature(keyed: $0, expires: token.expires, slug: token.slug, directory: directory) }
    }

    /// Why `token` does not verify at `now` as signed over one of `directories` (ancestors of
    /// its media path; by default every one), or nil when it does. A token stays valid for
    /// `leeway` seconds after it expires, for clocks that run apart.
    public func rejection(of token: MediaToken, directories: [Substring]? = nil, now: Int64, leeway: Int64) -> TokenRejection? {
        guard keys[token.keyID] != nil else { return .unknownKey }
        let signed = (directories ?? token.candidateDirectories).contains { directory in
            token.mediaPath.hasPrefix(directory)
                && expectedSignature(of: token, directory: directory).map { constantTimeEquals($0.utf8, token.signature.utf8) } == true
        }
        guard signed else { return .badSignature }
        // The signature is checked first so the answer never tells whether a forged token is expired.
        guard now <= token.expires + leeway else { return .expired }
        return nil
    }
}

/// Why a media token does not open the file it names.
public enum TokenRejection: String, Sendable, Error {
    case malformed = "malformed token"
    case unknownKey = "unknown key"
    case badSignature = "bad signature"
    case expired = "expired"
    /// The slug is no Enabled private share's current slug: rotated away, disabled or unknown.
    case revoked = "slug revoked or unknown"
    /// The slug's share serves no media under the requested path.
    case notShared = "not the share's media"
}

/// A key file that cannot be used; `message` says why, without any key material.
public struct SigningKeyError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
