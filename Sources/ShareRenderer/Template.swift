import ShareModel

/// A parsed Mustache template (the spec's interpolation, sections, inverted sections,
/// comments, partials and set-delimiter tags; no lambdas, which data files cannot hold).
/// Parsed once per build; `TemplateLibrary` renders it straight into bytes.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(Name, escaped: Bool)
        case section(Name, [Node], inverted: Bool)
        /// A partial; `indentation` is the whitespace before a standalone partial tag,
        /// given to every line of the partial.
        case partial(String, indentation: [UInt8])
    }

    /// A dotted name, split once at parse time; no parts means `.`, the current value.
    struct Name: Sendable {
        let parts: [String]
    }

    let nodes: [Node]
    /// Every partial this template includes, with where, for missing and cyclic checks.
    let partials: [(name: String, position: SourcePosition)]
}

/// Why a template does not parse, and where.
struct TemplateSyntaxError: Error, Sendable {
    let message: String
    let position: SourcePosition
}

/// Mustache text to `Template`, with the spec's standalone-line rules.
struct TemplateParser {
    private enum Kind { case variable, unescaped, section, inverted, close, partial, comment, delimiters }

    private struct Tag {
        let kind: Kind
        let name: String
        let start: Int
    }

    private enum Token {
        case text(start: Int, end: Int)
        case tag(Tag)
    }

    /// Deepest section nesting a template may have.
    static let maxDepth = 100

    private let bytes: [UInt8]

    private init(_ text: String) {
        bytes = Array(text.utf8)
    }

    static func parse(_ text: String) throws(TemplateSyntaxError) -> Template {
        let parser = TemplateParser(text)
        let tokens = try parser.tokenize()
        return try parser.tree(tokens, parser.standalone(tokens))
    }

    // MARK: Tokens

