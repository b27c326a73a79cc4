import Foundation
import ShareModel
import Testing
import TestSupport

/// Headless Chromium loads every kind of example page from nginx, at 1280×800 and 390×844:
/// no console error, no CSP violation, no axe-core violation. Screenshots stay in
/// `$SHAREGEN_SCREENSHOTS` when that is set.
@Suite("Chromium loads the example pages", .tags(.browser, .slow))
struct BrowserTests {
    struct Report: Decodable {
        struct Page: Decodable {
            var errors: [String]
            var violations: [String]
            var accessibility: [String]
            var axe: String?
            var title: String
        }
        var pages: [String: Page]
    }

    /// axe-core 4 comes with PyPI's axe-playwright-python, which `.ci/run` installs.
    static let hasAxe = Support.which("python3").map { (try? Support.run($0, ["-c", "import axe_playwright_python"]))?.status == 0 } ?? false

    @Test("no console errors, no CSP violations and no accessibility violations on pages, embed pages, stubs and 404",
          .enabled(if: hasAxe, "needs PyPI axe-playwright-python for axe-core (.ci/run installs it)"))
    func pagesLoadCleanly() throws {
        guard let python = Support.which("python3") else { throw TestFailure("python3 is missing") }
        let server = try StaticServer(site: Support.exampleSite)
        defer { server.stop() }
        let manifest = try server.manifest()
        let embeds = manifest.shares.filter { $0.status == .enabled && $0.visibility == .public }.map { "/embed/\($0.slug)/" }
        var paths = manifest.shares.map(\.path) + embeds + manifest.gone.map { "/\($0.slug)/" } + ["/no-such-page/", "/404.html"]
        #expect(!embeds.isEmpty && manifest.shares.contains { $0.status == .disabled } && !manifest.gone.isEmpty, "every kind of page is looked at")
        // A private page opened from a signed link: the fragment carries the media URLs.
        if let privateShare = manifest.shares.first(where: { $0.visibility == .private && $0.status == .enabled }),
           let base = manifest.signing.mediaBaseURL {
            let signed = "\(base)/t/4102444800/k1/\(privateShare.slug)/c2lnbmF0dXJl/videos/x/index.m3u8"
            paths.append(privateShare.path + "#hls=" + (signed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        let screenshots = try ProcessInfo.processInfo.environment["SHAREGEN_SCREENSHOTS"] ?? Support.temporaryDirectory("shots")
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let script = Support.repository + "/Tests/EndToEndTests/browser_check.py"
        let result = try Support.run(python, [script, server.baseURL, screenshots] + paths)
        guard result.status == 0, let line = result.output.split(separator: "\n").last,
              let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8)) else {
            throw TestFailure("browser check failed:\n\(result.output)")
        }
        #expect(report.pages.count == paths.count)
        for (path, page) in report.pages {
            #expect(page.errors.isEmpty, "\(path): \(page.errors)")
            #expect(page.violations.isEmpty, "\(path): \(page.violations)")
            #expect(page.axe?.hasPrefix("4.") == true, "\(path): axe-core 4 ran")
            #expect(page.accessibility.isEmpty, "\(path): \(page.accessibility)")
            #expect(!page.title.isEmpty, "\(path) has no title")
        }
    }
}
