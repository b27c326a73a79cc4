import ShareModel
import Testing
import TestSupport

/// JSON strings are escaped eight bytes at a time where nothing needs it; every escape
/// must still be made wherever it falls in a word.
@Suite struct JSONStringTests {
    /// The escaping `JSONValue` promises, one scalar at a time.
    static func reference(_ text: String, html: Bool) -> String {
        func escaped(_ value: UInt32) -> String {
            let hex = String(value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}", "\u{2029}": out += escaped(scalar.value)
            case "<", ">", "&", "'": out += html ? escaped(scalar.value) : String(scalar)
            default: out += scalar.value < 0x20 ? escaped(scalar.value) : String(scalar)
            }
        }
        return out + "\""
    }

    static let pieces = [
        "a", "plain text ", "é", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "<", ">", "&", "'", "\u{2028}", "\u{2029}",
        "\u{2027}", "—", "“", "ق", "😀", " ", "/",
    ]

    @Test("random strings are escaped as one scalar at a time would be, in both modes")
    func randomStrings() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...24, using: &random)).map { _ in Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &random)] }.joined()
            for html in [false, true] {
                #expect(JSONValue.string(text).serialized(escapeForHTML: html) == Self.reference(text, html: html), "\(text.debugDescription)")
            }
        }
    }
}
