import Testing
@testable import ShareValidator

/// URL checks byte by byte: every character a URL must not contain, and the
/// multi-byte neighbours of the direction controls that are fine.
@Suite("URL format")
struct URLFormatTests {
    @Test("characters that break HTML, spaces, controls and direction controls are refused", arguments: [
        ("https://a.example/x y", "must not contain spaces or control characters"),
        ("https://a.example/\u{0}", "must not contain spaces or control characters"),
        ("https://a.example/\u{7F}", "must not contain spaces or control characters"),
        ("https://a.example/\t", "must not contain spaces or control characters"),
        ("https://a.example/a<b", "must not contain the character '<' (percent-encode it)"),
        ("https://a.example/a\"b", "must not contain the character '\"' (percent-encode it)"),
        ("https://a.example/a'b", "must not contain the character ''' (percent-encode it)"),
        ("https://a.example/a`b", "must not contain the character '`' (percent-encode it)"),
        ("https://a.example/a\\b", "must not contain the character '\\' (percent-encode it)"),
        ("https://a.example/{x}", "must not contain the character '{' (percent-encode it)"),
        ("https://a.example/a|b^", "must not contain the character '|' (percent-encode it)"),
        ("https://a.example/\u{202A}", "must not contain Unicode direction controls"),
        ("https://a.example/\u{202E}gpj.exe", "must not contain Unicode direction controls"),
        ("https://a.example/\u{2066}", "must not contain Unicode direction controls"),
        ("https://a.example/\u{2069}", "must not contain Unicode direction controls"),
        ("https://a.example/é\u{202E} x", "must not contain Unicode direction controls"),
    ])
    func refused(_ url: String, _ problem: String) {
        #expect(Formats.urlProblem(url, allowHTTP: false) == problem)
    }

    @Test("non-ASCII text that is not a direction control is fine", arguments: [
        "https://a.example/ñandú", "https://a.example/a–b", "https://a.example/\u{2029}", "https://a.example/\u{202F}",
        "https://a.example/\u{2065}", "https://a.example/\u{206A}", "https://a.example/日本", "https://a.example/🎬",
    ])
    func accepted(_ url: String) {
        #expect(Formats.urlProblem(url, allowHTTP: false) == nil)
    }

    @Test("the byte-level fast path accepts only what the full check accepts", arguments: [
        "https://cdn.example.com/a/b.mp4", "https://cdn.example.com", "https://cdn.example.com:8443/x?y=1#z", "https://a_b.example/x",
        "http://dev.example/x", "HTTPS://cdn.example.com/x", "https://user@cdn.example.com/x", "https://[::1]/x", "https:///x",
        "https://cdn.example.com:/x", "https://cdn.example.com:0/x", "https://cdn.example.com:65536/x", "https://cdn.example.com:000080/x",
        "https://cdn.example.com:80:90/x", "https://cdn;evil.example/x", "https://cdn.example.com/a b", "https://cdn.example.com/a<b",
        "https://cdn.example.com/%20", "https://cdn.example.com/ñ", "https://cdn.example.com/\u{301}", "https://cdn.exa%6Dple.com/",
        "https:/cdn.example.com", "javascript:alert(1)", "https://cdn.example.com/a|b", "https://cdn.example.com/~user/(1)",
    ])
    func fastPathAgrees(_ url: String) {
        for allowHTTP in [false, true] {
            let full = Formats.explainedURLProblem(url, allowHTTP: allowHTTP)
            if Formats.isPlainValidURL(url, allowHTTP: allowHTTP) { #expect(full == nil, "fast path accepted \(url)") }
            #expect(Formats.urlProblem(url, allowHTTP: allowHTTP) == full)
        }
        #expect(Formats.isPlainValidURL("https://cdn.example.com:8443/a/b.mp4?t=1#x", allowHTTP: false))
    }
}
