import ShareModel

/// The plain block YAML nearly every front matter is written in, parsed straight from its
/// bytes: block mappings of plain keys and block sequences whose leaves are one-line
/// plain, single- or double-quoted scalars, with blank lines and comments between.
/// libyaml's event stream and the composer were most of the cost of loading a Markdown
/// share; this gives the same located value for such text in a fraction of the time.
///
/// Anything else (flow collections, block scalars, anchors, tags, multi-line scalars,
/// empty values, duplicate keys, tabs, CR or other line breaks, control characters, a
/// document marker) makes it give up with nil, and `YAMLComposer` parses and reports on
/// the text as before. A differential test holds the two to the same values and positions.
enum BlockYAML {
    /// The root mapping or sequence of `yaml`, positioned in the file (`lineOffset` lines
    /// precede the text), or nil when the text is not in the subset.
    static func parse(_ yaml: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> SourceValue? {
        guard let lines = contentLines(yaml) else { return nil }
        var parser = Parser(bytes: yaml, lines: lines, lineOffset: lineOffset)
        guard !lines.isEmpty, let root = parser.node(), parser.index == lines.count else { return nil }
        return root
    }

    /// Keys of one mapping the shortcut takes.
    static let maxKeys = 256

    /// One line that holds more than blanks and a comment.
    struct Line {
        /// Offset of the line's first byte and of its first non-space byte.
        var start: Int
        var content: Int
        /// Offset of the line's end (its `\n`, or the end of the text).
        var end: Int
        /// 1-based line number within the YAML text.
        var number: Int
        var indent: Int { content - start }
    }

    /// The content lines of the text, or nil when a byte outside the subset occurs: a tab,
    /// CR or another control character, the line breaks NEL, LS and PS (libyaml counts
    /// lines differently there), non-characters and byte order marks.
    static func contentLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Line]? {
        var lines: [Line] = []
        var number = 1
        var start = 0
        let count = bytes.count
        while start < count {
            var content = start
            while content < count, bytes[content] == space { content += 1 }
            var index = content
            while index < count, bytes[index] != newline {
                let byte = bytes[index]
                if byte < space || byte == 0x7F { return nil }
                if byte == 0xC2, index + 1 < count, bytes[index + 1] < 0xA0 { return nil }
                if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 { return nil }
                if byte == 0xEF, index + 2 < count, (bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF) || (bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE) {
                    return nil
                }
                index += 1
            }
            if content < index, bytes[content] != hash {
                // A document marker ends the document or starts another: libyaml's to judge.
                if content == start, index - content >= 3, isMarker(bytes, at: content) { return nil }
                lines.append(Line(start: start, content: content, end: index, number: number))
            }
            start = index + 1
            number += 1
        }
        return lines
    }

    private static func isMarker(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        let first = bytes[offset]
        return (first == UInt8(ascii: "-") || first == UInt8(ascii: ".")) && bytes[offset + 1] == first && bytes[offset + 2] == first
    }

