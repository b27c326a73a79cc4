import ShareLoader
import ShareModel

/// The output formats of `sharegen diff --format`.
public enum DiffFormat: String, Sendable, CaseIterable {
    /// Aligned tables and the usual `file:line:column` diagnostics, for terminals and CI logs.
    case text
    /// A pull-request comment: a summary line, then tables with links to the pages.
    case markdown
    /// A stable object for scripts; `version` changes if its shape ever does.
    case json
}

/// Renders a `DiffReport` in one of the `DiffFormat`s.
public struct DiffRenderer: Sendable {
    public var format: DiffFormat
    /// Source lines for the excerpts under text diagnostics (working-tree files).
    public var sourceLines: DiagnosticFormatter.SourceLines?

    /// The first line of the Markdown output, so a CI job can find and update its earlier comment.
    public static let markdownMarker = "<!-- sharegen-diff -->"

    public init(format: DiffFormat, sourceLines: DiagnosticFormatter.SourceLines? = nil) {
        self.format = format
        self.sourceLines = sourceLines
    }

    public func render(_ report: DiffReport) -> String {
        switch format {
        case .text: return text(report)
        case .markdown: return markdown(report)
        case .json: return json(report).serialized(pretty: true) + "\n"
        }
    }

    // MARK: text

    private func text(_ report: DiffReport) -> String {
        var out = "sharegen diff \(report.ref) → working tree (\(report.channelScope)): "
        if report.workingTreeIsValid {
            let parts = report.summaryParts
            out += (parts.isEmpty ? "no changes" : parts.joined(separator: ", ")) + "; \(DiagnosticFormatter.summary(report.diagnostics))\n"
        } else {
            out += "the working tree is invalid (\(DiagnosticFormatter.summary(report.diagnostics))); nothing was compared\n"
        }
        if let note = report.baseNote { out += "note: \(note)\n" }
        for section in report.sections {
            out += "\n\(section.title) (\(section.rows.count))\n"
            // In a terminal a link is its URL, which most terminals make clickable.
            let rows = [section.columns] + section.rows.map { $0.map { $0.url ?? $0.text } }
            let widths = section.columns.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let padded = row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
                }
                out += "  " + padded.joined(separator: "  ").trimmingTrailingSpaces + "\n"
            }
        }
        if !report.diagnostics.isEmpty {
            out += "\n" + DiagnosticFormatter(format: .text, sourceLines: sourceLines).render(report.diagnostics)
        }
        return out
    }

    // MARK: markdown

    private func markdown(_ report: DiffReport) -> String {
        var out = DiffRenderer.markdownMarker + "\n"
        out += "### sharegen diff: \(escape(report.ref)) → this branch (\(report.channelScope))\n\n"
        let errors = report.diagnostics.filter { $0.severity == .error }.count
        let status: String
        if !report.workingTreeIsValid {
            status = "❌ **The working tree is invalid** (\(DiagnosticFormatter.summary(report.diagnostics))); nothing was compared. Run `sharegen check`."
        } else if errors > 0 {
            status = "❌ **\(DiagnosticFormatter.summary(report.diagnostics)): this change breaks the contract with viewers**"
        } else {
            status = "✅ **No blocking problems**"
        }
        let parts = report.workingTreeIsValid ? (report.summaryParts.isEmpty ? ["no changes"] : report.summaryParts) : []
        out += ([status] + parts).joined(separator: " · ") + "\n"
        if let note = report.baseNote { out += "\n> **Note:** \(escape(note))\n" }
        if !report.diagnostics.isEmpty {
            out += "\n#### Problems (\(report.diagnostics.count))\n\n"
            for diagnostic in report.diagnostics {
                out += "- **\(diagnostic.severity.rawValue)** \(escape("\(diagnostic.file):\(diagnostic.line):\(diagnostic.column)")): \(escape(diagnostic.message)) [\(escape(diagnostic.rule))]\n"
            }
        }
        for section in report.sections {
            out += "\n#### \(section.title) (\(section.rows.count))\n\n"
            out += "| " + section.columns.joined(separator: " | ") + " |\n"
            out += "|" + String(repeating: " --- |", count: section.columns.count) + "\n"
            for row in section.rows {
                let cells = row.map { cell in cell.url.map { "[\(escape(cell.text))](\($0))" } ?? escape(cell.text) }
                out += "| " + cells.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    /// Escapes text from share files so that it shows literally in a comment: no formatting,
    /// no HTML, no table breaks and no @-mentions that would notify people.
    private func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#", "!": out += "\\" + String(character)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "@": out += "&#64;"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    // MARK: json

    private func json(_ report: DiffReport) -> JSONValue {
        func answer(_ answer: URLAnswer) -> JSONValue {
            .compactObject([("status", .number(answer.statusCode)), ("kind", .string(answer.kind)), ("location", answer.location.map(JSONValue.string))])
        }
        func share(_ share: ShareSummary) -> [(String, JSONValue)] {
            [
                ("channel", .string(share.channel.rawValue)), ("project", .string(share.project)),
                ("visibility", .string(share.visibility.rawValue)), ("status", .string(share.status.rawValue)),
                ("slug", .string(share.slug)), ("url", .string(share.url)), ("title", .string(share.title)), ("file", .string(share.file)),
            ]
        }
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        let errors = report.diagnostics.filter { $0.severity == .error }.count
        return .object([
            ("version", .number(1)),
            ("ref", .string(report.ref)),
            ("channels", .array(report.channels.map { .string($0.rawValue) })),
            ("workingTreeValid", .bool(report.workingTreeIsValid)),
            ("baseErrors", .number(report.baseErrorCount)),
            ("errors", .number(errors)),
            ("warnings", .number(report.diagnostics.count - errors)),
            ("urls", .array(report.urlChanges.map {
                .object([("channel", .string($0.channel.rawValue)), ("slug", .string($0.slug)), ("url", .string($0.url)),
                         ("before", answer($0.before)), ("after", answer($0.after))])
            })),
            ("shares", .array(report.shareChanges.map { .object([("change", .string($0.kind.rawValue))] + share($0.share)) })),
            ("rotations", .array(report.rotations.map {
                .object(share($0.share) + [("from", .string($0.from)), ("to", .string($0.to)), ("mode", .string($0.mode.rawValue)),
                                            ("fromUrl", .string($0.fromURL)), ("toUrl", .string($0.toURL))])
            })),
            ("fields", .array(report.fieldChanges.map {
                .object(share($0.share) + [("field", .string($0.field)), ("before", optional($0.before)), ("after", optional($0.after))])
            })),
            ("credentials", .array(report.credentialChanges.map {
                .object([("change", .string($0.kind.rawValue)), ("id", .string($0.id)), ("project", .string($0.project)),
                         ("name", .string($0.name)), ("file", .string($0.file))])
            })),
            ("diagnostics", .array(report.diagnostics.map(DiagnosticFormatter.jsonValue))),
        ])
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
