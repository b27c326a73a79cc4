import ShareLoader
import ShareModel

/// Why a file could not be edited in place.
struct EditError: Error {
    var reason: String
}

/// Edits the fields of a share or credential file by splicing new text in at the places
/// the located parse points to. Everything not edited stays byte for byte: comments, key
/// order, indentation, the Markdown body; a changed field changes only its own lines.
///
/// Every operation parses the current text again, so operations compose without tracking
/// offsets; the files are small.
struct DocumentEditor {
    let file: String
    let format: ShareFormat
    private(set) var bytes: [UInt8]
    /// The documented field order of each object path, where new fields are inserted.
    let fieldOrder: [[String]: [String]]

    /// What the fields must read as after the edits so far; checked by `verify()`.
    private(set) var intended: JSONValue
    private var intendedBody: String?

    /// Throws when the file does not parse: it must be fixed by hand first.
    init(file: String, format: ShareFormat, bytes: [UInt8], fieldOrder: [[String]: [String]]) throws(EditError) {
        self.file = file
        self.format = format
        self.bytes = bytes
        self.fieldOrder = fieldOrder
        intended = .null
        let parsed = try parse()
        intended = parsed.root.value.json
        intendedBody = parsed.bodyText
    }

    /// The file's current fields and, for Markdown, its body.
    struct Parsed {
        var text: SourceText
        var locator: Locator
        var root: LocatedNode
        /// The Markdown body: from the line after the closing `---` to the end.
        var body: Range<Int>?
        var bodyText: String?
        var json: JSONLayout
        var yaml: YAMLLayout
    }

    func parse() throws(EditError) -> Parsed {
        let text = SourceText(bytes)
        let locator = Locator(text: text, isYAML: format == .markdown)
        let newline = String(decoding: text.newline, as: UTF8.self)
        if format == .markdown {
            let result = FrontMatterParser.parse(bytes, file: file)
            guard let value = result.value, value.members != nil else { throw EditError(reason: "its front matter does not parse as YAML fields") }
            let closing = text.lineStarts[result.bodyLine - 2]
            let bodyStart = result.bodyLine - 1 < text.lineStarts.count ? text.lineStarts[result.bodyLine - 1] : bytes.count
            let root = locator.locate(value, bound: closing, parentIndent: -1, inFlow: false)
            let unit = Self.yamlUnit(root, text) ?? 2
            let list = Self.existingList(root)
            var yaml = YAMLLayout(unit: unit, sequenceIndent: unit, newline: newline)
            if let (member, last) = list {
                yaml.flowEntries = last.layout == .bracketed
                yaml.sequenceIndent = max(text.column(of: member.node.span.lowerBound) - text.column(of: member.keyStart), 0)
            }
            return Parsed(text: text, locator: locator, root: root, body: bodyStart..<bytes.count, bodyText: result.body, json: JSONLayout(newline: newline), yaml: yaml)
        }
        guard let value = LocatedJSONParser.parse(bytes, file: file).value, value.members != nil else {
            throw EditError(reason: "it does not parse as a JSON object")
        }
        let root = locator.locate(value, bound: bytes.count, parentIndent: -1, inFlow: true)
        var json = JSONLayout(newline: newline)
        if let first = root.members.first {
            let gap = text.whitespace(before: first.keyStart)
            if let lastNewline = gap.lastIndex(of: .newline), lastNewline + 1 < gap.count {
                json.unit = String(decoding: gap[(lastNewline + 1)...], as: UTF8.self)
            }
            json.colon = String(decoding: bytes[keyEnd(first, locator)..<first.node.span.lowerBound], as: UTF8.self)
        }
        return Parsed(text: text, locator: locator, root: root, json: json, yaml: YAMLLayout(newline: newline))
    }

    /// Re-reads the edited text and checks that it means exactly what the edits intended,
    /// so that a splice the parser would read differently is refused, never written.
    func verify() throws(EditError) {
        let parsed = try parse()
        guard parsed.root.value.json.isEquivalent(to: intended) else {
            throw EditError(reason: "the edited text would not read back as the intended fields")
        }
        guard parsed.bodyText == intendedBody.map(Self.bodyAsRead) else {
            throw EditError(reason: "the edited Markdown body would not read back as intended")
        }
    }

