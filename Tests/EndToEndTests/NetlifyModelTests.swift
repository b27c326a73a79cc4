import Testing

/// The Netlify double against the rules its comment lists, on files made up for each rule,
/// so that the parity tests lean on a model that is itself checked.
@Suite("Netlify model")
struct NetlifyModelTests {
    static func model(redirects: String, headers: String = "") throws -> NetlifyModel {
        try NetlifyModel(files: [
            "/_redirects": Array(redirects.utf8), "/_headers": Array(headers.utf8), "/404.html": Array("missing".utf8),
            "/a/index.html": Array("a".utf8), "/b/index.html": Array("b".utf8), "/file.txt": Array("file".utf8),
        ])
    }

    @Test("shadowing: a file that exists wins over a rule unless the rule is forced")
    func shadowing() throws {
        let plain = try Self.model(redirects: "/a/  /b/  301\n/file.txt  /b/  200\n")
        #expect(plain.get("/a/").status == 200 && plain.get("/a/").body == Array("a".utf8))
        #expect(plain.get("/file.txt").body == Array("file".utf8))
        let forced = try Self.model(redirects: "# comment\n\n/a/  /b/  301!\n/file.txt  /b/index.html  410!\n")
        #expect(forced.get("/a/").status == 301 && forced.get("/a/").location == "/b/")
        #expect(forced.get("/file.txt").status == 410 && forced.get("/file.txt").body == Array("b".utf8))
    }

    @Test("first match wins; query strings pass through redirects; trailing slashes do not matter")
    func matching() throws {
        let model = try Self.model(redirects: "/old  /b/  301\n/old  /a/  301\n/p/:id  /a/  302\n/s/*  /b/index.html  404\n")
        #expect(model.get("/old/", query: "x=1&y=2").location == "/b/?x=1&y=2")
        #expect(model.get("/old").location == "/b/")
        #expect(model.get("/p/42").status == 302 && model.get("/p/42/7").status == 404)
        #expect(model.get("/s/").status == 404 && model.get("/s/deep/er").body == Array("b".utf8))
    }

    @Test("files: folders answer their index.html, a folder without the slash redirects, anything else is 404.html")
    func files() throws {
        let model = try Self.model(redirects: "")
        #expect(model.get("/a/index.html").body == Array("a".utf8))
        #expect(model.get("/a", query: "q=1").status == 301 && model.get("/a", query: "q=1").location == "/a/?q=1")
        #expect(model.get("/").status == 404 && model.get("/nope").body == Array("missing".utf8))
    }

    @Test("every matching _headers block adds its headers, whatever the status")
    func headers() throws {
        let model = try Self.model(redirects: "", headers: "/*\n  X-All: 1\n/a/*\n  X-A: 2\n/:one/index.html\n  X-Index: 3\n")
        #expect(model.get("/a/").headers == ["x-all": "1", "x-a": "2"])
        #expect(model.get("/b/index.html").headers == ["x-all": "1", "x-index": "3"])
        #expect(model.get("/nope").headers == ["x-all": "1"])
    }

    @Test("a line it cannot read is an error, not a rule quietly skipped")
    func unreadable() {
        #expect(throws: TestFailure.self) { try Self.model(redirects: "/a /b 301 Country=au\n") }
        #expect(throws: TestFailure.self) { try Self.model(redirects: "", headers: "/*\n  no colon here\n") }
    }
}
