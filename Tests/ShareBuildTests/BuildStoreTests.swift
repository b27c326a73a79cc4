import Foundation
import ShareModel
import Testing
import TestSupport
@testable import ShareBuild

/// The one file a build keeps for the next: what is written is read back, and a changed
/// or missing byte anywhere is never read as something else.
@Suite("Build store")
struct BuildStoreTests {
    let warnings = [Diagnostic.warning("slug.guessable", "public share slug \"demo\" is guessable", at: SourceLocation(file: "content/a/shares/s.json", position: SourcePosition(line: 2, column: 3)))]
    let watch = WatchStamps(paths: ["sharegen.json", "content", "content/a/shares/s.json"], kinds: [.file, .contentFolder, .input], hashes: [1, 0, 3], digests: [0, 0, 42])
    let ledger = OutputLedger(
        shares: ["content/a/shares/s.json": OutputLedger.Share(digest: 42, outputs: ["site/k4m2/index.html", "site/embed/k4m2/index.html"], manifestEntry: 10..<90)],
        otherOutputs: ["manifest.json", "site/404.html"], standbyDiffering: ["site/k4m2/index.html"])

    func written(in folder: String) throws -> String {
        let path = folder + "/.sharegen-cache/dist-PROD"
        let writer = try #require(BuildStore.Writer(path: path, fileSystem: LocalFileSystem()))
        writer.append(memo: FileMemo(configDigest: 7))
        let fields = BuildStore(tool: "t", channel: .PROD, inputs: 11, global: 12, outputMarker: "m", outputFolders: 13, standbyMarker: "s")
        writer.finish(fields, warnings: warnings, watch: watch, ledger: ledger)
        return path
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
        #expect(store.warnings == warnings)
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
        let output = folder + "/dist"
        func write(tool: String, channel: Channel = .PROD) throws {
            let writer = try #require(BuildStore.Writer(path: BuildStore.path(for: output, channel: .PROD), fileSystem: LocalFileSystem()))
            writer.append(memo: FileMemo(configDigest: 7))
            let fields = BuildStore(tool: tool, channel: channel, inputs: 11, global: 12, outputMarker: "m", outputFolders: 13, standbyMarker: nil)
            writer.finish(fields, warnings: warnings, watch: watch, ledger: ledger)
        }
        let layer = { Incremental(root: folder, output: output, channel: .PROD, fileSystem: LocalFileSystem(), started: 0, enabled: true) }
        try write(tool: "t")
        #expect(layer().store == nil, "another binary's")
        try write(tool: BuildStore.tool, channel: .DEV)
        #expect(layer().store == nil, "another channel's, under this channel's name")
        try write(tool: BuildStore.tool)
        #expect(layer().store != nil, "this binary's own is used")
    }

    @Test("tools/inspect-store.py reads every part of a real build's store as sharegen does",
          .tags(.external), .enabled(if: Tools.which("python3") != nil, "needs python3"))
    func inspectable() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/dist"
        guard case .success = SiteBuild(root: Tools.repository).run(channel: .PROD, output: output) else { throw ProgramFailure("the example site did not build") }
        let path = BuildStore.path(for: output, channel: .PROD)
        let store = try #require(BuildStore(at: path))
        func inspect(_ part: String) throws -> Any {
            let result = try Tools.run(try #require(Tools.which("python3")), [Tools.repository + "/tools/inspect-store.py", path, part])
            #expect(result.status == 0, "\(result.output)")
            return try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        }
        let header = try #require(try inspect("header") as? [String: Any])
        #expect(header["tool"] as? String == store.tool && header["channel"] as? String == "PROD" && header["outputMarker"] as? String == store.outputMarker)
        let warnings = try #require(try inspect("warnings") as? [[String: Any]])
        #expect(warnings.map { "\($0["file"]!):\($0["line"]!):\($0["rule"]!)" } == (store.warnings ?? []).map { "\($0.file):\($0.line):\($0.rule)" })
        let watch = try #require(try inspect("watch") as? [[String: Any]])
        let stamps = try #require(store.watchList.flatMap(store.watch(of:)))
        #expect(watch.map { $0["path"] as? String } == stamps.paths)
        #expect(watch.compactMap { ($0["hash"] as? NSNumber)?.uint64Value } == stamps.hashes)
        let ledger = try #require(try inspect("ledger") as? [String: Any])
        let shares = try #require(ledger["shares"] as? [[String: Any]])
        #expect(Dictionary(uniqueKeysWithValues: shares.map { ($0["source"] as! String, $0["outputs"] as! [String]) }) == store.ledger?.shares.mapValues(\.outputs))
        let memo = try #require((try inspect("memo") as? [String: Any])?["entries"] as? [[String: Any]])
        let digests = Dictionary(uniqueKeysWithValues: memo.map { ($0["path"] as! String, ($0["digest"] as! NSNumber).uint64Value) })
        #expect(!digests.isEmpty && digests == store.memo?.entries.mapValues(\.digest))
    }

    @Test("a failed build puts back only the store it set aside itself, never one a killed build left")
    func onlyOwnStoreRemembered() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/dist"
        let path = BuildStore.path(for: output, channel: .PROD)
        let layer = { Incremental(root: folder, output: output, channel: .PROD, fileSystem: LocalFileSystem(), started: 0, enabled: true) }
        // A build killed during its swap left its store set aside, and none in place.
        _ = try written(in: folder)
        let killed = layer()
        killed.forget()
        #expect(!FileManager.default.fileExists(atPath: path))
        // The next build fails before its own swap: nothing is put back.
        layer().remember()
        #expect(!FileManager.default.fileExists(atPath: path))
        // A build that set its own aside and failed gets it back.
        _ = try written(in: folder)
        let failed = layer()
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
