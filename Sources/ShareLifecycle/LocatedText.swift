import ShareModel

/// The bytes of a file with the offsets of its lines, to turn the loader's 1-based
/// line/column positions into byte offsets.
struct SourceText {
    let bytes: [UInt8]
    /// Offset of the first byte of each line; index 0 is line 1.
    let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == .newline { starts.append(index + 1) }
        lineStarts = starts
    }

    /// Columns count Unicode scalars, so the column is walked over UTF-8 lead bytes.
    func offset(of position: SourcePosition) -> Int {
        var offset = lineStarts[min(max(position.line - 1, 0), lineStarts.count - 1)]
        var column = 1
        while column < position.column, offset < bytes.count, bytes[offset] != .newline {
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        return offset
    }

    func lineStart(containing offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return lineStarts[low]
    }

    /// The offset just past the newline that ends the line holding `offset`.
    func nextLineStart(after offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] != .newline { index += 1 }
        return min(index + 1, bytes.count)
    }

    /// Bytes between the start of the line and `offset`: the indentation of a key.
    func column(of offset: Int) -> Int {
        offset - lineStart(containing: offset)
    }

    /// The line ending the file already uses, so inserted lines match it.
    var newline: [UInt8] {
        bytes.firstIndex(of: .newline).map { $0 > 0 && bytes[$0 - 1] == .carriageReturn } == true ? [.carriageReturn, .newline] : [.newline]
    }

    /// The whitespace run that ends at `offset` (back to the previous token).
    func whitespace(before offset: Int) -> [UInt8] {
        var start = offset
        while start > 0, bytes[start - 1].isWhitespace { start -= 1 }
        return Array(bytes[start..<offset])
    }
}

/// A value of the located parse together with the bytes its text occupies.
struct LocatedNode {
    enum Layout {
        /// A scalar, quoted or plain.
        case scalar
        /// A YAML block mapping or sequence: one entry per line.
        case block
        /// A JSON object or array, or a YAML flow collection.
        case bracketed
    }

    var value: SourceValue
    var span: Range<Int>
    var layout: Layout
    var members: [LocatedMember] = []
    var elements: [LocatedNode] = []

    func member(_ key: String) -> LocatedMember? {
        members.first { $0.key == key }
    }

    /// The node at `path` of object keys below this one.
    func descendant(_ path: some Collection<String>) -> LocatedNode? {
        guard let key = path.first else { return self }
        return member(key)?.node.descendant(path.dropFirst())
    }
}

struct LocatedMember {
    var key: String
    var keyStart: Int
    var node: LocatedNode
}

/// Computes the byte extent of every value of a located parse. The parsers record
/// where a value starts; where it ends follows from its syntax and from where the next
/// sibling starts, so this scans at most the text between two siblings.
struct Locator {
    let text: SourceText
    let isYAML: Bool

    private var bytes: [UInt8] { text.bytes }

    /// - Parameters:
    ///   - bound: the value lies before this offset (its next sibling, or its parent's end).
    ///   - parentIndent: YAML block context: the column of the value's key or dash; lines
    ///     continuing the value are indented further.
    func locate(_ value: SourceValue, bound: Int, parentIndent: Int, inFlow: Bool) -> LocatedNode {
        let start = text.offset(of: value.position)
        if start < bound, bytes[start] == .openBrace || bytes[start] == .openBracket {
            let close = closingBracket(from: start, bound: bound)
            var node = LocatedNode(value: value, span: start..<(close + 1), layout: .bracketed)
            locateChildren(of: &node, bound: close, inFlow: true)
            return node
        }
        switch value.kind {
        case .object(let members) where !members.isEmpty:
            var node = LocatedNode(value: value, span: start..<start, layout: .block)
            locateChildren(of: &node, bound: bound, inFlow: false)
            node.span = start..<node.members.last!.node.span.upperBound
            return node
        case .array(let elements) where !elements.isEmpty:
            var node = LocatedNode(value: value, span: start..<start, layout: .block)
            locateChildren(of: &node, bound: bound, inFlow: false)
            node.span = start..<node.elements.last!.span.upperBound
            return node
        default:
            return LocatedNode(value: value, span: start..<scalarEnd(from: start, bound: bound, parentIndent: parentIndent, inFlow: inFlow), layout: .scalar)
        }
    }

