import Foundation
import ShareBuild
import ShareModel
import Testing

/// An edit of share files alone is patched into the last build's output when it leaves
/// what the site-wide rules and files read of each share as it was, and built through the
/// whole site otherwise; either way the output and the diagnostics are a clean build's.
extension IncrementalBuildTests {
    /// The stages of a build that patched the last one's output.
    static let patchedStages = ["stat check", "load and validate", "render", "emit", "store"]

    struct Edit: CustomStringConvertible, Sendable {
        var name: String
        /// Under `content/`.
        var file: String
        var from: String
        var to: String
        var patched: Bool
        var description: String { name }
    }

    static let edits: [Edit] = [
        Edit(name: "title", file: "demo/shares/private.json", from: "Your personal statement", to: "Your statement, edited", patched: true),
        Edit(name: "description", file: "demo/shares/private.json", from: "Only you can watch this.", to: "Only you, again.", patched: true),
        Edit(name: "media URL on the same origin", file: "demo/shares/private.json", from: "p/1/video.mp4", to: "p/2/video.mp4", patched: true),
        Edit(name: "subtitle, with a longer manifest entry", file: "embed/shares/player.json", from: "Quote ", to: "A much longer quote than before ", patched: true),
        Edit(name: "Markdown body", file: "demo/shares/public.md", from: "\n\n", to: "\n\nEdited. ", patched: true),
        Edit(name: "the same bytes saved again", file: "demo/shares/private.json", from: "Your", to: "Your", patched: true),
        Edit(name: "a share of another channel", file: "demo/shares/dev.json", from: "Processing in DEV", to: "Still processing", patched: true),
        Edit(
            name: "an audit entry that ends a warning", file: "embed/shares/player.json", from: "\"locale\": \"fr-CA\",",
            to: "\"locale\": \"fr-CA\", \"audit\": [{\"action\": \"created\", \"at\": \"2026-01-15T09:00:00Z\", \"by\": \"a@example.com\"}],", patched: true),
        Edit(name: "slug", file: "demo/shares/private.json", from: "m4bq7zc2xr5ht6wn", to: "m4bq7zc2xr5ht6wp", patched: false),
        Edit(name: "status", file: "embed/shares/player.json", from: "\"locale\": \"fr-CA\",", to: "\"locale\": \"fr-CA\", \"status\": \"Disabled\",", patched: false),
        Edit(name: "media origin", file: "embed/shares/player.json", from: "https://img.example.com/e/1.jpg", to: "https://img.example.org/e/1.jpg", patched: false),
        Edit(name: "rotation mode", file: "rtl/shares/disabled.json", from: "\"mode\": \"redirect\"", to: "\"mode\": \"gone\"", patched: false),
        Edit(name: "video id", file: "embed/shares/player.json", from: "vid-embed-1", to: "vid-embed-2", patched: false),
    ]

    func replace(_ from: String, with to: String, in path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try #require(text.contains(from), "\(path) holds \(from)")
        try write(text.replacingOccurrences(of: from, with: to), to: path)
    }

    /// A copy of the fixture built twice, the second time after an edit, so that the last
    /// build kept a standby (which a patch needs); every build as if long after the edits.
    /// Its embed share has no audit entry, so it warns.
    func builtWithStandby() throws -> (work: String, site: String, output: String) {
        let (work, site) = try copyOfFixture()
        let output = work + "/incremental"
        let audit = ",\n  \"audit\": [{\"action\": \"created\", \"at\": \"2026-01-15T09:00:00Z\", \"by\": \"a@example.com\"}]"
        try replace(audit, with: "", in: site + "/content/embed/shares/player.json")
        _ = try build(site, into: output, incremental: true, later: true)
        try replace("Embedded ", with: "Embedded, ", in: site + "/content/embed/shares/player.json")
        let second = try build(site, into: output, incremental: true, later: true)
        #expect(second.timings.map(\.stage) != Self.patchedStages, "without a standby the whole site is built")
        return (work, site, output)
    }

    /// Builds `site` incrementally (as if long after the edits) and expects a clean
    /// build's output, diagnostics and counts.
    func expectClean(_ site: String, into output: String, work: String, _ what: String) throws -> SiteBuild.Outcome {
        let outcome = try build(site, into: output, incremental: true, later: true)
        let expected = work + "/expected"
        try? FileManager.default.removeItem(atPath: expected)
        let clean = try build(site, into: expected, incremental: false)
        #expect(try tree(output) == tree(expected), "\(what): the output differs from a clean build")
        #expect(outcome.diagnostics == clean.diagnostics, "\(what): the diagnostics differ from a clean build's")
        #expect(outcome.excerpts == clean.excerpts && (clean.diagnostics.isEmpty || !clean.excerpts.isEmpty), "\(what): the warnings' source lines differ from a clean build's")
        #expect(outcome.built == clean.built, "\(what): \(String(describing: outcome.built)) against \(String(describing: clean.built))")
        return outcome
    }

