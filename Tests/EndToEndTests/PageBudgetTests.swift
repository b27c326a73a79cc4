import Foundation
import Testing

/// Each page's own HTML, CSS and JS stay under 14 KiB gzipped (one TCP initial window).
@Suite("Page weight")
struct PageBudgetTests {
    static let budget = 14 * 1024

    @Test("every example page with the stylesheets and scripts it links is under 14 KiB gzipped (the logo aside)")
    func underBudget() throws {
        let directory = try Support.temporaryDirectory("budget")
        defer { Support.cleanUp(directory) }
        try Support.build(Support.exampleSite, into: directory)
        let site = directory + "/site"
        let files = try FileManager.default.subpathsOfDirectory(atPath: site)
        var sizes: [String: Int] = [:]
        for asset in files where asset.hasPrefix("assets/") && (asset.hasSuffix(".css") || asset.hasSuffix(".js")) {
            sizes["/" + asset] = try gzippedSize(site + "/" + asset)
        }
        let pages = files.filter { $0.hasSuffix(".html") }
        #expect(pages.contains { $0.hasPrefix("embed/") } && pages.contains("404.html"))
        for page in pages {
            let html = try String(contentsOfFile: site + "/" + page, encoding: .utf8)
            let linked = html.matches(of: /(?:href|src)="(\/assets\/[^"]+\.(?:css|js))"/).map { String($0.1) }
            #expect(!linked.isEmpty, "\(page) links no stylesheet")
            let total = try gzippedSize(site + "/" + page) + linked.reduce(0) { $0 + (sizes[$1] ?? 0) }
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
