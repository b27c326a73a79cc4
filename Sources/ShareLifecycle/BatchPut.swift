import ShareLoader
import ShareModel
import ShareValidator

/// The formats of `put --batch`.
public enum BatchFormat: String, Sendable, CaseIterable {
    /// One JSON object a line: `{"project", "channel", "visibility"?, …share fields}`.
    case jsonl
    /// A header row naming the fields (dotted for nested ones), then one share a row.
    case csv
}

/// One record of a batch: which share, the merge patch to apply, and where its fields
/// stand in the batch file, so diagnostics can point there.
public struct BatchRecord: Sendable {
    /// The 1-based line the record starts on.
    public var line: Int
    public var selector: ShareSelector
    public var patch: JSONValue
    /// Where each field's value stands (a dotted path such as `video.id`).
    var positions: [String: SourcePosition]

    func position(of path: [String]) -> SourcePosition {
        var path = path
        while !path.isEmpty {
            if let position = positions[path.joined(separator: ".")] { return position }
            path.removeLast()
        }
        return SourcePosition(line: line, column: 1)
    }
}

/// Reads a batch file into records; every problem is a diagnostic located in the file.
public enum BatchReader {
    /// Fields a CSV cell gives as numbers rather than text.
    static let numericFields: Set<String> = [
        "video.width", "video.height", "video.durationSeconds", "video.segment.start", "video.segment.end",
    ]

    public static func read(_ bytes: [UInt8], format: BatchFormat, file: String) -> (records: [BatchRecord], diagnostics: [Diagnostic]) {
        switch format {
        case .jsonl: return jsonLines(bytes, file: file)
        case .csv: return csv(bytes, file: file)
        }
    }

    private static func jsonLines(_ bytes: [UInt8], file: String) -> ([BatchRecord], [Diagnostic]) {
        var records: [BatchRecord] = [], diagnostics: [Diagnostic] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var text = Array(line)
            if text.last == UInt8(ascii: "\r") { text.removeLast() }
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let (value, found) = LocatedJSONParser.parse(text, file: file)
            let shift = { (position: SourcePosition) in SourcePosition(line: lineNumber + position.line - 1, column: position.column) }
            if found.hasErrors || value == nil {
                diagnostics += found.map { Diagnostic($0.severity, $0.rule, $0.message, at: SourceLocation(file: file, position: shift($0.location.position))) }
                continue
            }
            guard let value, let members = value.members else {
                diagnostics.append(.error("batch.record", "a JSON Lines record must be an object of share fields", at: SourceLocation(file: file, position: shift(.start))))
                continue
            }
            var positions: [String: SourcePosition] = [:]
            func note(_ value: SourceValue, _ path: String) {
                positions[path] = shift(value.position)
                for member in value.members ?? [] { note(member.value, path.isEmpty ? member.key : path + "." + member.key) }
            }
            note(value, "")
            var fields: [(String, JSONValue)] = []
            var selectorFields: [String: (String, SourcePosition)] = [:]
            for member in members {
                if selectorNames.contains(member.key) {
                    guard let text = member.value.string else {
                        diagnostics.append(.error("batch.record", "\"\(member.key)\" must be a string", at: SourceLocation(file: file, position: shift(member.value.position))))
                        continue
                    }
                    selectorFields[member.key] = (text, shift(member.value.position))
                } else {
                    fields.append((member.key, member.value.json))
                }
            }
            if let record = record(line: lineNumber, selectorFields, patch: .object(fields), positions: positions, file: file, into: &diagnostics) {
                records.append(record)
            }
        }
        return (records, diagnostics)
    }

    private static func csv(_ bytes: [UInt8], file: String) -> ([BatchRecord], [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        // Spreadsheets export "CSV UTF-8" with a byte order mark: it is not part of the first name.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self) else {
            return ([], [.error("batch.encoding", "the batch file is not valid UTF-8", at: SourceLocation(file: file))])
        }
        let (rows, problem) = CSVRows.parse(text)
        if let problem {
            diagnostics.append(.error("batch.format", problem.message, at: SourceLocation(file: file, position: problem.position)))
            return ([], diagnostics)
        }
        guard let header = rows.first else { return ([], diagnostics) }
        let names = header.cells.map(\.text)
        for (index, name) in names.enumerated() where name.isEmpty || names[..<index].contains(name) {
            diagnostics.append(.error(
                "batch.header", name.isEmpty ? "column \(index + 1) of the header has no name" : "column \"\(name)\" is named twice",
                at: SourceLocation(file: file, position: header.cells[index].position)))
        }
        if !diagnostics.isEmpty { return ([], diagnostics) }
        var records: [BatchRecord] = []
        for row in rows.dropFirst() where !row.cells.allSatisfy({ $0.text.isEmpty }) {
            if row.cells.count != names.count {
                diagnostics.append(.error(
                    "batch.format", "the row has \(row.cells.count) fields, the header \(names.count)", at: SourceLocation(file: file, position: row.position)))
                continue
            }
            var patch = JSONValue.object([])
            var positions: [String: SourcePosition] = [:]
            var selectorFields: [String: (String, SourcePosition)] = [:]
            for (name, cell) in zip(names, row.cells) where !cell.text.isEmpty {
                if selectorNames.contains(name) {
                    selectorFields[name] = (cell.text, cell.position)
                    continue
                }
                // A cell that is not a JSON number stays text, so the validator names the field.
                let value: JSONValue = numericFields.contains(name) && isJSONNumber(cell.text) ? .number(cell.text) : .string(cell.text)
                patch = patch.setting(value, at: name.split(separator: ".").map(String.init))
                positions[name] = cell.position
            }
            if let record = record(line: row.position.line, selectorFields, patch: patch, positions: positions, file: file, into: &diagnostics) {
                records.append(record)
            }
        }
        return (records, diagnostics)
    }

    /// Whether `text` is a number as JSON writes it (RFC 8259 §6) and finite as a Double.
    static func isJSONNumber(_ text: String) -> Bool {
        text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil && Double(text)?.isFinite == true
    }

    /// The fields that choose the share rather than set one of its fields.
    static let selectorNames: Set<String> = ["project", "channel", "visibility"]

    /// The record's selector from its `project`, `channel` and `visibility` fields.
    private static func record(
        line: Int, _ fields: [String: (String, SourcePosition)], patch: JSONValue, positions: [String: SourcePosition], file: String,
        into diagnostics: inout [Diagnostic]
    ) -> BatchRecord? {
        let start = SourceLocation(file: file, position: SourcePosition(line: line, column: 1))
        guard let (project, _) = fields["project"] else {
            diagnostics.append(.error("batch.record", "the record names no project", at: start))
            return nil
        }
        guard let (channelName, channelPosition) = fields["channel"] else {
            diagnostics.append(.error("batch.record", "the record names no channel (DEV, STAGING or PROD)", at: start))
            return nil
        }
        guard let channel = Channel(rawValue: channelName) else {
            var message = "unknown channel \"\(channelName)\"; channels are DEV, STAGING and PROD"
            if let suggestion = closestMatch(channelName, among: Channel.allCases.map(\.rawValue)) { message += "; did you mean \"\(suggestion)\"?" }
            diagnostics.append(.error("field.enum", message, at: SourceLocation(file: file, position: channelPosition)))
            return nil
        }
        var visibility: Visibility?
        if let (name, position) = fields["visibility"] {
            guard let value = Visibility(rawValue: name) else {
                diagnostics.append(.error("field.enum", "visibility must be public or private, found \"\(name)\"", at: SourceLocation(file: file, position: position)))
                return nil
            }
            visibility = value
        }
        return BatchRecord(line: line, selector: ShareSelector(project: project, channel: channel, visibility: visibility), patch: patch, positions: positions)
    }
}

