import Foundation
import Testing
import TestSupport

/// SPEC §5 as a user deploys it, through `signed_media_check.py`: a multi-rendition HLS stream
/// with a poster and captions (ffmpeg), nginx `auth_request` to `sharegen signer`, headless
/// Chromium playing the private share from its signed link, then `rotate-slug` + rebuild +
/// reload revoking the old link.
@Suite("Signed media end to end")
struct SignedMediaTests {
    static let tools = ["ffmpeg", "nginx", "python3", "curl"].allSatisfy { Tools.which($0) != nil }
        && Tools.which("chromium", "chromium-browser") != nil && Tools.which("chromedriver") != nil

    struct Report: Decodable {
        struct Playback: Decodable {
            var readyState: Int
            var currentTime: Double
            var currentSrc: String
            var poster: String
            var trackState: Int
            var trackMode: String?
            var cues: Int
            var error: Int?
        }
        struct Before: Decodable { var master, rendition, poster: Int }
        struct After: Decodable {
            var master, rendition, captions, oldPage, newLink: Int
            var revokedListsOldSlug, newSlugRevoked: Bool
        }
        struct AccessLog: Decodable {
            var lines, renditionSegments: Int
            var captions: Bool
        }
        var renditions: [String]
        var pageHasNoMediaURL: Bool
        var playback: Playback
        var before: Before
        var after: After
        var accessLog: AccessLog
        var signatureInLogs: Bool
        var edgeBefore, edgeAfter, edgeNewLink: Int?
    }

    /// Debian's njs module: with it, the run also verifies the link at the edge.
    static let njs: String? = {
        let path = "/usr/lib/nginx/modules/ngx_http_js_module.so"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    @Test("Chromium plays a private multi-rendition HLS share with poster and captions; rotate-slug makes its files 403",
          .tags(.nginx, .browser, .external, .slow),
          .enabled(if: tools && Tools.sharegen != nil, "needs ffmpeg, nginx, chromium, chromedriver, python3 and the built sharegen"))
    func playThenRevoke() throws {
        let work = try Support.temporaryDirectory("signed-media")
        defer { Support.cleanUp(work) }
        let script = Support.repository + "/Tests/EndToEndTests/signed_media_check.py"
        let result = try Tools.run(try #require(Tools.which("python3")), [script, try #require(Tools.sharegen), work] + (Self.njs.map { [$0] } ?? []))
        guard result.status == 0, let line = result.output.split(separator: "\n").last,
              let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8)) else {
            Issue.record("signed_media_check.py failed:\n\(result.output)")
            return
        }
        #expect(report.renditions == ["180p", "90p"])
        #expect(report.pageHasNoMediaURL)
        // Played from the signed master playlist, with the signed poster and the caption track loaded.
        let playback = report.playback
        #expect(playback.readyState >= 3 && playback.currentTime > 0.5 && playback.error == nil)
        #expect(playback.currentSrc.contains("/t/") && playback.currentSrc.hasSuffix("/videos/demo/index.m3u8"))
        #expect(playback.poster.contains("/t/") && playback.poster.hasSuffix("/poster.jpg"))
        #expect(playback.trackState == 2 && playback.trackMode == "showing" && playback.cues == 2)
        #expect(report.accessLog.renditionSegments > 0 && report.accessLog.captions)
        #expect(report.before.master == 200 && report.before.rendition == 200 && report.before.poster == 200)
        // After rotate-slug, a rebuild and the reloads: the old link opens nothing; the new one plays.
        #expect(report.after.master == 403 && report.after.rendition == 403 && report.after.captions == 403)
        #expect(report.after.oldPage == 410)
        #expect(report.after.newLink == 200)
        #expect(report.after.revokedListsOldSlug && !report.after.newSlugRevoked)
        // At the edge (njs with the build's revoked.json), the same link plays until the rebuilt
        // revoked.json is loaded, then answers 403; the new link plays.
        if Self.njs != nil {
            #expect(report.edgeBefore == 200 && report.edgeAfter == 403 && report.edgeNewLink == 200)
        }
        // Neither nginx's logs (the documented format) nor the signer's carry the token.
        #expect(report.accessLog.lines > 0 && !report.signatureInLogs)
    }
}
