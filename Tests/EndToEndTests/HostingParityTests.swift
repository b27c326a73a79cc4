import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import ShareModel
import TestSupport
import Testing
@testable import SharePreview

/// One site answered by every host the README documents — real nginx with the generated
/// include (directly, and behind a proxy as TLS termination puts it), Netlify as its rules
/// read (`NetlifyModel`), and `sharegen serve` — against one table of what each path answers.
@Suite("Static hosting parity: nginx, Netlify and sharegen serve answer every path alike", .serialized, .tags(.nginx))
struct HostingParityTests {
    static let canRun = Support.which("nginx") != nil && Support.which("curl") != nil

    /// What a path answers on every host. `body` is a file of `dist/site` (nil for a 301,
    /// whose body no host is asked to agree on: nginx writes its own short page).
    struct Row: CustomStringConvertible {
        var path: String
        var status: Int
        var body: String?
        var location: String?
        /// Headers besides the security headers, on nginx and Netlify.
        var extra: [String: String] = [:]

        var description: String { path }
    }

    static let page = "pg4kq7mx2zt5wlab"
    static let redirected = "rd7mq2xz5tpl3bkw"
    static let disabled = "dz5tq2mx7kpl4wab"
    static let gone = "gn3kq7mx5zpl2tcw"

    /// The site's `_headers` policy: its own scripts and styles, and the media origins of its
    /// shares and of `signing.mediaBaseURL`.
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https://cdn.example.com https://media.example.com; "
        + "media-src https://cdn.example.com https://media.example.com blob:; connect-src https://cdn.example.com https://media.example.com; "
        + "frame-src https://cdn.example.com https://media.example.com; "
        + "base-uri 'none'; form-action 'none'; object-src 'none'"

    static func security(policy: String) -> [String: String] {
        [
            "content-security-policy": policy, "referrer-policy": "no-referrer", "x-content-type-options": "nosniff",
            "permissions-policy": "camera=(), microphone=(), geolocation=()", "x-robots-tag": "noindex",
        ]
    }

    static func rows(_ base: String, css: String) -> [Row] {
        let (page, redirected, disabled, gone) = (Self.page, Self.redirected, Self.disabled, Self.gone)
        let notFound = "/404.html"
        let campaign = "utm_source=mail&utm_medium=email"
        return [
            Row(path: "\(base)/\(page)/", status: 200, body: "/\(page)/index.html"),
            Row(path: "\(base)/\(page)/index.html", status: 200, body: "/\(page)/index.html"),
            Row(path: "\(base)/\(page)", status: 301, location: "\(base)/\(page)/"),
            Row(path: "\(base)/embed/\(page)/", status: 200, body: "/embed/\(page)/index.html"),
            Row(path: "\(base)/embed/\(page)/index.html", status: 200, body: "/embed/\(page)/index.html"),
            Row(path: "\(base)/embed/\(page)", status: 301, location: "\(base)/embed/\(page)/"),
            Row(path: "\(base)/embed/", status: 404, body: notFound),
            Row(path: "\(base)/embed", status: 404, body: notFound),
            Row(path: "\(base)/\(page)?\(campaign)", status: 301, location: "\(base)/\(page)/?\(campaign)"),
            Row(path: "\(base)/\(redirected)/?\(campaign)", status: 301, location: "\(base)/\(page)/?\(campaign)"),
            Row(path: "\(base)/\(redirected)", status: 301, location: "\(base)/\(page)/"),
            Row(path: "\(base)/\(redirected)/index.html", status: 301, location: "\(base)/\(page)/"),
            Row(path: "\(base)/\(disabled)/", status: 404, body: "/\(disabled)/index.html"),
            Row(path: "\(base)/\(disabled)", status: 404, body: "/\(disabled)/index.html"),
            Row(path: "\(base)/\(disabled)/index.html", status: 404, body: notFound),
            Row(path: "\(base)/\(gone)/", status: 410, body: "/\(gone)/index.html"),
            Row(path: "\(base)/\(gone)?\(campaign)", status: 410, body: "/\(gone)/index.html"),
            Row(path: "\(base)/\(gone)/index.html", status: 404, body: notFound),
            Row(path: "\(base)/oembed/\(page).json", status: 200, body: "/oembed/\(page).json", extra: ["access-control-allow-origin": "*"]),
            Row(path: "\(base)/assets/\(css)", status: 200, body: "/assets/\(css)", extra: ["cache-control": "public, max-age=31536000, immutable"]),
            Row(path: "\(base)/404.html", status: 200, body: notFound),
            Row(path: "\(base)/", status: 404, body: notFound),
            Row(path: "\(base)/assets/", status: 404, body: notFound),
            Row(path: "\(base)/assets", status: 404, body: notFound),
            Row(path: "\(base)/oembed/", status: 404, body: notFound),
            Row(path: "\(base)/assets/share.0000000000.css", status: 404, body: notFound),
            Row(path: "\(base)/_redirects", status: 404, body: notFound),
            Row(path: "\(base)/_headers", status: 404, body: notFound),
            Row(path: "\(base)/no-such-share/", status: 404, body: notFound),
            Row(path: "\(base)/no-such-share", status: 404, body: notFound),
        ]
    }