    /// The loader ends a non-empty body with a newline.
    private static func bodyAsRead(_ body: String) -> String {
        body.isEmpty || body.utf8.last == .newline ? body : body + "\n"
    }

    // MARK: Edits

    /// Applies an RFC 7396 merge patch field by field, touching only fields whose value
    /// changes. A Markdown file's `description` is its body.
    mutating func applyMergePatch(_ patch: JSONValue, at path: [String] = []) throws(EditError) {
        for (key, change) in patch.objectMembers ?? [] {
            let fieldPath = path + [key]
            if format == .markdown, fieldPath == ["description"] {
                let body = change.stringValue ?? ""
                if intendedBody.map(Self.bodyAsRead) != Self.bodyAsRead(body) { try replaceBody(with: body) }
                continue
            }
            let current = intended.value(at: fieldPath)
            if change == .null {
                if current != nil { try remove(fieldPath) }
            } else if change.objectMembers != nil, current?.objectMembers != nil {
                try applyMergePatch(change, at: fieldPath)
            } else {
                let value = JSONValue.null.merged(with: change)
                if !(current?.isEquivalent(to: value) ?? false) { try set(fieldPath, to: value) }
            }
        }
    }

    /// Sets the value at `path`, inserting the member (and missing parent objects) when absent.
    mutating func set(_ path: [String], to value: JSONValue) throws(EditError) {
        let parsed = try parse()
        intended = intended.setting(value, at: path)
        var depth = 0
        var parent = parsed.root
        while depth < path.count - 1, let child = parent.member(path[depth])?.node {
            parent = child
            depth += 1
        }
        guard parent.value.members != nil else {
            throw EditError(reason: "\(path[..<depth].joined(separator: ".")) is not an object")
        }
        if depth == path.count - 1, let member = parent.member(path[depth]) {
            try replace(member, in: parent, with: value, parsed)
            return
        }
        // Missing parents become part of the inserted value: {"video": {"id": …}}.
        var inserted = value
        for key in path[(depth + 1)...].reversed() { inserted = .object([(key, inserted)]) }
        try insert(path[depth], inserted, into: parent, orderedBy: fieldOrder[Array(path[..<depth])] ?? [], parsed)
    }

    /// Removes the member at `path`, with its lines when it has lines of its own.
    mutating func remove(_ path: [String]) throws(EditError) {
        let parsed = try parse()
        guard let parent = parsed.root.descendant(path.dropLast()),
              let index = parent.members.firstIndex(where: { $0.key == path.last }) else { return }
        let member = parent.members[index]
        guard parent.members.count > 1 else {
            throw EditError(reason: "\(path.joined(separator: ".")) is the only field of its object")
        }
        intended = intended.removing(at: path)
        if parent.layout == .bracketed {
            if index + 1 < parent.members.count {
                splice(member.keyStart..<parent.members[index + 1].keyStart, "")
            } else {
                splice(parent.members[index - 1].node.span.upperBound..<member.node.span.upperBound, "")
            }
            return
        }
        let lineStart = parsed.text.lineStart(containing: member.keyStart)
        guard bytes[lineStart..<member.keyStart].allSatisfy({ $0 == .space }) else {
            throw EditError(reason: "\(path.joined(separator: ".")) shares its line with a list dash")
        }
        splice(lineStart..<parsed.text.nextLineStart(after: member.node.span.upperBound), "")
    }