/// RFC 4180 rows: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVRows {
    struct Cell {
        var text: String
        var position: SourcePosition
    }

    struct Row {
        var cells: [Cell]
        var position: SourcePosition { cells.first?.position ?? .start }
    }

    static func parse(_ text: String) -> (rows: [Row], problem: (message: String, position: SourcePosition)?) {
        var rows: [Row] = [], cells: [Cell] = []
        var field = "", quoted = false, afterQuote = false
        var line = 1, column = 1
        var start = SourcePosition(line: 1, column: 1)
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        func endField() {
            cells.append(Cell(text: field, position: start))
            field = ""
            afterQuote = false
        }
        while let scalar = next() {
            let here = SourcePosition(line: line, column: column)
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\""); column += 1; continue }
                        pending = following
                    }
                    quoted = false
                    afterQuote = true
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
                start = SourcePosition(line: line, column: column)
            case "\n":
                if field.hasSuffix("\r") && !afterQuote { field.removeLast() }
                endField()
                rows.append(Row(cells: cells))
                cells = []
                start = SourcePosition(line: line, column: column)
            case "\r" where afterQuote:
                continue
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            default:
                if afterQuote { return (rows, ("a quoted field must end at a comma or the end of the line", here)) }
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { return (rows, ("a quoted field is not closed", start)) }
        if !field.isEmpty || !cells.isEmpty || afterQuote {
            endField()
            rows.append(Row(cells: cells))
        }
        return (rows, nil)
    }
}

/// What one record did.
public struct BatchResult: Sendable {
    public var record: BatchRecord
    /// The share's visibility, also when the record left it to the existing share.
    public var visibility: Visibility
    public var change: ShareChange
}

