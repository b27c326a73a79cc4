@testable import ShareRenderer
import Testing

/// The table every host answers from, at the edges the hosting tests do not reach: paths
/// outside the base path, and query strings.
@Suite("Site routes")
struct SiteRoutesTests {
    static let routes = SiteRoutes(
        basePath: "/watch",
        rules: [
            RedirectRule(slug: "oldslug1", from: "/watch/oldslug1/", to: "/watch/newslug1/", status: 301),
            RedirectRule(slug: "offslug1", from: "/watch/offslug1/", to: nil, status: 404),
        ],
        headers: RedirectMaps.headerRules(basePath: "/watch", mediaOrigins: []))
    static let files: Set = ["/newslug1/index.html", "/offslug1/index.html", "/404.html", "/assets/a.css"]

    @Test("what a path answers, under and outside the base path", arguments: [
        ("/watch/newslug1/", nil, 200, "/newslug1/index.html", nil),
        ("/watch/newslug1", "a=1", 301, nil, "/watch/newslug1/?a=1"),
        ("/watch/oldslug1", "", 301, nil, "/watch/newslug1/"),
        ("/watch/oldslug1/index.html", "utm_source=mail&x=%20", 301, nil, "/watch/newslug1/?utm_source=mail&x=%20"),
        ("/watch/offslug1", "a=1", 404, "/offslug1/index.html", nil),
        ("/watch/offslug1/index.html", nil, 404, "/404.html", nil),
        ("/watch/assets/a.css", nil, 200, "/assets/a.css", nil),
        ("/watch/assets", nil, 404, "/404.html", nil),
        ("/watch/", nil, 404, "/404.html", nil),
        ("/watch", nil, 404, "/404.html", nil),
        ("/newslug1/", nil, 404, "/404.html", nil),
        ("/watch/_redirects", nil, 404, "/404.html", nil),
    ] as [(String, String?, Int, String?, String?)])
    func answer(path: String, query: String?, status: Int, file: String?, location: String?) {
        let answer = Self.routes.answer(path: path, query: query) { Self.files.contains($0) }
        #expect(answer == SiteRoutes.Answer(status: status, file: file, location: location))
    }

    @Test("security headers on every answer; caching and cross-origin reading only on success; no framing but of embed pages")
    func fields() {
        let names = { (path: String, status: Int) in Self.routes.fields(for: path, status: status).map(\.name) }
        let security = ["Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Permissions-Policy", "X-Robots-Tag"]
        #expect(names("/watch/newslug1/", 200) == security + ["X-Frame-Options"])
        #expect(names("/watch/newslug1", 301) == security + ["X-Frame-Options"])
        #expect(names("/watch/newslug1/index.html", 200) == security + ["X-Frame-Options"])
        #expect(names("/watch/offslug1/", 404) == security + ["X-Frame-Options"])
        #expect(names("/watch/embed/newslug1/", 200) == security)
        #expect(names("/watch/embed/newslug1/index.html", 200) == security)
        #expect(names("/watch/assets/a.css", 200) == security + ["Cache-Control"])
        #expect(names("/watch/assets/b.css", 404) == security)
        #expect(names("/watch/oembed/x.json", 200) == security + ["Access-Control-Allow-Origin"])
        #expect(names("/assets/a.css", 200).isEmpty)
        // One policy for every path, so no `_headers` block has to take another's back.
        #expect(Self.routes.fields(for: "/watch/", status: 404).first?.value.contains("frame-ancestors") == false)
        #expect(Self.routes.fields(for: "/watch/x/", status: 200).last == SiteRoutes.Field(name: "X-Frame-Options", value: "DENY"))
    }
}