    @Test(
        "every kind of path: same status, security headers, Location and body on nginx, behind a proxy, on Netlify and in sharegen serve",
        .enabled(if: canRun, "needs nginx and curl (.ci/run installs them)"), arguments: ["", "/watch"])
    func parity(basePath: String) async throws {
        let directory = try Support.temporaryDirectory("parity")
        let root = directory + "/site"
        try Self.writeSite(root: root, basePath: basePath)
        try Support.build(root, into: directory + "/dist")
        let nginx = try StaticServer(output: directory + "/dist", basePath: basePath, removing: directory)
        defer { nginx.stop() }
        let site = try directoryContents(directory + "/dist/site").mapValues { Array($0) }
        let css = try #require(site.keys.first { $0.hasPrefix("assets/") && $0.hasSuffix(".css") }).dropFirst("assets/".count)
        // The bodies compared must tell the stubs and the 404 page apart.
        let bodies = [Self.disabled + "/index.html", Self.gone + "/index.html", "404.html"].compactMap { site[$0] }
        #expect(Set(bodies).count == 3)
        let netlify = try NetlifyModel(files: Self.netlifyFolder(site, basePath: basePath))
        let rows = Self.rows(basePath, css: String(css))

        for row in rows {
            let expected = Self.security(policy: Self.policy).merging(row.extra) { _, extra in extra }
            let (path, query) = Self.split(row.path)
            let model = netlify.get(path, query: query)
            let answers = [
                ("nginx", try nginx.fetch(row.path)), ("nginx behind a proxy", try HTTPAnswer.get(nginx.frontURL + row.path)),
                ("Netlify", HTTPAnswer(status: model.status, headers: model.headers.merging(model.location.map { ["location": $0] } ?? [:]) { $1 }, body: model.body)),
            ]
            for (host, answer) in answers {
                #expect(answer.status == row.status, "\(host) \(row)")
                #expect(answer.location == row.location, "\(host) \(row)")
                for (name, value) in expected { #expect(answer.headers[name] == value, "\(host) \(row): \(name)") }
                if row.status != 301 {
                    #expect(answer.headers["x-frame-options"] == Self.frameOptions(row, basePath: basePath, nginx: host.hasPrefix("nginx")), "\(host) \(row)")
                }
                if let file = row.body { #expect(answer.body == site[String(file.dropFirst())], "\(host) \(row): body") }
                if host.hasPrefix("nginx"), row.status >= 400 {
                    // A missing file is neither cached for a year nor readable cross-origin.
                    #expect(answer.headers["cache-control"] == nil && answer.headers["access-control-allow-origin"] == nil, "\(host) \(row)")
                }
            }
        }

        try await Self.withServe(root: root) { serve in
            for row in rows {
                let policy = Self.policy.replacing("connect-src https://cdn.example.com https://media.example.com", with: "connect-src https://cdn.example.com https://media.example.com 'self'")
                var expected = Self.security(policy: policy).merging(row.extra) { _, extra in extra }
                // The preview caches nothing, so that a reload shows the new build.
                expected["cache-control"] = "no-store"
                let answer = try await Self.get(serve + row.path)
                #expect(answer.status == row.status, "serve \(row)")
                #expect(answer.location == row.location, "serve \(row)")
                for (name, value) in expected { #expect(answer.headers[name] == value, "serve \(row): \(name)") }
                if row.status != 301 {
                    #expect(answer.headers["x-frame-options"] == Self.frameOptions(row, basePath: basePath, nginx: false), "serve \(row)")
                }
                guard let file = row.body, let bytes = site[String(file.dropFirst())] else { continue }
                // HTML comes with the preview's reload script and policy, and nothing else changed.
                if file.hasSuffix(".html") {
                    let version = try #require(String(decoding: answer.body, as: UTF8.self).firstMatch(of: /data-version="([^"]*)"/)?.1)
                    #expect(answer.body == PreviewMarkup.inject(into: bytes, version: String(version), banner: nil), "serve \(row): body")
                } else {
                    #expect(answer.body == bytes, "serve \(row): body")
                }
            }
        }
    }

    /// `X-Frame-Options: DENY` on the paths one segment deep (`/<slug>`, `/<slug>/`,
    /// `/<slug>/index.html`: pages, stubs, `/404.html`), never on `/embed/<slug>/`, which other
    /// sites frame. nginx answers every 404 with `404.html` from its own location, so its 404
    /// answers carry it whatever the path.
    static func frameOptions(_ row: Row, basePath: String, nginx: Bool) -> String? {
        let path = split(row.path).path.dropFirst(basePath.count)
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let oneDeep = segments.count == 1 || (segments.count == 2 && segments[1] == "index.html" && !path.hasSuffix("/"))
        return oneDeep || (nginx && row.status >= 400) ? "DENY" : nil
    }

    /// `dist/site` as the README has it published on Netlify: at the root, or under a base
    /// path with `_redirects` and `_headers` moved to the root.
    static func netlifyFolder(_ site: [String: [UInt8]], basePath: String) -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: site.map { path, bytes in
            (["_redirects", "_headers"].contains(path) ? "/" + path : basePath + "/" + path, bytes)
        })
    }

    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// curl on a Dispatch thread, so that waiting for it never holds a thread of the pool the
    /// in-process preview answers from.
    static func get(_ url: String) async throws -> HTTPAnswer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try HTTPAnswer.get(url) }) }
        }
    }

    /// Runs `body` with the URL of `sharegen serve` (PROD) on a free loopback port, as the
    /// command runs it, and stops it after.
    static func withServe(root: String, _ body: (String) async throws -> Void) async throws {
        let (urls, found) = AsyncStream.makeStream(of: String.self)
        let reporter = BuildReporter(colour: false) { line in
            // "serving PROD at http://127.0.0.1:<port>/ — e.g. …"
            if line.hasPrefix("serving "), let url = line.split(separator: " ").dropFirst(3).first { found.yield(String(url.dropLast())) }
        }
        var logger = Logger(label: "parity")
        logger.logLevel = .critical
        let application = try await PreviewServer.makeApplication(
            configuration: .init(root: root, channel: .PROD, port: 0), reporter: reporter, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { found.finish() }
                try await group.run()
            }
            var iterator = urls.makeAsyncIterator()
            do {
                guard let url = await iterator.next() else { throw TestFailure("sharegen serve did not start") }
                try await body(url)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A PROD site with one of each: a page with an oEmbed document and a redirect rotation,
    /// and a disabled share with a gone rotation.
    static func writeSite(root: String, basePath: String) throws {
        let rotated = #""rotatedAt": "2026-01-01T00:00:00Z", "rotatedBy": "a@example.com""#
        let files = [
            "sharegen.json": """
                {
                  "channels": {"PROD": {"baseURL": "https://watch.example.com\(basePath)"}, "DEV": {"baseURL": "http://127.0.0.1:8080"}},
                  "siteName": "Parity",
                  "signing": {"mediaBaseURL": "https://media.example.com", "defaultTTLSeconds": 300, "maxTTLSeconds": 3600}
                }
                """,
            "content/acme/shares/welcome.json": """
                {
                  "channel": "PROD", "slug": "\(page)", "publicTitle": "Welcome aboard",
                  "video": {"id": "vid-welcome", "mp4Url": "https://cdn.example.com/v/welcome.mp4"},
                  "previousSlugs": [{"slug": "\(redirected)", \(rotated), "mode": "redirect"}]
                }
                """,
            "content/beta/shares/old.json": """
                {
                  "channel": "PROD", "slug": "\(disabled)", "status": "Disabled", "publicTitle": "Last year's offer",
                  "video": {"id": "vid-old", "mp4Url": "https://cdn.example.com/v/old.mp4"},
                  "previousSlugs": [{"slug": "\(gone)", \(rotated), "mode": "gone"}]
                }
                """,
        ]
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }
}
