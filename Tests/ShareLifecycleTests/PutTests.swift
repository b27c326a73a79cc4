import ShareModel
import Testing
@testable import ShareLifecycle

@Suite("put creates or updates a share, touching only the fields it changes")
struct PutTests {
    let launch = ShareSelector(project: "acme", channel: .PROD, visibility: .public)

    func patch(_ fields: [(String, JSONValue)]) -> SharePatch {
        var patch = SharePatch()
        for (field, value) in fields { patch.set(field, to: value) }
        return patch
    }

    @Test func updateChangesOnlyTheLinesOfTheChangedFields() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.launch) {
            let change = try site.lifecycle().put(launch, patch: patch([
                ("publicTitle", .string("Launch week")), ("publicSubtitle", .null), ("locale", .string("es-CL")),
                ("video.hlsUrl", .string("https://cdn.example.com/v/9f8e7d6c/v2.m3u8")),
                ("video.thumbnailUrl", .string("https://cdn.example.com/v/9f8e7d6c/poster.jpg")),
            ]))
            #expect(change.kind == .updated)
            #expect(change.slug == "q7mzk2vbx4ntr6wc")
        }
        #expect(diff == """
            @@ -6,2 +6,2 @@
            -publicTitle: "Launch day"
            -publicSubtitle: Everything in one place
            +publicTitle: "Launch week"
            +locale: es-CL
            @@ -13 +13,2 @@
            -    hlsUrl: https://cdn.example.com/v/9f8e7d6c/index.m3u8
            +    hlsUrl: https://cdn.example.com/v/9f8e7d6c/v2.m3u8
            +    thumbnailUrl: https://cdn.example.com/v/9f8e7d6c/poster.jpg
            @@ -18,0 +20,3 @@
            +- action: updated
            +  at: "2026-11-22T17:00:00Z"
            +  by: tester@example.com

            """)
    }

    @Test func anUpdateThatChangesNothingIsANoOp() throws {
        let site = try TestSite()
        let before = try site.snapshot()
        // 1920.0 is the number the file spells 1920.
        let change = try site.lifecycle().put(launch, patch: patch([("publicTitle", .string("Launch day")), ("video.width", .number("1920.0"))]))
        #expect(change.kind == .unchanged)
        #expect(try site.snapshot() == before)
    }

    @Test func aJSONBodyIsAMergePatchWrittenInTheFilesStyle() throws {
        let site = try TestSite()
        let body = #"{"publicTitle": "Teaser 2", "metadata": {"campaign": "spring", "draft": null}, "video": {"mp4Url": "https://media.example.com/t1/720p.mp4"}}"#
        let diff = try site.diff(TestSite.teaser) {
            _ = try site.lifecycle().put(
                ShareSelector(project: "acme", channel: .PROD), patch: SharePatch(json: Array(body.utf8), file: "body.json").withVisibility(.private))
        }
        #expect(diff == """
            @@ -4 +4 @@
            -    "publicTitle" : "Teaser",
            +    "publicTitle" : "Teaser 2",
            @@ -5,0 +6,3 @@
            +    "metadata" : {
            +        "campaign" : "spring"
            +    },
            @@ -12 +15,2 @@
            -        {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"}
            +        {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"},
            +        {"action" : "updated", "at" : "2026-11-22T17:00:00Z", "by" : "tester@example.com"}

            """)
    }

    @Test func aFieldIsInsertedIntoAFlowMapping() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.flow) {
            _ = try site.lifecycle().put(
                ShareSelector(project: "acme", channel: .STAGING), patch: patch([("video.thumbnailUrl", .string("https://cdn.example.com/f1.jpg"))]))
        }
        #expect(diff == """
            @@ -6 +6 @@
            -video: {id: "f1", mp4Url: "https://cdn.example.com/f1.mp4"}
            +video: {id: "f1", mp4Url: "https://cdn.example.com/f1.mp4", thumbnailUrl: https://cdn.example.com/f1.jpg}
            @@ -10,0 +11 @@
            +  - {action: updated, at: "2026-11-22T17:00:00Z", by: tester@example.com}

            """)
    }

    @Test func aMarkdownDescriptionReplacesTheBodyAndNothingElse() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.launch) {
            _ = try site.lifecycle().put(launch, patch: patch([("description", .string("A **new** body.\n"))]))
        }
        #expect(diff == """
            @@ -18,0 +19,3 @@
            +- action: updated
            +  at: "2026-11-22T17:00:00Z"
            +  by: tester@example.com
            @@ -20,3 +23,2 @@
            -Body line one.\u{20}\u{20}
            -\u{20}\u{20}
            -Trailing blanks above are kept; there is no final newline.
            +A **new** body.
            +

            """)
    }

    @Test func aNewShareGetsARandomSlugAPredictableNameAndACreatedEntry() throws {
        let site = try TestSite()
        let change = try site.lifecycle().put(ShareSelector(project: "acme", channel: .DEV), patch: patch([
            ("publicTitle", .string("Preview")), ("video.mp4Url", .string("http://127.0.0.1:9000/p.mp4")), ("video.id", .string("p1")),
        ]))
        #expect(change.kind == .created)
        #expect(change.file == "content/acme/shares/dev.json")
        #expect(change.slug == "abcdefghijklmnop")
        #expect(change.url == "http://127.0.0.1:8080/abcdefghijklmnop/")
        #expect(try site.read("content/acme/shares/dev.json") == """
            {
              "channel": "DEV",
              "slug": "abcdefghijklmnop",
              "status": "Enabled",
              "publicTitle": "Preview",
              "video": {
                "id": "p1",
                "visibility": "public",
                "mp4Url": "http://127.0.0.1:9000/p.mp4"
              },
              "audit": [
                {"action": "created", "at": "2026-11-22T17:00:00Z", "by": "tester@example.com"}
              ]
            }

            """)
        #expect(site.validate().isValid)
        // The same put again is an update that changes nothing.
        let again = try site.lifecycle().put(ShareSelector(project: "acme", channel: .DEV), patch: patch([("publicTitle", .string("Preview"))]))
        #expect(again.kind == .unchanged)
    }

    @Test func aPrivateShareIsAnotherShareWithItsOwnFile() throws {
        let site = try TestSite()
        let change = try site.lifecycle().put(ShareSelector(project: "acme", channel: .STAGING, visibility: .private), patch: patch([
            ("publicTitle", .string("Private preview")), ("video.id", .string("s1")), ("video.hlsUrl", .string("https://media.example.com/s1/index.m3u8")),
        ]))
        #expect(change.file == "content/acme/shares/staging-private.json")
        #expect(try site.read(change.file).contains(#""visibility": "private""#))
    }

    @Test func anInvalidResultIsRefusedAndNothingIsWritten() throws {
        let site = try TestSite()
        let before = try site.snapshot()
        do {
            _ = try site.lifecycle().put(launch, patch: patch([("ctaUrl", .string("javascript:alert(1)"))]))
            Issue.record("expected a refusal")
        } catch {
            guard case .invalid(_, let diagnostics, let proposed) = error else { Issue.record("\(error)"); return }
            #expect(diagnostics.map(\.rule) == ["cta.url"])
            #expect(diagnostics.first?.file == TestSite.launch)
            #expect(diagnostics.first?.line == 9)
            #expect(proposed[TestSite.launch].map { String(decoding: $0, as: UTF8.self) }?.contains("ctaUrl: javascript:alert(1)") == true)
        }
        // A new share missing its required fields is refused too.
        #expect(throws: LifecycleError.self) { try site.lifecycle().put(ShareSelector(project: "acme", channel: .DEV), patch: patch([("publicTitle", .string("x"))])) }
        #expect(try site.snapshot() == before)
    }

    @Test func fieldsOnlySharegenWritesAndMismatchedSelectorsAreUsageErrors() throws {
        let site = try TestSite()
        let before = try site.snapshot()
        let lifecycle = site.lifecycle()
        for (field, value) in [("slug", JSONValue.string("my-own-slug")), ("audit", .array([])), ("previousSlugs", .array([])), ("channel", .string("DEV"))] {
            #expect(throws: LifecycleError.self) { try lifecycle.put(launch, patch: patch([(field, value)])) }
        }
        #expect(throws: LifecycleError.self) { try lifecycle.put(launch, patch: patch([("video.visibility", .string("private"))])) }
        #expect(throws: LifecycleError.self) { try lifecycle.put(ShareSelector(project: "nobody", channel: .PROD), patch: patch([("publicTitle", .string("x"))])) }
        #expect(throws: LifecycleError.self) { try SharePatch(json: Array("[1, 2]".utf8), file: "body.json") }
        #expect(throws: LifecycleError.self) { try SharePatch(json: Array("{\"a\": 1,}".utf8), file: "body.json") }
        #expect(try site.snapshot() == before)
    }

    @Test func aNewFileNeverReplacesAnExistingOne() throws {
        // dev.json holds the STAGING private share, so the DEV share cannot take that name.
        let site = try TestSite(["content/acme/shares/dev.json": """
            {"channel": "STAGING", "slug": "w2x3y4z5a6b7c2d3", "publicTitle": "Odd name",
             "video": {"id": "o1", "visibility": "private", "hlsUrl": "https://media.example.com/o1/index.m3u8"}}

            """])
        let before = try site.snapshot()
        #expect(throws: LifecycleError.self) {
            try site.lifecycle().put(ShareSelector(project: "acme", channel: .DEV), patch: patch([
                ("publicTitle", .string("Preview")), ("video.id", .string("p1")), ("video.mp4Url", .string("http://127.0.0.1:9000/p.mp4")),
            ]))
        }
        #expect(try site.snapshot() == before)
    }

    @Test func aFileThatAlreadyHasErrorsIsNotEditedButErrorsElsewhereDoNotBlock() throws {
        let site = try TestSite(["content/beta/shares/broken.json": """
            {"channel": "PROD", "slug": "k2m3n4p5q6r7s2t3", "publicTitle": "Broken", "locale": "es_CL",
             "video": {"id": "b1", "mp4Url": "https://cdn.example.com/b1.mp4"}}

            """])
        let before = try site.snapshot()
        #expect(throws: LifecycleError.self) {
            try site.lifecycle().setStatus(.disabled, of: ShareSelector(project: "beta", channel: .PROD))
        }
        #expect(try site.snapshot() == before)
        let change = try site.lifecycle().setStatus(.disabled, of: launch)
        #expect(change.kind == .updated)
    }

    @Test func windowsLineEndingsAreKept() throws {
        let text = try TestSite().read(TestSite.flow).replacingOccurrences(of: "\n", with: "\r\n")
        let site = try TestSite([TestSite.flow: text])
        _ = try site.lifecycle().setStatus(.enabled, of: ShareSelector(project: "acme", channel: .STAGING))
        let after = try site.read(TestSite.flow)
        #expect(after == text
            .replacingOccurrences(of: "status: Disabled", with: "status: Enabled")
            .replacingOccurrences(of: "03T03:04:05Z\", by: ana@example.com}\r\n", with: "03T03:04:05Z\", by: ana@example.com}\r\n  - {action: restored, at: \"2026-11-22T17:00:00Z\", by: tester@example.com}\r\n"))
    }
}

extension SharePatch {
    func withVisibility(_ visibility: Visibility) -> SharePatch {
        var patch = self
        patch.set("video.visibility", to: .string(visibility.rawValue))
        return patch
    }
}
