import Foundation

/// The "one Codable record" option: a share outcome as a plain Codable struct and the
/// whole memo through Foundation's JSONEncoder/JSONDecoder, retiring the hand codec.
struct ShareRecord: Codable {
    struct Chapter: Codable { var title: String; var start: Int; var end: Int }
    struct Diagnostic: Codable { var code: String; var message: String; var line: Int; var column: Int; var isError: Bool }
    var id, slug, title, description, status, visibility, channel, videoURL, posterURL: String
    var brandName, brandColor, locale, ownerEmail, team, createdAt, updatedAt, expiresAt: String
    var projectName, sourcePath, captionsURL: String
    var durationSeconds, width, height, order: Int
    var enabled, downloadable, autoplay: Bool
    var chapters: [Chapter]
    var diagnostics: [Diagnostic]
}

struct StoredEntry: Codable { var digest: UInt64; var project: String; var outcome: ShareRecord }

enum JSONStore {
    static func word(_ rng: inout SplitMix) -> String { String(decoding: words[Int(rng.next() % UInt64(words.count))], as: UTF8.self) }
    static func phrase(_ bytes: Int, _ rng: inout SplitMix) -> String { String(decoding: text(bytes, &rng), as: UTF8.self) }

    /// A record whose JSON is about `size` bytes: the short fields vary, the description
    /// takes the rest (`overhead` is the JSON of the record without its description).
    static func record(path: String, project: String, size: Int, overhead: Int, _ rng: inout SplitMix) -> ShareRecord {
        var r = ShareRecord(
            id: UUID(uuid: (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, UInt8(rng.next() & 255))).uuidString,
            slug: "\(word(&rng))-\(word(&rng))-\(rng.next() % 100_000)", title: phrase(20 + Int(rng.next() % 40), &rng),
            description: "", status: "enabled", visibility: rng.next() % 2 == 0 ? "public" : "private",
            channel: "production", videoURL: "https://videos.example.com/\(project)/\(rng.next()).mp4",
            posterURL: "https://videos.example.com/\(project)/poster-\(rng.next() % 1000).jpg",
            brandName: phrase(8 + Int(rng.next() % 16), &rng), brandColor: "#3a7bd5", locale: "en-US",
            ownerEmail: "\(word(&rng))@example.com", team: word(&rng), createdAt: "2025-11-02T10:14:00Z",
            updatedAt: "2025-12-01T08:00:00Z", expiresAt: "", projectName: phrase(10 + Int(rng.next() % 20), &rng),
            sourcePath: path, captionsURL: "https://videos.example.com/\(project)/en.vtt",
            durationSeconds: Int(rng.next() % 3600), width: 1920, height: 1080, order: Int(rng.next() % 50),
            enabled: true, downloadable: rng.next() % 2 == 0, autoplay: false,
            chapters: (0..<Int(rng.next() % 5)).map { i in .init(title: phrase(12 + Int(rng.next() % 20), &rng), start: i * 60, end: i * 60 + 59) },
            diagnostics: (0..<Int(rng.next() % 3)).map { _ in
                .init(code: "slug.guessable", message: phrase(60 + Int(rng.next() % 60), &rng), line: Int(rng.next() % 40), column: 1, isError: false)
            })
        r.description = phrase(max(64, size - overhead - (r.chapters.count * 60 + r.diagnostics.count * 140)), &rng)
        return r
    }

    /// The same paths, projects, digests and per-entry sizes as the binary memo.
    static func make(_ memo: Memo) throws -> [String: StoredEntry] {
        var rng = SplitMix(state: 7)
        let probe = record(path: "content/teal-willow-00000/shares/follow-up-0.md", project: "teal-willow-00000", size: 0, overhead: 0, &rng)
        var bare = probe
        bare.description = ""; bare.chapters = []; bare.diagnostics = []
        let overhead = try JSONEncoder().encode(StoredEntry(digest: .max, project: "teal-willow-00000", outcome: bare)).count
        var out: [String: StoredEntry] = [:]
        for (path, entry) in memo {
            let outcome = record(path: path, project: entry.project, size: entry.blob.count, overhead: overhead, &rng)
            out[path] = StoredEntry(digest: entry.digest, project: entry.project, outcome: outcome)
        }
        return out
    }
}
