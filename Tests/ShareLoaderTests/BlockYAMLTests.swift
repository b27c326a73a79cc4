import Foundation
import ShareModel
import Testing
import TestSupport
@testable import ShareLoader

/// `BlockYAML` is a shortcut past libyaml: wherever it gives a value, the composer must
/// give the very same one (kinds, text, key order and every position) and no diagnostic.
@Suite struct BlockYAMLTests {
    /// The value as text with every position, so two values compare in full.
    static func described(_ value: SourceValue) -> String {
        let at = "@\(value.position.line):\(value.position.column)"
        switch value.kind {
        case .object(let members):
            let inner = members.map { "\($0.key.debugDescription)@\($0.keyPosition.line):\($0.keyPosition.column)=\(described($0.value))" }
            return "{\(inner.joined(separator: ", "))}\(at)"
        case .array(let elements): return "[\(elements.map(described).joined(separator: ", "))]\(at)"
        case .string(let text): return "\(text.debugDescription)\(at)"
        case .number(let literal): return "number(\(literal))\(at)"
        case .bool(let flag): return "\(flag)\(at)"
        case .null: return "null\(at)"
        }
    }

    /// Whether the shortcut took `yaml`; when it did, expects the composer to agree.
    static func shortcutAgrees(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let bytes = Array(yaml.utf8)
        guard let fast = bytes.withUnsafeBufferPointer({ BlockYAML.parse($0, lineOffset: 1) }) else { return false }
        let composed = YAMLComposer.compose(bytes[...], file: "a.md", lineOffset: 1)
        #expect(composed.diagnostics.isEmpty, "\(yaml.debugDescription): \(composed.diagnostics.map(\.message))", sourceLocation: sourceLocation)
        #expect(composed.value.map(described) == described(fast), "\(yaml.debugDescription)", sourceLocation: sourceLocation)
        return true
    }

    @Test("takes the front matter people write, with the composer's values and positions")
    func typicalFrontMatter() {
        let yaml = """
            # a comment
            channel: PROD
            slug: "biukbpl634ijfwvy"   # trailing comment
            title: 'It''s here'
            subtitle: Plans start at 1 < 2 users & scale up, [really]
            escaped: "tab\\there \\"quoted\\" \\u00e9 \\/ \\\\"
            n: 365.3
            i: 0x1F
            t: True
            z: ~
            empty: ""
            personalizationData:

              company: "Wonka"
              first_name: Olivia
            video:
              captions:
                - locale: "ar-EG"
                  label: "العربية"
                -   locale: en
                    label: English
              tags:
              - a
              - b # c
            audit:
            - action: created
              at: "2024-03-07T03:05:37Z"
            """
        #expect(Self.shortcutAgrees(yaml))
    }

    @Test("leaves everything outside its subset to the composer", arguments: [
        "a: [1, 2]", "a: {b: c}", "a: |\n  text", "a: >\n  text", "a: &x b\nc: *x", "a: !tag b", "a:\nb: c", "a: b\n  c",
        "a: \"b\n  c\"", "a: 'b", "a: b: c", "a: b:", "a:\tb", "a: b\r\nc: d", "a: b\u{2028}", "a: \"\\x41\"", "a: \"\\ud800\"",
        "a: b\na: c", "- - a", "-\n  a", "? a\n: b", "a : b", "\"a\": b", "--- \na: b", "a: b\n...", "a: -1", "a: b\n c: d", "hello",
        "a:\n  - b\n  c: d", "a: \u{1}", "a: \u{FEFF}b", "a: \"b\" c", "a: 'b'#c", "%YAML 1.2\n---\na: b", "",
        "a:\n  b: 1\n  b: 2", "- k: 1\n  k: 2", "- a:\n  b: 1", "...: x", "---x: y", "a: \u{7F}", "a: \u{9F}", "a: \u{FFFF}",
        "a: \"x\u{2028}y\"", (0..<(BlockYAML.maxKeys + 1)).map { "k\($0): 1" }.joined(separator: "\n"),
    ])
    func declines(_ yaml: String) {
        let bytes = Array(yaml.utf8)
        #expect(bytes.withUnsafeBufferPointer { BlockYAML.parse($0, lineOffset: 1) } == nil)
    }

