import ShareModel

extension JSONValue {
    /// The member `key` of an object, or nil.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The value at a path of object keys, or nil.
    func value(at path: some Collection<String>) -> JSONValue? {
        guard let key = path.first else { return self }
        return self[key]?.value(at: path.dropFirst())
    }

    var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// RFC 7396 JSON Merge Patch: objects merge member by member, `null` removes a
    /// member, anything else replaces. This is what `put` does with its body.
    func merged(with patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var members = objectMembers ?? []
        for (key, change) in changes {
            let index = members.firstIndex { $0.0 == key }
            if change == .null {
                if let index { members.remove(at: index) }
            } else if let index {
                members[index].1 = members[index].1.merged(with: change)
            } else {
                members.append((key, JSONValue.null.merged(with: change)))
            }
        }
        return .object(members)
    }

    /// The object with `value` at `path`, creating missing parent objects.
    func setting(_ value: JSONValue, at path: some Collection<String>) -> JSONValue {
        guard let key = path.first else { return value }
        var members = objectMembers ?? []
        if let index = members.firstIndex(where: { $0.0 == key }) {
            members[index].1 = members[index].1.setting(value, at: path.dropFirst())
        } else {
            members.append((key, JSONValue.object([]).setting(value, at: path.dropFirst())))
        }
        return .object(members)
    }

    /// The object without the member at `path`.
    func removing(at path: some Collection<String>) -> JSONValue {
        guard let key = path.first, case .object(var members) = self,
              let index = members.firstIndex(where: { $0.0 == key }) else { return self }
        if path.count == 1 {
            members.remove(at: index)
        } else {
            members[index].1 = members[index].1.removing(at: path.dropFirst())
        }
        return .object(members)
    }

    /// Equal up to member order and number spelling (`1.50` and `1.5`): what a file
    /// means, which is what an edit must preserve or change.
    func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in b.first { $0.0 == key }.map { value.isEquivalent(to: $0.1) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        case (.number(let a), .number(let b)):
            return a == b || (Double(a) != nil && Double(a) == Double(b))
        default:
            return self == other
        }
    }
}
