import ShareLoader
import ShareModel
import Testing
import TestSupport
@testable import ShareBuild
@testable import ShareValidator

/// The parts of a diagnostic the tests assert: rule, severity and exact location.
struct Found: Hashable, Comparable, Sendable, CustomStringConvertible {
    var rule: String
    var severity: Severity = .error
    var file: String
    var line: Int
    var column: Int

    init(_ rule: String, _ severity: Severity = .error, _ file: String, _ line: Int, _ column: Int) {
        self.rule = rule
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
    }

    init(_ diagnostic: Diagnostic) {
        self.init(diagnostic.rule, diagnostic.severity, diagnostic.file, diagnostic.line, diagnostic.column)
    }

    init(_ location: ShareModel.SourceLocation) {
        self.init("", .error, location.file, location.line, location.column)
    }

    static func < (lhs: Found, rhs: Found) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.rule) < (rhs.file, rhs.line, rhs.column, rhs.rule)
    }

    var description: String { "\(file):\(line):\(column): \(severity.rawValue) [\(rule)]" }
}

/// A 1-based line and column, for tables of expected positions.
struct At: Sendable, Hashable {
    var line: Int
    var column: Int

    init(_ line: Int, _ column: Int) {
        self.line = line
        self.column = column
    }
}

/// A JSON object or YAML front matter written one member per line, so that every
/// position can be read off the text:
///
///     JSON (.json)                    Markdown (.md)
///     1  {                            1  ---
///     2    "channel": "PROD",         2  channel: "PROD"
///     3    "slug": "…",               3  slug: "…"
///
/// Member `i` (0-based) is on line `i + 2` in both. In JSON its key is at column 3 and
/// its value at column `key.count + 7`; in YAML at 1 and `key.count + 3`. A value is
/// written as JSON, which is also valid YAML flow syntax, so one fixture serves both.
struct MemberFile: Sendable {
    struct Member: Sendable {
        var key: String
        var value: String
    }

    var members: [Member]

    init(_ members: KeyValuePairs<String, String>) {
        self.members = members.map { Member(key: $0.key, value: $0.value) }
    }

    /// Replaces the member in place, adds it when absent, or removes it for `nil`. An added
    /// member goes before a last `audit` member, so that members added to `Fixture.share`
    /// start on line 6 whether or not it keeps its audit trail.
    func setting(_ key: String, _ value: String?) -> MemberFile {
        var copy = self
        if let index = copy.members.firstIndex(where: { $0.key == key }) {
            if let value { copy.members[index].value = value } else { copy.members.remove(at: index) }
        } else if let value {
            let end = copy.members.last?.key == "audit" ? copy.members.count - 1 : copy.members.count
            copy.members.insert(Member(key: key, value: value), at: end)
        }
        return copy
    }

    func setting(_ changes: [Change]) -> MemberFile {
        changes.reduce(self) { $0.setting($1.key, $1.value) }
    }

    var json: String {
        "{\n" + members.map { "  \"\($0.key)\": \($0.value)" }.joined(separator: ",\n") + "\n}\n"
    }

    func markdown(body: String = "") -> String {
        "---\n" + members.map { "\($0.key): \($0.value)" }.joined(separator: "\n") + "\n---\n" + body
    }

    func text(_ format: ShareFormat) -> String {
        format == .json ? json : markdown(body: "A description.\n")
    }
}

/// One edit of a `MemberFile`: set `key` to the JSON text `value`, or remove it.
struct Change: Sendable {
    var key: String
    var value: String?

    init(_ key: String, _ value: String?) {
        self.key = key
        self.value = value
    }
}

/// JSON string literal of `text`.
func quoted(_ text: String) -> String {
    JSONValue.string(text).serialized()
}

enum Fixture {
    static let mp4 = "https://cdn.example.com/v1.mp4"
    /// Random-looking: 16 characters, no '-', no dictionary word, so never `slug.guessable`.
    static let slug = "k7x2m9q4w8r3t6y5"
    static let credentialID = "0b5f3a9e-4c1d-4e8a-9f2b-7c6d5e4f3a2b"
    static let secretHash = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    /// A valid share: value columns (JSON) channel 14, slug 11, publicTitle 18, video 12,
    /// audit 12 (its `created` entry keeps `audit.created` quiet).
    static let share = MemberFile([
        "channel": quoted("PROD"),
        "slug": quoted(slug),
        "publicTitle": quoted("Hello"),
        "video": #"{"id": "v1", "mp4Url": "https://cdn.example.com/v1.mp4"}"#,
        "audit": created,
    ])

