import ShareModel
@testable import ShareRenderer
import Testing
import TestSupport

/// Renders `template` (named "main") with `data`; `partials` are more named templates.
private func render(_ template: String, _ data: TemplateValue = .object([:]), partials: [String: String] = [:]) throws -> String {
    var templates = ["main": try TemplateParser.parse(template)]
    for (name, text) in partials { templates[name] = try TemplateParser.parse(text) }
    return String(decoding: TemplateLibrary(templates).render("main", [data]), as: UTF8.self)
}

private func syntaxError(_ template: String) -> TemplateSyntaxError? {
    do {
        _ = try TemplateParser.parse(template)
        return nil
    } catch {
        return error
    }
}

/// What the engine adds to the Mustache spec (whose own cases `MustacheSpecTests` runs
/// from the spec's files): flags, null, falsy text, escaping by scalar, syntax errors.
@Suite("Templates")
struct TemplateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let template: String
        let data: TemplateValue
        let partials: [String: String]
        let expected: String
        var testDescription: String { name }

        init(_ name: String, _ template: String, with data: TemplateValue = .object([:]), partials: [String: String] = [:], _ expected: String) {
            self.name = name
            self.template = template
            self.data = data
            self.partials = partials
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        Case("apostrophes are escaped too", "{{forbidden}}", with: .object(["forbidden": "& \" < > '"]), "&amp; &quot; &lt; &gt; &#39;"),
        Case("triple mustache", "{{{forbidden}}}", with: .object(["forbidden": "& \" < >"]), "& \" < >"),
        Case("ampersand", "{{&forbidden}}", with: .object(["forbidden": "& \" < >"]), "& \" < >"),
        Case("padding inside tags", "|{{ string }}|{{{ string }}}|{{& string }}|", with: .object(["string": "---"]), "|---|---|---|"),
        Case("dotted names", "{{a.b.c}} == {{#a}}{{b.c}}{{/a}}", with: .object(["a": .object(["b": .object(["c": "x"])])]), "x == x"),
        Case("flags render as true and false", "{{yes}} {{no}}", with: .object(["yes": true, "no": false]), "true false"),
        Case("null renders nothing", "[{{gone}}]", with: .object(["gone": .null]), "[]"),
        Case("empty text and null are false", "{{#e}}no{{/e}}{{#n}}no{{/n}}{{^e}}yes{{/e}}{{^n}}yes{{/n}}", with: .object(["e": "", "n": .null]), "yesyes"),
        Case("outer names are visible in sections", "{{#a}}{{#b}}{{one}}{{two}}{{/b}}{{/a}}",
             with: .object(["one": "1", "a": .object(["two": "2", "b": .object([:])])]), "12"),
        Case("inverted over a missing name", "[{{^missing}}Found key 'missing'!{{/missing}}]", "[Found key 'missing'!]"),
        Case("a lone CR is not white space", "|\n\r{{#boolean}}\n{{/boolean}}\r\n|", with: .object(["boolean": true]), "|\n\r\n|"),
        Case("two tags on a line are not standalone", "{{#a}}{{/a}}\n|", with: .object(["a": true]), "\n|"),
        Case("delimiters apply to sections", "[\n{{#section}}\n  {{data}}\n  |data|\n{{/section}}\n{{= | | =}}\n|#section|\n  {{data}}\n  |data|\n|/section|\n]\n",
             with: .object(["section": true, "data": "I got interpolated."]),
             "[\n  I got interpolated.\n  |data|\n  {{data}}\n  I got interpolated.\n]\n"),
        Case("escaping is by scalar: a quote with a combining mark is still a quote", "<a title=\"{{t}}\">", with: .object(["t": "\"\u{301} onmouseover=x"]),
             "<a title=\"&quot;\u{301} onmouseover=x\">"),
    ]

    @Test("renders as specified", arguments: cases)
    func spec(_ example: Case) throws {
        #expect(try render(example.template, example.data, partials: example.partials) == example.expected)
    }

    @Test("syntax errors name what is wrong and where", arguments: [
        ("line 1\n  {{#open}} never closed", "section {{#open}} is never closed", 2, 3),
        ("{{#a}}{{/b}}", "{{/b}} does not close {{#a}} (opened at line 1, column 1)", 1, 7),
        ("x {{/a}}", "{{/a}} closes no open section", 1, 3),
        ("é {{name", "tag is not closed with }}", 1, 3),
        ("{{}}", "tag has no name", 1, 1),
        ("{{ uppercased(name) }}", "name 'uppercased(name)' contains '('; names are keys joined by dots (transforms are not supported)", 1, 1),
        ("{{a..b}}", "name 'a..b' has an empty part between dots", 1, 1),
        ("{{<parent}}{{/parent}}", "template inheritance ({{< }} and {{$ }}) is not supported; use partials ({{> name}})", 1, 1),
        ("{{=<% =}}", "a delimiter change is written {{=<open> <close>=}} with two delimiters and no '='", 1, 1),
    ])
    func syntaxErrors(_ template: String, _ message: String, _ line: Int, _ column: Int) throws {
        let error = try #require(syntaxError(template))
        #expect(error.message == message)
        #expect(error.position == SourcePosition(line: line, column: column))
    }

    @Test("site templates that include a missing or cyclic partial are refused with a location")
    func includeProblems() {
        let fileSystem = InMemoryFileSystem(files: [
            "templates/page.mustache": "<p>\n{{> footer}}\n",
            "templates/footer.mustache": "{{> page}}",
            "templates/stub.mustache": "{{> nosuch}}",
        ])
        guard case .failure(let list) = TemplateSet.load(fileSystem: fileSystem, root: "") else {
            Issue.record("expected a failure")
            return
        }
        let found = list.diagnostics.map { "\($0.rule) \($0.file):\($0.line):\($0.column) \($0.message)" }
        #expect(found == [
            "template.syntax templates/footer.mustache:1:1 partials include each other without end: footer → page → footer",
            "template.syntax templates/page.mustache:2:1 partials include each other without end: page → footer → page",
            "template.syntax templates/stub.mustache:1:1 partial {{> nosuch}} names no template (no templates/nosuch.mustache)",
        ])
    }

    @Test("deep nesting is refused before it could exhaust the stack")
    func deepNesting() throws {
        let deep = String(repeating: "{{#a}}", count: 100_000) + String(repeating: "{{/a}}", count: 100_000)
        let error = try #require(syntaxError(deep))
        #expect(error.message == "sections are nested more than \(TemplateParser.maxDepth) deep")
        #expect(error.position == SourcePosition(line: 1, column: 6 * TemplateParser.maxDepth + 1))
        let fine = String(repeating: "{{#a}}", count: TemplateParser.maxDepth) + "x" + String(repeating: "{{/a}}", count: TemplateParser.maxDepth)
        #expect(try render(fine, .object(["a": true])) == "x")
    }

    @Test("a long chain of partials is checked for cycles in linear time")
    func partialChains() throws {
        // Every template includes every later one: a depth-first walk of all paths
        // would take 2^40 steps; the check must not.
        var templates: [String: Template] = [:]
        for index in 0..<40 {
            let includes = ((index + 1)..<40).map { "{{> t\($0)}}" }.joined()
            templates["t\(index)"] = try TemplateParser.parse(includes)
        }
        // No cycle (the expansion itself is refused, see partialExplosion).
        #expect(!TemplateLibrary(templates).includeProblems().contains { $0.message.contains("without end") })
        templates["t39"] = try TemplateParser.parse("{{> t0}}")
        let problems = TemplateLibrary(templates).includeProblems()
        #expect(problems.count == 40)
        #expect(problems.first { $0.template == "t0" }?.message == "partials include each other without end: t0 → t39 → t0")
    }

    @Test("partials that multiply without a cycle are refused before they could hang a build")
    func partialExplosion() throws {
        // Each level includes the next twice: 2^30 inclusions for t0.
        var templates: [String: Template] = ["t30": try TemplateParser.parse("x")]
        for index in 0..<30 { templates["t\(index)"] = try TemplateParser.parse("{{> t\(index + 1)}}{{> t\(index + 1)}}") }
        let problems = TemplateLibrary(templates).includeProblems()
        #expect(problems.first { $0.template == "t0" }?.message == "partials expand to more than \(TemplateLibrary.maxInclusions) inclusions in one page")
        #expect(!problems.contains { $0.template == "t25" }, "2^5 inclusions are fine")
    }

    @Test("mutated built-in templates never crash: they parse and render, or fail at a real position")
    func mutations() throws {
        let sources = TemplateSet.defaults().sources.filter { $0.key.hasSuffix(".mustache") }.sorted { $0.key < $1.key }.map(\.value)
        let tokens = ["{{", "}}", "{{{", "}}}", "{{#", "{{/", "{{^", "{{>", "{{!", "{{&", "{{=", "=}}", "<% %>", "{{= <% %> =}}", "\n", "\r\n",
                      " ", ".", "..", "a.b", "é", "\u{301}", "{{.}}", "{{#x}}", "{{/x}}", "{{> head}}", "{{> page}}", "\t"]
        var generator = SplitMix64(seed: 20_261_122)
        let data: TemplateValue = .object(["title": "T", "x": .list(["1", .object(["y": true])]), "strings": .object(["a": "b"])])
        for _ in 0..<3_000 {
            var text = Array(sources.randomElement(using: &generator)!.unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0...text.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text.insert(contentsOf: tokens.randomElement(using: &generator)!.unicodeScalars, at: at)
                case 1: text.removeSubrange(at..<min(text.count, at + Int.random(in: 1...8, using: &generator)))
                default: text = Array(text[..<at])
                }
            }
            let template = String(String.UnicodeScalarView(text))
            do {
                let parsed = try TemplateParser.parse(template)
                _ = TemplateLibrary(["main": parsed]).render("main", [data])
            } catch {
                // Lines end at LF bytes (a CRLF is one Character, so not split on "\n").
                let lines = Array(template.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
                #expect(error.position.line >= 1 && error.position.line <= lines.count, "\(error.message) at \(error.position) in \(template.debugDescription)")
                if error.position.line <= lines.count {
                    let scalars = lines[error.position.line - 1].count { $0 & 0xC0 != 0x80 }
                    #expect(error.position.column >= 1 && error.position.column <= scalars + 1, "\(error.message) at \(error.position)")
                }
            }
        }
    }

    @Test("the built-in templates parse and include only what exists")
    func defaultsAreSound() {
        let templates = TemplateSet.defaults()
        #expect(templates.library.includeProblems().isEmpty)
        for name in ["page", "stub", "redirect", "head", "player"] { #expect(templates.library.contains(name)) }
    }
}

