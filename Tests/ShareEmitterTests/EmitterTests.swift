import Foundation
import ShareEmitter
import ShareModel
import Testing
import TestSupport

private let firstBuild = [
    OutputFile(path: "site/a/index.html", text: "A1"), OutputFile(path: "site/b/index.html", text: "B1"),
    OutputFile(path: "manifest.json", text: "{}"),
]
private let secondBuild = [
    OutputFile(path: "site/a/index.html", text: "A1"), OutputFile(path: "site/c/index.html", text: "C2"),
    OutputFile(path: "manifest.json", text: "{\"v\":2}"),
]

private func contents(_ fileSystem: InMemoryFileSystem, under root: String) -> [String: String] {
    var result: [String: String] = [:]
    for path in fileSystem.allFiles where path.hasPrefix(root + "/") {
        result[String(path.dropFirst(root.count + 1))] = String(decoding: try! fileSystem.readFile(path), as: UTF8.self)
    }
    return result
}

@Suite("Emitter")
struct EmitterTests {
    @Test("writes a new tree, then replaces it whole; unchanged files are reused")
    func replacesWhole() throws {
        let fileSystem = InMemoryFileSystem()
        let emitter = Emitter(fileSystem: fileSystem)
        let first = try emitter.emit(firstBuild, to: "out/dist")
        #expect(first == EmitReport(written: 3, unchanged: 0))
        let second = try emitter.emit(secondBuild, to: "out/dist")
        #expect(second == EmitReport(written: 2, unchanged: 1))
        #expect(contents(fileSystem, under: "out/dist") == ["site/a/index.html": "A1", "site/c/index.html": "C2", "manifest.json": "{\"v\":2}"])
        #expect(fileSystem.allFiles.allSatisfy { $0.hasPrefix("out/dist/") }, "no staging folder left: \(fileSystem.allFiles)")
    }

    @Test("a file patched from the current output, on disk and in memory; one shorter than its ranges fails as missing", arguments: [false, true])
    func patchedFile(onDisk: Bool) throws {
        let folder = NSTemporaryDirectory() + "sharegen-patch-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fileSystem: any WritableFileSystem = onDisk ? LocalFileSystem() : InMemoryFileSystem()
        if onDisk { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let output = folder + "/dist"
        let emitter = Emitter(fileSystem: fileSystem)
        let big = String(repeating: "0123456789", count: 20_000)
        _ = try emitter.emit([OutputFile(path: "manifest.json", text: "[\"a\", \"bb\", " + big + "]")], to: output)
        let transaction = try emitter.begin(output, previous: PreviousOutput(files: ["manifest.json"], standbyDiffering: nil))
        // "a" becomes "AAA" and "bb" becomes "B": the bytes between and after are copied.
        transaction.write(path: "manifest.json", patching: [(2..<3, Array("AAA".utf8)), (7..<9, Array("B".utf8))])
        #expect(try transaction.commit().report == EmitReport(written: 1, unchanged: 0))
        #expect(try fileSystem.readFile(output + "/manifest.json") == Array(("[\"AAA\", \"B\", " + big + "]").utf8))

        // Shorter than its ranges, then missing: changed since the ranges were known.
        for remove in [false, true] {
            if remove { try fileSystem.removeTree(output + "/manifest.json") }
            let changed = try emitter.begin(output, previous: PreviousOutput(files: ["manifest.json"], standbyDiffering: nil))
            changed.write(path: "manifest.json", patching: [(remove ? 0..<1 : 1_000_000..<1_000_001, [0])])
            do {
                _ = try changed.commit()
                Issue.record("a file that changed is not patched")
            } catch {
                if case .missingPrevious("manifest.json") = error {} else { Issue.record("\(error)") }
            }
        }
    }

    @Test("a failed write leaves the previous output exactly as it was", arguments: ["site/c/index.html", "manifest.json"])
    func failureKeepsPrevious(failingFile: String) throws {
        let fileSystem = InMemoryFileSystem()
        let emitter = Emitter(fileSystem: fileSystem)
        _ = try emitter.emit(firstBuild, to: "dist")
        let before = contents(fileSystem, under: "dist")
        fileSystem.failWrites { path in
            path.hasSuffix(failingFile) ? FileSystemError(path: path, reason: "No space left on device", code: 28) : nil
        }
        #expect(throws: EmitError.self) { try emitter.emit(secondBuild, to: "dist") }
        #expect(contents(fileSystem, under: "dist") == before)
        #expect(fileSystem.allFiles.allSatisfy { $0.hasPrefix("dist/") }, "staging removed: \(fileSystem.allFiles)")
    }

    @Test("refuses to replace a folder that is not sharegen output")
    func refusesForeignFolder() {
        let fileSystem = InMemoryFileSystem(files: ["dist/notes.txt": "important"])
        #expect(throws: EmitError.self) { try Emitter(fileSystem: fileSystem).emit(firstBuild, to: "dist") }
        #expect(fileSystem.allFiles == ["dist/notes.txt"])
    }

    @Test("on disk: atomic swap, stale staging from a killed build removed, unchanged files keep their mtime")
    func localDisk() throws {
        let root = NSTemporaryDirectory() + "sharegen-emit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fileSystem = LocalFileSystem()
        let emitter = Emitter(fileSystem: fileSystem)
        _ = try emitter.emit(firstBuild, to: root + "/dist")
        let kept = root + "/dist/site/a/index.html"
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: kept)
        // What a build killed mid-write leaves behind.
        try fileSystem.createDirectory(root + "/.dist.staging-999999/site")
        let report = try emitter.emit(secondBuild, to: root + "/dist")
        #expect(report.unchanged == 1)
        let modified = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date
        #expect(modified == past)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["dist"])
        #expect(FileManager.default.contents(atPath: root + "/dist/manifest.json") == Data("{\"v\":2}".utf8))
        #expect(!FileManager.default.fileExists(atPath: root + "/dist/site/b/index.html"))
    }

