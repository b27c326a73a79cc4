import Foundation
import ShareLoader
import ShareModel
import ShareValidator
import Synchronization
import Testing
@testable import ShareLifecycle

/// 2026-11-22T17:00:00Z: every audit entry the tests write carries this time.
let fixedDate = Date(timeIntervalSince1970: 1_795_366_800)
let fixedTime = "2026-11-22T17:00:00Z"
let actor = "tester@example.com"

/// Predictable random bytes: byte k is k + k/32 (mod 256), so slugs come out as
/// "abcdefghijklmnop", then "qrstuvwxyz234567", then "bcdefghijklmnopq", …, 64 distinct
/// slugs before they repeat.
final class CountingBytes: Sendable {
    private let next = Mutex<Int>(0)

    func callAsFunction(_ count: Int) -> [UInt8] {
        next.withLock { next in
            (0..<count).map { _ in
                defer { next += 1 }
                return UInt8(truncatingIfNeeded: next + next / 32)
            }
        }
    }
}

/// An environment with a fixed clock and counting random bytes.
func testEnvironment(actor: String = actor) -> LifecycleEnvironment {
    let bytes = CountingBytes()
    return LifecycleEnvironment(actor: actor, clock: { fixedDate }, randomBytes: { bytes($0) })
}

/// A site in a fresh temporary folder: the example configuration, and share files written
/// with comments, odd spacing and the less common YAML styles on purpose.
final class TestSite: Sendable {
    let root: String

    static let credentialID = "0b6f7c1e-3d2a-4b5c-8d9e-1f2a3b4c5d6e"
    static let launch = "content/acme/shares/launch.md"
    static let teaser = "content/acme/shares/teaser.json"
    static let flow = "content/acme/shares/flow.md"
    static let credential = "content/acme/credentials/\(credentialID).json"

    static let baseFiles: [String: String] = [
        "sharegen.json": """
            {
              "channels": {
                "PROD": {"baseURL": "https://watch.example.com"},
                "STAGING": {"baseURL": "https://watch.staging.example.com"},
                "DEV": {"baseURL": "http://127.0.0.1:8080"}
              },
              "signing": {"mediaBaseURL": "https://media.example.com"}
            }

            """,
        "content/acme/project.json": "{\"name\": \"Acme\"}\n",
        // Comments, a trailing comment, four-space indentation under video, an indentless
        // audit list, and a body with trailing blanks and no final newline.
        launch: """
            ---
            # Launch page for the spring campaign.
            channel: PROD
            slug: q7mzk2vbx4ntr6wc
            status:   Enabled      # odd spacing on purpose
            publicTitle: "Launch day"
            publicSubtitle: Everything in one place
            ctaLabel: Sign up
            ctaUrl: https://example.com/signup
            video:
                # four-space indentation in this mapping
                id: "9f8e7d6c"
                hlsUrl: https://cdn.example.com/v/9f8e7d6c/index.m3u8
                width: 1920
            audit:
            - action: created
              at: "2026-01-02T03:04:05Z"
              by: ana@example.com
            ---
            Body line one.\u{20}\u{20}
            \u{20}\u{20}
            Trailing blanks above are kept; there is no final newline.
            """,
        // Four-space indentation, " : " between keys and values, no status field.
        teaser: """
            {
                "channel" : "PROD",
                "slug" : "h3kd7wq2zx5mprta",
                "publicTitle" : "Teaser",
                "apiCredentialId" : "\(credentialID)",
                "video" : {
                    "id" : "t1",
                    "visibility" : "private",
                    "mp4Url" : "https://media.example.com/t1/720p.mp4"
                },
                "audit" : [
                    {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"}
                ]
            }

            """,
        // Flow style throughout, and no body.
        flow: """
            ---
            channel: STAGING
            slug: n5vcx4lq2wbtemhs
            status: Disabled
            publicTitle: Flow style
            video: {id: "f1", mp4Url: "https://cdn.example.com/f1.mp4"}
            previousSlugs: [{slug: old-flow-slug, rotatedAt: "2026-01-01T00:00:00Z", rotatedBy: ana@example.com, mode: gone}]
            audit:
              - {action: created, at: "2026-01-02T03:04:05Z", by: ana@example.com}
              - {action: disabled, at: "2026-01-03T03:04:05Z", by: ana@example.com}
            ---

            """,
        credential: """
            {
              "id": "\(credentialID)",
              "name": "CRM backend",
              "apiKey": "pk_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
              "secretHash": "sha256:\(String(repeating: "ab", count: 32))",
              "createdAt": "2026-01-01T00:00:00Z",
              "status": "active"
            }

            """,
    ]

    init(_ extra: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sharegen-life-\(UUID().uuidString)").path
        for (path, text) in TestSite.baseFiles.merging(extra, uniquingKeysWith: { $1 }) {
            try write(path, text)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: joinPath(root, path))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        String(decoding: try LocalFileSystem().readFile(joinPath(root, path)), as: UTF8.self)
    }

    /// Every file under the root, by relative path, to show that a refusal wrote nothing.
    func snapshot() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            let full = joinPath(root, path)
            if LocalFileSystem().kind(at: full) == .file { files[path] = try LocalFileSystem().readFile(full) }
        }
        return files
    }

    func lifecycle(actor: String = actor) -> SiteLifecycle {
        SiteLifecycle(root: root, environment: testEnvironment(actor: actor))
    }

    /// Runs `body` and returns the `git diff -U0` style hunks of `file`'s change.
    func diff(_ file: String, _ body: () throws -> Void) throws -> String {
        let before = try read(file)
        try body()
        return lineDiff(before, try read(file))
    }

    func validate() -> ValidationResult {
        SiteValidator().validate(SiteLoader(fileSystem: LocalFileSystem(), root: root).load())
    }
}

/// The change from `old` to `new` as `git diff --unified=0` prints its hunks: a header
/// `@@ -start,count +start,count @@` (",1" left out), then the removed and added lines.
func lineDiff(_ old: String, _ new: String) -> String {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false)
    // Longest common subsequence table, from the ends.
    var common = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
        }
    }
    var out = ""
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] {
            i += 1
            j += 1
            continue
        }
        let (oldStart, newStart) = (i, j)
        while (i < a.count || j < b.count) && !(i < a.count && j < b.count && a[i] == b[j]) {
            if j < b.count, i == a.count || common[i][j + 1] >= common[i + 1][j] { j += 1 } else { i += 1 }
        }
        func range(_ start: Int, _ count: Int) -> String {
            count == 1 ? "\(start + 1)" : "\(count == 0 ? start : start + 1),\(count)"
        }
        out += "@@ -\(range(oldStart, i - oldStart)) +\(range(newStart, j - newStart)) @@\n"
        out += a[oldStart..<i].map { "-\($0)\n" }.joined() + b[newStart..<j].map { "+\($0)\n" }.joined()
    }
    return out
}
