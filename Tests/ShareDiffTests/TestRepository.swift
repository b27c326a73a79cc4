import Foundation
import ShareModel
@testable import ShareDiff

/// A temporary Git repository and its extra work trees, removed when released. Commits
/// ignore the user's Git configuration that could make them fail (identity, signing).
final class TestRepository {
    /// Holds the repository and its work trees.
    private let folder: String
    let path: String

    init() throws {
        folder = NSTemporaryDirectory() + "sharegen-diff-\(UUID().uuidString)"
        path = folder + "/repo"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func git(_ arguments: String..., in directory: String? = nil) throws {
        _ = try Git(directory: directory ?? path).run(arguments)
    }

    /// Writes files (paths relative to `directory`, default the repository), creating folders.
    func write(_ files: [String: String], in directory: String? = nil) throws {
        for (file, text) in files {
            let full = (directory ?? path) + "/" + file
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
    }

    func remove(_ files: [String], in directory: String? = nil) throws {
        for file in files { try FileManager.default.removeItem(atPath: (directory ?? path) + "/" + file) }
    }

    /// Commits every change in the work tree at `directory` (default the repository).
    func commit(_ message: String, in directory: String? = nil) throws {
        try git("add", "-A", in: directory)
        try git("-c", "user.email=diff-tests@example.com", "-c", "user.name=Diff Tests", "-c", "commit.gpgsign=false",
                "commit", "-q", "-m", message, in: directory)
    }

    /// A new work tree on a new branch started from `ref`, e.g. to give each scenario its own.
    func worktree(_ name: String, from ref: String) throws -> String {
        let directory = folder + "/" + name
        try git("worktree", "add", "-q", "-b", name, directory, ref)
        return directory
    }
}

/// Builders of the small files of the test site.
enum SiteFiles {
    static let config = JSONValue.object([
        ("channels", .object([
            ("PROD", .object([("baseURL", .string("https://watch.example.com"))])),
            ("STAGING", .object([("baseURL", .string("https://watch.staging.example.com"))])),
            ("DEV", .object([("baseURL", .string("http://127.0.0.1:8080"))])),
        ])),
        ("siteName", .string("Diff Test")),
        ("signing", .object([("endpoint", .string("https://sign.example.com")), ("mediaBaseURL", .string("https://media.example.com"))])),
    ]).serialized(pretty: true) + "\n"

    /// A share file in JSON; `previous` lists rotated-away slugs with their mode.
    static func share(
        _ channel: String, slug: String, title: String, status: String = "Enabled", subtitle: String? = nil,
        locale: String? = nil, cta: (label: String, url: String)? = nil, credential: String? = nil,
        video: JSONValue, previous: [(slug: String, mode: String)] = []
    ) -> String {
        JSONValue.compactObject([
            ("channel", .string(channel)), ("slug", .string(slug)), ("status", .string(status)),
            ("publicTitle", .string(title)), ("publicSubtitle", subtitle.map(JSONValue.string)), ("locale", locale.map(JSONValue.string)),
            ("ctaLabel", cta.map { .string($0.label) }), ("ctaUrl", cta.map { .string($0.url) }),
            ("apiCredentialId", credential.map(JSONValue.string)),
            ("video", video),
            ("previousSlugs", previous.isEmpty ? nil : .array(previous.map {
                .object([("slug", .string($0.slug)), ("rotatedAt", .string("2026-03-01T10:00:00Z")),
                         ("rotatedBy", .string("editor@example.com")), ("mode", .string($0.mode))])
            })),
            ("audit", .array([.object([("action", .string("created")), ("at", .string("2026-01-10T09:00:00Z")), ("by", .string("editor@example.com"))])])),
        ]).serialized(pretty: true) + "\n"
    }

    static func publicVideo(_ id: String, visibility: String? = nil, segment: JSONValue? = nil) -> JSONValue {
        .compactObject([
            ("id", .string(id)), ("segment", segment), ("visibility", visibility.map(JSONValue.string)),
            ("hlsUrl", .string("https://cdn.example.com/videos/\(id)/index.m3u8")),
        ])
    }

    static func privateVideo(_ id: String, visibility: String = "private", segment: JSONValue? = nil) -> JSONValue {
        .compactObject([
            ("id", .string(id)), ("segment", segment), ("visibility", .string(visibility)),
            ("mp4Url", .string("https://media.example.com/videos/\(id)/1080p.mp4")),
        ])
    }

    /// A Markdown share: front matter, then the description.
    static func markdownShare(slug: String, title: String, previous: [(slug: String, mode: String)], locale: String = "en-US") -> String {
        var text = """
            ---
            channel: PROD
            slug: \(slug)
            publicTitle: \(title)
            locale: \(locale)
            video:
              id: 6d2f0c1e9b8a4f37a5c2e1d0b9a8f7e6
              hlsUrl: https://cdn.example.com/videos/6d2f/index.m3u8

            """
        if !previous.isEmpty {
            text += "previousSlugs:\n"
            for entry in previous {
                text += "  - {slug: \(entry.slug), rotatedAt: \"2026-03-01T10:00:00Z\", rotatedBy: editor@example.com, mode: \(entry.mode)}\n"
            }
        }
        text += "audit:\n  - {action: created, at: \"2026-01-10T09:00:00Z\", by: editor@example.com}\n"
        return text + "---\nFive days in **Patagonia**.\n"
    }

    static func credential(_ id: String, name: String, key: String, revoked: Bool = false) -> String {
        JSONValue.compactObject([
            ("id", .string(id)), ("name", .string(name)), ("apiKey", .string(key)),
            ("secretHash", .string("sha256:" + String(repeating: "ab", count: 32))),
            ("createdAt", .string("2026-01-10T09:00:00Z")), ("status", .string(revoked ? "revoked" : "active")),
            ("revokedAt", revoked ? .string("2026-03-05T12:00:00Z") : nil),
            ("revokedBy", revoked ? .string("security@example.com") : nil),
        ]).serialized(pretty: true) + "\n"
    }
}
