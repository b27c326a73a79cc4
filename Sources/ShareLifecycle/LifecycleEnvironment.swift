import Foundation
import ShareModel

/// Who runs a lifecycle command, when, and where its randomness comes from. Injected so
/// that tests get fixed audit entries, slugs and credentials.
public struct LifecycleEnvironment: Sendable {
    /// Recorded as `by` in audit entries, `rotatedBy` and `revokedBy`.
    public var actor: String
    /// The time recorded as `at`, `rotatedAt`, `createdAt` and `revokedAt`.
    public var clock: @Sendable () -> Date
    /// Fills a buffer with random bytes; slugs, keys, secrets and ids are drawn from it.
    public var randomBytes: @Sendable (Int) -> [UInt8]

    /// The defaults are the real clock and the system's cryptographic generator.
    public init(
        actor: String,
        clock: @escaping @Sendable () -> Date = { Date() },
        randomBytes: @escaping @Sendable (Int) -> [UInt8] = LifecycleEnvironment.systemRandomBytes
    ) {
        self.actor = actor
        self.clock = clock
        self.randomBytes = randomBytes
    }

    /// Bytes from the operating system's cryptographic generator (`getrandom` on Linux).
    public static func systemRandomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The current time as `at` values are written: UTC, ISO 8601, whole seconds.
    public var timestamp: String {
        clock().formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// Who acts, as SPEC §3 orders it: `--actor`, else `git config user.email` in the site
    /// root, else `$USER`. A blank `--actor` is refused, not silently replaced.
    public static func resolveActor(explicit: String?, root: String, environment: [String: String]) throws(LifecycleError) -> String {
        if let explicit {
            let trimmed = explicit.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw .usage("--actor is blank; name who is acting, e.g. --actor jane@example.com") }
            return trimmed
        }
        if let email = gitUserEmail(root: root) { return email }
        if let user = environment["USER"]?.trimmingCharacters(in: .whitespacesAndNewlines), !user.isEmpty { return user }
        throw .usage("cannot tell who is acting: pass --actor, set git config user.email, or set $USER")
    }

    private static func gitUserEmail(root: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "config", "user.email"]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let email = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return email.isEmpty ? nil : email
    }
}

/// Random identifiers. Each character is drawn without modulo bias, so every one
/// carries its full share of entropy.
enum RandomTokens {
    static let slugAlphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
    static let base62Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    /// 16 characters of base32: 80 bits, as SPEC §3 gives `rotate-slug`.
    static let slugLength = 16
    /// 43 base62 characters carry 43 × log2(62) ≈ 256.03 bits.
    static let secretLength = 43
    static let apiKeyLength = 32

    static func slug(_ random: @Sendable (Int) -> [UInt8]) -> String {
        // 256 is a multiple of 32: the low five bits of a byte are uniform.
        String(random(slugLength).map { slugAlphabet[Int($0 & 31)] })
    }

    static func base62(length: Int, _ random: @Sendable (Int) -> [UInt8]) -> String {
        var characters: [Character] = []
        while characters.count < length {
            // Bytes 248...255 would favour the first eight characters; they are redrawn.
            for byte in random(length - characters.count) where byte < 248 && characters.count < length {
                characters.append(base62Alphabet[Int(byte % 62)])
            }
        }
        return String(characters)
    }

    /// A random (version 4) UUID in lowercase, as credential ids are written.
    static func uuid(_ random: @Sendable (Int) -> [UInt8]) -> String {
        var bytes = random(16)
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return uuidShaped(bytes)
    }
}
