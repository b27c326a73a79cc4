import ShareModel
import Testing
@testable import ShareValidator

private let otherSlug = "m3n5b7v9c2x4z6l8"
private let mediaConfig = #"{"signing": {"mediaBaseURL": "https://media.example.com"}}"#

/// Validates `files` and expects, for each expected location, one diagnostic of `rule`
/// there, every one of which names all the files involved.
private func expectCrossFile(
    _ files: [String: String], _ rule: String, at expected: [Found], sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let result = validate(files)
    expectDiagnostics(result, expected.map { Found(rule, .error, $0.file, $0.line, $0.column) }, sourceLocation: sourceLocation)
    let involved = Set(expected.map(\.file))
    for diagnostic in result.diagnostics {
        expectNamesEveryFile(diagnostic, involved, sourceLocation: sourceLocation)
        let others = expected.filter { $0.file != diagnostic.file || $0.line != diagnostic.line }
        #expect(diagnostic.related.map(Found.init).sorted() == others.sorted(), sourceLocation: sourceLocation)
    }
}

private func at(_ file: String, _ line: Int, _ column: Int) -> Found {
    Found("", .error, file, line, column)
}

private func segmentVideo(_ segment: String?) -> String {
    #"{"id": "v1", "mp4Url": "https://cdn.example.com/v1.mp4""# + (segment.map { #", "segment": \#($0)"# } ?? "") + "}"
}

@Suite("Cross-file rules")
struct CrossFileRuleTests {
    let a = Fixture.sharePath("a")
    let b = Fixture.sharePath("b", project: "q")

    @Test("a slug is unique across projects, channels and statuses")
    func duplicateCurrentSlug() {
        let markdown = Fixture.sharePath("b", project: "q", format: .markdown)
        let other = Fixture.share(slug: Fixture.slug, video: "v2", channel: .DEV).setting("status", quoted("Disabled"))
        expectCrossFile([a: Fixture.share.json, markdown: other.markdown()], "slug.duplicate", at: [at(a, 3, 11), at(markdown, 3, 7)])
    }

