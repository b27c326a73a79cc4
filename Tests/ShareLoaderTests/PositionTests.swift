import ShareModel
import Testing
@testable import ShareLoader

@Suite("Source positions")
struct PositionTests {
    @Test("JSON columns count Unicode scalars", arguments: [
        // `{"a": "日本👋", "b": true}`: 3 CJK/emoji scalars of 3 and 4 bytes each.
        (#"{"a": "日本👋", "b": true}"#, position(1, 14), position(1, 19)),
        // A decomposed é is two scalars (and one Character).
        ("{\"a\": \"e\u{301}\", \"b\": true}", position(1, 13), position(1, 18)),
        // Escapes count as written, not as decoded.
        (#"{"a": "\u00e9\n", "b": true}"#, position(1, 19), position(1, 24)),
        // Tabs are one column each.
        ("{\"a\":\t\"x\",\t\"b\":\ttrue}", position(1, 12), position(1, 17)),
    ])
    func jsonColumns(text: String, key: SourcePosition, value: SourcePosition) throws {
        let parsed = try parsedValue(InputFile("columns", "a.json", text))
        let member = try #require(parsed.members?.last)
        #expect(member.keyPosition == key)
        #expect(member.value.position == value)
    }

    @Test("JSON lines after CRLF and LF, and nested values")
    func jsonLines() throws {
        let text = "{\r\n  \"a\": 1,\r\n  \"b\": {\"c\": [true, \"ü\", null]}\n}\r\n"
        let value = try parsedValue(InputFile("lines", "a.json", text))
        #expect(value.position == position(1, 1))
        #expect(value["a"]?.position == position(2, 8))
        #expect(value[path: "b"]?.position == position(3, 8))
        #expect(value[path: "b", "c"]?.position == position(3, 14))
        #expect(value[path: "b", "c", 1]?.position == position(3, 21))
        #expect(value[path: "b", "c", 2]?.position == position(3, 26))
    }

    @Test("YAML positions are offset by the opening --- line and count scalars")
    func yamlPositions() throws {
        let text = """
        ---
        channel: PROD
        k: ["日本", true]
        video:
          id: v1
          captions:
            - label: Español
              src: https://cdn.example.com/es.vtt
        ---
        Body.
        """
        let value = try parsedValue(InputFile("yaml", "a.md", text))
        #expect(value.position == position(2, 1))
        #expect(value.members?.first?.keyPosition == position(2, 1))
        #expect(value["channel"]?.position == position(2, 10))
        #expect(value[path: "k", 1]?.position == position(3, 11))
        #expect(value[path: "video", "id"]?.position == position(5, 7))
        #expect(value[path: "video", "captions", 0]?.position == position(7, 7))
        #expect(value[path: "video", "captions", 0, "src"]?.position == position(8, 12))
    }

    @Test("the Markdown body and its first line", arguments: [
        ("---\na: 1\n---\nBody.\n", "Body.\n", 4),
        ("---\na: 1\nb: 2\n---\n\n# Title\n\nText\n", "\n# Title\n\nText\n", 5),
        ("---\na: 1\n---\n", "", 4),
        ("---\na: 1\n...\nBody", "Body\n", 4),
        // The body is kept byte for byte, line endings included.
        ("---\r\na: 1\r\n---\r\nLine one\r\nLine two\r\n", "Line one\r\nLine two\r\n", 4),
        ("\u{FEFF}---\na: 1\n---\nBody\n", "Body\n", 4),
    ])
    func markdownBody(text: String, body: String, line: Int) throws {
        let document = try #require(load(InputFile("body", "a.md", text)).projects.first?.shares.first)
        #expect(document.format == .markdown)
        #expect(document.body == body)
        #expect(document.bodyLine == line)
    }

    @Test("YAML line breaks other than LF do not shift positions", arguments: ["\u{2028}", "\u{2029}", "\u{85}", "\r"])
    func yamlLineSeparators(separator: String) throws {
        let value = try parsedValue(InputFile("separator", "a.md", "---\na: \"x\(separator)y\"\nb: 1\n---\n"))
        #expect(value["b"]?.position == position(3, 4))
    }

    @Test("CRLF front matter keeps its positions")
    func crlfFrontMatter() throws {
        let value = try parsedValue(InputFile("crlf", "a.md", "---\r\nchannel: PROD\r\nslug: abcd\r\n---\r\nHello\r\n"))
        #expect(value["channel"]?.string == "PROD")
        #expect(value["slug"]?.position == position(3, 7))
    }

    @Test("diagnostics after multi-byte text and CRLF point at the offending byte", arguments: [
        InputFile("JSON", "a.json", "{\r\n  \"t\": \"日本語\", \"u\": x\r\n}"),
        InputFile("YAML", "a.md", "---\r\nk: v\r\nt: \"日本語\": x\r\n---\r\n"),
    ])
    func diagnosticPositions(_ file: InputFile) {
        let found = load(file).diagnostics.map(\.located)
        let expected = file.name.hasSuffix(".json")
            ? Located(rule: "json.syntax", file: file.path, line: 2, column: 20)
            : Located(rule: "yaml.syntax", file: file.path, line: 3, column: 9)
        #expect(found == [expected])
    }

    @Test("a byte order mark does not shift the columns of the first line", arguments: [
        (InputFile("JSON", "a.json", "\u{FEFF}{\"a\": x}"), [Located(rule: "source.bom", file: "", line: 1, column: 1), Located(rule: "json.syntax", file: "", line: 1, column: 7)]),
        (InputFile("invalid UTF-8", "a.json", bytes: [0xEF, 0xBB, 0xBF] + Array("{\"a\": \"".utf8) + [0xFF, 0x22, 0x7D]),
         [Located(rule: "source.encoding", file: "", line: 1, column: 8)]),
        (InputFile("YAML", "a.md", bytes: [0xEF, 0xBB, 0xBF] + Array("---\nk: [1,\n---\n".utf8)),
         [Located(rule: "source.bom", file: "", line: 1, column: 1), Located(rule: "yaml.syntax", file: "", line: 3, column: 1)]),
    ])
    func byteOrderMark(_ file: InputFile, expected: [Located]) {
        #expect(load(file).diagnostics.map(\.located) == expected.map { Located(rule: $0.rule, file: file.path, line: $0.line, column: $0.column) })
    }
}