    private func tokenize() throws(TemplateSyntaxError) -> [Token] {
        var open: [UInt8] = Array("{{".utf8)
        var close: [UInt8] = Array("}}".utf8)
        var tokens: [Token] = []
        var position = 0
        while position < bytes.count {
            guard let start = bytes.firstIndex(ofRun: open, from: position) else {
                tokens.append(.text(start: position, end: bytes.count))
                break
            }
            if start > position { tokens.append(.text(start: position, end: start)) }
            let contentStart = start + open.count
            let sigil = contentStart < bytes.count ? bytes[contentStart] : 0
            // A triple mustache ends with "}" before the closing delimiter; a delimiter change with "=".
            let terminator: [UInt8] = switch sigil {
            case UInt8(ascii: "{"): [UInt8(ascii: "}")] + close
            case UInt8(ascii: "="): [UInt8(ascii: "=")] + close
            default: close
            }
            guard let end = bytes.firstIndex(ofRun: terminator, from: contentStart + (sigil == UInt8(ascii: "{") || sigil == UInt8(ascii: "=") ? 1 : 0)) else {
                throw error("tag is not closed with \(String(decoding: close, as: UTF8.self))", at: start)
            }
            let content = Array(bytes[contentStart..<end])
            position = end + terminator.count
            let kind: Kind
            var body = content.dropFirst()
            switch sigil {
            case UInt8(ascii: "{"), UInt8(ascii: "&"): kind = .unescaped
            case UInt8(ascii: "#"): kind = .section
            case UInt8(ascii: "^"): kind = .inverted
            case UInt8(ascii: "/"): kind = .close
            case UInt8(ascii: ">"): kind = .partial
            case UInt8(ascii: "!"): kind = .comment
            case UInt8(ascii: "="): kind = .delimiters
            case UInt8(ascii: "<"), UInt8(ascii: "$"):
                throw error("template inheritance ({{< }} and {{$ }}) is not supported; use partials ({{> name}})", at: start)
            case UInt8(ascii: "%"):
                throw error("pragmas ({{% }}) are not supported", at: start)
            default:
                kind = .variable
                body = content[...]
            }
            let name = String(String(decoding: body, as: UTF8.self).trimmingWhitespace)
            switch kind {
            case .comment:
                break
            case .delimiters:
                let parts = name.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                    throw error("a delimiter change is written {{=<open> <close>=}} with two delimiters and no '='", at: start)
                }
                open = Array(parts[0].utf8)
                close = Array(parts[1].utf8)
            default:
                try checkName(name, kind: kind, at: start)
            }
            tokens.append(.tag(Tag(kind: kind, name: name, start: start)))
        }
        return tokens
    }

    private func checkName(_ name: String, kind: Kind, at start: Int) throws(TemplateSyntaxError) {
        guard !name.isEmpty else { throw error("tag has no name", at: start) }
        if let bad = name.unicodeScalars.first(where: { $0.properties.isWhitespace || "(){}\"'".unicodeScalars.contains($0) }) {
            let what = bad.properties.isWhitespace ? "whitespace" : "'\(bad)'"
            throw error("name '\(name)' contains \(what); names are keys joined by dots (transforms are not supported)", at: start)
        }
        if kind != .partial, name != ".", name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw error("name '\(name)' has an empty part between dots", at: start)
        }
    }

    // MARK: Standalone lines

    /// How much of each text token survives, and the indentation of standalone partials:
    /// a line holding only whitespace and one section, comment, partial or delimiter tag
    /// leaves no trace in the output.
    private struct Trims {
        var keep: [Int: Range<Int>] = [:]
        var indentation: [Int: [UInt8]] = [:]
    }

    private func standalone(_ tokens: [Token]) -> Trims {
        var trims = Trims()
        for (index, token) in tokens.enumerated() {
            guard case .tag(let tag) = token, tag.kind != .variable, tag.kind != .unescaped else { continue }
            // Before the tag: the line's start, then only blanks.
            var indentStart: Int?
            if index == 0 {
                indentStart = tag.start
            } else if case .text(let start, let end) = tokens[index - 1] {
                if let newline = lastNewline(start, end) {
                    indentStart = isBlank(newline + 1, end) ? newline + 1 : nil
                } else if index == 1, isBlank(start, end) {
                    indentStart = start
                }
            }
            guard let indentStart else { continue }
            // After the tag: only blanks, then the line's end.
            var resumeAt: Int?
            if index == tokens.count - 1 {
                resumeAt = bytes.count
            } else if case .text(let start, let end) = tokens[index + 1] {
                if let newline = firstNewline(start, end) {
                    resumeAt = isBlank(start, newline, endsLine: true) ? newline + 1 : nil
                } else if index + 1 == tokens.count - 1, isBlank(start, end) {
                    resumeAt = end
                }
            }
            guard let resumeAt else { continue }
            if index > 0, case .text(let start, let end) = tokens[index - 1] {
                let kept = trims.keep[index - 1] ?? start..<end
                trims.keep[index - 1] = kept.lowerBound..<max(kept.lowerBound, min(kept.upperBound, indentStart))
            }
            if index + 1 < tokens.count, case .text(let start, let end) = tokens[index + 1] {
                let kept = trims.keep[index + 1] ?? start..<end
                trims.keep[index + 1] = min(max(kept.lowerBound, resumeAt), kept.upperBound)..<kept.upperBound
            }
            if tag.kind == .partial { trims.indentation[index] = Array(bytes[indentStart..<tag.start]) }
        }
        return trims
    }

    private func lastNewline(_ start: Int, _ end: Int) -> Int? {
        (start..<end).last { bytes[$0] == UInt8(ascii: "\n") }
    }

    private func firstNewline(_ start: Int, _ end: Int) -> Int? {
        (start..<end).first { bytes[$0] == UInt8(ascii: "\n") }
    }

    /// Only spaces and tabs; with `endsLine`, the range may end in the `\r` of a CRLF.
    private func isBlank(_ start: Int, _ end: Int, endsLine: Bool = false) -> Bool {
        let end = endsLine && end > start && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
        return bytes[start..<end].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    // MARK: Tree

    private struct OpenSection {
        let tag: Tag
        var nodes: [Template.Node] = []
    }

    private func tree(_ tokens: [Token], _ trims: Trims) throws(TemplateSyntaxError) -> Template {
        var open: [OpenSection] = [OpenSection(tag: Tag(kind: .section, name: "", start: 0))]
        var partials: [(name: String, position: SourcePosition)] = []
        for (index, token) in tokens.enumerated() {
            switch token {
            case .text(let start, let end):
                let kept = trims.keep[index] ?? start..<end
                if !kept.isEmpty { open[open.count - 1].nodes.append(.text(Array(bytes[kept]))) }
            case .tag(let tag):
                switch tag.kind {
                case .comment, .delimiters:
                    break
                case .variable, .unescaped:
                    open[open.count - 1].nodes.append(.variable(Self.name(tag.name), escaped: tag.kind == .variable))
                case .partial:
                    open[open.count - 1].nodes.append(.partial(tag.name, indentation: trims.indentation[index] ?? []))
                    partials.append((tag.name, position(tag.start)))
                case .section, .inverted:
                    // Rendering recurses once per level: bound it so no template can exhaust the stack.
                    guard open.count <= Self.maxDepth else {
                        throw error("sections are nested more than \(Self.maxDepth) deep", at: tag.start)
                    }
                    open.append(OpenSection(tag: tag))
                case .close:
                    guard open.count > 1 else { throw error("{{/\(tag.name)}} closes no open section", at: tag.start) }
                    let section = open.removeLast()
                    guard section.tag.name == tag.name else {
                        let opened = position(section.tag.start)
                        throw error("{{/\(tag.name)}} does not close {{#\(section.tag.name)}} (opened at line \(opened.line), column \(opened.column))", at: tag.start)
                    }
                    open[open.count - 1].nodes.append(.section(Self.name(section.tag.name), section.nodes, inverted: section.tag.kind == .inverted))
                }
            }
        }
        if open.count > 1, let unclosed = open.last {
            throw error("section {{#\(unclosed.tag.name)}} is never closed", at: unclosed.tag.start)
        }
        return Template(nodes: open[0].nodes, partials: partials)
    }

    private static func name(_ text: String) -> Template.Name {
        Template.Name(parts: text == "." ? [] : text.split(separator: ".").map(String.init))
    }

    // MARK: Positions

    private func position(_ offset: Int) -> SourcePosition {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        // Columns count Unicode scalars: every byte that does not continue a UTF-8 sequence.
        let column = bytes[lineStart..<offset].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return SourcePosition(line: line, column: column)
    }

    private func error(_ message: String, at offset: Int) -> TemplateSyntaxError {
        TemplateSyntaxError(message: message, position: position(offset))
    }
}
