import ShareModel

/// Renders diagnostics in the formats of `sharegen check --format`.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text, json, github
}

public struct DiagnosticFormatter: Sendable {
    /// Returns line `line` (1-based) of `file`, for the excerpt under a text diagnostic.
    public typealias SourceLines = @Sendable (_ file: String, _ line: Int) -> String?

    var format: DiagnosticFormat
    var sourceLines: SourceLines?
    /// Put before each file in workflow annotations, which GitHub resolves from the
    /// repository's root (e.g. `site/` when the site is in a subfolder).
    var annotationPrefix: String

    public init(format: DiagnosticFormat, sourceLines: SourceLines? = nil, annotationPrefix: String = "") {
        self.format = format
        self.sourceLines = sourceLines
        self.annotationPrefix = annotationPrefix
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        switch format {
        // Each excerpt reads its file (thousands of warnings after a build that read none of them).
        case .text: return diagnostics.parallelMap(text).joined()
        case .github: return diagnostics.map(github).joined()
        case .json: return json(diagnostics)
        }
    }

    /// `file:line:column: error: message [rule]`, then the source line and a caret.
    public func text(_ diagnostic: Diagnostic) -> String {
        var out = "\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.rule)]\n"
        if let line = sourceLines?(diagnostic.file, diagnostic.line) {
            let shown = String(line.prefix(200)).map { $0 == "\t" ? " " : $0 }
            out += "    " + String(shown) + "\n"
            // Columns count Unicode scalars; the caret is placed by characters as displayed.
            let scalars = line.unicodeScalars.prefix(max(diagnostic.column - 1, 0))
            let offset = min(String(String.UnicodeScalarView(scalars)).count, shown.count)
            out += "    " + String(repeating: " ", count: offset) + "^\n"
        }
        return out
    }

    /// A GitHub Actions workflow command, which shows as an annotation on the diff.
    func github(_ diagnostic: Diagnostic) -> String {
        let command = diagnostic.severity == .error ? "error" : "warning"
        let properties = [
            "file=\(escapeProperty(annotationPrefix + diagnostic.file))", "line=\(diagnostic.line)", "col=\(diagnostic.column)",
            "title=\(escapeProperty(diagnostic.rule))",
        ].joined(separator: ",")
        return "::\(command) \(properties)::\(escapeData(diagnostic.message))\n"
    }

    func json(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let summary = JSONValue.object([
            ("errors", .number(errors)), ("warnings", .number(diagnostics.count - errors)),
            ("diagnostics", .array(diagnostics.map(DiagnosticFormatter.jsonValue))),
        ])
        return summary.serialized(pretty: true) + "\n"
    }

    /// One diagnostic as the JSON formats write it, for reports that embed diagnostics.
    public static func jsonValue(_ diagnostic: Diagnostic) -> JSONValue {
        .object([
            ("file", .string(diagnostic.file)), ("line", .number(diagnostic.line)), ("column", .number(diagnostic.column)),
            ("severity", .string(diagnostic.severity.rawValue)), ("rule", .string(diagnostic.rule)),
            ("message", .string(diagnostic.message)),
            ("related", .array(diagnostic.related.map { .object([("file", .string($0.file)), ("line", .number($0.line)), ("column", .number($0.column))]) })),
        ])
    }

    /// Escapes by scalar: as a Character, "\r\n" would match neither "\r" nor "\n".
    private func escape(_ text: String, _ escapes: [Unicode.Scalar: String]) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let escaped = escapes[scalar] { out += escaped } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    private func escapeData(_ text: String) -> String {
        escape(text, ["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    private func escapeProperty(_ text: String) -> String {
        escape(text, ["%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"])
    }

    /// Line `line` (1-based) of a file's bytes without its line ending, for `SourceLines`.
    public static func line(_ line: Int, of bytes: [UInt8]) -> String? {
        // Split on the byte: as a Character, "\r\n" is one grapheme and never equals "\n".
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let text = lines[line - 1]
        return String(decoding: text.last == UInt8(ascii: "\r") ? text.dropLast() : text, as: UTF8.self)
    }

    /// "2 errors, 1 warning" style summary.
    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return "\(counted(errors, "error")), \(counted(diagnostics.count - errors, "warning"))"
    }

    /// "1 page", "2 pages": a count with its noun, plural when it is not one.
    public static func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }
}
