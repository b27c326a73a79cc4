import ShareModel

/// Splits a Markdown share file into its YAML front matter (as a located value)
/// and its body, the share's description.
public enum FrontMatterParser {
    /// Nesting limit for the front matter, checked before libyaml sees it so that
    /// deep input cannot exhaust the stack of the recursive composer.
    public static let maxDepth = 64
    /// Limit on values after alias expansion ("billion laughs").
    public static let maxNodes = 100_000

    public struct Result: Sendable {
        public var value: SourceValue?
        public var body: String
        /// 1-based line of the first body line in the file.
        public var bodyLine: Int
        public var diagnostics: [Diagnostic]
    }

    public static func parse(_ bytes: [UInt8], file: String) -> Result {
        var result = Result(value: nil, body: "", bodyLine: 1, diagnostics: [])
        let origin = SourceLocation(file: file)
        if let bad = bytes.withUnsafeBufferPointer(firstInvalidUTF8Offset) {
            let position = bytes.withUnsafeBufferPointer { buffer in
                var positions = TextPositions(buffer)
                return positions.position(at: bad)
            }
            let byte = String(bytes[bad], radix: 16, uppercase: true)
            result.diagnostics.append(.error("source.encoding", "file is not valid UTF-8 (byte 0x\(byte)); save it as UTF-8", at: SourceLocation(file: file, position: position)))
            return result
        }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            result.diagnostics.append(.error("source.bom", "file starts with a byte order mark; save it as UTF-8 without BOM", at: origin))
            start = 3
        }
        if bytes[start...].allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            result.diagnostics.append(.error("source.empty", "file is empty; expected YAML front matter between '---' lines", at: origin))
            return result
        }
        func isDelimiter(_ range: Range<Int>, _ marker: StaticString) -> Bool {
            var end = range.upperBound
            while end > range.lowerBound, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x09 { end -= 1 }
            let count = marker.utf8CodeUnitCount
            return end - range.lowerBound == count && (0..<count).allSatisfy { bytes[range.lowerBound + $0] == marker.utf8Start[$0] }
        }
        // Lines are found one at a time, up to the closing delimiter: the body is not split.
        func line(from lineStart: Int) -> Range<Int>? {
            lineStart < bytes.count ? lineStart..<(bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count) : nil
        }
        guard let first = line(from: start), isDelimiter(first, "---") else {
            result.diagnostics.append(.error(
                "markdown.front-matter-missing",
                "Markdown share files must start with YAML front matter: a '---' line, the fields, and a closing '---' line",
                at: origin))
            return result
        }
        var closing = first
        var closingIndex = 0
        repeat {
            guard let next = line(from: closing.upperBound + 1) else {
                result.diagnostics.append(.error("markdown.front-matter-unterminated", "front matter opened on line 1 is never closed with a '---' line", at: origin))
                return result
            }
            closing = next
            closingIndex += 1
        } while !isDelimiter(closing, "---") && !isDelimiter(closing, "...")
        let yaml = bytes[(first.upperBound + 1)..<closing.lowerBound]
        result.bodyLine = closingIndex + 2
        if let bodyStart = line(from: closing.upperBound + 1)?.lowerBound {
            result.body = String(decoding: bytes[bodyStart...], as: UTF8.self)
            // By byte: a CRLF body ends in the Character "\r\n", which is not "\n".
            if result.body.utf8.last != 0x0A { result.body += "\n" }
        }
        // Front matter starts on line 2 of the file.
        let lineOffset = 1
        if let deep = excessiveNesting(yaml) {
            let position = SourcePosition(line: deep.line + lineOffset, column: deep.column)
            result.diagnostics.append(.error("yaml.too-deep", "front matter is nested more than \(maxDepth) levels deep", at: SourceLocation(file: file, position: position)))
            return result
        }
        let composed = yaml.withUnsafeBufferPointer { BlockYAML.parse($0, lineOffset: lineOffset) }.map { (value: $0, diagnostics: [], empty: false) }
            ?? YAMLComposer.compose(yaml, file: file, lineOffset: lineOffset)
        if composed.empty {
            result.diagnostics.append(.error("source.empty", "front matter is empty; expected the share's fields", at: SourceLocation(file: file, position: SourcePosition(line: 2, column: 1))))
        }
        result.value = composed.value
        result.diagnostics += composed.diagnostics
        return result
    }

    /// A conservative bound on the nesting libyaml would build: flow brackets, block
    /// indentation and `- ` entries per line. Returns where the bound is exceeded.
    static func excessiveNesting(_ yaml: ArraySlice<UInt8>) -> SourcePosition? {
        var flowDepth = 0
        var line = 1
        var column = 0
        var atLineStart = true
        var indent = 0
        var dashes = 0
        var quote: UInt8?
        var previous: UInt8 = 0x0A
        let newline: UInt8 = 0x0A, space: UInt8 = 0x20, dash = UInt8(ascii: "-")
        for byte in yaml {
            if byte & 0xC0 != 0x80 { column += 1 }
            if byte == newline {
                if quote == newline { quote = nil }
                line += 1
                column = 0
                atLineStart = true
                indent = 0
                dashes = 0
                previous = byte
                continue
            }
            if atLineStart {
                if byte == space { indent += 1 } else if byte == dash { dashes += 1 } else { atLineStart = false }
                if indent / 2 + dashes + flowDepth > maxDepth { return SourcePosition(line: line, column: column) }
                if byte == dash || byte == space { previous = byte; continue }
            }
            if let open = quote {
                if byte == open { quote = nil }
            } else if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) && [space, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":")].contains(previous) {
                quote = byte
            } else if byte == UInt8(ascii: "#") && (previous == space || previous == 0x09) {
                // A comment runs to the end of the line; brackets in it do not count.
                quote = newline
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                flowDepth += 1
                if indent / 2 + dashes + flowDepth > maxDepth { return SourcePosition(line: line, column: column) }
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                flowDepth = max(0, flowDepth - 1)
            }
            previous = byte
        }
        return nil
    }

    /// libyaml starts a line at CR, LF, CRLF, NEL, LS and PS; editors and the rest of
    /// sharegen count LF only. Translates libyaml's marks and character offsets into
    /// positions counted sharegen's way, so that a stray U+2028 or lone CR does not
    /// shift every later diagnostic onto the wrong line.
    struct LineMap {
        /// Scalar offsets where LF-separated lines start.
        private var starts: [Int] = [0]
        /// Scalar offsets where libyaml's lines start, or nil when both counts agree.
        private var yamlStarts: [Int]? = [0]

        /// Nil when the text has no line break but LF, as nearly every file: then
        /// libyaml's lines are sharegen's.
        init?(_ yaml: ArraySlice<UInt8>) {
            var index = yaml.startIndex
            var other = false
            while index < yaml.endIndex, !other {
                switch yaml[index] {
                case 0x0D: other = true
                case 0xC2: other = index + 1 < yaml.endIndex && yaml[index + 1] == 0x85
                case 0xE2: other = index + 2 < yaml.endIndex && yaml[index + 1] == 0x80 && (yaml[index + 2] == 0xA8 || yaml[index + 2] == 0xA9)
                default: break
                }
                index += 1
            }
            guard other else { return nil }
            var previous: Unicode.Scalar = "\0"
            for (index, scalar) in String(decoding: yaml, as: UTF8.self).unicodeScalars.enumerated() {
                switch scalar {
                case "\n" where previous == "\r":
                    starts.append(index + 1)
                    yamlStarts![yamlStarts!.count - 1] = index + 1
                case "\n":
                    starts.append(index + 1)
                    yamlStarts!.append(index + 1)
                case "\r", "\u{85}", "\u{2028}", "\u{2029}":
                    yamlStarts!.append(index + 1)
                default: break
                }
                previous = scalar
            }
            if yamlStarts == starts { yamlStarts = nil }
        }

        /// The position (within the YAML text) of libyaml's 1-based line and column.
        func position(line: Int, column: Int) -> SourcePosition {
            guard let yamlStarts else { return SourcePosition(line: line, column: column) }
            return position(offset: yamlStarts[min(max(line, 1), yamlStarts.count) - 1] + column - 1)
        }

        /// The position (within the YAML text) of a scalar offset.
        func position(offset: Int) -> SourcePosition {
            var low = 0, high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            return SourcePosition(line: low + 1, column: offset - starts[low] + 1)
        }
    }
}
