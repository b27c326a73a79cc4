import ShareLoader
import ShareModel
import Testing
import TestSupport
@testable import ShareBuild
@testable import ShareValidator

/// The per-file memo a build keeps for the next one (see also `validate(_:)`, which goes
/// through it for every validator test).
@Suite("File memo")
struct FileMemoTests {
    /// Loads `files` in one pass, recalling `known`.
    func load(_ files: [String: String], recalling known: FileMemo?) -> (ValidationResult, FileMemo.Validated) {
        let loader = SiteLoader(fileSystem: InMemoryFileSystem(files: files), root: "")
        let validated = (known ?? FileMemo(configDigest: 0)).loadAndValidate(loader.discover(), with: loader)
        return (validated.result, validated)
    }

    func roundTrip(_ validated: FileMemo.Validated) -> FileMemo? {
        var bytes: [UInt8] = []
        validated.memo.serialize { bytes += $0 }
        return FileMemo(bytes)
    }

    @Test("only files whose bytes, project and configuration are unchanged are recalled")
    func whatIsRecalled() throws {
        var files = [
            Fixture.sharePath("a"): Fixture.share(slug: "k7x2m9q4w8r3t6y5", video: "a").json,
            Fixture.sharePath("b"): Fixture.share(slug: "m3n4p5q6r7s2t3u4", video: "b").json,
            Fixture.sharePath("c", project: "q"): Fixture.share(slug: "w2x3y4z5a6b7c2d3", video: "c").json,
        ]
        let (_, first) = load(files, recalling: nil)
        #expect(first.memo.entries.count == 3 && first.recalled == 0)
        let known = try #require(roundTrip(first))

        files[Fixture.sharePath("b")] = Fixture.share(slug: "m3n4p5q6r7s2t3u4", video: "b").setting("publicTitle", quoted("Edited")).json
        let (edited, second) = load(files, recalling: known)
        #expect(second.recalled == 2)
        #expect(edited.site.shares.first { $0.sourceFile == Fixture.sharePath("b") }?.publicTitle == "Edited")

        // The same bytes in another project, so at another path: its outcome names the old project.
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
        #expect(outcomes.memo.entries.count == 1)
        let (again, _) = load(files, recalling: roundTrip(outcomes))
        #expect(again.diagnostics == result.diagnostics)
    }

    @Test("damaged, truncated or changed bytes are rejected, never half-read")
    func damagedBytes() {
        let (_, outcomes) = load([Fixture.sharePath("a"): Fixture.share.json], recalling: nil)
        var bytes: [UInt8] = []
        outcomes.memo.serialize { bytes += $0 }
        #expect(FileMemo(bytes) != nil)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(FileMemo(Array(bytes[..<cut])) == nil, "cut at \(cut)")
        }
        #expect(FileMemo(bytes + [0]) == nil, "trailing bytes")
        // A changed byte in an entry (a title's letter) decodes, but its part's digest tells.
        let title = Array("Hello".utf8)
        let at = (0..<(bytes.count - title.count)).first { bytes[$0..<($0 + title.count)].elementsEqual(title) }
        #expect(at != nil)
        var changed = bytes
        if let at { changed[at] = UInt8(ascii: "J") }
        #expect(FileMemo(changed) == nil, "a changed entry")
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
        let vouched = known.loadAndValidate(loader.discover(), with: loader, unchanged: [path: digest])
        #expect(vouched.result.diagnostics.isEmpty && vouched.result.site.shares.map(\.publicTitle) == ["Hello"])
        #expect(vouched.recalled == 1)
        // Without the voucher the file is read, and its new bytes are what count.
        let read = known.loadAndValidate(loader.discover(), with: loader)
        #expect(read.result.diagnostics.contains { $0.rule == "json.syntax" })
        // A voucher with a digest the memo does not hold is not trusted either.
        let mismatched = known.loadAndValidate(loader.discover(), with: loader, unchanged: [path: digest &+ 1])
        #expect(mismatched.result.diagnostics.contains { $0.rule == "json.syntax" })
    }
}

extension FileMemoTests {
    @Test("in memory (serve), a file of unchanged bytes is not checked again; a changed one is")
    func inMemoryRecall() throws {
        let path = Fixture.sharePath("a")
        let loader = SiteLoader(fileSystem: InMemoryFileSystem(files: [path: Fixture.share.json]), root: "")
        let (_, memo) = FileMemo(configDigest: 0).validate(loader.load())
        // The parsed value changed under the same digest: only a recalled outcome keeps the old title.
        var site = loader.load()
        let edited = SiteLoader(fileSystem: InMemoryFileSystem(files: [path: Fixture.share.setting("publicTitle", quoted("Edited")).json]), root: "").load()
        site.projects[0].shares[0].value = edited.projects[0].shares[0].value
        #expect(memo.validate(site).result.site.shares.map(\.publicTitle) == ["Hello"])
        // With its digest changed too, the file is checked again.
        site.projects[0].shares[0].digest = edited.projects[0].shares[0].digest
        #expect(memo.validate(site).result.site.shares.map(\.publicTitle) == ["Edited"])
    }
}