    /// Three generations, each emitted through a transaction that keeps the replaced tree
    /// as standby and makes the next tree from it, as `SiteBuild` does.
    private static let generations: [[OutputFile]] = [
        firstBuild + [OutputFile(path: "site/d/deep/x.txt", text: "X1")],
        secondBuild + [OutputFile(path: "site/d/deep/x.txt", text: "X1")],
        [OutputFile(path: "site/a/index.html", text: "A3"), OutputFile(path: "site/c/index.html", text: "C2"),
         OutputFile(path: "manifest.json", text: "{\"v\":3}")],
    ]

    /// Emits `files` with the standby at `standby`; `reusing` are carried over unchanged.
    private static func emit(
        _ files: [OutputFile], reusing: [String] = [], _ emitter: Emitter, _ output: String, _ standby: String, _ previous: inout OutputRecord?
    ) throws -> (EmitReport, Bool) {
        let known = previous.map { PreviousOutput(files: $0.files, standbyDiffering: $0.standbyDiffering) }
        let transaction = try emitter.begin(output, standby: standby, previous: known)
        for file in files { transaction.write(file) }
        transaction.reuse(reusing)
        let (report, record) = try transaction.commit()
        previous = record
        return (report, known?.standbyDiffering != nil)
    }

    @Test("a kept standby becomes the next tree: output and standby are the last two generations, removed files and empty folders go")
    func standbyGenerations() throws {
        let fileSystem = InMemoryFileSystem()
        let emitter = Emitter(fileSystem: fileSystem)
        var record: OutputRecord?
        var patched: [Bool] = []
        for (index, files) in Self.generations.enumerated() {
            let (_, patching) = try Self.emit(files, emitter, "dist", "cache/dist.standby", &record)
            patched.append(patching)
            let expected = Dictionary(uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
            #expect(contents(fileSystem, under: "dist") == expected, "generation \(index)")
            #expect(record?.files == Set(expected.keys))
            if index > 0 {
                let before = Dictionary(uniqueKeysWithValues: Self.generations[index - 1].map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
                #expect(contents(fileSystem, under: "cache/dist.standby") == before, "generation \(index): the standby is the one before")
            }
        }
        #expect(patched == [false, false, true], "the first build has no output, the second no standby yet")
        #expect(record?.standbyDiffering == ["site/a/index.html", "manifest.json", "site/d/deep/x.txt"])
        #expect(fileSystem.kind(at: "dist/site/d") == nil, "a folder left empty is removed")
        #expect(fileSystem.allFiles.allSatisfy { $0.hasPrefix("dist/") || $0.hasPrefix("cache/dist.standby/") }, "\(fileSystem.allFiles)")
    }

    @Test("a failure while patching the standby leaves the output as it was and drops the standby")
    func failedPatch() throws {
        let fileSystem = InMemoryFileSystem()
        let emitter = Emitter(fileSystem: fileSystem)
        var record: OutputRecord?
        for files in Self.generations.prefix(2) { _ = try Self.emit(files, emitter, "dist", "cache/dist.standby", &record) }
        let before = contents(fileSystem, under: "dist")
        fileSystem.failWrites { path in path.contains("site/a/") ? FileSystemError(path: path, reason: "No space left on device", code: 28) : nil }
        #expect(throws: EmitError.self) { try Self.emit(Self.generations[2], emitter, "dist", "cache/dist.standby", &record) }
        #expect(contents(fileSystem, under: "dist") == before)
        #expect(fileSystem.allFiles.allSatisfy { $0.hasPrefix("dist/") }, "no half-patched standby or staging left: \(fileSystem.allFiles)")
    }

    @Test("on disk: patching never writes through a file the output shares with the standby; unchanged files keep their inode")
    func standbyOnDisk() throws {
        let root = NSTemporaryDirectory() + "sharegen-standby-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let emitter = Emitter(fileSystem: LocalFileSystem())
        let (output, standby) = (root + "/dist", root + "/.sharegen-cache/dist.standby")
        var record: OutputRecord?
        func inode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int }
        var inodes: [Int?] = []
        var patched = false
        for (index, generation) in Self.generations.enumerated() {
            // Files unchanged since the last generation are carried over, as a build reuses them.
            let previous = index > 0 ? Set(Self.generations[index - 1].map { "\($0.path)\($0.bytes)" }) : []
            let carried = generation.filter { previous.contains("\($0.path)\($0.bytes)") }
            (_, patched) = try Self.emit(generation.filter { !carried.contains($0) }, reusing: carried.map(\.path), emitter, output, standby, &record)
            #expect(try directoryContents(output) == Dictionary(uniqueKeysWithValues: generation.map { ($0.path, Data($0.bytes)) }), "generation \(index)")
            if index > 0 {
                #expect(try directoryContents(standby) == Dictionary(uniqueKeysWithValues: Self.generations[index - 1].map { ($0.path, Data($0.bytes)) }),
                        "generation \(index): the standby still holds the one before, byte for byte")
            }
            if index > 0 { inodes.append(try inode(output + "/site/c/index.html")) }
        }
        #expect(patched)
        #expect(inodes[0] != nil && inodes[0] == inodes[1], "a file unchanged between generations is the same file")
    }

