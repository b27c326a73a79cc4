/// A 1-based line and column inside a source file. Columns count Unicode scalars,
/// as libyaml does, so JSON and YAML positions agree.
public struct SourcePosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourcePosition(line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A position in a named file; `file` is relative to the site root.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var file: String
    public var position: SourcePosition

    public init(file: String, position: SourcePosition = .start) {
        self.file = file
        self.position = position
    }

    public var line: Int { position.line }
    public var column: Int { position.column }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.position) < (rhs.file, rhs.position)
    }
}

public enum Severity: String, Sendable, Hashable, Codable {
    case error
    case warning
}

/// One finding about the site. Diagnostics are collected, never thrown: every rule
/// runs and the command fails once at the end.
public struct Diagnostic: Sendable, Hashable {
    public var location: SourceLocation
    public var severity: Severity
    /// Stable identifier users can grep for and CI can match, e.g. `slug.format`.
    public var rule: String
    public var message: String
    /// Other places involved (cross-file rules name every file).
    public var related: [SourceLocation]

    public init(
        _ severity: Severity, _ rule: String, _ message: String,
        at location: SourceLocation, related: [SourceLocation] = []
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.location = location
        self.related = related
    }

    public static func error(_ rule: String, _ message: String, at location: SourceLocation, related: [SourceLocation] = []) -> Diagnostic {
        Diagnostic(.error, rule, message, at: location, related: related)
    }

    public static func warning(_ rule: String, _ message: String, at location: SourceLocation, related: [SourceLocation] = []) -> Diagnostic {
        Diagnostic(.warning, rule, message, at: location, related: related)
    }

    public var file: String { location.file }
    public var line: Int { location.line }
    public var column: Int { location.column }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Stable order for output: by file, position, then rule.
    public func sortedForOutput() -> [Diagnostic] {
        sorted { ($0.location, $0.rule, $0.message) < ($1.location, $1.rule, $1.message) }
    }
}
