import Foundation
import ShareModel
import Testing

/// Builds the fixture site and compares every output file with the reviewed copy in
/// Fixtures/expected. `SHAREGEN_UPDATE_GOLDEN=1 swift test --filter GoldenOutput`
/// rewrites the expected files after an intended change; review the diff.
@Suite("Golden output")
struct GoldenOutputTests {
    @Test("PROD output of the fixture site matches the expected files")
    func fixtureMatchesExpected() throws {
        let rendered = try Support.render(Support.fixtureSite)
        if ProcessInfo.processInfo.environment["SHAREGEN_UPDATE_GOLDEN"] == "1" {
            Support.cleanUp(Support.expectedOutput)
            for file in rendered.files {
                let path = Support.expectedOutput + "/" + file.path
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            }
        }
        let expected = try FileManager.default.subpathsOfDirectory(atPath: Support.expectedOutput)
            .filter { !isDirectory(Support.expectedOutput + "/" + $0) }.sorted()
        #expect(rendered.files.map(\.path) == expected)
        for file in rendered.files {
            let want = FileManager.default.contents(atPath: Support.expectedOutput + "/" + file.path).map { Array($0) }
            // Compared outside #expect so a failure names the file instead of dumping bytes.
            let same = file.bytes == want
            #expect(same, "\(file.path) differs from Fixtures/expected")
        }
    }

    @Test("two builds of the same input are byte-identical")
    func deterministic() throws {
        let first = try Support.render(Support.fixtureSite)
        let second = try Support.render(Support.fixtureSite)
        let same = first.files == second.files
        #expect(same)
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