    /// Appends `element` to the list at `path` in the list's own style, creating the list
    /// when absent.
    mutating func append(_ element: JSONValue, to path: [String]) throws(EditError) {
        let parsed = try parse()
        guard let list = parsed.root.descendant(path) else {
            try set(path, to: .array([element]))
            return
        }
        guard let elements = list.value.elements else { throw EditError(reason: "\(path.joined(separator: ".")) is not a list") }
        intended = intended.setting(.array(elements.map(\.json) + [element]), at: path)
        guard let last = list.elements.last else {
            // An empty list written as [].
            let indent = lineIndentation(list.span.lowerBound, parsed.text)
            splice(list.span, format == .json ? parsed.json.render(.array([element]), indent: indent) : parsed.yaml.flow(.array([element])))
            return
        }
        if list.layout == .bracketed {
            let gap = separator(before: last.span.lowerBound, isFirst: list.elements.count == 1, parsed.text)
            let text: String
            if format == .markdown {
                text = parsed.yaml.flow(element)
            } else if bytes[last.span].contains(.newline) {
                text = parsed.json.render(element, indent: Self.indentation(afterLastNewlineIn: gap))
            } else {
                // Entries on one line keep the spacing of the last entry.
                let separators = inlineSeparators(of: last, parsed.locator)
                text = parsed.json.inline(element, comma: separators?.comma ?? ", ", colon: separators?.colon)
            }
            splice(last.span.upperBound..<last.span.upperBound, "," + String(decoding: gap, as: UTF8.self) + text)
            return
        }
        var dash = last.span.lowerBound
        while dash > 0, bytes[dash - 1] == .space { dash -= 1 }
        guard dash > 0, bytes[dash - 1] == .dash else { throw EditError(reason: "the entries of \(path.joined(separator: ".")) have no dash") }
        var yaml = parsed.yaml
        yaml.flowEntries = last.layout == .bracketed
        let entry = yaml.entry(element, dash: parsed.text.column(of: dash - 1), content: parsed.text.column(of: last.span.lowerBound))
        let at = parsed.text.nextLineStart(after: last.span.upperBound)
        splice(at..<at, lineBreakIfNeeded(at, parsed) + entry + yaml.newline)
    }

    /// Replaces a Markdown file's body.
    mutating func replaceBody(with body: String) throws(EditError) {
        let parsed = try parse()
        guard let range = parsed.body else { throw EditError(reason: "a JSON file has no body") }
        intendedBody = body
        splice(range, lineBreakIfNeeded(range.lowerBound, parsed) + body)
    }

    // MARK: Splices

    private mutating func replace(_ member: LocatedMember, in parent: LocatedNode, with value: JSONValue, _ parsed: Parsed) throws(EditError) {
        let old = member.node
        if format == .json {
            splice(old.span, parsed.json.render(value, indent: lineIndentation(member.keyStart, parsed.text)))
            return
        }
        let keyColumn = parsed.text.column(of: member.keyStart)
        let afterColon = keyEnd(member, parsed.locator) + 1
        if value.isScalar || parent.layout == .bracketed || old.layout == .bracketed || !value.isNonEmptyCollection {
            let text = value.isScalar ? parsed.yaml.scalar(value, quote: old.layout == .scalar ? quoteStyle(old) : nil) : parsed.yaml.flow(value)
            // A block collection starts on the next line; a scalar goes back on the key's line.
            if old.layout == .block { splice(afterColon..<old.span.upperBound, " " + text) } else { splice(old.span, text) }
        } else {
            splice(afterColon..<old.span.upperBound, parsed.yaml.blockValue(value, indent: keyColumn))
        }
    }

    private mutating func insert(_ key: String, _ value: JSONValue, into parent: LocatedNode, orderedBy order: [String], _ parsed: Parsed) throws(EditError) {
        guard let last = parent.members.last else {
            let object = JSONValue.object([(key, value)])
            splice(parent.span, format == .json ? parsed.json.render(object, indent: lineIndentation(parent.span.lowerBound, parsed.text)) : parsed.yaml.flow(object))
            return
        }
        // After the nearest member that precedes the key in the documented order; before
        // the first member when they all follow it; else last.
        var anchor = last
        var before = false
        if let rank = order.firstIndex(of: key) {
            if let preceding = parent.members.last(where: { order.firstIndex(of: $0.key).map { $0 < rank } ?? false }) {
                anchor = preceding
            } else if let first = parent.members.first, order.contains(first.key),
                      parent.layout == .bracketed || bytes[parsed.text.lineStart(containing: first.keyStart)..<first.keyStart].allSatisfy({ $0 == .space }) {
                anchor = first
                before = true
            }
        }
        if parent.layout == .bracketed {
            let gap = String(decoding: separator(before: anchor.keyStart, isFirst: anchor.keyStart == parent.members[0].keyStart, parsed.text), as: UTF8.self)
            let colon = String(decoding: bytes[keyEnd(anchor, parsed.locator)..<anchor.node.span.lowerBound], as: UTF8.self)
            let member: String
            if format == .json {
                let rendered = gap.contains("\n") ? parsed.json.render(value, indent: Self.indentation(afterLastNewlineIn: Array(gap.utf8))) : parsed.json.inline(value)
                member = JSONValue.string(key).serialized() + colon + rendered
            } else {
                member = parsed.yaml.key(key) + colon + parsed.yaml.flow(value)
            }
            if before {
                splice(anchor.keyStart..<anchor.keyStart, member + "," + gap)
            } else {
                splice(anchor.node.span.upperBound..<anchor.node.span.upperBound, "," + gap + member)
            }
            return
        }
        let column = parsed.text.column(of: anchor.keyStart)
        let line = String(repeating: " ", count: column) + parsed.yaml.key(key) + ":" + parsed.yaml.blockValue(value, indent: column) + parsed.yaml.newline
        let at = before ? parsed.text.lineStart(containing: anchor.keyStart) : parsed.text.nextLineStart(after: anchor.node.span.upperBound)
        splice(at..<at, lineBreakIfNeeded(at, parsed) + line)
    }