    static let created = #"[{"action": "created", "at": "2024-05-01T10:00:00Z", "by": "ci@example.com"}]"#

    /// A valid, active credential of id `credentialID`.
    static let credential = MemberFile([
        "id": quoted(credentialID),
        "name": quoted("CI"),
        "apiKey": quoted("pk_live_4f7a9c2e"),
        "secretHash": quoted(secretHash),
        "createdAt": quoted("2024-05-01T10:00:00Z"),
        "status": quoted("active"),
    ])

    static func sharePath(_ name: String, project: String = "p", format: ShareFormat = .json) -> String {
        "content/\(project)/shares/\(name).\(format == .json ? "json" : "md")"
    }

    static func credentialPath(_ id: String = credentialID, project: String = "p") -> String {
        "content/\(project)/credentials/\(id).json"
    }

    /// A share of its own project, channel and video, so it collides with nothing.
    static func share(slug: String, video: String, channel: Channel = .PROD) -> MemberFile {
        share.setting("slug", quoted(slug)).setting("channel", quoted(channel.rawValue))
            .setting("video", #"{"id": "\#(video)", "mp4Url": "https://cdn.example.com/\#(video).mp4"}"#)
    }
}

/// Loads files from memory and validates them, as `sharegen check` does. Every call also
/// validates through the file memo of `sharegen build` and `sharegen serve`: in one pass,
/// in one pass again with the memo of the first (written to bytes and read back, as the
/// next build does), and in memory twice, as `serve` does; and expects the same result
/// each time, so each validator test covers every path.
func validate(_ files: [String: String], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ValidationResult {
    let loader = SiteLoader(fileSystem: InMemoryFileSystem(files: files), root: "")
    let result = SiteValidator().validate(loader.load())
    let first = FileMemo(configDigest: 0).loadAndValidate(loader.discover(), with: loader)
    expectSameResult(first.result, result, "one pass", sourceLocation)
    #expect(first.loaded.projects.allSatisfy { $0.shares.allSatisfy { $0.value == nil } }, "one pass keeps no share trees", sourceLocation: sourceLocation)

    var bytes: [UInt8] = []
    first.memo.serialize { bytes += $0 }
    let known = FileMemo(bytes)
    #expect(known != nil, sourceLocation: sourceLocation)
    let again = (known ?? first.memo).loadAndValidate(loader.discover(), with: loader)
    expectSameResult(again.result, result, "recalled outcomes", sourceLocation)
    #expect(again.recalled == first.memo.entries.count, "every kept outcome is recalled", sourceLocation: sourceLocation)

    let (served, memo) = FileMemo(configDigest: 0).validate(loader.load())
    expectSameResult(served, result, "in memory", sourceLocation)
    expectSameResult(memo.validate(loader.load()).result, result, "in memory again", sourceLocation)
    return result
}

private func expectSameResult(_ result: ValidationResult, _ expected: ValidationResult, _ what: String, _ sourceLocation: Testing.SourceLocation) {
    #expect(result.diagnostics == expected.diagnostics, "\(what): diagnostics differ", sourceLocation: sourceLocation)
    #expect(result.channelOfFile == expected.channelOfFile, "\(what)", sourceLocation: sourceLocation)
    // Every field, nested values included.
    let summary = { (site: Site) in site.shares.map { String(describing: $0) } }
    #expect(summary(result.site) == summary(expected.site), "\(what): shares differ", sourceLocation: sourceLocation)
    #expect(result.site.credentials == expected.site.credentials && result.site.projects == expected.site.projects, "\(what)", sourceLocation: sourceLocation)
}

/// Expects exactly these diagnostics (rule, severity, file, line, column), in any order.
func expectDiagnostics(
    _ result: ValidationResult, _ expected: [Found], sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(result.diagnostics.map(Found.init).sorted() == expected.sorted(), sourceLocation: sourceLocation)
}

/// Expects the one diagnostic of `rule` to name `files` among its location and related locations.
func expectNamesEveryFile(_ diagnostic: Diagnostic, _ files: Set<String>, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let named = Set([diagnostic.file] + diagnostic.related.map(\.file))
    #expect(named == files, "\(diagnostic.rule) at \(diagnostic.file) names \(named.sorted())", sourceLocation: sourceLocation)
    for file in files where file != diagnostic.file {
        #expect(diagnostic.message.contains(file), "message should name \(file): \(diagnostic.message)", sourceLocation: sourceLocation)
    }
}