    @Test("agrees on a root sequence, an indented root, long keys and long values", arguments: [
        "- a\n- b: c\n  d: e\n- 'f'\n", "  a: 1\n  b:\n  - x\n", String(repeating: "k", count: 999) + ": v\n",
        "a: " + String(repeating: "long value ", count: 200) + "\n", (0..<BlockYAML.maxKeys).map { "k\($0): 1" }.joined(separator: "\n"),
    ])
    func shapes(_ yaml: String) {
        #expect(Self.shortcutAgrees(yaml))
    }

    /// `levels` mappings, each inside the one before.
    static func nested(_ levels: Int) -> String {
        (0..<levels).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " v\n"
    }

    @Test("takes nesting up to the loader's limit and leaves deeper text to the composer")
    func depthLimit() {
        #expect(Self.shortcutAgrees(Self.nested(FrontMatterParser.maxDepth)))
        #expect(!Self.shortcutAgrees(Self.nested(FrontMatterParser.maxDepth + 1)))
    }

    @Test("agrees with the composer on the front matter of every Markdown file in the repository")
    func repositoryFiles() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var taken = 0
        for folder in ["content", "Tests"] {
            let enumerator = FileManager.default.enumerator(atPath: repository.appendingPathComponent(folder).path)
            while let path = enumerator?.nextObject() as? String {
                guard path.hasSuffix(".md"), let text = try? String(contentsOf: repository.appendingPathComponent(folder).appendingPathComponent(path), encoding: .utf8),
                      text.hasPrefix("---\n") else { continue }
                let rest = text.dropFirst(4)
                guard let end = rest.range(of: "\n---\n") else { continue }
                if Self.shortcutAgrees(String(rest[..<end.lowerBound]) + "\n") { taken += 1 }
            }
        }
        // The example site's five shares at least.
        #expect(taken >= 5)
    }

    @Test("agrees with the composer on random and randomly damaged documents", arguments: [UInt64(1), 2, 3, 4])
    func randomDocuments(seed: UInt64) {
        var generator = YAMLGenerator(random: SplitMix64(seed: seed))
        var taken = 0, declined = 0
        for _ in 0..<4000 {
            var lines: [String] = []
            generator.plainOnly = generator.chance(50)
            generator.mapping(indent: 0, depth: 0, firstPrefix: nil, into: &lines)
            var text = Array((lines.joined(separator: "\n") + "\n").unicodeScalars)
            for _ in 0..<generator.int(0...3) { generator.damage(&text) }
            var yaml = ""
            yaml.unicodeScalars.append(contentsOf: text)
            if Self.shortcutAgrees(yaml) { taken += 1 } else { declined += 1 }
        }
        // Both ways are exercised: a shortcut that always declines would prove nothing.
        #expect(taken > 600 && declined > 600, "taken \(taken), declined \(declined)")
    }
}

/// Front matter of the shapes `BlockYAML` takes, with scalars and damage that it must
/// decline or get exactly right.
struct YAMLGenerator {
    var random: SplitMix64
    /// Only scalars the shortcut takes, so that whole documents reach it.
    var plainOnly = false

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func pick<T>(_ options: [T]) -> T { options[int(0...options.count - 1)] }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    static let keys = ["channel", "slug", "title", "a", "b_c", "x-y", "v.1", "123", "true", "null", "0x1F", "url", "k"]
    static let plains = [
        "hello", "Hello world", "42", "-3", "+7", "1.5", ".5", "1e3", "1E-2", "0x10", "0o17", "0b1", "true", "False", "TRUE", "~", "null",
        "Null", "yes", "no", "2024-03-07T03:05:37Z", "https://x.example/a?b=c#d", "a#b", "a: b", "a:b", "مرحبًا بك", "café", "x]", "b, c",
        "text   ", "[a]", "{a: 1}", "&x y", "*y", "|", ">", "it's", "say \"hi\"", "a # comment", ".inf", "-.inf", ".nan", "1_000", "007",
        "12:30", "@at", "`tick`", "%p", "!t", "?q", "-", "- x", ":x", "1.", "0.0", "-0", "1e400", "\u{A0}x\u{A0}",
    ]
    static let quotedPieces = [
        "a", " ", "é", "العربية", "#", ": ", "'", "\\\"", "\\\\", "\\n", "\\t", "\\/", "\\u00e9", "\\u0041", "\\u0000", "\\x41",
        "\\ud800", "\\uzzzz", "\\N", "\\ ", "\\", "x",
    ]

