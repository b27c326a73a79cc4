import ShareLoader
import ShareModel
import Testing
import TestSupport
@testable import ShareValidator

/// The outcomes a build keeps for the next one (see also `validate(_:)`, which round-trips
/// them for every validator test).
@Suite("Kept validation outcomes")
struct OutcomeTests {
    /// Loads `files` in one pass, recalling `known`.
    func load(_ files: [String: String], recalling known: ShareOutcomes?) -> (ValidationResult, ShareOutcomes) {
        let loader = SiteLoader(fileSystem: InMemoryFileSystem(files: files), root: "")
        let (_, result, outcomes) = SiteValidator().load(loader.discover(), with: loader, recalling: known)
        return (result, outcomes)
    }

    func roundTrip(_ outcomes: ShareOutcomes) -> ShareOutcomes? {
        var bytes: [UInt8] = []
        outcomes.serialize(version: "v") { bytes += $0 }
        return ShareOutcomes(bytes, version: "v")
    }

    @Test("only files whose bytes, project and configuration are unchanged are recalled")
    func whatIsRecalled() throws {
        var files = [
            Fixture.sharePath("a"): Fixture.share(slug: "k7x2m9q4w8r3t6y5", video: "a").json,
            Fixture.sharePath("b"): Fixture.share(slug: "m3n4p5q6r7s2t3u4", video: "b").json,
            Fixture.sharePath("c", project: "q"): Fixture.share(slug: "w2x3y4z5a6b7c2d3", video: "c").json,
        ]
        let (_, first) = load(files, recalling: nil)
        #expect(first.count == 3 && first.recalled == 0)
        let known = try #require(roundTrip(first))

        files[Fixture.sharePath("b")] = Fixture.share(slug: "m3n4p5q6r7s2t3u4", video: "b").setting("publicTitle", quoted("Edited")).json
        let (edited, second) = load(files, recalling: known)
        #expect(second.recalled == 2 && !second.sameAsRecalled)
        #expect(edited.site.shares.first { $0.sourceFile == Fixture.sharePath("b") }?.publicTitle == "Edited")

        // The same bytes in another project: its outcome names the old project.
        var moved = files
        moved[Fixture.sharePath("c", project: "r")] = moved.removeValue(forKey: Fixture.sharePath("c", project: "q"))
        #expect(load(moved, recalling: known).1.recalled == 1, "only a is unchanged: b was edited and c moved")

        // Every per-file rule reads the configuration: a new default locale reaches every share.
        files["sharegen.json"] = #"{"defaultLocale": "fr-FR"}"#
        let (configured, third) = load(files, recalling: roundTrip(second))
        #expect(third.recalled == 0)
        #expect(configured.site.shares.allSatisfy { $0.locale == "fr-FR" })
    }

    @Test("a file that did not parse cleanly is never kept, so its diagnostics show again")
    func parseProblemsAreNotKept() throws {
        let files = [
            Fixture.sharePath("a"): Fixture.share.json,
            Fixture.sharePath("broken"): #"{"channel": "PROD", "slug": }"#,
        ]
        let (result, outcomes) = load(files, recalling: nil)
        #expect(result.diagnostics.contains { $0.rule == "json.syntax" })
        #expect(outcomes.count == 1)
        let (again, _) = load(files, recalling: roundTrip(outcomes))
        #expect(again.diagnostics == result.diagnostics)
    }

    @Test("damaged or truncated bytes are rejected, never half-read")
    func damagedBytes() {
        let (_, outcomes) = load([Fixture.sharePath("a"): Fixture.share.json], recalling: nil)
        var bytes: [UInt8] = []
        outcomes.serialize(version: "v") { bytes += $0 }
        #expect(ShareOutcomes(bytes, version: "v") != nil)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(ShareOutcomes(Array(bytes[..<cut]), version: "v") == nil, "cut at \(cut)")
        }
        #expect(ShareOutcomes(bytes + [0], version: "v") == nil, "trailing bytes")
    }

    @Test("a share file vouched unchanged (by its stamp) is recalled without being read")
    func vouchedFilesAreNotRead() throws {
        let path = Fixture.sharePath("a")
        let files = [path: Fixture.share.json]
        let (_, first) = load(files, recalling: nil)
        let known = try #require(roundTrip(first))
        let digest = try #require(known.entries[path]?.digest)
        // The bytes on disk are now broken, but the caller vouches for the old ones.
        let loader = SiteLoader(fileSystem: InMemoryFileSystem(files: [path: "{ broken"]), root: "")
        let (_, vouched, outcomes) = SiteValidator().load(loader.discover(), with: loader, recalling: known, unchangedDigest: { $0 == path ? digest : nil })
        #expect(vouched.diagnostics.isEmpty && vouched.site.shares.map(\.publicTitle) == ["Hello"])
        #expect(outcomes.recalled == 1)
        // Without the voucher the file is read, and its new bytes are what count.
        let (_, read, _) = SiteValidator().load(loader.discover(), with: loader, recalling: known)
        #expect(read.diagnostics.contains { $0.rule == "json.syntax" })
        // A voucher with a digest the outcomes do not hold is not trusted either.
        let (_, mismatched, _) = SiteValidator().load(loader.discover(), with: loader, recalling: known, unchangedDigest: { _ in digest &+ 1 })
        #expect(mismatched.diagnostics.contains { $0.rule == "json.syntax" })
    }
}
