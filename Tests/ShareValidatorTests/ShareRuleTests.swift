import ShareModel
import Testing
@testable import ShareValidator

/// One field rule of a share: the edit of the valid `Fixture.share` that breaks exactly
/// that rule, and where the JSON and the Markdown rendering must report it.
struct ShareRuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var changes: [Change]
    var rule: String
    var severity: Severity
    /// Expected position in `a.json`, or nil when the case is Markdown-only.
    var json: At?
    /// Expected position in `a.md`, or nil when the case is JSON-only.
    var yaml: At?
    /// Text the message must contain, such as a "did you mean" suggestion.
    var message: String?
    var config: String?

    init(
        _ name: String, _ changes: [Change], _ rule: String, _ severity: Severity = .error,
        json: At?, yaml: At?, message: String? = nil, config: String? = nil
    ) {
        self.name = name
        self.changes = changes
        self.rule = rule
        self.severity = severity
        self.json = json
        self.yaml = yaml
        self.message = message
        self.config = config
    }

    var testDescription: String { name }
}

private let mediaConfig = #"{"signing": {"mediaBaseURL": "https://media.example.com"}}"#
private let goodURL = quoted("https://example.com/go")
private let rotatedAt = #""rotatedAt": "2024-05-01T10:00:00Z", "rotatedBy": "ana@example.com""#
private let mp4 = #""mp4Url": "https://cdn.example.com/v1.mp4""#

private func video(_ members: String) -> Change {
    Change("video", "{\(members)}")
}

