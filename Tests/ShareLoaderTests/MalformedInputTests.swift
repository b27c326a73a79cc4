import ShareModel
import Testing
@testable import ShareLoader

/// A broken input file and the one located diagnostic the loader must give for it.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var file: InputFile
    var rule: String
    var line: Int
    var column: Int
    /// Text the message must contain, to check it explains the problem.
    var hint: String?

    init(_ file: InputFile, _ rule: String, _ line: Int, _ column: Int, hint: String? = nil) {
        self.file = file
        self.rule = rule
        self.line = line
        self.column = column
        self.hint = hint
    }

    var testDescription: String { file.label }
}

private func json(_ label: String, _ text: String) -> InputFile { InputFile(label, "a.json", text) }
private func markdown(_ label: String, _ text: String) -> InputFile { InputFile(label, "a.md", text) }

private let deep = 100_000
private let tenMiB = 10 << 20

/// An alias bomb: nine levels of ten references expand to 10^9 values.
/// Seventy levels that each double the last: 2^70 values, past any integer count.
private let aliasDoubling = "---\nl0: &l0 [x, x]\n" + (1..<70).map { "l\($0): &l\($0) [*l\($0 - 1), *l\($0 - 1)]\n" }.joined() + "---\n"

private let aliasBomb = "---\na: &a [x,x,x,x,x,x,x,x,x,x]\n" + "abcdefgh".map { level -> String in
    let next = Character(UnicodeScalar(level.asciiValue! + 1))
    return "\(next): &\(next) [" + Array(repeating: "*\(level)", count: 10).joined(separator: ",") + "]\n"
}.joined() + "---\n"

