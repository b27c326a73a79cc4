/// A plain JSON value with ordered object members, so serialization is deterministic
/// and follows the author's key order.
public indirect enum JSONValue: Sendable, Hashable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let a), .array(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(serialized())
    }

    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    public static func number(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) < 1e15 { return .number(String(Int(value))) }
        return .number(String(value))
    }

    /// An object built from optional members; nil members are left out.
    public static func compactObject(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Compact JSON. With `escapeForHTML`, `<`, `>`, `&` and U+2028/9 are escaped so
    /// the text is safe inside `<script>` and in HTML attributes.
    public func serialized(pretty: Bool = false, escapeForHTML: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty, escapeForHTML: escapeForHTML), as: UTF8.self)
    }

    /// `serialized` as UTF-8 bytes, written straight into one buffer.
    public func serializedBytes(pretty: Bool = false, escapeForHTML: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, pretty: pretty, indent: 0, escapeForHTML: escapeForHTML)
        return out
    }

    /// Appends the serialized value to `out`, as if it were nested `indent` levels deep in
    /// a pretty-printed document (the indent of its inner lines).
    public func write(to out: inout [UInt8], pretty: Bool, indent: Int, escapeForHTML: Bool = false) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .number(let literal): out += literal.utf8
        case .string(let value): JSONValue.writeString(value, to: &out, escapeForHTML: escapeForHTML)
        case .array(let elements):
            if elements.isEmpty { out += "[]".utf8; return }
            out.append(UInt8(ascii: "["))
            let writeElements = { @Sendable (range: Range<Int>, out: inout [UInt8]) in
                for index in range {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    if pretty { JSONValue.newline(&out, indent + 1) }
                    elements[index].write(to: &out, pretty: pretty, indent: indent + 1, escapeForHTML: escapeForHTML)
                }
            }
            if elements.count < JSONValue.parallelElements {
                writeElements(elements.indices, &out)
            } else {
                // A manifest's thousands of shares: each chunk written on its own core.
                let chunks = stride(from: 0, to: elements.count, by: JSONValue.parallelElements / 4).map { $0..<Swift.min($0 + JSONValue.parallelElements / 4, elements.count) }
                let parts = chunks.parallelMap { range in
                    var part: [UInt8] = []
                    writeElements(range, &part)
                    return part
                }
                out.reserveCapacity(out.count + parts.reduce(0) { $0 + $1.count } + 2 * indent + 2)
                for part in parts { out += part }
            }
            if pretty { JSONValue.newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out += "{}".utf8; return }
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { JSONValue.newline(&out, indent + 1) }
                JSONValue.writeString(key, to: &out, escapeForHTML: escapeForHTML)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                value.write(to: &out, pretty: pretty, indent: indent + 1, escapeForHTML: escapeForHTML)
            }
            if pretty { JSONValue.newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Arrays this long are written on all cores.
    static let parallelElements = 1024

    private static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    static func writeString(_ value: String, to out: inout [UInt8], escapeForHTML: Bool) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            // Copies runs of bytes that need no escape in one append each.
            var runStart = 0
            var index = 0
            let raw = UnsafeRawBufferPointer(bytes)
            while index < bytes.count {
                // Eight bytes at a time past text that needs no escape, as most does.
                if index + 8 <= bytes.count, !mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self), escapeForHTML: escapeForHTML) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                var escape: StaticString?
                var code: UInt32?
                var width = 1
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "'"):
                    if escapeForHTML { code = UInt32(byte) }
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    // U+2028 and U+2029 end lines in JavaScript.
                    code = bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029
                    width = 3
                default:
                    if byte < 0x20 { code = UInt32(byte) }
                }
                guard escape != nil || code != nil else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if let escape { escape.withUTF8Buffer { out.append(contentsOf: $0) } }
                if let code { unicodeEscape(code, to: &out) }
                index += width
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` may need an escape: a control character, a
    /// quote, a backslash, the lead byte of U+2028/9 (and with `escapeForHTML`, `<>&'`).
    /// Exact per byte: a zero byte is found by the borrow it takes, as in "Bit Twiddling Hacks".
    private static func mayNeedEscape(_ word: UInt64, escapeForHTML: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        func has(_ byte: UInt8) -> Bool { hasZero(word ^ (ones &* UInt64(byte))) }
        let hasControl = (word &- ones &* 0x20) & ~word & highs != 0
        if hasControl || has(UInt8(ascii: "\"")) || has(UInt8(ascii: "\\")) || has(0xE2) { return true }
        return escapeForHTML && (has(UInt8(ascii: "<")) || has(UInt8(ascii: ">")) || has(UInt8(ascii: "&")) || has(UInt8(ascii: "'")))
    }

    private static func unicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        out += "\\u".utf8
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(lowercaseHexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}
