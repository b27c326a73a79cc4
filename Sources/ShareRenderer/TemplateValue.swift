import ShareModel

/// A value a Mustache template can show or iterate: typed, so rendering looks names up
/// in dictionaries instead of casting `Any` (which cost a third of a build's CPU).
indirect enum TemplateValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case text(String)
    case flag(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    /// JSON `null`: empty and false.
    case null

    init(stringLiteral value: String) { self = .text(value) }
    init(booleanLiteral value: Bool) { self = .flag(value) }

    /// An object from optional members; nil members are left out (so sections skip them).
    static func members(_ pairs: KeyValuePairs<String, TemplateValue?>) -> TemplateValue {
        var object: [String: TemplateValue] = [:]
        object.reserveCapacity(pairs.count)
        for (key, value) in pairs { if let value { object[key] = value } }
        return .object(object)
    }

    /// A JSON value as template data: objects and arrays stay traversable, numbers show
    /// their literal.
    init(_ json: JSONValue) {
        switch json {
        case .object(let members):
            self = .object(Dictionary(members.map { ($0.0, TemplateValue($0.1)) }, uniquingKeysWith: { first, _ in first }))
        case .array(let elements): self = .list(elements.map(TemplateValue.init))
        case .string(let text): self = .text(text)
        case .number(let literal): self = .text(literal)
        case .bool(let flag): self = .flag(flag)
        case .null: self = .null
        }
    }

    /// Sections render for every value except false, null, "" and [] (as mustache.js does).
    var isTruthy: Bool {
        switch self {
        case .text(let text): !text.isEmpty
        case .flag(let flag): flag
        case .list(let elements): !elements.isEmpty
        case .object: true
        case .null: false
        }
    }

    func child(_ name: String) -> TemplateValue? {
        if case .object(let members) = self { members[name] } else { nil }
    }
}