private let jsonCases: [MalformedCase] = [
    .init(json("duplicate key", "{\"a\": 1,\n  \"a\": 2}"), "json.duplicate-key", 2, 3, hint: "first defined at line 1, column 2"),
    .init(json("trailing comma in an object", #"{"a": 1,}"#), "json.trailing-comma", 1, 9),
    .init(json("trailing comma in an array", #"{"a": [1, 2,]}"#), "json.trailing-comma", 1, 13),
    .init(json("unescaped tab in a string", "{\"a\": \"x\ty\"}"), "json.syntax", 1, 9, hint: "a tab inside a string must be escaped"),
    .init(json("line break in a string", "{\"a\": \"x\ny\"}"), "json.syntax", 1, 9, hint: "line break"),
    .init(json("control character in a string", "{\"a\": \"\u{1}\"}"), "json.syntax", 1, 8, hint: "U+1"),
    .init(json("byte order mark", "\u{FEFF}{}"), "source.bom", 1, 1),
    .init(InputFile("invalid UTF-8", "a.json", bytes: Array("{\n  \"é\": \"".utf8) + [0xFF] + Array("\"}".utf8)),
          "source.encoding", 2, 9, hint: "0xFF"),
    .init(InputFile("overlong UTF-8", "a.json", bytes: Array("{\"日\": \"".utf8) + [0xC0, 0xAF] + Array("\"}".utf8)),
          "source.encoding", 1, 8, hint: "0xC0"),
    .init(InputFile("UTF-8 encoded surrogate", "a.json", bytes: Array("{\"a\": \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8)),
          "source.encoding", 1, 8),
    .init(InputFile("truncated UTF-8 at the end", "a.json", bytes: Array("{\"".utf8) + [0xE2, 0x82]), "source.encoding", 1, 3),
    .init(json("empty file", ""), "source.empty", 1, 1),
    .init(json("only white space", "\n \t\r\n"), "source.empty", 1, 1),
    .init(json("file over the size limit", "{}" + String(repeating: " ", count: tenMiB)), "source.too-large", 1, 1, hint: "\(tenMiB + 2) bytes"),
    .init(json("100,000 nested arrays", String(repeating: "[", count: deep) + String(repeating: "]", count: deep)), "json.too-deep", 1, 201),
    .init(json("100,000 nested objects", String(repeating: #"{"a":"#, count: deep)), "json.too-deep", 1, 1001),
    .init(json("line comment", "{\n  // note\n  \"a\": 1\n}"), "json.syntax", 2, 3, hint: "JSON has no comments"),
    .init(json("block comment", #"{"a": 1 /* note */}"#), "json.syntax", 1, 9, hint: "JSON has no comments"),
    .init(json("single quotes", "{'a': 1}"), "json.syntax", 1, 2, hint: "double quotes"),
    .init(json("leading zeros", #"{"a": 007}"#), "json.syntax", 1, 7, hint: "leading zeros"),
    .init(json("fraction without digits", #"{"a": 1.}"#), "json.syntax", 1, 9),
    .init(json("bad escape", #"{"a": "\q"}"#), "json.syntax", 1, 8, hint: #"'\q'"#),
    .init(json("lone high surrogate", #"{"a": "\uD83D"}"#), "json.syntax", 1, 8, hint: "unpaired surrogate"),
    .init(json("lone low surrogate", #"{"a": "\uDE00"}"#), "json.syntax", 1, 8, hint: "unpaired surrogate"),
    .init(json("high surrogate before a letter", #"{"a": "x\uD83D\u0041"}"#), "json.syntax", 1, 9, hint: "unpaired surrogate"),
    .init(json("short unicode escape", #"{"a": "\u12"}"#), "json.syntax", 1, 8, hint: "four hex digits"),
    .init(json("unterminated string", #"{"a": "x"#), "json.syntax", 1, 7, hint: "unterminated string"),
    .init(json("missing value", #"{"a": }"#), "json.syntax", 1, 7),
    .init(json("NaN", #"{"a": NaN}"#), "json.syntax", 1, 7),
    .init(json("number beyond a double", #"{"metadata": {"big": 1e400}}"#), "json.syntax", 1, 22, hint: "out of range"),
    .init(json("two values", "{}\n{}"), "json.syntax", 2, 1, hint: "after the end"),
    .init(json("unterminated object", #"{"a": 1"#), "json.syntax", 1, 8, hint: "end of file"),
    .init(json("missing comma", #"{"a": 1 "b": 2}"#), "json.syntax", 1, 9),
    .init(json("unquoted key", #"{a: 1}"#), "json.syntax", 1, 2),
]

private let markdownCases: [MalformedCase] = [
    .init(markdown("duplicate key", "---\nchannel: PROD\nslug: abcd\nchannel: DEV\n---\n"), "yaml.duplicate-key", 4, 1,
          hint: "first defined at line 2, column 1"),
    .init(markdown("duplicate nested key", "---\nvideo:\n  id: a\n  \"id\": b\n---\n"), "yaml.duplicate-key", 4, 3, hint: #""id""#),
    .init(markdown("duplicate key in a flow mapping", "---\nvideo: {id: a, id: b}\n---\n"), "yaml.duplicate-key", 2, 16,
          hint: "first defined at line 2, column 9"),
    .init(markdown("two documents", "---\na: 1\n--- b\n---\n"), "yaml.syntax", 3, 1, hint: "more than one document"),
    .init(markdown("tab indentation", "---\nvideo:\n\tid: x\n---\n"), "yaml.syntax", 3, 1, hint: "tabs"),
    .init(markdown("byte order mark", "\u{FEFF}---\nchannel: PROD\n---\n"), "source.bom", 1, 1),
    .init(InputFile("invalid UTF-8", "a.md", bytes: Array("---\ntitle: é".utf8) + [0xC3, 0x28] + Array("\n---\n".utf8)),
          "source.encoding", 2, 9, hint: "0xC3"),
    .init(markdown("empty file", ""), "source.empty", 1, 1),
    .init(markdown("only white space", " \n\n"), "source.empty", 1, 1),
    .init(markdown("empty front matter", "---\n---\nBody\n"), "source.empty", 2, 1),
    .init(markdown("file over the size limit", "---\na: b\n---\n" + String(repeating: "x", count: tenMiB)), "source.too-large", 1, 1),
    .init(markdown("no front matter", "# Title\n\nBody\n"), "markdown.front-matter-missing", 1, 1),
    .init(markdown("unterminated front matter", "---\nchannel: PROD\n\nBody\n"), "markdown.front-matter-unterminated", 1, 1),
    .init(markdown("100,000 nested flow sequences", "---\na: " + String(repeating: "[", count: deep) + String(repeating: "]", count: deep) + "\n---\n"),
          "yaml.too-deep", 2, 68),
    .init(markdown("100,000 nested flow mappings", "---\n" + String(repeating: "{a: ", count: deep) + "\n---\n"), "yaml.too-deep", 2, 257),
    .init(markdown("100,000 nested block sequences", "---\n" + String(repeating: "- ", count: deep) + "x\n---\n"), "yaml.too-deep", 2, 87),
    // Reported at the alias that takes the expansion over the limit: the eighth *d.
    .init(markdown("alias bomb", aliasBomb), "yaml.too-large", 6, 29, hint: "aliases"),
    // At the alias that takes the count past the limit: the second *l13 (line 16).
    .init(markdown("alias doubling", aliasDoubling), "yaml.too-large", 16, 18, hint: "aliases"),
    .init(markdown("undefined alias", "---\na: *nowhere\n---\n"), "yaml.syntax", 2, 4, hint: "undefined alias"),
    .init(markdown("non-scalar key", "---\n? [a, b]\n: 1\n---\n"), "yaml.key", 2, 3),
    .init(markdown("unclosed flow sequence", "---\na: [b\n---\n"), "yaml.syntax", 3, 1),
    .init(markdown("unclosed quote", "---\na: \"b\n---\n"), "yaml.syntax", 3, 1),
    .init(markdown("bad indentation", "---\na: b\n  c: d\n---\n"), "yaml.syntax", 3, 4),
    // libyaml also breaks lines at U+2028 (found by the hardening fuzzer): positions still count LF only.
    .init(markdown("error after a line separator", "---\na: \"x\u{2028}y\"\nb: [c\n---\n"), "yaml.syntax", 4, 1),
    .init(markdown("control character", "---\na: b\u{1}\n---\n"), "yaml.syntax", 2, 5, hint: "control characters are not allowed"),
]

@Suite("Malformed input")
struct MalformedInputTests {
    @Test("yields exactly one located diagnostic", arguments: jsonCases + markdownCases)
    func locatedDiagnostic(_ input: MalformedCase) {
        let loaded = load(input.file)
        #expect(loaded.diagnostics.map(\.located) == [Located(rule: input.rule, file: input.file.path, line: input.line, column: input.column)])
        if let hint = input.hint {
            #expect(loaded.diagnostics.first?.message.contains(hint) == true, "\(loaded.diagnostics.first?.message ?? "none")")
        }
    }

    @Test("legal input loads without diagnostics", arguments: [
        json("tabs as JSON white space", "{\t\"a\":\t[1,\t2]\t}\n"),
        json("escapes and surrogate pairs", #"{"a": "\uD83D\uDE00 \u00e9\n\t\/\"\\", "b": -0.5e+10, "c": [true, false, null]}"#),
        json("deep but within the limit", String(repeating: "[", count: LocatedJSONParser.maxDepth) + String(repeating: "]", count: LocatedJSONParser.maxDepth)),
        json("exactly at the size limit", "{}" + String(repeating: " ", count: SiteLoader.maxFileSize - 2)),
        markdown("tab inside YAML values", "---\na: \"x\ty\"\nb: c\td\n---\n"),
        markdown("front matter closed with ...", "---\na: b\n...\nBody\n"),
        markdown("alias within the limit", "---\nx: &x {k: v}\ny: *x\n---\n"),
        markdown("anchor on a key", "---\n&k campaign: x\nother: *k\n---\n"),
        markdown("alias as a key", "---\nname: &n title\n*n : v\n---\n"),
    ])
    func legalInput(_ file: InputFile) {
        #expect(load(file).diagnostics.isEmpty)
    }

    @Test("duplicate keys keep the first value and bad files keep no value")
    func valuesOfBrokenFiles() throws {
        let duplicate = load(json("duplicate", #"{"a": 1, "a": 2}"#))
        let value = try #require(duplicate.projects.first?.shares.first?.value)
        #expect(value.members?.count == 1 && value["a"]?.number == 1)
        let yaml = load(markdown("duplicates", "---\na: 1\nb: x\na: 2\nb: y\n---\n"))
        #expect(yaml.diagnostics.map(\.located) == [
            Located(rule: "yaml.duplicate-key", file: "content/p/shares/a.md", line: 4, column: 1),
            Located(rule: "yaml.duplicate-key", file: "content/p/shares/a.md", line: 5, column: 1),
        ])
        let yamlValue = try #require(yaml.projects.first?.shares.first?.value)
        #expect(yamlValue.members?.map(\.key) == ["a", "b"] && yamlValue["a"]?.number == 1 && yamlValue["b"]?.string == "x")
        #expect(load(json("syntax", "{")).projects.first?.shares.first?.value == nil)
        #expect(load(markdown("yaml", "---\na: [\n---\n")).projects.first?.shares.first?.value == nil)
    }

    @Test("decoded strings: escapes, surrogate pairs and YAML 1.2 core schema scalars")
    func decodedValues() throws {
        let value = try parsedValue(json("escapes", #"{"a": "\uD83D\uDE00 \u00e9\n\t\/\"\\", "b": -0.5e+10}"#))
        #expect(value["a"]?.string == "😀 é\n\t/\"\\")
        #expect(value["b"]?.kind.literal == "-0.5e+10")
        let yaml = try parsedValue(markdown("tags", "---\nyes: yes\nbool: true\nint: 0x10\nfloat: 1.5\nnull: ~\nbig: 1e400\nstr: \"5\"\n---\n"))
        #expect(yaml["yes"]?.string == "yes")
        #expect(yaml["bool"]?.bool == true)
        #expect(yaml["int"]?.number == 16)
        #expect(yaml["float"]?.number == 1.5)
        #expect(yaml["null"]?.typeName == "null")
        #expect(yaml["big"]?.string == "1e400")
        #expect(yaml["str"]?.string == "5")
    }
}

extension SourceValue.Kind {
    var literal: String? {
        if case .number(let literal) = self { return literal }
        return nil
    }
}
