import Testing
@testable import SharePreview

@Suite("Preview markup and terminal output")
struct MarkupTests {
    @Test("the policy gains same-origin scripts and connections, and nothing else changes", arguments: [
        (
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; script-src 'self'; connect-src 'self'"
        ),
        (
            "default-src 'none'; script-src 'self'; media-src https://cdn.example.com",
            "default-src 'none'; script-src 'self'; media-src https://cdn.example.com; connect-src 'self'"
        ),
        ("script-src 'none'; connect-src https://api.example.com", "script-src 'self'; connect-src https://api.example.com 'self'"),
    ])
    func policy(original: String, preview: String) {
        #expect(PreviewMarkup.previewPolicy(original) == preview)
    }

    @Test("injection: the escaped policy is rewritten, the script goes before </body>, the banner after <body>")
    func injection() {
        let page = """
            <html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;self&#39;">
            </head><body class="x"><h1>T</h1></body></html>
            """
        let out = String(decoding: PreviewMarkup.inject(into: Array(page.utf8), version: "v-1", banner: "<p>B</p>"), as: UTF8.self)
        #expect(out.contains("content=\"default-src &#39;none&#39;; style-src &#39;self&#39;; script-src &#39;self&#39;; connect-src &#39;self&#39;\""))
        #expect(out.contains("<body class=\"x\">\n<p>B</p><h1>T</h1><script src=\"/__sharegen/reload.js\" data-version=\"v-1\"></script>\n</body>"))
        #expect(out.contains("<link rel=\"stylesheet\" href=\"/__sharegen/preview.css\">\n</head>"))
    }

    @Test("colour only when asked for, and never with NO_COLOR")
    func colour() {
        let coloured = Transcript()
        coloured.reporter(colour: true).building(.DEV, changes: nil)
        #expect(coloured.text.contains("\u{1B}["))
        let plain = Transcript()
        plain.reporter().building(.DEV, changes: .files(["content/a/shares/b.json"]))
        #expect(plain.text == "rebuilding DEV: content/a/shares/b.json changed…\n")
        #expect(!BuildReporter.standardOutput(environment: ["NO_COLOR": "1"]).colour)
    }
}
