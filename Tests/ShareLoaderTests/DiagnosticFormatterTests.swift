import ShareModel
import Testing
@testable import ShareLoader

@Suite("Diagnostic formatter")
struct DiagnosticFormatterTests {
    static let slug = Diagnostic.error(
        "slug.format", #"slug "Bad" must be 4 to 64 characters long (found 3)"#,
        at: SourceLocation(file: "content/p/shares/a.json", position: position(3, 11)))
    static let guessable = Diagnostic.warning(
        "slug.guessable", "public share slug is guessable",
        at: SourceLocation(file: "content/p/shares/b.md", position: position(2, 7)),
        related: [SourceLocation(file: "content/q/shares/c.json", position: position(4, 5))])

    /// Serves the lines of a few fake files to the text formatter.
    static let lines: DiagnosticFormatter.SourceLines = { file, line in
        let files = [
            "content/p/shares/a.json": ["{", #"  "channel": "PROD","#, #"  "slug": "Bad","#],
            "content/p/shares/b.md": ["---", "slug:\twelcome-video"],
            "tab.json": ["\t\"a\": é, \"e\u{301}\": x"],
        ]
        return files[file].flatMap { $0.indices.contains(line - 1) ? $0[line - 1] : nil }
    }

    @Test("text: file:line:column: severity: message [rule]")
    func textLine() {
        let formatter = DiagnosticFormatter(format: .text)
        #expect(formatter.text(Self.slug) == #"content/p/shares/a.json:3:11: error: slug "Bad" must be 4 to 64 characters long (found 3) [slug.format]"# + "\n")
        #expect(formatter.text(Self.guessable) == "content/p/shares/b.md:2:7: warning: public share slug is guessable [slug.guessable]\n")
        #expect(formatter.render([Self.slug, Self.guessable]) == formatter.text(Self.slug) + formatter.text(Self.guessable))
    }

    @Test("text: the source line with a caret under the column", arguments: [
        (DiagnosticFormatterTests.slug, #"  "slug": "Bad","#, "          ^"),
        // A tab is shown as one space so that the caret lines up.
        (DiagnosticFormatterTests.guessable, "slug: welcome-video", "      ^"),
        // Column 16 counts scalars; the caret counts characters, and the decomposed é is one.
        (Diagnostic.error("json.syntax", "x", at: SourceLocation(file: "tab.json", position: position(1, 16))), #" "a": é, "é": x"#, "              ^"),
        // A column past the end of the line puts the caret at the end.
        (Diagnostic.error("json.syntax", "x", at: SourceLocation(file: "content/p/shares/a.json", position: position(1, 40))), "{", " ^"),
    ])
    func excerpt(diagnostic: Diagnostic, line: String, caret: String) {
        let output = DiagnosticFormatter(format: .text, sourceLines: Self.lines).text(diagnostic)
        let parts = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(parts.count == 4)
        #expect(parts.dropFirst().map(String.init) == ["    " + line, "    " + caret, ""])
    }

    @Test("source lines are found in CRLF files too (\"\\r\\n\" is one Character)")
    func crlfLines() {
        let bytes = Array("first\r\nsecond é\r\nthird".utf8)
        #expect(DiagnosticFormatter.line(2, of: bytes) == "second é")
        #expect(DiagnosticFormatter.line(3, of: bytes) == "third")
        #expect(DiagnosticFormatter.line(4, of: bytes) == nil)
    }

    @Test("text: no excerpt when the line is unknown")
    func noExcerpt() {
        let diagnostic = Diagnostic.error("site.content-missing", "no content/ folder", at: SourceLocation(file: "content"))
        #expect(DiagnosticFormatter(format: .text, sourceLines: Self.lines).text(diagnostic) == "content:1:1: error: no content/ folder [site.content-missing]\n")
    }

    @Test("github: workflow commands with escaped data and properties")
    func github() {
        let formatter = DiagnosticFormatter(format: .github)
        #expect(formatter.github(Self.slug)
            == #"::error file=content/p/shares/a.json,line=3,col=11,title=slug.format::slug "Bad" must be 4 to 64 characters long (found 3)"# + "\n")
        #expect(formatter.github(Self.guessable).hasPrefix("::warning file=content/p/shares/b.md,line=2,col=7,title=slug.guessable::"))
        let awkward = Diagnostic.error(
            "json.syntax", "100% wrong\r\nsee: a, b",
            at: SourceLocation(file: "odd:name,1.json", position: position(1, 2)))
        #expect(formatter.github(awkward) == "::error file=odd%3Aname%2C1.json,line=1,col=2,title=json.syntax::100%25 wrong%0D%0Asee: a, b\n")
        #expect(formatter.render([Self.slug, awkward]).split(separator: "\n").count == 2)
    }

    @Test("json: summary counts and one object per diagnostic, related included")
    func json() throws {
        let output = DiagnosticFormatter(format: .json).render([Self.slug, Self.guessable])
        let (value, diagnostics) = LocatedJSONParser.parse(Array(output.utf8), file: "out.json")
        #expect(diagnostics.isEmpty)
        let root = try #require(value)
        #expect(root.members?.map(\.key) == ["errors", "warnings", "diagnostics"])
        #expect(root["errors"]?.number == 1 && root["warnings"]?.number == 1)
        let items = try #require(root["diagnostics"]?.elements)
        #expect(items.count == 2)
        #expect(items[0].members?.map(\.key) == ["file", "line", "column", "severity", "rule", "message", "related"])
        #expect(items[0].json == .object([
            ("file", .string("content/p/shares/a.json")), ("line", .number(3)), ("column", .number(11)),
            ("severity", .string("error")), ("rule", .string("slug.format")), ("message", .string(Self.slug.message)), ("related", .array([])),
        ]))
        #expect(items[1]["severity"]?.string == "warning")
        #expect(items[1]["related"]?.json == .array([
            .object([("file", .string("content/q/shares/c.json")), ("line", .number(4)), ("column", .number(5))]),
        ]))
        let empty = DiagnosticFormatter(format: .json).render([])
        #expect(empty == "{\n  \"errors\": 0,\n  \"warnings\": 0,\n  \"diagnostics\": []\n}\n")
    }

    @Test("summary line", arguments: [
        ([], "0 errors, 0 warnings"),
        ([DiagnosticFormatterTests.slug], "1 error, 0 warnings"),
        ([DiagnosticFormatterTests.slug, DiagnosticFormatterTests.slug, DiagnosticFormatterTests.guessable], "2 errors, 1 warning"),
    ] as [([Diagnostic], String)])
    func summary(diagnostics: [Diagnostic], text: String) {
        #expect(DiagnosticFormatter.summary(diagnostics) == text)
    }

    @Test("output order is by file, then position, then rule")
    func sortedForOutput() {
        let late = Diagnostic.error("b.rule", "m", at: SourceLocation(file: "a", position: position(10, 1)))
        let early = Diagnostic.error("z.rule", "m", at: SourceLocation(file: "a", position: position(2, 30)))
        let sameSpot = Diagnostic.error("a.rule", "m", at: SourceLocation(file: "a", position: position(2, 30)))
        let otherFile = Diagnostic.warning("a.rule", "m", at: SourceLocation(file: "0", position: position(99, 1)))
        #expect([late, early, sameSpot, otherFile].sortedForOutput().map(\.rule) == ["a.rule", "a.rule", "z.rule", "b.rule"])
        #expect([otherFile].hasErrors == false && [otherFile, late].hasErrors)
    }
}