    static let takenPlains = ["hello", "Hello world", "42", "1.5", "1e3", "0x10", "true", "~", "null", "yes", "a#b", "a:b", "café", "x]", "b, c"]
    static let takenPieces = ["a", " ", "é", "#", ": ", "'", "\\\"", "\\\\", "\\n", "\\t", "\\/", "\\u00e9", "\\u0000"]

    mutating func scalar() -> String {
        switch int(0...3) {
        case 0:
            return "\"" + (0..<int(0...6)).map { _ in pick(plainOnly ? Self.takenPieces : Self.quotedPieces) }.joined() + "\""
        case 1:
            return "'" + (0..<int(0...5)).map { _ in pick(["a", " ", "''", "é", "#", ": ", "\""]) }.joined() + "'"
        default:
            return pick(plainOnly ? Self.takenPlains : Self.plains)
        }
    }

    private mutating func comment() -> String { chance(20) ? pick([" # note", "  #", " #: x"]) : "" }

    mutating func mapping(indent: Int, depth: Int, firstPrefix: String?, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        var keys = Self.keys
        for index in 0..<int(1...5) {
            if chance(10) { lines.append(pick(["", "  ", "# comment", "   # indented comment"])) }
            let key = keys.remove(at: int(0...keys.count - 1))
            let prefix = (index == 0 ? firstPrefix ?? pad : pad) + key + ":"
            switch depth < 4 ? int(0...5) : 0 {
            case 0, 1, 2:
                lines.append(prefix + String(repeating: " ", count: int(1...2)) + scalar() + comment())
            case 3, 4:
                lines.append(prefix + comment())
                mapping(indent: indent + int(1...4), depth: depth + 1, firstPrefix: nil, into: &lines)
            default:
                lines.append(prefix + comment())
                sequence(indent: chance(50) ? indent : indent + int(1...3), depth: depth + 1, into: &lines)
            }
        }
    }

    mutating func sequence(indent: Int, depth: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for _ in 0..<int(1...4) {
            let dash = pad + "-" + String(repeating: " ", count: int(1...3))
            if chance(40) {
                mapping(indent: dash.count, depth: depth + 1, firstPrefix: dash, into: &lines)
            } else {
                lines.append(dash + scalar() + comment())
            }
        }
    }

    static let damage: [String] = [
        " ", "  ", "-", "- ", ":", ": ", "#", " #", "\"", "'", "\\", "\n", "\n  ", "[", "]", "{", "}", "&a ", "*a", "!t ", "|", ">",
        "\t", "\r", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{1}", "...", "---", "?", "%", "@", "é", "0", "a", "\u{FFFE}",
    ]

    /// Inserts a token, deletes a scalar or swaps two lines.
    mutating func damage(_ text: inout [Unicode.Scalar]) {
        switch int(0...2) {
        case 0:
            text.insert(contentsOf: pick(Self.damage).unicodeScalars, at: int(0...text.count))
        case 1 where !text.isEmpty:
            text.remove(at: int(0...text.count - 1))
        default:
            var lines = String(String.UnicodeScalarView(text)).split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count > 2 else { return }
            lines.swapAt(int(0...lines.count - 2), int(0...lines.count - 2))
            text = Array(lines.joined(separator: "\n").unicodeScalars)
        }
    }
}
