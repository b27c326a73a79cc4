import ShareModel

/// How a JSON file is laid out, so that inserted values look like their neighbours.
struct JSONLayout {
    /// One level of indentation, as the file's first member uses it.
    var unit = "  "
    /// What separates a key from its value, e.g. `": "`.
    var colon = ": "
    var newline = "\n"

    /// Objects one member per line; lists one entry per line, flat objects (audit entries,
    /// captions) on one line, as the example site writes them.
    func render(_ value: JSONValue, indent: String) -> String {
        switch value {
        case .object(let members) where !members.isEmpty:
            let inner = indent + unit
            let lines = members.map { inner + JSONValue.string($0.0).serialized() + colon + render($0.1, indent: inner) }
            return "{" + newline + lines.joined(separator: "," + newline) + newline + indent + "}"
        case .array(let elements) where !elements.isEmpty:
            let inner = indent + unit
            let lines = elements.map { inner + ($0.isFlat ? inline($0) : render($0, indent: inner)) }
            return "[" + newline + lines.joined(separator: "," + newline) + newline + indent + "]"
        default:
            return value.serialized()
        }
    }

    /// The value on one line, with the given separators.
    func inline(_ value: JSONValue, comma: String = ", ", colon: String? = nil) -> String {
        switch value {
        case .object(let members) where !members.isEmpty:
            let colon = colon ?? self.colon
            return "{" + members.map { JSONValue.string($0.0).serialized() + colon + inline($0.1, comma: comma, colon: colon) }.joined(separator: comma) + "}"
        case .array(let elements) where !elements.isEmpty:
            return "[" + elements.map { inline($0, comma: comma, colon: colon) }.joined(separator: comma) + "]"
        default:
            return value.serialized()
        }
    }
}

/// How a YAML front matter is laid out, so that inserted values look like their neighbours.
struct YAMLLayout {
    /// Columns per nesting level.
    var unit = 2
    /// Columns from a key to the dashes of its list: 0 for `key:\n- entry`.
    var sequenceIndent = 2
    /// Whether list entries are written as flow mappings (`- {action: created, …}`).
    var flowEntries = false
    var newline = "\n"

    /// Words YAML 1.1 or 1.2 readers take for something other than a string.
    private static let reservedWords: Set<String> = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"]

    /// A scalar. A string stays plain when no YAML reader could take it for anything else;
    /// `quote` keeps the quoting style of the value being replaced.
    func scalar(_ value: JSONValue, quote: UInt8? = nil) -> String {
        guard case .string(let text) = value else { return value.serialized() }
        let printable = !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
        if quote == .singleQuote, printable {
            return "'" + text.replacingAll("'", with: "''") + "'"
        }
        if quote == nil, printable, Self.isPlainSafe(text) { return text }
        // JSON's escapes are a subset of YAML's double-quoted escapes.
        return value.serialized()
    }

    /// Conservative: anything that might read as a number, date, boolean, null, comment,
    /// indicator or flow syntax is quoted.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@`+.0123456789 \t".unicodeScalars.contains(first) { return false }
        if last == " " || last == ":" || last == "\t" { return false }
        if text.unicodeScalars.contains(where: { ",[]{}\t\u{FEFF}".unicodeScalars.contains($0) }) { return false }
        if text.contains(": ") || text.contains(" #") { return false }
        return !reservedWords.contains(text.lowercased())
    }

    func key(_ name: String) -> String {
        scalar(.string(name))
    }

    /// The value on one line in flow style.
    func flow(_ value: JSONValue) -> String {
        switch value {
        case .object(let members): return "{" + members.map { key($0.0) + ": " + flow($0.1) }.joined(separator: ", ") + "}"
        case .array(let elements): return "[" + elements.map(flow).joined(separator: ", ") + "]"
        default: return scalar(value)
        }
    }

    /// The text after `key:` for a value whose key is at column `indent`.
    func blockValue(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .object(let members) where !members.isEmpty:
            return newline + members.map { pad(indent + unit) + key($0.0) + ":" + blockValue($0.1, indent: indent + unit) }.joined(separator: newline)
        case .array(let elements) where !elements.isEmpty:
            let dash = indent + sequenceIndent
            return newline + elements.map { entry($0, dash: dash, content: dash + 2) }.joined(separator: newline)
        default:
            return " " + flow(value)
        }
    }

    /// One list entry: its dash at column `dash`, its text at column `content`. A block
    /// mapping entry starts on the dash line and aligns its other keys under the first.
    func entry(_ value: JSONValue, dash: Int, content: Int) -> String {
        let head = pad(dash) + "-" + pad(max(content - dash - 1, 1))
        guard case .object(let members) = value, !members.isEmpty, !flowEntries else { return head + flow(value) }
        let lines = members.map { key($0.0) + ":" + blockValue($0.1, indent: content) }
        return head + lines.joined(separator: newline + pad(content))
    }

    private func pad(_ count: Int) -> String {
        String(repeating: " ", count: count)
    }
}

extension JSONValue {
    /// A scalar, or an object of scalars: written on one line inside lists.
    var isFlat: Bool {
        switch self {
        case .object(let members): return members.allSatisfy { $0.1.isScalar }
        case .array: return false
        default: return true
        }
    }

    var isScalar: Bool {
        switch self {
        case .object, .array: return false
        default: return true
        }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
