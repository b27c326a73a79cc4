/// HTML escaping by Unicode scalar, done on UTF-8 bytes: the five special characters are
/// ASCII and never occur inside a multi-byte sequence, so a quote followed by a
/// combining mark (`"\u{301}`) is escaped too and cannot break out of an attribute (an
/// escaper comparing grapheme clusters lets it through).
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { source in
            var copied = 0
            for index in source.indices {
                let replacement: StaticString
                switch source[index] {
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                default: continue
                }
                bytes.append(contentsOf: source[copied..<index])
                replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
                copied = index + 1
            }
            bytes.append(contentsOf: source[copied...])
        }
    }
}
