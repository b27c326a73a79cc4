/// A JSON or YAML value that remembers where it was written. The loader produces
/// these for every file so that each rule can point at the offending value.
public struct SourceValue: Sendable {
    public indirect enum Kind: Sendable {
        case object([SourceMember])
        case array([SourceValue])
        case string(String)
        /// The literal as written, so large or precise numbers survive untouched.
        case number(String)
        case bool(Bool)
        case null
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The members of an object, or nil.
    public var members: [SourceMember]? {
        if case .object(let members) = kind { return members }
        return nil
    }

    public var elements: [SourceValue]? {
        if case .array(let elements) = kind { return elements }
        return nil
    }

    public var string: String? {
        if case .string(let value) = kind { return value }
        return nil
    }

    public var number: Double? {
        if case .number(let literal) = kind { return Double(literal) }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = kind { return value }
        return nil
    }

    /// The value with locations stripped, for templates and the manifest.
    public var json: JSONValue {
        switch kind {
        case .object(let members): return .object(members.map { ($0.key, $0.value.json) })
        case .array(let elements): return .array(elements.map(\.json))
        case .string(let value): return .string(value)
        case .number(let literal): return .number(literal)
        case .bool(let value): return .bool(value)
        case .null: return .null
        }
    }

    /// A short name of the value's type for messages.
    public var typeName: String {
        switch kind {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        }
    }

    public subscript(key: String) -> SourceValue? {
        members?.first { $0.key == key }?.value
    }
}

public struct SourceMember: Sendable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: SourceValue

    public init(key: String, keyPosition: SourcePosition, value: SourceValue) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
