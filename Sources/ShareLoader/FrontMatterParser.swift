import ShareModel
import Yams

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
        let lines = lineRanges(bytes, from: start)
        func isDelimiter(_ range: Range<Int>, _ marker: StaticString) -> Bool {
            var end = range.upperBound
            while end > range.lowerBound, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x09 { end -= 1 }
            let count = marker.utf8CodeUnitCount
            return end - range.lowerBound == count && (0..<count).allSatisfy { bytes[range.lowerBound + $0] == marker.utf8Start[$0] }
        }
        guard let first = lines.first, isDelimiter(first, "---") else {
            result.diagnostics.append(.error(
                "markdown.front-matter-missing",
                "Markdown share files must start with YAML front matter: a '---' line, the fields, and a closing '---' line",
                at: origin))
            return result
        }
        guard let closing = lines.indices.dropFirst().first(where: { isDelimiter(lines[$0], "---") || isDelimiter(lines[$0], "...") }) else {
            result.diagnostics.append(.error("markdown.front-matter-unterminated", "front matter opened on line 1 is never closed with a '---' line", at: origin))
            return result
        }
        let yaml = String(decoding: bytes[lines[1].lowerBound..<lines[closing].lowerBound], as: UTF8.self)
        result.bodyLine = closing + 2
        if closing + 1 < lines.count {
            result.body = String(decoding: bytes[lines[closing + 1].lowerBound...], as: UTF8.self)
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
        var converter = NodeConverter(file: file, lineOffset: lineOffset, yaml: yaml)
        do {
            guard let node = try Yams.compose(yaml: yaml, .basic, .default, .utf8) else {
                result.diagnostics.append(.error("source.empty", "front matter is empty; expected the share's fields", at: SourceLocation(file: file, position: SourcePosition(line: 2, column: 1))))
                return result
            }
            result.value = converter.convert(node)
            result.diagnostics += converter.diagnostics
        } catch let error as YamlError {
            result.diagnostics.append(converter.diagnostic(for: error))
        } catch {
            result.diagnostics.append(.error("yaml.syntax", "\(error)", at: origin))
        }
        return result
    }

    /// The 1-based line (within `yaml`) where `key` is written again after its first
    /// occurrence at `mark`, in the same column; libyaml only reports the first.
    static func repeatedKeyLine(_ key: String, after mark: SourcePosition, in yaml: String) -> Int? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line < lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index].unicodeScalars
            guard line.count >= mark.column else { continue }
            let rest = String(String.UnicodeScalarView(line.dropFirst(mark.column - 1)))
            for spelling in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(spelling) {
                let after = rest.dropFirst(spelling.count).drop { $0 == " " }
                if after.hasPrefix(":") { return index + 1 }
            }
        }
        return nil
    }

    /// Ranges of the lines of `bytes` from `start`, without their `\n`.
    static func lineRanges(_ bytes: [UInt8], from start: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var lineStart = start
        for index in start..<bytes.count where bytes[index] == 0x0A {
            ranges.append(lineStart..<index)
            lineStart = index + 1
        }
        if lineStart < bytes.count { ranges.append(lineStart..<bytes.count) }
        return ranges
    }

    /// A conservative bound on the nesting libyaml would build: flow brackets, block
    /// indentation and `- ` entries per line. Returns where the bound is exceeded.
    static func excessiveNesting(_ yaml: String) -> SourcePosition? {
        var flowDepth = 0
        var line = 1
        var column = 0
        var atLineStart = true
        var indent = 0
        var dashes = 0
        var quote: UInt8?
        var previous: UInt8 = 0x0A
        let newline: UInt8 = 0x0A, space: UInt8 = 0x20, dash = UInt8(ascii: "-")
        for byte in yaml.utf8 {
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

        init(_ yaml: String) {
            var previous: Unicode.Scalar = "\0"
            for (index, scalar) in yaml.unicodeScalars.enumerated() {
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

    private struct NodeConverter {
        let file: String
        let lineOffset: Int
        let yaml: String
        let lines: LineMap
        var diagnostics: [Diagnostic] = []
        var nodeCount = 0
        var tooLarge = false

        init(file: String, lineOffset: Int, yaml: String) {
            self.file = file
            self.lineOffset = lineOffset
            self.yaml = yaml
            lines = LineMap(yaml)
        }

        /// A mark's position within the YAML text (not yet offset to the file).
        func yamlPosition(_ mark: Mark) -> SourcePosition {
            lines.position(line: mark.line, column: mark.column)
        }

        func position(_ mark: Mark?) -> SourcePosition {
            guard let mark else { return SourcePosition(line: 1 + lineOffset, column: 1) }
            let position = yamlPosition(mark)
            return SourcePosition(line: position.line + lineOffset, column: position.column)
        }

        func diagnostic(for error: YamlError) -> Diagnostic {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                var message = "invalid YAML: \(problem)"
                if problem.contains("cannot start any token") { message += " (YAML does not allow tabs for indentation)" }
                return .error("yaml.syntax", message, at: SourceLocation(file: file, position: position(mark)))
            case .duplicatedKeysInMapping(let duplicates, let context):
                let names = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
                let first = position(context.mark)
                guard let key = duplicates.first, let line = FrontMatterParser.repeatedKeyLine(key, after: yamlPosition(context.mark), in: yaml) else {
                    return .error("yaml.duplicate-key", "duplicate key \(names) in mapping", at: SourceLocation(file: file, position: first))
                }
                return .error(
                    "yaml.duplicate-key", "duplicate key \(names) (first defined at line \(first.line), column \(first.column))",
                    at: SourceLocation(file: file, position: SourcePosition(line: line + lineOffset, column: first.column)))
            case .reader(let problem, let offset, _, _):
                // Yams gives the offset in Characters; positions count scalars.
                guard let offset, let index = yaml.index(yaml.startIndex, offsetBy: offset, limitedBy: yaml.endIndex) else {
                    return .error("yaml.syntax", "invalid YAML: \(problem)", at: SourceLocation(file: file, position: position(nil)))
                }
                let at = lines.position(offset: yaml.unicodeScalars.distance(from: yaml.startIndex, to: index))
                return .error("yaml.syntax", "invalid YAML: \(problem)", at: SourceLocation(file: file, position: SourcePosition(line: at.line + lineOffset, column: at.column)))
            default:
                return .error("yaml.syntax", "invalid YAML: \(error)", at: SourceLocation(file: file, position: position(nil)))
            }
        }

        mutating func convert(_ node: Node) -> SourceValue {
            nodeCount += 1
            let at = position(node.mark)
            if nodeCount > FrontMatterParser.maxNodes {
                if !tooLarge {
                    tooLarge = true
                    diagnostics.append(.error("yaml.too-large", "front matter expands to more than \(FrontMatterParser.maxNodes) values (check aliases)", at: SourceLocation(file: file, position: at)))
                }
                return SourceValue(.null, at: at)
            }
            switch node {
            case .scalar(let scalar):
                return SourceValue(scalarKind(scalar, node: node), at: at)
            case .sequence(let sequence):
                return SourceValue(.array(sequence.map { convert($0) }), at: at)
            case .mapping(let mapping):
                var members: [SourceMember] = []
                for (key, value) in mapping {
                    guard case .scalar(let keyScalar) = key else {
                        diagnostics.append(.error("yaml.key", "mapping keys must be plain strings", at: SourceLocation(file: file, position: position(key.mark))))
                        continue
                    }
                    members.append(SourceMember(key: keyScalar.string, keyPosition: position(key.mark), value: convert(value)))
                }
                return SourceValue(.object(members), at: at)
            case .alias(let alias):
                diagnostics.append(.error("yaml.alias", "unresolved alias *\(alias.anchor.rawValue)", at: SourceLocation(file: file, position: at)))
                return SourceValue(.null, at: at)
            }
        }

        /// Resolves plain scalars with the YAML 1.2 core schema (null, true/false, numbers),
        /// without Yams' regular expressions, which dominated the cost of loading.
        /// Quoted and block scalars are always strings; YAML 1.1's yes/no stay strings.
        func scalarKind(_ scalar: Node.Scalar, node: Node) -> SourceValue.Kind {
            let text = scalar.string
            guard scalar.style == .plain else {
                return .string(text)
            }
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let number = CoreSchema.number(text) { return .number(number) }
            return .string(text)
        }
    }
}
