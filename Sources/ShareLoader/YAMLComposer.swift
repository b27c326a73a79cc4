import CYaml
import ShareModel

/// Composes libyaml's events straight into located values. Building Yams' node tree
/// first (and its duplicate check over hashed nodes) was most of the cost of loading a
/// Markdown share; here each event becomes a `SourceValue` at once, duplicate keys are
/// found with both positions, and aliases share the anchored value instead of copying it.
struct YAMLComposer {
    private let file: String
    /// Lines before the YAML text in the file (the opening `---`).
    private let lineOffset: Int
    private let lines: FrontMatterParser.LineMap?
    private var parser = yaml_parser_t()
    private var anchors: [String: (value: SourceValue, count: Int)] = [:]
    private var nodeCount = 0
    private(set) var diagnostics: [Diagnostic] = []

    /// libyaml's error, already located.
    private struct Failure: Error {
        let diagnostic: Diagnostic
    }

    private enum Event {
        case scalar(String, plain: Bool, anchor: String?)
        case sequenceStart(anchor: String?)
        case mappingStart(anchor: String?)
        case alias(String)
        case sequenceEnd, mappingEnd, documentStart, documentEnd, streamEnd, other
    }

    /// The single document of `yaml` as a value (nil when there is none or it fails to
    /// parse), and the diagnostics met on the way.
    static func compose(_ yaml: ArraySlice<UInt8>, file: String, lineOffset: Int) -> (value: SourceValue?, diagnostics: [Diagnostic], empty: Bool) {
        var composer = YAMLComposer(file: file, lineOffset: lineOffset, lines: FrontMatterParser.LineMap(yaml))
        guard yaml_parser_initialize(&composer.parser) == 1 else {
            return (nil, [.error("yaml.syntax", "invalid YAML: out of memory", at: SourceLocation(file: file))], false)
        }
        defer { yaml_parser_delete(&composer.parser) }
        return yaml.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&composer.parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&composer.parser, YAML_UTF8_ENCODING)
            do throws(Failure) {
                let value = try composer.document(buffer)
                return (value, composer.diagnostics, value == nil)
            } catch {
                return (nil, composer.diagnostics + [error.diagnostic], false)
            }
        }
    }

    private init(file: String, lineOffset: Int, lines: FrontMatterParser.LineMap?) {
        self.file = file
        self.lineOffset = lineOffset
        self.lines = lines
    }

    private mutating func document(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> SourceValue? {
        _ = try next(buffer)  // stream start
        guard case .documentStart = try next(buffer).0 else { return nil }
        let (root, rootMark) = try next(buffer)
        let value = try node(root, at: position(rootMark), buffer)
        _ = try next(buffer)  // document end
        let (after, mark) = try next(buffer)
        if case .documentStart = after {
            throw Failure(diagnostic: .error("yaml.syntax", "invalid YAML: front matter holds more than one document", at: location(position(mark))))
        }
        return value
    }

    /// The value that starts with `event` (whose position is `at`), reading its children.
    private mutating func node(_ event: Event, at position: SourcePosition, _ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> SourceValue {
        switch event {
        case .scalar(let text, let plain, let anchor):
            let value = SourceValue(plain ? Self.plainKind(text) : .string(text), at: position)
            count(1, at: position)
            if let anchor { anchors[anchor] = (value, 1) }
            return value
        case .alias(let name):
            guard let anchored = anchors[name] else {
                throw Failure(diagnostic: .error("yaml.syntax", "invalid YAML: found undefined alias *\(name)", at: location(position)))
            }
            // Past the limit an alias stands for nothing: its value is shared here, but
            // every later reader (rules, sizes, the manifest) would expand it.
            return count(anchored.count, at: position) ? anchored.value : SourceValue(.null, at: position)
        case .sequenceStart(let anchor):
            let start = nodeCount
            count(1, at: position)
            var elements: [SourceValue] = []
            while true {
                let (child, mark) = try next(buffer)
                if case .sequenceEnd = child { break }
                elements.append(try node(child, at: self.position(mark), buffer))
            }
            let value = SourceValue(.array(elements), at: position)
            if let anchor { anchors[anchor] = (value, nodeCount - start) }
            return value
        case .mappingStart(let anchor):
            let start = nodeCount
            count(1, at: position)
            var members: [SourceMember] = []
            var seen: [String: SourcePosition] = [:]
            while true {
                let (keyEvent, keyMark) = try next(buffer)
                if case .mappingEnd = keyEvent { break }
                let keyPosition = self.position(keyMark)
                var key: String?
                switch keyEvent {
                case .scalar(let text, _, let anchor):
                    key = text
                    count(1, at: keyPosition)
                    if let anchor { anchors[anchor] = (SourceValue(.string(text), at: keyPosition), 1) }
                case .alias(let name) where anchors[name]?.value.string != nil:
                    key = anchors[name]?.value.string
                    count(1, at: keyPosition)
                default:
                    _ = try node(keyEvent, at: keyPosition, buffer)
                    diagnostics.append(.error("yaml.key", "mapping keys must be plain strings", at: location(keyPosition)))
                }
                let (valueEvent, valueMark) = try next(buffer)
                let value = try node(valueEvent, at: self.position(valueMark), buffer)
                guard let key else { continue }
                if let first = seen[key] {
                    // As for JSON: the first value counts, every repetition is reported.
                    diagnostics.append(.error(
                        "yaml.duplicate-key", "duplicate key \"\(key)\" (first defined at line \(first.line), column \(first.column))",
                        at: location(keyPosition)))
                    continue
                }
                seen[key] = keyPosition
                members.append(SourceMember(key: key, keyPosition: keyPosition, value: value))
            }
            let value = SourceValue(.object(members), at: position)
            if let anchor { anchors[anchor] = (value, nodeCount - start) }
            return value
        default:
            throw Failure(diagnostic: .error("yaml.syntax", "invalid YAML: unexpected structure", at: location(position)))
        }
    }

    /// Counts values after alias expansion, so an alias bomb is reported once where it
    /// crosses the limit; false once the limit is passed. Saturates instead of overflowing.
    @discardableResult
    private mutating func count(_ values: Int, at position: SourcePosition) -> Bool {
        let limit = FrontMatterParser.maxNodes
        let before = nodeCount
        nodeCount = values > limit - min(before, limit) ? limit + 1 : before + values
        if before <= limit, nodeCount > limit {
            diagnostics.append(.error("yaml.too-large", "front matter expands to more than \(limit) values (check aliases)", at: location(position)))
        }
        return nodeCount <= limit
    }

    /// The next event and where it starts, or libyaml's error as a located diagnostic.
    private mutating func next(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> (Event, yaml_mark_t) {
        var raw = yaml_event_t()
        guard yaml_parser_parse(&parser, &raw) == 1 else { throw Failure(diagnostic: errorDiagnostic(buffer)) }
        defer { yaml_event_delete(&raw) }
        let event: Event
        switch raw.type {
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            event = .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, anchor: Self.string(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT: event = .sequenceStart(anchor: Self.string(raw.data.sequence_start.anchor))
        case YAML_MAPPING_START_EVENT: event = .mappingStart(anchor: Self.string(raw.data.mapping_start.anchor))
        case YAML_ALIAS_EVENT: event = .alias(Self.string(raw.data.alias.anchor) ?? "")
        case YAML_SEQUENCE_END_EVENT: event = .sequenceEnd
        case YAML_MAPPING_END_EVENT: event = .mappingEnd
        case YAML_DOCUMENT_START_EVENT: event = .documentStart
        case YAML_DOCUMENT_END_EVENT: event = .documentEnd
        case YAML_STREAM_END_EVENT: event = .streamEnd
        default: event = .other
        }
        return (event, raw.start_mark)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func errorDiagnostic(_ buffer: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        var message = "invalid YAML: \(problem)"
        if problem.contains("cannot start any token") { message += " (YAML does not allow tabs for indentation)" }
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark.
            var positions = TextPositions(buffer)
            let at = positions.position(at: min(parser.problem_offset, buffer.count))
            return .error("yaml.syntax", message, at: location(inFile(at)))
        }
        return .error("yaml.syntax", message, at: location(position(parser.problem_mark)))
    }

    /// A libyaml mark's position in the file, counted sharegen's way.
    private func position(_ mark: yaml_mark_t) -> SourcePosition {
        let line = Int(mark.line) + 1, column = Int(mark.column) + 1
        return inFile(lines?.position(line: line, column: column) ?? SourcePosition(line: line, column: column))
    }

    /// A position within the YAML text as a position in the file.
    private func inFile(_ position: SourcePosition) -> SourcePosition {
        SourcePosition(line: position.line + lineOffset, column: position.column)
    }

    private func location(_ position: SourcePosition) -> SourceLocation {
        SourceLocation(file: file, position: position)
    }

    /// Plain scalars by the YAML 1.2 core schema (null, true/false, numbers); quoted and
    /// block scalars are always strings, and YAML 1.1's yes/no stay strings.
    static func plainKind(_ text: String) -> SourceValue.Kind {
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
