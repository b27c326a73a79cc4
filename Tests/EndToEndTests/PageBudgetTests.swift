import Foundation
import Testing

/// Each page's own HTML, CSS and JS stay under 14 KiB gzipped (one TCP initial window).
@Suite("Page weight")
struct PageBudgetTests {
    static let budget = 14 * 1024

    @Test("every example page with its assets is under 14 KiB gzipped")
    func underBudget() throws {
        let directory = try Support.temporaryDirectory("budget")
        defer { Support.cleanUp(directory) }
        try Support.build(Support.exampleSite, into: directory)
        let site = directory + "/site"
        let files = try FileManager.default.subpathsOfDirectory(atPath: site)
        let assets = files.filter { $0.hasPrefix("assets/") && ($0.hasSuffix(".css") || $0.hasSuffix(".js")) }
        #expect(assets.count == 2)
        let assetBytes = try assets.reduce(0) { $0 + (try gzippedSize(site + "/" + $1)) }
        for page in files where page.hasSuffix(".html") {
            let total = try gzippedSize(site + "/" + page) + assetBytes
            #expect(total < Self.budget, "\(page): \(total) bytes gzipped with its assets")
        }
    }

    private func gzippedSize(_ path: String) throws -> Int {
        let result = try Support.run("/bin/sh", ["-c", "gzip -9 -c \"$0\" | wc -c", path])
        guard result.status == 0, let size = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("gzip failed: \(result.output)")
        }
        return size
    }
}