extension SiteLifecycle {
    /// Applies every record as `put` would, under one lock, validating the site once with
    /// all of them applied: all are written, or none. Diagnostics about a record's share
    /// point at the record's line (and field) in `file`; two records for one share are
    /// an error naming both.
    public func putBatch(_ records: [BatchRecord], file: String) throws(LifecycleError) -> [BatchResult] {
        try SiteEdit.locked(root: root) { site throws(LifecycleError) in
            var taken = Self.usedSlugs(in: site)
            let now = environment.timestamp
            var problems: [Diagnostic] = []
            var staged: [(BatchRecord, StagedShare)] = []
            var firstLine: [String: Int] = [:]
            for record in records {
                let at = SourceLocation(file: file, position: SourcePosition(line: record.line, column: 1))
                do throws(LifecycleError) {
                    let (selector, patch) = try Self.checked(record.selector, record.patch)
                    let share = try stage(selector, patch: patch, in: site, at: now, taking: &taken)
                    if let earlier = firstLine[share.file] {
                        problems.append(Diagnostic(
                            .error, "batch.duplicate",
                            "this record and the one on line \(earlier) are both for the \(selector.channel.rawValue) share of project \(selector.project) (\(share.file)); one record per share",
                            at: at, related: [SourceLocation(file: file, position: SourcePosition(line: earlier, column: 1))]))
                        continue
                    }
                    firstLine[share.file] = record.line
                    staged.append((record, share))
                } catch .missingFields(let fields) {
                    problems.append(.error("batch.required", "a new share needs \(fields.joined(separator: " and "))", at: at))
                } catch .usage(let message), .invalid(let message, _, _) {
                    problems.append(.error("batch.record", message, at: at))
                } catch .io(let failure) {
                    throw .io(failure)
                }
            }
            guard problems.isEmpty else {
                throw .invalid("refused: \(problems.count) record\(problems.count == 1 ? "" : "s") cannot be applied; nothing was written", diagnostics: problems, proposed: [:])
            }
            let changes = staged.compactMap(\.1.change)
            var warnings: [String: [Diagnostic]] = [:]
            let config: SiteConfig
            if changes.isEmpty {
                config = SiteValidator().validate(site.loaded).site.config
            } else {
                do throws(LifecycleError) {
                    let commit = try site.commit(changes)
                    config = commit.site.config
                    for warning in commit.warnings { warnings[warning.file, default: []].append(warning) }
                } catch .invalid(let message, let diagnostics, let proposed) {
                    let located = BatchLocator(file: file, staged: staged, proposed: proposed)
                    throw .invalid(message, diagnostics: diagnostics.map(located.locate).sortedForOutput(), proposed: [:])
                }
            }
            return staged.map { record, share in
                BatchResult(record: record, visibility: share.visibility, change: share.result(url: config.pageURL(of: share.slug, in: record.selector.channel), warnings: warnings[share.file] ?? []))
            }
        }
    }
}

/// Moves a diagnostic about a share a batch wrote to the record's line and field.
struct BatchLocator {
    let file: String
    let records: [String: BatchRecord]
    let proposed: [String: [UInt8]]

    init(file: String, staged: [(BatchRecord, SiteLifecycle.StagedShare)], proposed: [String: [UInt8]]) {
        self.file = file
        records = Dictionary(staged.map { ($0.1.file, $0.0) }, uniquingKeysWith: { first, _ in first })
        self.proposed = proposed
    }

    func locate(_ diagnostic: Diagnostic) -> Diagnostic {
        guard let record = records[diagnostic.file] else {
            let related = diagnostic.related.compactMap { records[$0.file].map { SourceLocation(file: file, position: SourcePosition(line: $0.line, column: 1)) } }
            return Diagnostic(diagnostic.severity, diagnostic.rule, diagnostic.message, at: diagnostic.location, related: diagnostic.related + related)
        }
        let path = proposed[diagnostic.file].flatMap { fieldPath(at: diagnostic.location.position, in: $0) } ?? []
        let field = path.isEmpty ? "" : "field \(path.joined(separator: ".")), "
        return Diagnostic(
            diagnostic.severity, diagnostic.rule, "\(diagnostic.message) (\(field)share \(diagnostic.file))",
            at: SourceLocation(file: file, position: record.position(of: path)), related: diagnostic.related)
    }

    /// The member path whose key or value stands at `position` in a JSON share file.
    private func fieldPath(at position: SourcePosition, in bytes: [UInt8]) -> [String]? {
        guard let value = LocatedJSONParser.parse(bytes, file: "").value else { return nil }
        func search(_ value: SourceValue, _ path: [String]) -> [String]? {
            for member in value.members ?? [] {
                if member.keyPosition == position || member.value.position == position { return path + [member.key] }
                if let found = search(member.value, path + [member.key]) { return found }
            }
            return nil
        }
        return search(value, [])
    }
}