    @Test("a previous slug is never reused, even in another channel")
    func previousSlugReused() {
        let rotated = Fixture.share(slug: otherSlug, video: "v2", channel: .STAGING).setting(
            "previousSlugs", #"[{"slug": "\#(Fixture.slug)", "rotatedAt": "2024-05-01T10:00:00Z", "rotatedBy": "ana@example.com"}]"#)
        expectCrossFile([a: Fixture.share.json, b: rotated.json], "slug.duplicate", at: [at(a, 3, 11), at(b, 6, 30)])
    }

    @Test("a project has at most one share per channel and visibility, Enabled or not")
    func duplicateShare() {
        let second = Fixture.sharePath("b")
        let disabled = Fixture.share(slug: otherSlug, video: "v2").setting("status", quoted("Disabled"))
        expectCrossFile([a: Fixture.share.json, second: disabled.json], "share.duplicate", at: [at(a, 1, 1), at(second, 1, 1)])
    }

    @Test("shares of one project in other channels or visibilities are not duplicates")
    func distinctShares() {
        let staging = Fixture.share(slug: otherSlug, video: "v2", channel: .STAGING)
        let privateShare = Fixture.share(slug: "z9y8x7w6v5u4t3s2", video: "v3")
            .setting("video", #"{"id": "v3", "visibility": "private", "mp4Url": "https://media.example.com/v3.mp4"}"#)
        let result = validate([
            a: Fixture.share.json, Fixture.sharePath("b"): staging.json, Fixture.sharePath("c"): privateShare.json,
            "sharegen.json": mediaConfig,
        ])
        expectDiagnostics(result, [])
        #expect(result.site.shares.count == 3)
    }

    @Test("two Enabled shares of one video in one channel conflict", arguments: [
        (nil, nil, true),
        (#"{"id": "s1", "start": 0, "end": 5}"#, #"{"id": "s1", "start": 10, "end": 20}"#, true),
        (#"{"start": 0, "end": 5}"#, #"{"start": 0, "end": 5.0}"#, true),
        (#"{"start": 0, "end": 5}"#, #"{"start": 0, "end": 6}"#, false),
        (#"{"id": "s1", "start": 0, "end": 5}"#, #"{"id": "s2", "start": 0, "end": 5}"#, false),
        (#"{"id": "s1", "start": 0, "end": 5}"#, #"{"start": 0, "end": 5}"#, false),
        (nil, #"{"start": 0, "end": 5}"#, false),
    ] as [(String?, String?, Bool)])
    func videoConflict(segmentA: String?, segmentB: String?, conflict: Bool) {
        let first = Fixture.share.setting("video", segmentVideo(segmentA))
        let second = Fixture.share(slug: otherSlug, video: "v1").setting("video", segmentVideo(segmentB))
        let files = [a: first.json, b: second.json]
        if conflict {
            expectCrossFile(files, "share.video-conflict", at: [at(a, 5, 19), at(b, 5, 19)])
        } else {
            expectDiagnostics(validate(files), [])
        }
    }

    @Test("shares of one video do not conflict when Disabled, in another channel or of another visibility", arguments: [
        Change("status", quoted("Disabled")),
        Change("channel", quoted("STAGING")),
        Change("video", #"{"id": "v1", "visibility": "private", "mp4Url": "https://media.example.com/v1.mp4"}"#),
    ])
    func noVideoConflict(change: Change) {
        let second = Fixture.share(slug: otherSlug, video: "v1").setting(change.key, change.value)
        expectDiagnostics(validate([a: Fixture.share.json, b: second.json, "sharegen.json": mediaConfig]), [])
    }

    @Test("apiCredentialId names an active credential of the share's project", arguments: [
        ("p", "active", nil, nil),
        (nil, "active", "credential.unknown", nil),
        ("p", "revoked", "credential.revoked", At(7, 13)),
        ("q", "active", "credential.project", At(2, 9)),
    ] as [(String?, String, String?, At?)])
    func credentialReference(project: String?, status: String, rule: String?, related: At?) throws {
        var files = [a: Fixture.share.setting("apiCredentialId", quoted(Fixture.credentialID.uppercased())).json]
        if let project {
            var credential = Fixture.credential.setting("status", quoted(status))
            if status == "revoked" { credential = credential.setting("revokedAt", quoted("2024-06-01T10:00:00Z")) }
            files[Fixture.credentialPath(project: project)] = credential.json
        }
        let result = validate(files)
        guard let rule else { return expectDiagnostics(result, []) }
        expectDiagnostics(result, [Found(rule, .error, a, 6, 22)])
        let diagnostic = try #require(result.diagnostics.first)
        let expectedRelated = related.map { [Found("", .error, Fixture.credentialPath(project: project!), $0.line, $0.column)] } ?? []
        #expect(diagnostic.related.map(Found.init) == expectedRelated)
        if let project { expectNamesEveryFile(diagnostic, [a, Fixture.credentialPath(project: project)]) }
    }

    @Test("a credential id is unique across the site")
    func duplicateCredentialID() {
        let p = Fixture.credentialPath(project: "p"), q = Fixture.credentialPath(project: "q")
        expectCrossFile([
            a: Fixture.share.json, p: Fixture.credential.json,
            q: Fixture.credential.setting("apiKey", quoted("pk_live_other123")).json,
        ], "credential.duplicate", at: [at(p, 2, 9), at(q, 2, 9)])
    }

    @Test("an API key is unique across the site")
    func duplicateAPIKey() {
        let otherID = "11111111-2222-4333-8444-555555555555"
        let p = Fixture.credentialPath(project: "p"), q = Fixture.credentialPath(otherID, project: "q")
        expectCrossFile([
            a: Fixture.share.json, p: Fixture.credential.json,
            q: Fixture.credential.setting("id", quoted(otherID)).json,
        ], "credential.duplicate", at: [at(p, 4, 13), at(q, 4, 13)])
    }

    @Test("check --channel keeps the diagnostics of that channel's files")
    func diagnosticsForChannel() {
        let dev = Fixture.share(slug: otherSlug, video: "v2", channel: .DEV).setting("publicSubtitle", quoted(String(repeating: "s", count: 300)))
        let guessable = Fixture.share(slug: "welcome-video", video: "v3", channel: .STAGING)
        let result = validate([a: Fixture.share.json, b: dev.json, Fixture.sharePath("c", project: "r"): guessable.json])
        #expect(result.diagnostics.map(\.rule).sorted() == ["slug.guessable", "subtitle.length"])
        #expect(result.diagnostics(for: .PROD).isEmpty)
        #expect(result.diagnostics(for: .STAGING).map(\.rule) == ["slug.guessable"])
        #expect(result.diagnostics(for: .DEV).map(\.rule) == ["subtitle.length"])
        #expect(result.diagnostics(for: nil).count == 2)
    }
}