    @Test("an edit of share files is patched when it keeps what the whole site reads of them, built whole otherwise", arguments: edits)
    func patchedEdit(_ edit: Edit) throws {
        let (work, site, output) = try builtWithStandby()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try replace(edit.from, with: edit.to, in: site + "/content/" + edit.file)
        let edited = try expectClean(site, into: output, work: work, edit.name)
        #expect((edited.timings.map(\.stage) == Self.patchedStages) == edit.patched, "\(edit.name): \(edited.timings.map(\.stage))")
        if edit.patched {
            // A title, description or URL is in the share's pages and its manifest entry
            // alone; another channel's share is in none of this output's files.
            let unchanged = edit.from == edit.to
            #expect(edited.report.written <= (edit.file.contains("dev") || unchanged ? 0 : 4), "\(edit.name): \(edited.report)")
            // Only a file whose bytes changed is checked again, as in a build of the whole site.
            #expect(edited.recalledShareFiles == edited.shareFiles - (unchanged ? 0 : 1), "\(edit.name)")
        }
        // What the patch recorded holds: nothing changed is a stat-only no-op, and the next
        // edit (of the same file and another, whose manifest entries moved) is patched too.
        let noOp = try build(site, into: output, incremental: true, later: true)
        #expect(noOp.timings.map(\.stage) == ["stat check"] && noOp.excerpts == edited.excerpts)
        try replace("\"publicTitle\": \"", with: "\"publicTitle\": \"Again ", in: site + "/content/" + (edit.file.hasSuffix(".md") ? "demo/shares/private.json" : edit.file))
        try replace("\"publicTitle\": \"", with: "\"publicTitle\": \"Again ", in: site + "/content/embed/shares/player.json")
        let again = try expectClean(site, into: output, work: work, "\(edit.name), then two titles")
        #expect(again.timings.map(\.stage) == Self.patchedStages, "\(edit.name), then two titles: \(again.timings.map(\.stage))")
        // That patch found the standby's folders recorded, and recorded the output's without
        // a `stat` of each: the next edit finds them as recorded, and is patched too.
        try replace("\"publicTitle\": \"", with: "\"publicTitle\": \"Third ", in: site + "/content/embed/shares/player.json")
        let third = try expectClean(site, into: output, work: work, "\(edit.name), then a third title")
        #expect(third.timings.map(\.stage) == Self.patchedStages, "\(edit.name), then a third title: \(third.timings.map(\.stage))")
    }

    static let breaks: [Edit] = [
        Edit(name: "title.length", file: "demo/shares/private.json", from: "Your personal statement", to: String(repeating: "x", count: 200), patched: false),
        // The same video and segment as demo's public share: a cross-file rule.
        Edit(
            name: "share.video-conflict", file: "embed/shares/player.json", from: "\"id\": \"vid-embed-1\",",
            to: "\"id\": \"vid-public-1\", \"segment\": {\"id\": \"seg-a\", \"start\": 12.5, \"end\": 60},", patched: false),
    ]

    @Test("an edit that breaks a rule fails as a clean build does; undoing it builds again, into a clean build's output", arguments: breaks)
    func brokenEdit(_ edit: Edit) throws {
        let (work, site, output) = try builtWithStandby()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let share = site + "/content/" + edit.file
        let original = try String(contentsOfFile: share, encoding: .utf8)
        try replace(edit.from, with: edit.to, in: share)
        let before = try tree(output)
        let failure = SiteBuild(root: site, now: { FileStamp.now() + 3_600 }).run(channel: .PROD, output: output)
        let clean = SiteBuild(root: site).run(channel: .PROD, output: work + "/expected", incremental: false)
        guard case .failure(.invalid(let found)) = failure, case .failure(.invalid(let expected)) = clean else {
            Issue.record("both builds fail on the rule: \(failure), \(clean)")
            return
        }
        #expect(found == expected && found.contains { $0.rule == edit.name }, "\(found)")
        #expect(try tree(output) == before, "a failed build leaves the output")
        try write(original, to: share)
        _ = try expectClean(site, into: output, work: work, "undone")
    }

    @Test("an output changed by hand is not patched: the edit is built whole, into a clean build's output")
    func outputChangedByHand() throws {
        let (work, site, output) = try builtWithStandby()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let slug = "m4bq7zc2xr5ht6wn"
        try FileManager.default.removeItem(atPath: output + "/site/\(slug)/index.html")
        try replace("Only you can watch this.", with: "Edited.", in: site + "/content/demo/shares/private.json")
        let edited = try expectClean(site, into: output, work: work, "output changed by hand")
        #expect(edited.timings.map(\.stage) != Self.patchedStages)
    }
}