    private func locateChildren(of node: inout LocatedNode, bound: Int, inFlow: Bool) {
        // Each child ends before the next one starts; in block context, before its line.
        func childBound(_ next: Int?) -> Int {
            guard let next else { return bound }
            return inFlow ? next : text.lineStart(containing: next)
        }
        if let members = node.value.members {
            let keyStarts = members.map { text.offset(of: $0.keyPosition) }
            for (index, member) in members.enumerated() {
                let limit = childBound(index + 1 < members.count ? keyStarts[index + 1] : nil)
                let child = locate(member.value, bound: limit, parentIndent: text.column(of: keyStarts[index]), inFlow: inFlow)
                node.members.append(LocatedMember(key: member.key, keyStart: keyStarts[index], node: child))
            }
        } else if let elements = node.value.elements {
            let starts = elements.map { text.offset(of: $0.position) }
            for (index, element) in elements.enumerated() {
                let limit = childBound(index + 1 < elements.count ? starts[index + 1] : nil)
                // A scalar entry continues on lines indented past its dash, two columns back.
                let indent = max(text.column(of: starts[index]) - 2, 0)
                node.elements.append(locate(element, bound: limit, parentIndent: indent, inFlow: inFlow))
            }
        }
    }

    private func scalarEnd(from start: Int, bound: Int, parentIndent: Int, inFlow: Bool) -> Int {
        guard start < bound else { return start }
        switch bytes[start] {
        case .doubleQuote, .singleQuote: return quotedEnd(from: start, bound: bound)
        case UInt8(ascii: "|") where isYAML && !inFlow, UInt8(ascii: ">") where isYAML && !inFlow:
            return continuedEnd(after: lineContentEnd(from: start, bound: bound, inFlow: false), bound: bound, parentIndent: parentIndent, blockScalar: true)
        default:
            let end = lineContentEnd(from: start, bound: bound, inFlow: inFlow)
            guard isYAML, !inFlow else { return end }
            return continuedEnd(after: end, bound: bound, parentIndent: parentIndent, blockScalar: false)
        }
    }

    /// The end of a quoted scalar: JSON and YAML double quotes escape with `\`, YAML
    /// single quotes by doubling.
    func quotedEnd(from start: Int, bound: Int) -> Int {
        let quote = bytes[start]
        var index = start + 1
        while index < bound {
            if quote == .doubleQuote, bytes[index] == .backslash {
                index += 2
                continue
            }
            if bytes[index] == quote {
                if quote == .singleQuote, index + 1 < bound, bytes[index + 1] == .singleQuote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bound
    }

    /// The end of the text on one line, before a comment (and, in flow context, before
    /// the next separator), without trailing blanks.
    private func lineContentEnd(from start: Int, bound: Int, inFlow: Bool) -> Int {
        var index = start
        scan: while index < bound, bytes[index] != .newline {
            switch bytes[index] {
            case .hash where isYAML && index > start && (bytes[index - 1] == .space || bytes[index - 1] == .tab): break scan
            case .comma where inFlow, .closeBracket where inFlow, .closeBrace where inFlow: break scan
            default: index += 1
            }
        }
        while index > start, bytes[index - 1].isWhitespace { index -= 1 }
        return index
    }

    /// Extends a YAML scalar over the following lines indented past `parentIndent`
    /// (a multi-line plain scalar, or the content of a `|`/`>` block scalar).
    private func continuedEnd(after end: Int, bound: Int, parentIndent: Int, blockScalar: Bool) -> Int {
        var end = end
        var line = text.nextLineStart(after: end)
        while line < bound {
            var first = line
            while first < bound, bytes[first] == .space { first += 1 }
            let lineEnd = text.nextLineStart(after: line)
            if first >= bound || bytes[first] == .newline || bytes[first] == .carriageReturn {
                line = lineEnd
                continue
            }
            if first - line <= parentIndent || (!blockScalar && bytes[first] == .hash) { break }
            end = blockScalar ? lineEnd - (bytes[lineEnd - 1] == .newline ? 1 : 0) : lineContentEnd(from: first, bound: bound, inFlow: false)
            while end > first, bytes[end - 1] == .carriageReturn { end -= 1 }
            line = lineEnd
        }
        return end
    }

    /// The offset of the bracket closing the one at `start`, skipping quoted strings and
    /// YAML comments. A quote opens a string only where a token starts (in YAML, `it's`
    /// is a plain scalar).
    private func closingBracket(from start: Int, bound: Int) -> Int {
        var depth = 0
        var index = start
        var atTokenStart = true
        while index < bound {
            let byte = bytes[index]
            switch byte {
            case .doubleQuote where atTokenStart, .singleQuote where atTokenStart:
                index = quotedEnd(from: index, bound: bound)
                atTokenStart = false
                continue
            case .hash where isYAML && index > 0 && bytes[index - 1].isWhitespace:
                index = text.nextLineStart(after: index)
                continue
            case .openBrace, .openBracket:
                depth += 1
                atTokenStart = true
            case .closeBrace, .closeBracket:
                depth -= 1
                if depth == 0 { return index }
            case .comma, .colon:
                atTokenStart = true
            default:
                if !byte.isWhitespace { atTokenStart = false }
            }
            index += 1
        }
        return max(bound - 1, start)
    }
}

extension UInt8 {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let hash = UInt8(ascii: "#")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let dash = UInt8(ascii: "-")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")

    var isWhitespace: Bool { self == .space || self == .tab || self == .newline || self == .carriageReturn }
}
