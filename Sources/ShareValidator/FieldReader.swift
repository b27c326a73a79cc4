import ShareModel

/// Reads the fields of one located JSON/YAML object, recording a diagnostic for every
/// missing, mistyped or unknown field instead of stopping at the first.
struct FieldReader {
    let file: String
    let object: SourceValue
    let members: [SourceMember]
    var diagnostics: [Diagnostic] = []

    /// Returns nil (with a diagnostic) when `value` is not an object.
    init?(file: String, value: SourceValue, what: String, diagnostics: inout [Diagnostic]) {
        guard let members = value.members else {
            diagnostics.append(.error("field.type", "\(what) must be an object, found \(value.typeName)", at: SourceLocation(file: file, position: value.position)))
            return nil
        }
        self.file = file
        self.object = value
        self.members = members
    }

    func location(_ position: SourcePosition) -> SourceLocation {
        SourceLocation(file: file, position: position)
    }

    mutating func error(_ rule: String, _ message: String, at position: SourcePosition) {
        diagnostics.append(.error(rule, message, at: location(position)))
    }

    mutating func warning(_ rule: String, _ message: String, at position: SourcePosition) {
        diagnostics.append(.warning(rule, message, at: location(position)))
    }

    /// Reports keys not in `known`, suggesting the closest known key.
    mutating func rejectUnknownKeys(_ known: [String], in what: String) {
        for member in members where !known.contains(member.key) {
            var message = "unknown field \"\(member.key)\" in \(what)"
            if let suggestion = closestMatch(member.key, among: known) { message += "; did you mean \"\(suggestion)\"?" }
            error("field.unknown", message, at: member.keyPosition)
        }
    }

    func value(_ key: String) -> SourceValue? {
        members.first { $0.key == key }?.value
    }

    /// The member's value, or nil when it is absent or null: an optional field written
    /// as `null` (or left empty in YAML) means the same as a missing one.
    func present(_ key: String) -> SourceValue? {
        guard let value = value(key) else { return nil }
        if case .null = value.kind { return nil }
        return value
    }

    /// The member or nil; a missing required member gets a diagnostic at the object.
    mutating func member(_ key: String, required: Bool) -> SourceValue? {
        if let value = value(key) { return value }
        if required { error("field.required", "missing required field \"\(key)\"", at: object.position) }
        return nil
    }

    mutating func typeError(_ key: String, _ value: SourceValue, expected: String) {
        var message = "\"\(key)\" must be \(expected), found \(value.typeName)"
        if case .bool = value.kind, expected.hasPrefix("a string") {
            message += " (quote it to make it a string)"
        }
        error("field.type", message, at: value.position)
    }

    mutating func string(_ key: String, required: Bool = false) -> (value: String, position: SourcePosition)? {
        guard let value = member(key, required: required) else { return nil }
        if case .null = value.kind, !required { return nil }
        guard let text = value.string else {
            typeError(key, value, expected: "a string")
            return nil
        }
        return (text, value.position)
    }

    mutating func number(_ key: String, required: Bool = false) -> (value: Double, position: SourcePosition)? {
        guard let value = member(key, required: required) else { return nil }
        if case .null = value.kind, !required { return nil }
        guard let number = value.number else {
            typeError(key, value, expected: "a number")
            return nil
        }
        guard number.isFinite else {
            // `1e999` is valid JSON but has no Double value, and would print as "inf".
            error("field.type", "\"\(key)\" is out of range", at: value.position)
            return nil
        }
        return (number, value.position)
    }

    mutating func object(_ key: String, required: Bool = false) -> SourceValue? {
        guard let value = member(key, required: required) else { return nil }
        if case .null = value.kind, !required { return nil }
        guard value.members != nil else {
            typeError(key, value, expected: "an object")
            return nil
        }
        return value
    }

    mutating func array(_ key: String) -> [SourceValue]? {
        guard let value = member(key, required: false) else { return nil }
        if case .null = value.kind { return nil }
        guard let elements = value.elements else {
            typeError(key, value, expected: "a list")
            return nil
        }
        return elements
    }

    /// A string that must be one of an enum's raw values; misspellings get a suggestion.
    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E? where E.RawValue == String {
        guard let (text, position) = string(key, required: required) else { return nil }
        if let value = E(rawValue: text) { return value }
        let allowed = E.allCases.map(\.rawValue)
        var message = "\"\(key)\" must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(text)\""
        if let suggestion = closestMatch(text, among: allowed) { message += "; did you mean \"\(suggestion)\"?" }
        error("field.enum", message, at: position)
        return nil
    }

    /// Merges this reader's diagnostics into `sink`.
    func flush(into sink: inout [Diagnostic]) {
        sink += diagnostics
    }
}