    @Test("on disk: a file written in pieces that equals the previous output's is that file (same inode and mtime); one that differs is new")
    func streamedOnDisk() throws {
        let root = NSTemporaryDirectory() + "sharegen-streamed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let emitter = Emitter(fileSystem: LocalFileSystem())
        let (output, standby) = (root + "/dist", root + "/.sharegen-cache/dist.standby")
        func attributes(_ path: String) throws -> (inode: Int?, modified: Date?) {
            let found = try FileManager.default.attributesOfItem(atPath: output + "/" + path)
            return (found[.systemFileNumber] as? Int, found[.modificationDate] as? Date)
        }
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        var record: OutputRecord?
        // The manifest stays the same in the second generation, changes (same size) in the
        // third and stays again in the fourth; the third and fourth patch the standby.
        let manifests = ["{\"shares\": [1, 2]}", "{\"shares\": [1, 2]}", "{\"shares\": [1, 3]}", "{\"shares\": [1, 3]}"]
        var reports: [EmitReport] = []
        var seen: [(inode: Int?, modified: Date?)] = []
        for (index, manifest) in manifests.enumerated() {
            let known = record.map { PreviousOutput(files: $0.files, standbyDiffering: $0.standbyDiffering) }
            let transaction = try emitter.begin(output, standby: standby, previous: known)
            transaction.write(OutputFile(path: "site/a/index.html", text: "A\(index)"))
            transaction.write(path: "manifest.json") { write in
                for byte in manifest.utf8 { write([byte]) }
            }
            let (report, next) = try transaction.commit()
            record = next
            reports.append(report)
            #expect(FileManager.default.contents(atPath: output + "/manifest.json") == Data(manifest.utf8), "generation \(index)")
            seen.append(try attributes("manifest.json"))
            if index == 0 { try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: output + "/manifest.json") }
        }
        #expect(reports.map(\.unchanged) == [0, 1, 0, 1])
        #expect(seen[1].modified == past, "an unchanged manifest keeps its modification time")
        #expect(seen[0].inode == seen[1].inode, "an unchanged manifest is the same file")
        #expect(seen[2].inode != seen[1].inode && seen[2].modified != past, "a changed manifest is a new file")
        #expect(seen[3].inode == seen[2].inode, "an unchanged manifest in a patched standby is the same file too")
        #expect(try directoryContents(standby)["manifest.json"] == Data(manifests[2].utf8), "the standby holds the generation before, untouched")
    }
}