    private static let space = UInt8(ascii: " ")
    private static let newline = UInt8(ascii: "\n")
    private static let hash = UInt8(ascii: "#")
    private static let colon = UInt8(ascii: ":")
    private static let dash = UInt8(ascii: "-")

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let lines: [Line]
        let lineOffset: Int
        /// The line being parsed.
        var index = 0
        /// Values made, counted as the composer counts them (every key and value).
        var nodes = 0
        /// Mappings and sequences open: past `FrontMatterParser.maxDepth`, libyaml's to judge.
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>, lines: [Line], lineOffset: Int) {
            self.bytes = bytes
            self.lines = lines
            self.lineOffset = lineOffset
        }

        /// The block node that starts at the content of the current line.
        mutating func node() -> SourceValue? {
            let line = lines[index]
            if isEntry(line.content, line) { return nested { $0.sequence(line) } }
            guard keyEnd(line.content, line) != nil else { return nil }
            return nested { $0.mapping(at: line.content) }
        }

        /// `parse` one level deeper, or nil past the depth limit.
        private mutating func nested(_ parse: (inout Parser) -> SourceValue?) -> SourceValue? {
            guard depth < FrontMatterParser.maxDepth else { return nil }
            depth += 1
            defer { depth -= 1 }
            return parse(&self)
        }

        /// A `- ` entry: the dash and a blank, or the dash ending the line.
        private func isEntry(_ offset: Int, _ line: Line) -> Bool {
            bytes[offset] == BlockYAML.dash && (offset + 1 == line.end || bytes[offset + 1] == BlockYAML.space)
        }

        /// The block sequence whose first `- ` starts `first`; its entries start at the
        /// same indentation.
        private mutating func sequence(_ first: Line) -> SourceValue? {
            guard count() else { return nil }
            var elements: [SourceValue] = []
            while index < lines.count, lines[index].indent == first.indent, isEntry(lines[index].content, lines[index]) {
                let line = lines[index]
                var offset = line.content + 1
                while offset < line.end, bytes[offset] == BlockYAML.space { offset += 1 }
                // An empty entry, or another `- ` on the same line: libyaml's to judge.
                guard offset < line.end, !isEntry(offset, line) else { return nil }
                if keyEnd(offset, line) != nil {
                    guard let value = nested({ $0.mapping(at: offset) }) else { return nil }
                    elements.append(value)
                } else {
                    guard let value = scalar(offset, line) else { return nil }
                    elements.append(value)
                    index += 1
                }
            }
            // Deeper lines after an entry continue a scalar or are misplaced.
            guard index == lines.count || lines[index].indent < first.indent || !isEntry(lines[index].content, lines[index]) && lines[index].indent == first.indent else {
                return nil
            }
            return SourceValue(.array(elements), at: position(first.content, first))
        }

        /// The block mapping whose first key starts at `first` on the current line; its
        /// other keys start lines at that column.
        private mutating func mapping(at first: Int) -> SourceValue? {
            let firstLine = lines[index]
            let indent = first - firstLine.start
            guard count() else { return nil }
            var members: [SourceMember] = []
            var keyStart = first
            while true {
                let line = lines[index]
                guard let keyEnd = keyEnd(keyStart, line), count() else { return nil }
                let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd]), as: UTF8.self)
                // A repeated key is reported by the composer. The search is linear, which
                // front matter's few keys favour; a mapping wider than any share's goes to
                // the composer, whose search is hashed.
                guard members.count < BlockYAML.maxKeys, !members.contains(where: { $0.key == key }) else { return nil }
                var valueStart = keyEnd + 1
                while valueStart < line.end, bytes[valueStart] == BlockYAML.space { valueStart += 1 }
                let value: SourceValue
                if valueStart == line.end || bytes[valueStart] == BlockYAML.hash {
                    // The value is the block on the lines below: deeper, or a sequence at the key's column.
                    index += 1
                    guard index < lines.count else { return nil }
                    let next = lines[index]
                    guard next.indent > indent || next.indent == indent && isEntry(next.content, next), let block = node() else { return nil }
                    value = block
                } else {
                    guard let scalar = scalar(valueStart, line) else { return nil }
                    value = scalar
                    index += 1
                }
                members.append(SourceMember(key: key, keyPosition: position(keyStart, line), value: value))
                guard index < lines.count else { break }
                let next = lines[index]
                if next.indent < indent { break }
                // A deeper line, or an entry at the key's column after a scalar, is out of place.
                guard next.indent == indent, !isEntry(next.content, next) else { return nil }
                keyStart = next.content
            }
            return SourceValue(.object(members), at: position(first, firstLine))
        }

        /// Where the plain key at `offset` ends (at its `:`, followed by a blank or the end
        /// of the line), or nil when no such key starts there.
        private func keyEnd(_ offset: Int, _ line: Line) -> Int? {
            guard isKeyByte(bytes[offset]), bytes[offset] != BlockYAML.dash else { return nil }
            var end = offset + 1
            while end < line.end, isKeyByte(bytes[end]) { end += 1 }
            // libyaml looks no further than 1,024 characters for a key's `:`.
            guard end < line.end, bytes[end] == BlockYAML.colon, end - offset < 1000,
                  end + 1 == line.end || bytes[end + 1] == BlockYAML.space else { return nil }
            return end
        }

        private func isKeyByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."): true
            default: false
            }
        }

        /// The one-line scalar at `offset`, which must take the rest of the line (bar
        /// trailing blanks and a comment).
        private mutating func scalar(_ offset: Int, _ line: Line) -> SourceValue? {
            guard count() else { return nil }
            let kind: SourceValue.Kind
            switch bytes[offset] {
            case UInt8(ascii: "\""):
                guard let (text, end) = doubleQuoted(offset + 1, line), isLineEnd(end, line) else { return nil }
                kind = .string(text)
            case UInt8(ascii: "'"):
                guard let (text, end) = singleQuoted(offset + 1, line), isLineEnd(end, line) else { return nil }
                kind = .string(text)
            default:
                guard let text = plain(offset, line) else { return nil }
                kind = YAMLComposer.plainKind(text)
            }
            return SourceValue(kind, at: position(offset, line))
        }

        /// After a quoted scalar: blanks, then the end of the line or a comment.
        private func isLineEnd(_ offset: Int, _ line: Line) -> Bool {
            var index = offset
            while index < line.end, bytes[index] == BlockYAML.space { index += 1 }
            return index == line.end || index > offset && bytes[index] == BlockYAML.hash
        }

        /// A plain scalar up to the end of the line or a comment, trailing blanks dropped;
        /// nil when it starts with an indicator or holds a `: ` (a mapping libyaml rejects).
        private func plain(_ offset: Int, _ line: Line) -> String? {
            switch bytes[offset] {
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"),
                 UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                return nil
            default: break
            }
            var end = offset
            var index = offset
            while index < line.end {
                let byte = bytes[index]
                if byte == BlockYAML.space {
                    if index + 1 < line.end, bytes[index + 1] == BlockYAML.hash { break }
                } else {
                    if byte == BlockYAML.colon, index + 1 == line.end || bytes[index + 1] == BlockYAML.space { return nil }
                    end = index + 1
                }
                index += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        }

        /// The text of a double-quoted scalar whose opening quote precedes `offset`, and the
        /// offset after its closing quote; nil when it does not close on this line or uses an
        /// escape other than `\\`, `\"`, `\/`, `\n`, `\t` and `\u` of a scalar value.
        private func doubleQuoted(_ offset: Int, _ line: Line) -> (String, Int)? {
            var index = offset
            // Most strings have no escape: one copy of their bytes.
            while index < line.end, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            guard index < line.end else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                return (String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<index]), as: UTF8.self), index + 1)
            }
            var text = Array(bytes[offset..<index])
            while index < line.end {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { return (String(decoding: text, as: UTF8.self), index + 1) }
                guard byte == UInt8(ascii: "\\") else {
                    text.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < line.end else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "/"): text.append(bytes[index + 1])
                case UInt8(ascii: "n"): text.append(BlockYAML.newline)
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "u"):
                    guard index + 5 < line.end, let code = UInt32(hex: bytes[(index + 2)..<(index + 6)]),
                          let scalar = Unicode.Scalar(code) else { return nil }
                    text.append(contentsOf: String(scalar).utf8)
                    index += 4
                default: return nil
                }
                index += 2
            }
            return nil
        }

        /// The text of a single-quoted scalar (`''` is a quote) whose opening quote precedes
        /// `offset`, and the offset after its closing quote; nil when it does not close on
        /// this line.
        private func singleQuoted(_ offset: Int, _ line: Line) -> (String, Int)? {
            var text: [UInt8] = []
            var index = offset
            while index < line.end {
                if bytes[index] == UInt8(ascii: "'") {
                    guard index + 1 < line.end, bytes[index + 1] == UInt8(ascii: "'") else {
                        return (String(decoding: text, as: UTF8.self), index + 1)
                    }
                    index += 1
                }
                text.append(bytes[index])
                index += 1
            }
            return nil
        }

        /// Counts one more value; false past the composer's limit, whose diagnostic the
        /// composer then reports.
        private mutating func count() -> Bool {
            nodes += 1
            return nodes <= FrontMatterParser.maxNodes
        }

        /// The file position of `offset` on `line`: everything before a value on its line
        /// is ASCII (blanks, `- `, a plain key), so columns are bytes.
        private func position(_ offset: Int, _ line: Line) -> SourcePosition {
            SourcePosition(line: line.number + lineOffset, column: offset - line.start + 1)
        }
    }
}

private extension UInt32 {
    /// Four hexadecimal digits.
    init?(hex digits: Slice<UnsafeBufferPointer<UInt8>>) {
        var value: UInt32 = 0
        for digit in digits {
            guard let nibble = hexDigitValue(digit) else { return nil }
            value = value << 4 | nibble
        }
        self = value
    }
}
