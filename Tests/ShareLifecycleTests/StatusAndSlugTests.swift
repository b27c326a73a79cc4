import ShareModel
import Testing
@testable import ShareLifecycle

@Suite("disable, restore and rotate-slug edit only their lines")
struct StatusAndSlugTests {
    @Test func disableMarkdownChangesTheStatusLineAndAppendsToTheIndentlessAuditList() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.launch) {
            let change = try site.lifecycle().setStatus(.disabled, of: ShareSelector(project: "acme", channel: .PROD, visibility: .public))
            #expect(change.kind == .updated)
            #expect(change.url == "https://watch.example.com/q7mzk2vbx4ntr6wc/")
        }
        #expect(diff == """
            @@ -5 +5 @@
            -status:   Enabled      # odd spacing on purpose
            +status:   Disabled      # odd spacing on purpose
            @@ -18,0 +19,3 @@
            +- action: disabled
            +  at: "2026-11-22T17:00:00Z"
            +  by: tester@example.com

            """)
        #expect(try site.read(TestSite.launch).hasSuffix("---\nBody line one.  \n  \nTrailing blanks above are kept; there is no final newline."))
    }

    @Test func disableJSONInsertsTheMissingStatusWithTheFilesSpacing() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.teaser) {
            _ = try site.lifecycle().setStatus(.disabled, of: ShareSelector(project: "acme", channel: .PROD, visibility: .private))
        }
        #expect(diff == """
            @@ -3,0 +4 @@
            +    "status" : "Disabled",
            @@ -12 +13,2 @@
            -        {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"}
            +        {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"},
            +        {"action" : "disabled", "at" : "2026-11-22T17:00:00Z", "by" : "tester@example.com"}

            """)
    }

    @Test func disablingADisabledShareIsANoOpWithoutASecondAuditEntry() throws {
        let site = try TestSite()
        let before = try site.snapshot()
        let change = try site.lifecycle().setStatus(.disabled, of: ShareSelector(project: "acme", channel: .STAGING))
        #expect(change.kind == .unchanged)
        #expect(change.file == TestSite.flow)
        #expect(try site.snapshot() == before)
    }

    @Test func restoreAppendsAFlowEntryToAFlowStyleList() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.flow) {
            _ = try site.lifecycle().setStatus(.enabled, of: ShareSelector(project: "acme", channel: .STAGING))
        }
        #expect(diff == """
            @@ -4 +4 @@
            -status: Disabled
            +status: Enabled
            @@ -10,0 +11 @@
            +  - {action: restored, at: "2026-11-22T17:00:00Z", by: tester@example.com}

            """)
    }

    @Test func rotateSlugCreatesPreviousSlugsInTheStyleOfTheAuditList() throws {
        let site = try TestSite()
        var change: ShareChange?
        let diff = try site.diff(TestSite.launch) {
            change = try site.lifecycle().rotateSlug(of: ShareSelector(project: "acme", channel: .PROD, visibility: .public), mode: .redirect)
        }
        #expect(change?.previousSlug == "q7mzk2vbx4ntr6wc")
        #expect(change?.slug == "abcdefghijklmnop")
        #expect(change?.url == "https://watch.example.com/abcdefghijklmnop/")
        #expect(diff == """
            @@ -4 +4 @@
            -slug: q7mzk2vbx4ntr6wc
            +slug: abcdefghijklmnop
            @@ -14,0 +15,5 @@
            +previousSlugs:
            +- slug: q7mzk2vbx4ntr6wc
            +  rotatedAt: "2026-11-22T17:00:00Z"
            +  rotatedBy: tester@example.com
            +  mode: redirect
            @@ -18,0 +24,3 @@
            +- action: slug-rotated
            +  at: "2026-11-22T17:00:00Z"
            +  by: tester@example.com

            """)
        let result = site.validate()
        #expect(result.isValid, "\(result.diagnostics)")
    }

    @Test func rotateSlugAppendsToAFlowSequence() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.flow) {
            _ = try site.lifecycle().rotateSlug(of: ShareSelector(project: "acme", channel: .STAGING), mode: .gone)
        }
        #expect(diff == """
            @@ -3 +3 @@
            -slug: n5vcx4lq2wbtemhs
            +slug: abcdefghijklmnop
            @@ -7 +7 @@
            -previousSlugs: [{slug: old-flow-slug, rotatedAt: "2026-01-01T00:00:00Z", rotatedBy: ana@example.com, mode: gone}]
            +previousSlugs: [{slug: old-flow-slug, rotatedAt: "2026-01-01T00:00:00Z", rotatedBy: ana@example.com, mode: gone}, {slug: n5vcx4lq2wbtemhs, rotatedAt: "2026-11-22T17:00:00Z", rotatedBy: tester@example.com, mode: gone}]
            @@ -10,0 +11 @@
            +  - {action: slug-rotated, at: "2026-11-22T17:00:00Z", by: tester@example.com}

            """)
    }

    @Test func rotateSlugInJSONCreatesTheListBeforeAudit() throws {
        let site = try TestSite()
        let diff = try site.diff(TestSite.teaser) {
            _ = try site.lifecycle().rotateSlug(of: ShareSelector(project: "acme", channel: .PROD, visibility: .private), mode: .gone)
        }
        #expect(diff == """
            @@ -3 +3 @@
            -    "slug" : "h3kd7wq2zx5mprta",
            +    "slug" : "abcdefghijklmnop",
            @@ -10,0 +11,3 @@
            +    "previousSlugs" : [
            +        {"slug" : "h3kd7wq2zx5mprta", "rotatedAt" : "2026-11-22T17:00:00Z", "rotatedBy" : "tester@example.com", "mode" : "gone"}
            +    ],
            @@ -12 +15,2 @@
            -        {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"}
            +        {"action" : "created", "at" : "2026-01-02T03:04:05Z", "by" : "ana@example.com"},
            +        {"action" : "slug-rotated", "at" : "2026-11-22T17:00:00Z", "by" : "tester@example.com"}

            """)
    }

    @Test func commandsOnAShareThatDoesNotExistAreRefused() throws {
        let site = try TestSite()
        let before = try site.snapshot()
        let lifecycle = site.lifecycle()
        #expect(throws: LifecycleError.self) { try lifecycle.setStatus(.disabled, of: ShareSelector(project: "acme", channel: .DEV)) }
        #expect(throws: LifecycleError.self) { try lifecycle.rotateSlug(of: ShareSelector(project: "nobody", channel: .PROD), mode: .gone) }
        #expect(throws: LifecycleError.self) { try lifecycle.setStatus(.enabled, of: ShareSelector(project: "acme", channel: .STAGING, visibility: .private)) }
        #expect(try site.snapshot() == before)
    }

    @Test func anAmbiguousShareMustBeChosenByVisibility() throws {
        let site = try TestSite()
        do {
            _ = try site.lifecycle().setStatus(.disabled, of: ShareSelector(project: "acme", channel: .PROD))
            Issue.record("expected a refusal")
        } catch {
            guard case .usage(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("--visibility"))
            #expect(message.contains(TestSite.launch) && message.contains(TestSite.teaser))
        }
    }
}
