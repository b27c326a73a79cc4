import Foundation
import ShareEmitter
import ShareModel
import Testing

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
}
