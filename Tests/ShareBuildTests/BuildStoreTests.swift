import Foundation
import ShareModel
import Testing
import TestSupport
@testable import ShareBuild

/// The one file a build keeps for the next: what is written is read back, and a changed
/// or missing byte anywhere is never read as something else.
@Suite("Build store")
struct BuildStoreTests {
    let warnings = [
        Diagnostic.warning(
            "slug.guessable", "public share slug \"demo\" is guessable", at: SourceLocation(file: "content/a/shares/s.json", position: SourcePosition(line: 2, column: 3)),
            related: [SourceLocation(file: "content/b/shares/t.json", position: SourcePosition(line: 4, column: 5))]),
        // A warning on a folder, which has no source line.
        Diagnostic.warning("site.stray-file", "ignored", at: SourceLocation(file: "content/a/stray")),
    ]
    let lines = ["  \"slug\": \"demo\",", nil]
    let watch = WatchStamps(paths: ["sharegen.json", "content", "content/a/shares/s.json"], kinds: [.file, .contentFolder, .input], hashes: [1, 0, 3], digests: [0, 0, 42])
    let ledger = OutputLedger(
        shares: ["content/a/shares/s.json": OutputLedger.Share(digest: 42, outputs: ["site/k4m2/index.html", "site/embed/k4m2/index.html"], manifestEntry: 10..<90)],
        otherOutputs: ["manifest.json", "site/404.html"], standbyDiffering: ["site/k4m2/index.html"], folders: Array("site\u{0}site/embed\u{0}site/k4m2".utf8))

    /// A store for the output `folder/dist` of channel PROD, whatever channel it claims.
    @discardableResult
    func written(in folder: String, tool: String = "t", channel: Channel = .PROD) throws -> String {
        let path = folder + "/.sharegen-cache/dist-PROD"
        let writer = try #require(BuildStore.Writer(path: path, fileSystem: LocalFileSystem()))
        writer.append(memo: FileMemo(configDigest: 7))
        var fields = BuildStore(tool: tool, channel: channel, inputs: 11, global: 12, outputMarker: "m", outputFolders: 13, standbyMarker: "s",
            counts: BuildStore.Counts(pages: 14, stubs: 15, shareFiles: 16))
        fields.standbyFolders = 17
        writer.finish(fields, warnings: Excerpted(diagnostics: warnings, lines: lines), watch: watch, ledger: ledger)
        return path
    }

    /// The incremental layer of a PROD build of `folder` into `folder/dist`.
    func layer(in folder: String) -> Incremental {
        Incremental(root: folder, output: folder + "/dist", channel: .PROD, fileSystem: LocalFileSystem(), started: 0, enabled: true)
    }