    private mutating func splice(_ range: Range<Int>, _ text: String) {
        bytes.replaceSubrange(range, with: Array(text.utf8))
    }

    /// Text inserted at the very end of a file that lacks a final newline starts a new line.
    private func lineBreakIfNeeded(_ offset: Int, _ parsed: Parsed) -> String {
        offset == bytes.count && offset > 0 && bytes[offset - 1] != .newline ? parsed.yaml.newline : ""
    }

    // MARK: Reading the layout

    /// The offset just past a member's key (its closing quote, or the end of a plain key).
    private func keyEnd(_ member: LocatedMember, _ locator: Locator) -> Int {
        if bytes[member.keyStart] == .doubleQuote || bytes[member.keyStart] == .singleQuote {
            return locator.quotedEnd(from: member.keyStart, bound: bytes.count)
        }
        var index = member.keyStart
        while index < bytes.count, bytes[index] != .colon { index += 1 }
        return index
    }

    private func quoteStyle(_ node: LocatedNode) -> UInt8? {
        let first = bytes[node.span.lowerBound]
        return first == .doubleQuote || first == .singleQuote ? first : nil
    }

    /// The whitespace that starts the line holding `offset`.
    private func lineIndentation(_ offset: Int, _ text: SourceText) -> String {
        let start = text.lineStart(containing: offset)
        var end = start
        while end < offset, bytes[end] == .space || bytes[end] == .tab { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The whitespace that separates entries of a bracketed collection: what precedes an
    /// entry, except that the first entry of a one-line collection may hug its bracket.
    private func separator(before offset: Int, isFirst: Bool, _ text: SourceText) -> [UInt8] {
        let gap = text.whitespace(before: offset)
        return isFirst && !gap.contains(.newline) ? [.space] : gap
    }

    private static func indentation(afterLastNewlineIn gap: [UInt8]) -> String {
        let start = gap.lastIndex(of: .newline).map { $0 + 1 } ?? gap.count
        return String(decoding: gap[start...], as: UTF8.self)
    }

    /// The separators inside an entry written on one line, e.g. `{"a": 1, "b": 2}`.
    private func inlineSeparators(of entry: LocatedNode, _ locator: Locator) -> (comma: String, colon: String)? {
        guard entry.members.count >= 2 else { return nil }
        let first = entry.members[0]
        let comma = bytes[first.node.span.upperBound..<entry.members[1].keyStart]
        let colon = bytes[keyEnd(first, locator)..<first.node.span.lowerBound]
        return (String(decoding: comma, as: UTF8.self), String(decoding: colon, as: UTF8.self))
    }

    /// The column step between a block mapping's keys and the keys of a nested mapping.
    private static func yamlUnit(_ root: LocatedNode, _ text: SourceText) -> Int? {
        for member in root.members where member.node.layout == .block && member.node.value.members != nil {
            let step = text.column(of: member.node.members[0].keyStart) - text.column(of: member.keyStart)
            if step > 0 { return step }
        }
        return nil
    }

    /// A root list written in block style, whose layout new lists copy: its member and
    /// last entry.
    private static func existingList(_ root: LocatedNode) -> (LocatedMember, LocatedNode)? {
        for key in ["audit", "previousSlugs"] {
            if let member = root.member(key), member.node.layout == .block, let last = member.node.elements.last {
                return (member, last)
            }
        }
        return nil
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var isNonEmptyCollection: Bool {
        switch self {
        case .object(let members): return !members.isEmpty
        case .array(let elements): return !elements.isEmpty
        default: return false
        }
    }
}
