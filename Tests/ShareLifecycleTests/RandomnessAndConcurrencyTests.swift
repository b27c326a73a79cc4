import Foundation
import ShareModel
import ShareValidator
import Synchronization
import Testing
@testable import ShareLifecycle

@Suite("random slugs and secrets; concurrent commands")
struct RandomnessAndConcurrencyTests {
    @Test func slugsAre16CharactersOfBase32AndNeverRepeat() {
        let slugs = (0..<1000).map { _ in RandomTokens.slug(LifecycleEnvironment.systemRandomBytes) }
        #expect(slugs.allSatisfy { $0.wholeMatch(of: /[a-z2-7]{16}/) != nil })
        #expect(Set(slugs).count == 1000)
        // 16,000 draws from 32 characters: each one shows up.
        #expect(Set(slugs.joined()).count == 32)
    }

    @Test func secretsCarryAtLeast256BitsAndNeverRepeat() {
        #expect(Double(RandomTokens.secretLength) * log2(62) >= 256)
        let secrets = (0..<1000).map { _ in RandomTokens.base62(length: RandomTokens.secretLength, LifecycleEnvironment.systemRandomBytes) }
        #expect(Set(secrets).count == 1000)
        #expect(Set(secrets.joined()).count == 62)
    }

    @Test func aNewSlugAvoidsEverySlugTheSiteUsesOrUsed() throws {
        // The counting generator's first slug is taken, as a previous slug.
        let site = try TestSite([TestSite.flow: try TestSite().read(TestSite.flow).replacingOccurrences(of: "old-flow-slug", with: "abcdefghijklmnop")])
        let change = try site.lifecycle().rotateSlug(of: ShareSelector(project: "acme", channel: .PROD, visibility: .public), mode: .gone)
        #expect(change.slug == "qrstuvwxyz234567")
    }

    @Test func timestampsAreUTCInWholeSeconds() {
        #expect(testEnvironment().timestamp == fixedTime)
        #expect(LifecycleEnvironment(actor: actor, clock: { Date(timeIntervalSince1970: 0.75) }).timestamp == "1970-01-01T00:00:00Z")
    }

    @Test func theActorGivenExplicitlyWins() throws {
        #expect(try LifecycleEnvironment.resolveActor(explicit: "  ana@example.com\n", root: "/", environment: [:]) == "ana@example.com")
        #expect(try LifecycleEnvironment.resolveActor(explicit: nil, root: "/nonexistent", environment: ["USER": "ana"]) == "ana")
    }

    @Test("a blank --actor is refused, never replaced by git's or $USER's", arguments: ["", "  ", "\t\n"])
    func aBlankActorIsRefused(blank: String) {
        #expect(throws: LifecycleError.self) {
            try LifecycleEnvironment.resolveActor(explicit: blank, root: "/nonexistent", environment: ["USER": "ana"])
        }
    }

    /// Commands on one file from many threads at once: each holds the site lock from
    /// reading to writing, so no update is lost.
    @Test(.timeLimit(.minutes(1))) func concurrentCommandsOnOneFileLoseNoUpdate() throws {
        let site = try TestSite()
        let selector = ShareSelector(project: "acme", channel: .PROD, visibility: .public)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        let root = site.root
        for index in 0..<8 {
            group.enter()
            Thread {
                defer { group.leave() }
                let lifecycle = SiteLifecycle(root: root, environment: testEnvironment(actor: "thread-\(index)"))
                do {
                    _ = try lifecycle.rotateSlug(of: selector, mode: .gone)
                    var patch = SharePatch()
                    patch.set("publicSubtitle", to: .string("Written by thread \(index)"))
                    _ = try lifecycle.put(selector, patch: patch)
                } catch {
                    failures.withLock { $0.append("\(index): \(error)") }
                }
            }.start()
        }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        let result = site.validate()
        #expect(result.isValid, "\(result.diagnostics)")
        let share = try #require(result.site.shares.first { $0.sourceFile == TestSite.launch })
        let rotations = share.audit.filter { $0.action == .slugRotated }
        #expect(rotations.count == 8)
        #expect(Set(rotations.map(\.by)) == Set((0..<8).map { "thread-\($0)" }))
        #expect(share.previousSlugs.count == 8)
        #expect(Set(share.previousSlugs.map(\.slug) + [share.slug]).count == 9)
        // Each put changed the subtitle (no two threads write the same one), so each added an entry.
        #expect(share.audit.filter { $0.action == .updated }.count == 8)
        #expect(try site.read(TestSite.launch).hasSuffix("---\nBody line one.  \n  \nTrailing blanks above are kept; there is no final newline."))
        // No temporary file is left behind.
        #expect(try site.snapshot().keys.allSatisfy { !$0.contains(".tmp") })
    }
}

@Suite("list")
struct ListTests {
    @Test func oneEntryPerShareWithItsURL() throws {
        let site = try TestSite()
        let listing = SiteListing(root: site.root)
        #expect(listing.shares.map { "\($0.project) \($0.channel.rawValue) \($0.visibility.rawValue) \($0.status.rawValue) \($0.slug) \($0.url)" } == [
            "acme STAGING public Disabled n5vcx4lq2wbtemhs https://watch.staging.example.com/n5vcx4lq2wbtemhs/",
            "acme PROD private Enabled h3kd7wq2zx5mprta https://watch.example.com/h3kd7wq2zx5mprta/",
            "acme PROD public Enabled q7mzk2vbx4ntr6wc https://watch.example.com/q7mzk2vbx4ntr6wc/",
        ])
        #expect(SiteListing(root: site.root, channel: .STAGING).shares.map(\.file) == [TestSite.flow])
        #expect(SiteListing(root: site.root, project: "other").shares.isEmpty)
        #expect(listing.shares[0].listJSON.serialized() == #"{"project":"acme","channel":"STAGING","visibility":"public","status":"Disabled","slug":"n5vcx4lq2wbtemhs","url":"https://watch.staging.example.com/n5vcx4lq2wbtemhs/","file":"content/acme/shares/flow.md"}"#)
    }
}
