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
}
