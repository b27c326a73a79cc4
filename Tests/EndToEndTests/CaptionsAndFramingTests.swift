import Foundation
import Testing
import TestSupport

/// Public captions and framing as a user deploys them, through `captions_check.py`: an MP4,
/// a poster and WebVTT captions (ffmpeg) on a media host without CORS and on one with
/// `Access-Control-Allow-Origin: *`, the site on nginx with the build's nginx.conf, headless
/// Chromium playing both pages, and a page on a third origin framing a landing page and an
/// embed page.
@Suite("Captions and framing in Chromium", .tags(.nginx, .browser, .external, .slow))
struct CaptionsAndFramingTests {
    static let tools = ["ffmpeg", "nginx", "python3"].allSatisfy { Tools.which($0) != nil }
        && Tools.which("chromium", "chromium-browser") != nil && Tools.which("chromedriver") != nil

    struct Report: Decodable {
        struct Page: Decodable {
            var readyState: Int
            var currentTime: Double
            var error: Int?
            var tracks: Int
            var cues: Int
            var mode: String?
            var crossOrigin: String?
        }
        struct Frame: Decodable {
            var href: String
            var player: Bool
        }
        struct Framing: Decodable {
            var refusals: Int
            var landing: Frame
            var embed: Frame
        }
        var pages: [String: Page]
        var posters: [String: Int]
        var framing: Framing
    }

    @Test("a media host without CORS still plays the video and poster (captions need CORS); the embed page frames, the landing page does not",
          .enabled(if: tools && Tools.sharegen != nil, "needs ffmpeg, nginx, chromium, chromedriver, python3 and the built sharegen"))
    func captionsAndFraming() throws {
        let work = try Support.temporaryDirectory("captions")
        defer { Support.cleanUp(work) }
        let script = Support.repository + "/Tests/EndToEndTests/captions_check.py"
        let result = try Tools.run(try #require(Tools.which("python3")), [script, try #require(Tools.sharegen), work])
        guard result.status == 0, let line = result.output.split(separator: "\n").last,
              let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8)) else {
            Issue.record("captions_check.py failed:\n\(result.output)")
            return
        }
        for (host, page) in report.pages {
            // Plays, never in CORS mode, and its poster was fetched.
            #expect(page.readyState >= 3 && page.currentTime > 0.5 && page.error == nil && page.crossOrigin == nil, "\(host): \(page)")
            #expect(report.posters[host] == 200, "\(host)")
        }
        let withoutCORS = try #require(report.pages["nocors"])
        #expect(withoutCORS.tracks == 0, "no captions from a host that refuses CORS, and nothing else lost")
        let withCORS = try #require(report.pages["cors"])
        #expect(withCORS.tracks == 1 && withCORS.cues == 2 && withCORS.mode == "showing")
        #expect(report.framing.refusals == 1)
        #expect(!report.framing.landing.player && report.framing.landing.href.hasPrefix("chrome-error:"), "X-Frame-Options refuses the landing page")
        #expect(report.framing.embed.player && report.framing.embed.href.hasSuffix("/embed/cors-film-k4m2n7p3/"), "the embed page plays framed")
    }
}
