import ShareModel
import Testing
@testable import ShareLifecycle

/// The splices on the less common shapes of YAML and JSON.
@Suite("DocumentEditor")
struct DocumentEditorTests {
    func edit(_ text: String, format: ShareFormat = .markdown, _ body: (inout DocumentEditor) throws -> Void) throws -> String {
        var editor = try DocumentEditor(file: "x", format: format, bytes: Array(text.utf8), fieldOrder: SiteLifecycle.shareFieldOrder)
        try body(&editor)
        try editor.verify()
        return String(decoding: editor.bytes, as: UTF8.self)
    }

    @Test func aMultiLinePlainScalarIsReplacedWholeAndItsCommentKept() throws {
        let text = "---\npublicTitle: A title that\n  goes on over two lines   # comment\nslug: abcd\n---\n"
        #expect(try edit(text) { try $0.set(["publicTitle"], to: .string("Short")) } == "---\npublicTitle: Short   # comment\nslug: abcd\n---\n")
    }

    @Test func aBlockScalarIsReplacedWithItsContentLines() throws {
        let text = "---\npublicSubtitle: |\n  line one\n  # not a comment\n\nslug: abcd\n---\n"
        #expect(try edit(text) { try $0.set(["publicSubtitle"], to: .string("One line")) } == "---\npublicSubtitle: One line\n\nslug: abcd\n---\n")
    }

    @Test func quotingStyleIsKeptAndUnsafeStringsAreQuoted() throws {
        let text = "---\npublicTitle: 'It''s here'\npublicSubtitle: plain\nlocale: \"en-US\"\n---\n"
        let edited = try edit(text) { editor in
            try editor.set(["publicTitle"], to: .string("It's there"))
            try editor.set(["publicSubtitle"], to: .string("yes"))
            try editor.set(["locale"], to: .string("es-CL"))
            try editor.set(["ctaLabel"], to: .string("@home: now"))
        }
        #expect(edited == "---\npublicTitle: 'It''s there'\npublicSubtitle: \"yes\"\nlocale: \"es-CL\"\nctaLabel: \"@home: now\"\n---\n")
    }

    @Test func aBlockListIsReplacedByAListAtTheSameIndentation() throws {
        let text = """
            ---
            video:
              id: v
              captions:
                - locale: en
                  label: English
                  src: https://a.example/en.vtt
              width: 1
            ---

            """
        let edited = try edit(text) { editor in
            try editor.set(["video", "captions"], to: .array([.object([("locale", .string("es")), ("label", .string("Español")), ("src", .string("https://a.example/es.vtt"))])]))
            try editor.remove(["video", "width"])
        }
        #expect(edited == """
            ---
            video:
              id: v
              captions:
                - locale: es
                  label: Español
                  src: https://a.example/es.vtt
            ---

            """)
    }

    @Test func compactJSONStaysCompact() throws {
        let text = #"{"channel":"DEV","audit":[{"action":"created","at":"2026-01-01T00:00:00Z","by":"a"}]}"#
        let edited = try edit(text, format: .json) { editor in
            try editor.set(["slug"], to: .string("abcd"))
            try editor.append(.object([("action", .string("updated")), ("at", .string(fixedTime)), ("by", .string("b"))]), to: ["audit"])
            try editor.remove(["channel"])
        }
        #expect(edited == #"{"slug":"abcd","audit":[{"action":"created","at":"2026-01-01T00:00:00Z","by":"a"}, {"action":"updated","at":"2026-11-22T17:00:00Z","by":"b"}]}"#)
    }

    @Test func aNestedObjectIsCreatedInsideTheFilesIndentation() throws {
        let text = "{\n\t\"channel\": \"DEV\",\n\t\"slug\": \"abcd\"\n}\n"
        let edited = try edit(text, format: .json) { try $0.set(["video", "id"], to: .string("v1")) }
        #expect(edited == "{\n\t\"channel\": \"DEV\",\n\t\"slug\": \"abcd\",\n\t\"video\": {\n\t\t\"id\": \"v1\"\n\t}\n}\n")
    }

    @Test func aFileThatDoesNotParseCannotBeEdited() {
        #expect(throws: EditError.self) { try DocumentEditor(file: "x", format: .json, bytes: Array("{\"a\": }".utf8), fieldOrder: [:]) }
        #expect(throws: EditError.self) { try DocumentEditor(file: "x", format: .markdown, bytes: Array("no front matter\n".utf8), fieldOrder: [:]) }
    }
}