    func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "sharegen-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("what a build writes, the next reads back, part by part; nothing is left under a temporary name")
    func roundTrip() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try written(in: folder)
        let store = try #require(BuildStore(at: path))
        #expect(store.tool == "t" && store.channel == .PROD && store.inputs == 11 && store.global == 12)
        #expect(store.outputMarker == "m" && store.outputFolders == 13 && store.standbyMarker == "s")
        #expect(store.counts == BuildStore.Counts(pages: 14, stubs: 15, shareFiles: 16) && store.standbyFolders == 17)
        #expect(store.warnings == warnings && store.keptWarnings?.lines == lines, "a warning without a source line is kept too")
        #expect(store.watchList.flatMap(store.watch(of:)) == watch)
        #expect(store.ledger == ledger)
        #expect(store.memo?.configDigest == 7 && store.memo?.entries.isEmpty == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/.sharegen-cache") == ["dist-PROD"])
    }

    @Test("a changed byte anywhere, or a cut, makes the store or the part it falls in unreadable, never different")
    func damage() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try written(in: folder)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        for index in bytes.indices {
            var changed = bytes
            changed[index] ^= 0x01
            try Data(changed).write(to: URL(fileURLWithPath: path))
            guard let store = BuildStore(at: path) else { continue }
            // The header's fields are what a build compares with what it sees: a changed one
            // only makes the store not match.
            #expect(store.warnings == nil || store.warnings == warnings, "byte \(index)")
            let read = store.watchList.flatMap(store.watch(of:))
            #expect(read == nil || read == watch, "byte \(index)")
            #expect(store.ledger == nil || store.ledger == ledger, "byte \(index)")
            #expect(store.memo == nil || store.memo?.configDigest == 7, "byte \(index)")
        }
        for cut in stride(from: 0, to: bytes.count, by: 5) {
            try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: path))
            #expect(BuildStore(at: path) == nil, "cut at \(cut)")
        }
    }

    @Test("a store written by another sharegen binary, or for another channel, is not used")
    func otherBinary() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try written(in: folder) == BuildStore.path(for: folder + "/dist", channel: .PROD))
        #expect(layer(in: folder).store == nil, "another binary's")
        try written(in: folder, tool: BuildStore.tool, channel: .DEV)
        #expect(layer(in: folder).store == nil, "another channel's, under this channel's name")
        try written(in: folder, tool: BuildStore.tool)
        #expect(layer(in: folder).store != nil, "this binary's own is used")
    }

    @Test("tools/inspect-store.py reads every part of a real build's store, and of a written one, as sharegen does",
          .tags(.external), .enabled(if: Tools.which("python3") != nil, "needs python3"))
    func inspectable() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The end-to-end fixture site with a share that warns (no `created` audit entry),
        // built twice with an edit between, so that the store also records a standby.
        let site = folder + "/site", output = folder + "/dist"
        try FileManager.default.copyItem(atPath: Tools.repository + "/Tests/EndToEndTests/Fixtures/site", toPath: site)
        let warned = site + "/content/warned/shares/warned.json"
        func share(_ title: String) throws {
            let text = #"{"channel": "PROD", "slug": "w4x5y6z7a2b3c4d5", "publicTitle": "\#(title)", "video": {"id": "warned", "mp4Url": "https://cdn.example.com/w.mp4"}}"#
            try text.write(toFile: warned, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: site + "/content/warned/shares", withIntermediateDirectories: true)
        for title in ["First", "Second"] {
            try share(title)
            guard case .success = SiteBuild(root: site).run(channel: .PROD, output: output) else { throw ProgramFailure("the fixture site did not build") }
        }
        let path = BuildStore.path(for: output, channel: .PROD)
        let built = try #require(BuildStore(at: path))
        #expect(built.standbyMarker != nil && built.warnings?.contains { $0.rule == "audit.created" } == true)
        try expectInspected(built, at: path)
        // A written store, for what a build of the fixture does not make: related locations.
        try FileManager.default.createDirectory(atPath: folder + "/written", withIntermediateDirectories: true)
        let written = try written(in: folder + "/written")
        try expectInspected(try #require(BuildStore(at: written)), at: written)
    }

    /// Every field `tools/inspect-store.py` prints of the store at `path` is what `store` reads.
    func expectInspected(_ store: BuildStore, at path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        func inspect(_ part: String) throws -> Any {
            let result = try Tools.run(try #require(Tools.which("python3")), [Tools.repository + "/tools/inspect-store.py", path, part])
            #expect(result.status == 0, "\(result.output)", sourceLocation: sourceLocation)
            return try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        }
        func number(_ value: Any?) -> UInt64? { (value as? NSNumber)?.uint64Value }
        func location(_ value: Any?) -> ShareModel.SourceLocation? {
            guard let value = value as? [String: Any], let file = value["file"] as? String, let line = value["line"] as? Int, let column = value["column"] as? Int else { return nil }
            return SourceLocation(file: file, position: SourcePosition(line: line, column: column))
        }

        let header = try #require(try inspect("header") as? [String: Any])
        #expect(header["tool"] as? String == store.tool && header["channel"] as? String == store.channel.rawValue, sourceLocation: sourceLocation)
        #expect(number(header["inputs"]) == store.inputs && number(header["global"]) == store.global, sourceLocation: sourceLocation)
        #expect(header["outputMarker"] as? String == store.outputMarker && number(header["outputFolders"]) == store.outputFolders, sourceLocation: sourceLocation)
        #expect(header["standbyMarker"] as? String == store.standbyMarker, sourceLocation: sourceLocation)
        let counts = BuildStore.Counts(pages: header["pages"] as? Int ?? -1, stubs: header["stubs"] as? Int ?? -1, shareFiles: header["shareFiles"] as? Int ?? -1)
        #expect(counts == store.counts, sourceLocation: sourceLocation)
        #expect(number(header["standbyFolders"]) == store.standbyFolders, sourceLocation: sourceLocation)

        let inspected = try #require(try inspect("warnings") as? [[String: Any]])
        #expect(inspected.map { $0["excerpt"] as? String } == store.keptWarnings?.lines, sourceLocation: sourceLocation)
        let warnings = inspected.map { warning in
            Diagnostic(
                Severity(rawValue: warning["severity"] as? String ?? "") ?? .error, warning["rule"] as? String ?? "", warning["message"] as? String ?? "",
                at: location(warning) ?? SourceLocation(file: ""), related: (warning["related"] as? [Any] ?? []).compactMap { location($0) })
        }
        #expect(warnings == store.warnings, sourceLocation: sourceLocation)

        let kinds = ["file": 0, "contentFolder": 1, "input": 2, "templateFolder": 3, "reported": 4, "absentFolder": 5]
        let watch = try #require(try inspect("watch") as? [[String: Any]])
        let stamps = try #require(store.watchList.flatMap(store.watch(of:)))
        #expect(watch.map { $0["path"] as? String } == stamps.paths, sourceLocation: sourceLocation)
        #expect(watch.map { kinds[$0["kind"] as? String ?? ""] } == stamps.kinds.map(\.rawValue), sourceLocation: sourceLocation)
        #expect(watch.map { number($0["hash"]) } == stamps.hashes && watch.map { number($0["digest"]) } == stamps.digests, sourceLocation: sourceLocation)

        let ledger = try #require(try inspect("ledger") as? [String: Any])
        var read = OutputLedger(otherOutputs: ledger["otherOutputs"] as? [String] ?? [], standbyDiffering: ledger["standbyDiffering"] as? [String] ?? [])
        for share in ledger["shares"] as? [[String: Any]] ?? [] {
            let range = (share["manifestEntry"] as? [Int]).map { $0[0]..<$0[1] }
            read.shares[share["source"] as? String ?? ""] = OutputLedger.Share(digest: number(share["digest"]) ?? 0, outputs: share["outputs"] as? [String] ?? [], manifestEntry: range)
        }
        read.folders = Array(((ledger["folders"] as? [String]) ?? []).joined(separator: "\u{0}").utf8)
        #expect(read == store.ledger, sourceLocation: sourceLocation)

        let memo = try #require(try inspect("memo") as? [String: Any])
        let entries = memo["entries"] as? [[String: Any]] ?? []
        let digests = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as? String ?? "", number($0["digest"]) ?? 0) })
        #expect(number(memo["configDigest"]) == store.memo?.configDigest && digests == store.memo?.entries.mapValues(\.digest), sourceLocation: sourceLocation)
        #expect(entries.allSatisfy { ($0["outcomeBytes"] as? Int ?? 0) > 0 }, sourceLocation: sourceLocation)
    }

    @Test("a failed build puts back only the store it set aside itself, never one a killed build left")
    func onlyOwnStoreRemembered() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try written(in: folder)
        // A build killed during its swap left its store set aside, and none in place.
        layer(in: folder).forget()
        #expect(!FileManager.default.fileExists(atPath: path))
        // The next build fails before its own swap: nothing is put back.
        layer(in: folder).remember()
        #expect(!FileManager.default.fileExists(atPath: path))
        // A build that set its own aside and failed gets it back.
        try written(in: folder)
        let failed = layer(in: folder)
        failed.forget()
        failed.remember()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a carried share's manifest entry is copied only where its recorded range fits the current manifest")
    func manifestEntries() throws {
        let manifest = Array("0123456789".utf8)
        let share = Share(
            project: "a", channel: .PROD, slug: "k4m2", status: .enabled, publicTitle: "T", publicSubtitle: nil, locale: "en-US",
            ctaLabel: nil, ctaUrl: nil, personalizationData: nil, apiCredentialId: nil, metadata: nil, description: "",
            video: Video(id: "v"), previousSlugs: [], audit: [], sourceFile: "content/a/shares/s.json", format: .json)
        var plan = Incremental.Plan(sources: [share.sourceFile], digests: [share.sourceFile: 1], global: 0)
        plan.carried = [share.sourceFile: []]
        plan.manifest = (manifest, [share.sourceFile: 2..<5])
        #expect(plan.manifestEntry?(share).map(Array.init) == Array("234".utf8))
        plan.manifest = (manifest, [share.sourceFile: 8..<15])
        #expect(plan.manifestEntry?(share) == nil, "a range past the end is made again")
        plan.carried = [:]
        plan.manifest = (manifest, [share.sourceFile: 2..<5])
        #expect(plan.manifestEntry?(share) == nil, "a share that is rendered gets a new entry")
    }
}
