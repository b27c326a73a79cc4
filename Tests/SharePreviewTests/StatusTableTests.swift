import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShareBuild
import ShareModel
import ShareSigner
import Testing
@testable import SharePreview

@Suite("Status table and paths")
struct StatusTableTests {
    /// What `sharegen build` wrote for the fixture, to compare bodies with.
    static func built(_ site: TestSite) throws -> LiveBuild.Output {
        var build = LiveBuild(root: site.root, channel: .DEV)
        guard case .built(let output, _) = build.update(changed: nil) else { throw RawError("the fixture does not build") }
        return output
    }

    @Test("the statuses of the nginx maps: 200 pages, 301 folders and redirects, 404 disabled and unknown, 410 gone")
    func statusTable() async throws {
        let site = try TestSite()
        defer { site.remove() }
        let output = try Self.built(site)
        let page = "site/\(Fixture.page)/index.html"
        let notFound = "site/404.html"
        // (path, status, Location, output file whose <h1> the body shows)
        let table: [(String, Int, String?, String?)] = [
            ("/\(Fixture.page)/", 200, nil, page),
            ("/\(Fixture.page)/index.html", 200, nil, page),
            ("/\(Fixture.page)", 301, "/\(Fixture.page)/", nil),
            ("/\(Fixture.privatePage)/", 200, nil, "site/\(Fixture.privatePage)/index.html"),
            ("/\(Fixture.redirected)/", 301, "/\(Fixture.page)/", nil),
            ("/\(Fixture.redirected)", 301, "/\(Fixture.page)/", nil),
            ("/\(Fixture.redirected)/index.html", 301, "/\(Fixture.page)/", nil),
            ("/\(Fixture.disabled)/", 404, nil, "site/\(Fixture.disabled)/index.html"),
            ("/\(Fixture.disabled)", 404, nil, "site/\(Fixture.disabled)/index.html"),
            ("/\(Fixture.disabled)/index.html", 404, nil, notFound),
            ("/\(Fixture.gone)/", 410, nil, "site/\(Fixture.gone)/index.html"),
            ("/\(Fixture.gone)", 410, nil, "site/\(Fixture.gone)/index.html"),
            ("/\(Fixture.gone)/index.html", 404, nil, notFound),
            ("/no-such-share/", 404, nil, notFound),
            ("/no-such-share", 404, nil, notFound),
            ("/", 404, nil, notFound),
            ("/404.html", 200, nil, notFound),
        ]
        // The stubs and the 404 page say different things, so headings tell the bodies apart.
        let headings = Set(table.compactMap(\.3).map { firstHeading(String(decoding: output.files[$0]!, as: UTF8.self)) })
        #expect(headings.count == 5)
        try await withPreview(site) { client in
            for (path, status, location, file) in table {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status.code == status, "\(path)")
                #expect(response.headers[.location] == location, "\(path)")
                #expect(response.headers[.cacheControl] == "no-store", "\(path)")
                if let file {
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                    #expect(response.heading == firstHeading(String(decoding: output.files[file]!, as: UTF8.self)), "\(path)")
                    #expect(response.text.contains("<script src=\"/__sharegen/reload.js\" data-version=\""), "\(path)")
                }
            }
        }
    }

    @Test("assets and oEmbed documents come back byte for byte with their content types")
    func assets() async throws {
        let site = try TestSite()
        defer { site.remove() }
        let output = try Self.built(site)
        let assets = output.files.keys.filter { $0.hasPrefix("site/assets/") || $0.hasPrefix("site/oembed/") }
        #expect(assets.count == 4)
        try await withPreview(site) { client in
            for file in assets {
                let response = try await client.execute(uri: String(file.dropFirst("site".count)), method: .get)
                #expect(response.status == .ok, "\(file)")
                let type = file.hasSuffix(".css") ? "text/css; charset=utf-8" : file.hasSuffix(".js") ? "text/javascript; charset=utf-8"
                    : file.hasSuffix(".svg") ? "image/svg+xml" : "application/json"
                #expect(response.headers[.contentType] == type, "\(file)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(Array(response.body.readableBytesView) == output.files[file], "\(file)")
            }
            let head = try await client.execute(uri: "/\(Fixture.page)/", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            let post = try await client.execute(uri: "/\(Fixture.page)/", method: .post)
            #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET, HEAD")
        }
    }

    static let traversals = [
        "/../sharegen.json", "/%2e%2e/sharegen.json", "/%2E%2E/%2e%2e/etc/passwd", "/assets/..%2f..%2fmanifest.json",
        "/assets/%2e%2e/%2e%2e/manifest.json", "/assets/%2e%2e%2f%2e%2e%2fmanifest.json", "/manifest.json", "/redirects/redirects.json",
        "/redirects/nginx.conf", "/site/404.html", "/sharegen.json", "/content/acme/shares/welcome.md",
        "/\(Fixture.page)/..%2f..%2fmanifest.json", "/\(Fixture.page)%2findex.html", "/\(Fixture.page)/index.html%00", "/%00",
        "/..\\manifest.json", "/assets%5c..%5c..%5cmanifest.json", "//\(Fixture.page)/", "/\(Fixture.page)//index.html",
        "/./\(Fixture.page)/", "/\(Fixture.page)/./", "/leak/passwd", "/leak/hostname", "/%zz/", "/%c0%ae%c0%ae/manifest.json",
        "/%252e%252e/manifest.json",
    ]

    @Test("no spelling of a path reaches a file outside the site output: every one is a plain 404")
    func traversal() async throws {
        let site = try TestSite()
        defer { site.remove() }
        // A symlink in the site root leads nowhere: nothing is served from disk.
        try FileManager.default.createSymbolicLink(atPath: site.root + "/leak", withDestinationPath: "/etc")
        let output = try Self.built(site)
        let notFound = firstHeading(String(decoding: output.files["site/404.html"]!, as: UTF8.self))
        try await withPreview(site) { client in
            for path in Self.traversals {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.heading == notFound, "\(path)")
                #expect(!response.text.contains("\"version\"") && !response.text.contains("root:") && !response.text.contains("signing"), "\(path)")
            }
        }
    }

    @Test("request paths are decoded, and anything that is not a plain file name is refused", arguments: [
        ("/abc/", "/abc/"), ("/%61bc/", "/abc/"), ("/assets/share.css", "/assets/share.css"), ("/", "/"),
        ("/a/../b", nil), ("/%2e%2e/b", nil), ("/.%2e/b", nil), ("/a%2fb", nil), ("/a%2Fb", nil), ("/a%5cb", nil), ("/a\\b", nil),
        ("/a%00", nil), ("/a%0a", nil), ("/a//b", nil), ("/./a", nil), ("/%", nil), ("/%g1", nil), ("/%c0%af", nil), ("abc", nil), ("", nil),
    ] as [(String, String?)])
    func requestPaths(raw: String, decoded: String?) {
        #expect(RequestPath.decode(raw) == decoded)
    }

    @Test("a private share's page carries the preview banner and a link the mounted signer verifies")
    func privateShare() async throws {
        let site = try TestSite()
        defer { site.remove() }
        try await withPreview(site) { client in
            let page = try await client.execute(uri: "/\(Fixture.privatePage)/", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains("<p class=\"sharegen-preview-banner\" role=\"note\">Preview (DEV)"))
            #expect(page.text.contains("<link rel=\"stylesheet\" href=\"/__sharegen/preview.css\">"))
            let href = try #require(page.text.range(of: "href=\"#").map { page.text[$0.upperBound...].prefix { $0 != "\"" } })
            var fragment = URLComponents()
            fragment.percentEncodedQuery = String(href).replacingOccurrences(of: "&amp;", with: "&")
            let links = Dictionary(uniqueKeysWithValues: (fragment.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(Set(links.keys) == ["hls", "mp4"])
            let hls = try #require(links["hls"])
            #expect(hls.hasPrefix(Fixture.mediaBase + "/t/") && hls.hasSuffix("/videos/secret/index.m3u8"))
            let verify = try await client.execute(
                uri: "/v1/verify", method: .get, headers: [HTTPField.Name("x-original-uri")!: String(hls.dropFirst(Fixture.mediaBase.count))])
            #expect(verify.status == .noContent)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok && health.text.contains("\"channel\":\"DEV\"") && health.text.contains("\"shares\":3"))
            // Public pages and stubs get no banner; the stylesheet it needs is served.
            #expect(!(try await client.execute(uri: "/\(Fixture.page)/", method: .get)).text.contains("sharegen-preview-banner"))
            let css = try await client.execute(uri: "/__sharegen/preview.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test("serve --keys: the mounted signer signs with the key file's active key instead of a throwaway one")
    func givenKeys() async throws {
        let site = try TestSite()
        defer { site.remove() }
        let keys = try SigningKeySet(json: Array(#"{"active": "prod-2026", "keys": {"prod-2026": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}"#.utf8))
        try await withPreview(site, keys: keys) { client in
            let page = try await client.execute(uri: "/\(Fixture.privatePage)/", method: .get)
            #expect(page.text.contains("%2Fprod-2026%2F\(Fixture.privatePage)%2F"))
        }
    }

    @Test("the build's own output carries nothing of the preview")
    func buildOutputIsClean() throws {
        let site = try TestSite()
        defer { site.remove() }
        for (path, bytes) in try Self.built(site).files {
            #expect(!String(decoding: bytes, as: UTF8.self).contains("__sharegen"), "\(path)")
        }
    }
}