/// Positions follow the layout of `MemberFile`: base members on lines 2-5 (channel, slug,
/// publicTitle, video), added members from line 6; the document itself is at 1:1 (JSON)
/// or 2:1 (the first line of the front matter).
private let shareRuleCases: [ShareRuleCase] = [
    .init("unknown field with suggestion", [Change("publicTitel", quoted("Hi"))], "field.unknown",
          json: At(6, 3), yaml: At(6, 1), message: #"did you mean "publicTitle"?"#),
    .init("missing slug", [Change("slug", nil)], "field.required", json: At(1, 1), yaml: At(2, 1), message: #""slug""#),
    .init("missing video", [Change("video", nil)], "field.required", json: At(1, 1), yaml: At(2, 1), message: #""video""#),
    .init("title is a number", [Change("publicTitle", "5")], "field.type", json: At(4, 18), yaml: At(4, 14), message: "found number"),
    .init("misspelt channel", [Change("channel", quoted("prod"))], "field.enum",
          json: At(2, 14), yaml: At(2, 10), message: #"did you mean "PROD"?"#),
    .init("misspelt status", [Change("status", quoted("Enable"))], "field.enum",
          json: At(6, 13), yaml: At(6, 9), message: #"did you mean "Enabled"?"#),
    .init("slug with uppercase", [Change("slug", quoted("Bad_Slug"))], "slug.format", json: At(3, 11), yaml: At(3, 7)),
    .init("slug too short", [Change("slug", quoted("abc"))], "slug.format", json: At(3, 11), yaml: At(3, 7)),
    .init("slug ends with a dash", [Change("slug", quoted("abcd-"))], "slug.format", json: At(3, 11), yaml: At(3, 7)),
    .init("reserved slug", [Change("slug", quoted("media"))], "slug.reserved", json: At(3, 11), yaml: At(3, 7)),
    .init("guessable public slug", [Change("slug", quoted("welcome-video"))], "slug.guessable", .warning,
          json: At(3, 11), yaml: At(3, 7)),
    .init("blank title", [Change("publicTitle", quoted("   "))], "title.length", json: At(4, 18), yaml: At(4, 14)),
    .init("title of 161 characters", [Change("publicTitle", quoted(String(repeating: "a", count: 161)))], "title.length",
          json: At(4, 18), yaml: At(4, 14), message: "161 characters"),
    .init("subtitle of 281 characters", [Change("publicSubtitle", quoted(String(repeating: "b", count: 281)))], "subtitle.length",
          json: At(6, 21), yaml: At(6, 17)),
    .init("locale with underscore", [Change("locale", quoted("en_US"))], "locale.format",
          json: At(6, 13), yaml: At(6, 9), message: #""en-US""#),
    .init("locale with a bad language", [Change("locale", quoted("e-US"))], "locale.format", json: At(6, 13), yaml: At(6, 9)),
    .init("blank CTA label", [Change("ctaLabel", quoted(" ")), Change("ctaUrl", goodURL)], "cta.label", json: At(6, 15), yaml: At(6, 11)),
    .init("CTA label of 61 characters", [Change("ctaLabel", quoted(String(repeating: "c", count: 61))), Change("ctaUrl", goodURL)],
          "cta.label", json: At(6, 15), yaml: At(6, 11)),
    .init("CTA label without URL", [Change("ctaLabel", quoted("Go"))], "cta.pair", json: At(6, 15), yaml: At(6, 11)),
    .init("CTA URL without label", [Change("ctaUrl", goodURL)], "cta.pair", json: At(6, 13), yaml: At(6, 9)),
    .init("javascript CTA URL", [Change("ctaLabel", quoted("Go")), Change("ctaUrl", quoted("javascript:alert(1)"))], "cta.url",
          json: At(7, 13), yaml: At(7, 9), message: "javascript"),
    .init("data CTA URL", [Change("ctaLabel", quoted("Go")), Change("ctaUrl", quoted("data:text/html,x"))], "cta.url",
          json: At(7, 13), yaml: At(7, 9)),
    .init("relative CTA URL", [Change("ctaLabel", quoted("Go")), Change("ctaUrl", quoted("/go"))], "cta.url", json: At(7, 13), yaml: At(7, 9)),
    .init("http CTA URL outside DEV", [Change("ctaLabel", quoted("Go")), Change("ctaUrl", quoted("http://example.com/go"))], "cta.url",
          json: At(7, 13), yaml: At(7, 9), message: "https"),
    .init("personalizationData over 16 KiB", [Change("personalizationData", #"{"k": "\#(String(repeating: "x", count: 17_000))"}"#)],
          "personalization.size", json: At(6, 26), yaml: At(6, 22)),
    .init("personalizationData not an object", [Change("personalizationData", quoted("x"))], "field.type", json: At(6, 26), yaml: At(6, 22)),
    .init("apiCredentialId not a UUID", [Change("apiCredentialId", quoted("not-a-uuid"))], "credential.id", json: At(6, 22), yaml: At(6, 18)),
    .init("description field in Markdown", [Change("description", quoted("x"))], "description.markdown", json: nil, yaml: At(6, 1)),
    .init("title is a boolean", [Change("publicTitle", "true")], "field.type", json: At(4, 18), yaml: At(4, 14), message: "found boolean"),
    .init("video not an object", [Change("video", quoted("v1"))], "field.type", json: At(5, 12), yaml: At(5, 8)),
    .init("video without id", [video(mp4)], "field.required", json: At(5, 12), yaml: At(5, 8), message: #""id""#),
    .init("empty video id", [video(#""id": "", \#(mp4)"#)], "video.id", json: At(5, 19), yaml: At(5, 15)),
    .init("completed video without sources", [video(#""id": "v1""#)], "video.sources", json: At(5, 12), yaml: At(5, 8)),
    .init("null is no source", [video(#""id": "v1", "mp4Url": null"#)], "video.sources", json: At(5, 12), yaml: At(5, 8)),
    .init("ftp media URL", [video(#""id": "v1", "mp4Url": "ftp://cdn.example.com/v1.mp4""#)], "video.url", json: At(5, 35), yaml: At(5, 31)),
    .init("media host with ';', which would add a CSP directive", [video(#""id": "v1", "mp4Url": "https://cdn.example.com;script-src/v1.mp4""#)],
          "video.url", json: At(5, 35), yaml: At(5, 31), message: "host name"),
    .init("misspelt video status", [video(#""id": "v1", "status": "done""#)], "field.enum", json: At(5, 35), yaml: At(5, 31)),
    .init("misspelt visibility", [video(#""id": "v1", \#(mp4), "visibility": "Private""#)], "field.enum",
          json: At(5, 83), yaml: At(5, 79), message: #"did you mean "private"?"#),
    .init("unknown video field", [video(#""id": "v1", \#(mp4), "thumbnail": "https://cdn.example.com/p.jpg""#)], "field.unknown",
          json: At(5, 69), yaml: At(5, 65), message: #"did you mean "thumbnailUrl"?"#),
    .init("private video with embedUrl", [video(#""id": "v1", "visibility": "private", "embedUrl": "https://player.example.com/v1""#)],
          "video.private-embed", json: At(5, 62), yaml: At(5, 58)),
    .init("private video without mediaBaseURL", [video(#""id": "v1", "visibility": "private", \#(mp4)"#)], "video.private-media",
          json: At(5, 60), yaml: At(5, 56), message: "signing.mediaBaseURL"),
    .init("private video outside mediaBaseURL", [video(#""id": "v1", "visibility": "private", \#(mp4)"#)], "video.private-media",
          json: At(5, 60), yaml: At(5, 56), message: "https://media.example.com/", config: mediaConfig),
    .init("segment ends before it starts", [video(#""id": "v1", \#(mp4), "segment": {"start": 5, "end": 2}"#)], "video.segment",
          json: At(5, 100), yaml: At(5, 96)),
    .init("segment starts before 0", [video(#""id": "v1", \#(mp4), "segment": {"start": -1, "end": 2}"#)], "video.segment",
          json: At(5, 90), yaml: At(5, 86)),
    .init("segment ends after the video", [video(#""id": "v1", \#(mp4), "durationSeconds": 10, "segment": {"start": 5, "end": 20}"#)],
          "video.segment", json: At(5, 103), yaml: At(5, 99)),
    // JSON refuses a number beyond a double when parsing; YAML reads it as a string.
    .init("segment end out of range (JSON)", [video(#""id": "v1", \#(mp4), "segment": {"start": 0, "end": 1e999}"#)], "json.syntax",
          json: At(5, 100), yaml: nil),
    .init("segment end out of range (YAML)", [video(#""id": "v1", \#(mp4), "segment": {"start": 0, "end": 1e999}"#)], "field.type",
          json: nil, yaml: At(5, 96)),
    .init("blank caption label", [video(#""id": "v1", \#(mp4), "captions": [{"locale": "en", "label": "", "src": "https://cdn.example.com/en.vtt"}]"#)],
          "video.captions", json: At(5, 108), yaml: At(5, 104)),
    .init("caption locale", [video(#""id": "v1", \#(mp4), "captions": [{"locale": "en_GB", "label": "English", "src": "https://cdn.example.com/en.vtt"}]"#)],
          "locale.format", json: At(5, 93), yaml: At(5, 89)),
    .init("caption over http", [video(#""id": "v1", \#(mp4), "captions": [{"locale": "en", "label": "English", "src": "http://cdn.example.com/en.vtt"}]"#)],
          "video.url", json: At(5, 126), yaml: At(5, 122)),
    .init("zero width", [video(#""id": "v1", \#(mp4), "width": 0"#)], "video.dimension", json: At(5, 78), yaml: At(5, 74)),
    .init("previousSlugs not a list", [Change("previousSlugs", quoted("old"))], "field.type", json: At(6, 20), yaml: At(6, 16)),
    .init("malformed previous slug", [Change("previousSlugs", #"[{"slug": "Old", \#(rotatedAt)}]"#)], "slug.format",
          json: At(6, 30), yaml: At(6, 26)),
    .init("reserved previous slug", [Change("previousSlugs", #"[{"slug": "assets", \#(rotatedAt)}]"#)], "slug.reserved",
          json: At(6, 30), yaml: At(6, 26)),
    .init("rotatedAt not a timestamp",
          [Change("previousSlugs", #"[{"slug": "old-slug", "rotatedAt": "yesterday", "rotatedBy": "ana@example.com"}]"#)],
          "field.timestamp", json: At(6, 55), yaml: At(6, 51)),
    .init("misspelt rotation mode", [Change("previousSlugs", #"[{"slug": "old-slug", \#(rotatedAt), "mode": "redirekt"}]"#)],
          "field.enum", json: At(6, 119), yaml: At(6, 115), message: #"did you mean "redirect"?"#),
    .init("misspelt audit action", [Change("audit", #"[{"action": "create", "at": "2024-05-01T10:00:00Z", "by": "ana@example.com"}]"#)],
          "field.enum", json: At(6, 24), yaml: At(6, 20), message: #"did you mean "created"?"#),
    .init("audit time without time", [Change("audit", #"[{"action": "created", "at": "2024-05-01", "by": "ana@example.com"}]"#)],
          "field.timestamp", json: At(6, 41), yaml: At(6, 37)),
    .init("audit entry not an object", [Change("audit", #"["created"]"#)], "field.type", json: At(6, 13), yaml: At(6, 9)),
    .init("Enabled share whose audit has no created entry", [Change("audit", #"[{"action": "updated", "at": "2024-05-01T10:00:00Z", "by": "ana@example.com"}]"#)],
          "audit.created", .warning, json: At(6, 3), yaml: At(6, 1), message: "no uploadDate"),
    .init("Enabled share without an audit", [Change("audit", nil)], "audit.created", .warning, json: At(1, 1), yaml: At(2, 1)),
]

private let shareRuleRuns: [(ShareRuleCase, ShareFormat)] = shareRuleCases.flatMap { rule in
    [(rule, ShareFormat.json), (rule, ShareFormat.markdown)].filter { ($1 == .json ? rule.json : rule.yaml) != nil }
}

@Suite("Share field rules")
struct ShareRuleTests {
    @Test("the base fixture is valid", arguments: [ShareFormat.json, .markdown])
    func baseShareIsValid(format: ShareFormat) {
        expectDiagnostics(validate([Fixture.sharePath("a", format: format): Fixture.share.text(format)]), [])
    }

    @Test("a share that breaks one rule gets one located diagnostic", arguments: shareRuleRuns)
    func breaksOneRule(_ rule: ShareRuleCase, format: ShareFormat) throws {
        let path = Fixture.sharePath("a", format: format)
        var files = [path: Fixture.share.setting(rule.changes).text(format)]
        files["sharegen.json"] = rule.config
        let result = validate(files)
        let at = try #require(format == .json ? rule.json : rule.yaml)
        expectDiagnostics(result, [Found(rule.rule, rule.severity, path, at.line, at.column)])
        if let message = rule.message {
            #expect(result.diagnostics.first?.message.contains(message) == true, "\(result.diagnostics.map(\.message))")
        }
        #expect(result.isValid == (rule.severity == .warning))
    }

    @Test("a Disabled share needs no created audit entry", arguments: [ShareFormat.json, .markdown])
    func disabledShareNeedsNoCreatedEntry(format: ShareFormat) {
        let share = Fixture.share.setting("status", quoted("Disabled")).setting("audit", nil)
        expectDiagnostics(validate([Fixture.sharePath("a", format: format): share.text(format)]), [])
    }

    @Test("an optional field set to null means its default, and the share is kept", arguments: [ShareFormat.json, .markdown])
    func nullMeansDefault(format: ShareFormat) throws {
        let share = Fixture.share.setting("status", "null").setting("publicSubtitle", "null").setting("locale", "null")
            .setting("video", #"{"id": "v1", "visibility": null, "status": null, "mp4Url": "https://cdn.example.com/v1.mp4", "thumbnailUrl": null}"#)
            .setting("previousSlugs", #"[{"slug": "old-slug", "rotatedAt": "2024-05-01T10:00:00Z", "rotatedBy": "ana@example.com", "mode": null}]"#)
        var files = [Fixture.sharePath("a", format: format): share.text(format)]
        if format == .markdown {
            // An empty YAML value is null too.
            files[Fixture.sharePath("b", project: "q", format: format)] = Fixture.share(slug: "m3n5b7v9c2x4z6l8", video: "v2")
                .setting("status", "").markdown()
        }
        let result = validate(files)
        expectDiagnostics(result, [])
        #expect(result.site.shares.count == files.count)
        let parsed = try #require(result.site.shares.first { $0.sourceFile.contains("/a.") })
        #expect(parsed.status == .enabled && parsed.publicSubtitle == nil && parsed.locale == "en-US")
        #expect(parsed.video.visibility == .public && parsed.video.status == .completed && parsed.video.thumbnailUrl == nil)
        #expect(parsed.previousSlugs.map(\.mode) == [.gone])
        #expect(result.site.shares.allSatisfy { $0.status == .enabled })
    }

    @Test("a title is limited in grapheme clusters, not scalars or bytes")
    func titleCountsGraphemeClusters() {
        for unit in ["👍🏽", "e\u{301}", "🇨🇱"] {
            let ok = Fixture.share.setting("publicTitle", quoted(String(repeating: unit, count: 160)))
            expectDiagnostics(validate([Fixture.sharePath("a"): ok.json]), [])
            let long = Fixture.share.setting("publicTitle", quoted(String(repeating: unit, count: 161)))
            expectDiagnostics(validate([Fixture.sharePath("a"): long.json]), [Found("title.length", .error, Fixture.sharePath("a"), 4, 18)])
        }
    }

    @Test("a guessable slug is only a warning for public Enabled shares")
    func guessableOnlyForPublicEnabled() {
        let slug = quoted("welcome-video")
        let disabled = Fixture.share.setting("slug", slug).setting("status", quoted("Disabled"))
        let privateVideo = Fixture.share.setting("slug", slug)
            .setting("video", #"{"id": "v1", "visibility": "private", "mp4Url": "https://media.example.com/v1.mp4"}"#)
        expectDiagnostics(validate([Fixture.sharePath("a"): disabled.json]), [])
        expectDiagnostics(validate([Fixture.sharePath("a"): privateVideo.json, "sharegen.json": mediaConfig]), [])
        let random = Fixture.share.setting("slug", quoted("q4w8r3t6y5k7x2m9"))
        expectDiagnostics(validate([Fixture.sharePath("a"): random.json]), [])
    }

    @Test("http media and CTA URLs are allowed in DEV only")
    func httpAllowedInDEV() {
        let dev = Fixture.share.setting("channel", quoted("DEV")).setting("ctaLabel", quoted("Go"))
            .setting("ctaUrl", quoted("http://127.0.0.1:8080/go"))
            .setting("video", #"{"id": "v1", "mp4Url": "http://127.0.0.1:9000/v1.mp4"}"#)
        expectDiagnostics(validate([Fixture.sharePath("a"): dev.json]), [])
        let embed = dev.setting("video", #"{"id": "v1", "embedUrl": "http://127.0.0.1:9000/player"}"#)
        expectDiagnostics(validate([Fixture.sharePath("a"): embed.json]), [Found("video.url", .error, Fixture.sharePath("a"), 5, 37)])
    }

    @Test("the root of a share must be an object", arguments: [
        (Fixture.sharePath("a"), "[]\n", At(1, 1)),
        (Fixture.sharePath("a", format: .markdown), "---\n- channel\n---\n", At(2, 1)),
        (Fixture.sharePath("a", format: .markdown), "---\njust text\n---\n", At(2, 1)),
    ])
    func rootMustBeObject(path: String, text: String, at: At) {
        expectDiagnostics(validate([path: text]), [Found("field.type", .error, path, at.line, at.column)])
    }

    @Test("suggestions tolerate one typo per three characters, swaps and prefixes", arguments: [
        ("nmae", ["name"], "name"),
        ("publicTitel", ShareRules.keys, "publicTitle"),
        ("publictitle", ShareRules.keys, "publicTitle"),
        ("apiCredentialID", ShareRules.keys, "apiCredentialId"),
        ("Enable", ShareStatus.allCases.map(\.rawValue), "Enabled"),
        ("prod", Channel.allCases.map(\.rawValue), "PROD"),
        ("thumbnail", ShareRules.videoKeys, "thumbnailUrl"),
        ("colour", ["channel", "slug"], nil),
        ("x", ["id"], nil),
    ] as [(String, [String], String?)])
    func closestMatches(word: String, candidates: [String], match: String?) {
        #expect(closestMatch(word, among: candidates) == match)
    }

    @Test("edit distance counts an adjacent swap as one edit")
    func editDistances() {
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("nmae", "name") == 1)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("ca", "abc") == 3)
        #expect(editDistance("same", "same") == 0)
    }
}
