import Foundation
import ShareModel
import Testing

@Suite("Local file system")
struct LocalFileSystemTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "sharegen-fs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a folder of thousands of entries is listed whole, sorted bytewise, with entry kinds")
    func largeFolder() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Long names: many times the listing buffer, so it is read in several calls.
        var expected: [String] = []
        for index in 0..<3_000 {
            let name = String(format: "share-%05d-", index) + String(repeating: "x", count: 60) + (index % 2 == 0 ? ".json" : ".md")
            FileManager.default.createFile(atPath: directory + "/" + name, contents: Data())
            expected.append(name)
        }
        try FileManager.default.createDirectory(atPath: directory + "/Zfolder", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: directory + "/é-folder", withIntermediateDirectories: false)
        expected += ["Zfolder", "é-folder"]
        let entries = try LocalFileSystem().entries(directory)
        #expect(entries.map(\.name) == expected.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(entries.filter { $0.kind == .directory }.map(\.name) == ["Zfolder", "é-folder"])
        #expect(entries.filter { $0.kind == .file }.count == 3_000)
        #expect(throws: FileSystemError.self) { try LocalFileSystem().entries(directory + "/missing") }
    }

    @Test("files of any size are read whole", arguments: [0, 1, 4_095, 4_096, 70_000, 1 << 20])
    func readWhole(size: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        FileManager.default.createFile(atPath: directory + "/f", contents: Data(bytes))
        #expect(try LocalFileSystem().readFile(directory + "/f") == bytes)
    }

    @Test("a file is compared with bytes block by block: equal only when every byte and the size match")
    func fileEquals() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        FileManager.default.createFile(atPath: directory + "/f", contents: Data(bytes))
        let fileSystem = LocalFileSystem()
        #expect(fileSystem.fileEquals(directory + "/f", bytes))
        var changed = bytes
        changed[(2 << 20) + 5] ^= 1
        #expect(!fileSystem.fileEquals(directory + "/f", changed), "one byte in the third block differs")
        #expect(!fileSystem.fileEquals(directory + "/f", Array(bytes.dropLast())), "shorter")
        #expect(!fileSystem.fileEquals(directory + "/f", bytes + [0]), "longer")
        #expect(!fileSystem.fileEquals(directory + "/missing", []))
        #expect(!fileSystem.fileEquals(directory, []), "a folder is not a file")
        FileManager.default.createFile(atPath: directory + "/empty", contents: Data())
        #expect(fileSystem.fileEquals(directory + "/empty", []))
    }
}
