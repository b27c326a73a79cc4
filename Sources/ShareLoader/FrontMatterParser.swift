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
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") {
            result.diagnostics.append(.error("source.bom", "file starts with a byte order mark; save it as UTF-8 without BOM", at: origin))
            text.removeFirst()
        }
        if text.allSatisfy(\.isWhitespace) {
            result.diagnostics.append(.error("source.empty", "file is empty; expected YAML front matter between '---' lines", at: origin))
            return result
        }
        // "\r\n" is one Character in Swift, so CRLF files must be split on it explicitly.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last == "" { lines.removeLast() }
        func isDelimiter(_ line: Substring, _ marker: String) -> Bool {
            var line = line
            while let last = line.last, last == " " || last == "\r" || last == "\t" { line.removeLast() }
            return line == marker
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
        let yaml = lines[1..<closing].joined(separator: "\n")
        result.bodyLine = closing + 2
        result.body = closing + 1 < lines.count ? lines[(closing + 1)...].joined(separator: "\n") + "\n" : ""
        // Front matter starts on line 2 of the file.
        let lineOffset = 1
        if let deep = excessiveNesting(yaml) {
            let position = SourcePosition(line: deep.line + lineOffset, column: deep.column)
            result.diagnostics.append(.error("yaml.too-deep", "front matter is nested more than \(maxDepth) levels deep", at: SourceLocation(file: file, position: position)))
            return result
        }
        var converter = NodeConverter(file: file, lineOffset: lineOffset, yaml: yaml)
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
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

    /// A conservative bound on the nesting libyaml would build: flow brackets, block
    /// indentation and `- ` entries per line. Returns where the bound is exceeded.
    static func excessiveNesting(_ yaml: String) -> SourcePosition? {
        var flowDepth = 0
        var line = 1
        var column = 0
        var atLineStart = true
        var indent = 0
        var dashes = 0
        var quote: Character?
        var previous: Character = "\n"
        for character in yaml {
            column += 1
            if character == "\n" {
                if quote == "\n" { quote = nil }
                line += 1
                column = 0
                atLineStart = true
                indent = 0
                dashes = 0
                previous = character
                continue
            }
            if atLineStart {
                if character == " " { indent += 1 } else if character == "-" { dashes += 1 } else { atLineStart = false }
                if indent / 2 + dashes + flowDepth > maxDepth { return SourcePosition(line: line, column: column) }
                if character == "-" || character == " " { previous = character; continue }
            }
            if let open = quote {
                if character == open { quote = nil }
            } else if (character == "\"" || character == "'") && (previous == " " || previous == "[" || previous == "{" || previous == "," || previous == ":") {
                quote = character
            } else if character == "#" && (previous == " " || previous == "\t") {
                // A comment runs to the end of the line; brackets in it do not count.
                quote = "\n"
            } else if character == "[" || character == "{" {
                flowDepth += 1
                if indent / 2 + dashes + flowDepth > maxDepth { return SourcePosition(line: line, column: column) }
            } else if character == "]" || character == "}" {
                flowDepth = max(0, flowDepth - 1)
            }
            previous = character
        }
        return nil
    }

    /// Yams reports a duplicated key at its first occurrence; the author needs the repeat.
    /// Returns the 1-based line of the next line that writes the same key at the same column.
    static func repeatedKeyLine(_ key: String, after first: Mark, in yaml: String) -> Int? {
        let column = first.column - 1
        let spellings = [key, "\"\(key)\"", "'\(key)'"].map { Array($0.unicodeScalars) }
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        for index in lines.indices.dropFirst(first.line) {
            let scalars = Array(lines[index].unicodeScalars)
            guard scalars.count > column, scalars[..<column].allSatisfy({ $0 == " " }) else { continue }
            let rest = scalars[column...]
            for spelling in spellings where rest.starts(with: spelling) {
                if rest.dropFirst(spelling.count).drop(while: { $0 == " " }).first == ":" {
                    return index + 1
                }
            }
        }
        return nil
    }

    private struct NodeConverter {
        let file: String
        let lineOffset: Int
        let yaml: String
        var diagnostics: [Diagnostic] = []
        var nodeCount = 0
        var tooLarge = false

        init(file: String, lineOffset: Int, yaml: String) {
            self.file = file
            self.lineOffset = lineOffset
            self.yaml = yaml
        }

        func position(_ mark: Mark?) -> SourcePosition {
            guard let mark else { return SourcePosition(line: 1 + lineOffset, column: 1) }
            return SourcePosition(line: mark.line + lineOffset, column: mark.column)
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
                guard let key = duplicates.first, let line = FrontMatterParser.repeatedKeyLine(key, after: context.mark, in: yaml) else {
                    return .error("yaml.duplicate-key", "duplicate key \(names) in mapping", at: SourceLocation(file: file, position: first))
                }
                return .error(
                    "yaml.duplicate-key", "duplicate key \(names) (first defined at line \(first.line), column \(first.column))",
                    at: SourceLocation(file: file, position: SourcePosition(line: line + lineOffset, column: first.column)))
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

        func scalarKind(_ scalar: Node.Scalar, node: Node) -> SourceValue.Kind {
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: return .null
            case .bool: return node.bool.map(SourceValue.Kind.bool) ?? .string(scalar.string)
            case .int:
                if let value = node.int { return .number(String(value)) }
                return .string(scalar.string)
            case .float:
                if let value = node.float, value.isFinite { return .number(JSONValue.number(value).serialized()) }
                return .string(scalar.string)
            default:
                return .string(scalar.string)
            }
        }
    }
}
