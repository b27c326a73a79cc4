import ShareModel

/// Named templates that can include each other, rendered straight into bytes with
/// HTML escaping by Unicode scalar (`"` followed by a combining mark is still a quote).
struct TemplateLibrary: Sendable {
    private let templates: [String: Template]

    init(_ templates: [String: Template]) {
        self.templates = templates
    }

    func contains(_ name: String) -> Bool { templates[name] != nil }

    /// Most partial inclusions one template may expand to: a chain of partials that each
    /// include the next twice doubles the work per level without any cycle.
    static let maxInclusions = 10_000

    /// Partials that name no template, include cycles (which would never end) and
    /// expansions past `maxInclusions`, as (template, message, position) triples.
    func includeProblems() -> [(template: String, message: String, position: SourcePosition)] {
        var problems: [(template: String, message: String, position: SourcePosition)] = []
        var cyclic = false
        for (name, template) in templates.sorted(by: { $0.key < $1.key }) {
            for partial in template.partials where templates[partial.name] == nil {
                problems.append((name, "partial {{> \(partial.name)}} names no template (no templates/\(partial.name).mustache)", partial.position))
            }
            if let cycle = cycle(from: name), let first = template.partials.first(where: { $0.name == cycle[1] }) {
                problems.append((name, "partials include each other without end: \(cycle.joined(separator: " → "))", first.position))
                cyclic = true
            }
        }
        guard !cyclic else { return problems }
        var memo: [String: Int] = [:]
        for (name, template) in templates.sorted(by: { $0.key < $1.key }) where inclusions(name, &memo) > Self.maxInclusions {
            let position = template.partials.first?.position ?? SourcePosition(line: 1, column: 1)
            problems.append((name, "partials expand to more than \(Self.maxInclusions) inclusions in one page", position))
        }
        return problems
    }

    /// How many partials rendering `name` includes, counting repeats (sections aside);
    /// capped just past the limit so the count cannot overflow. Needs no cycles.
    private func inclusions(_ name: String, _ memo: inout [String: Int]) -> Int {
        if let known = memo[name] { return known }
        var total = 0
        for partial in templates[name]?.partials ?? [] where templates[partial.name] != nil {
            total = min(Self.maxInclusions + 1, total + 1 + inclusions(partial.name, &memo))
        }
        memo[name] = total
        return total
    }

    /// The shortest chain of partials from `start` back to itself, by breadth-first
    /// search (each template visited once, so any number of partials stays cheap).
    private func cycle(from start: String) -> [String]? {
        var cameFrom: [String: String] = [:]
        var queue = [start]
        var index = 0
        while index < queue.count {
            let name = queue[index]
            index += 1
            for partial in templates[name]?.partials ?? [] {
                if partial.name == start {
                    var chain = [name]
                    while let previous = cameFrom[chain[chain.count - 1]] { chain.append(previous) }
                    return chain.reversed() + [start]
                }
                guard partial.name != start, cameFrom[partial.name] == nil, templates[partial.name] != nil else { continue }
                cameFrom[partial.name] = name
                queue.append(partial.name)
            }
        }
        return nil
    }

    /// Renders `name` with `context` looked up from the last value to the first. An
    /// unknown template renders nothing (`TemplateSet` checks the names it needs).
    func render(_ name: String, _ context: [TemplateValue]) -> [UInt8] {
        var output = TemplateOutput()
        var stack = context
        if let template = templates[name] { render(template.nodes, &stack, &output) }
        return output.bytes
    }

    private func render(_ nodes: [Template.Node], _ stack: inout [TemplateValue], _ output: inout TemplateOutput) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.appendTemplateText(bytes)
            case .variable(let name, let escaped):
                switch lookup(name, stack) {
                case .text(let text): output.appendValue(text, escaped: escaped)
                case .flag(let flag): output.appendValue(flag ? "true" : "false", escaped: false)
                case .list, .object, .null, nil: break
                }
            case .section(let name, let children, let inverted):
                let value = lookup(name, stack)
                if inverted {
                    if !(value?.isTruthy ?? false) { render(children, &stack, &output) }
                    continue
                }
                guard let value, value.isTruthy else { continue }
                switch value {
                case .list(let elements):
                    for element in elements {
                        stack.append(element)
                        render(children, &stack, &output)
                        stack.removeLast()
                    }
                case .flag:
                    render(children, &stack, &output)
                default:
                    stack.append(value)
                    render(children, &stack, &output)
                    stack.removeLast()
                }
            case .partial(let name, let indentation):
                // Cycles are refused when the library is loaded, so this recursion ends.
                guard let template = templates[name] else { continue }
                let outer = output.indentation
                if !indentation.isEmpty {
                    output.indentation = outer + indentation
                    output.atLineStart = true
                }
                render(template.nodes, &stack, &output)
                output.indentation = outer
            }
        }
    }

    /// The spec's lookup: the first part from the innermost value that has it, the rest
    /// inside that value only.
    private func lookup(_ name: Template.Name, _ stack: [TemplateValue]) -> TemplateValue? {
        guard let first = name.parts.first else { return stack.last }
        var found: TemplateValue?
        for value in stack.reversed() {
            if let child = value.child(first) {
                found = child
                break
            }
        }
        for part in name.parts.dropFirst() {
            found = found?.child(part)
        }
        return found
    }
}

/// Rendered bytes, with the indentation of the standalone partials being rendered.
private struct TemplateOutput {
    var bytes: [UInt8] = []
    var indentation: [UInt8] = []
    var atLineStart = true

    init() {
        bytes.reserveCapacity(8192)
    }

    /// Template text: every line of an indented partial starts with the indentation.
    mutating func appendTemplateText(_ text: [UInt8]) {
        guard !indentation.isEmpty else { return bytes.append(contentsOf: text) }
        for byte in text {
            if atLineStart {
                bytes.append(contentsOf: indentation)
                atLineStart = false
            }
            bytes.append(byte)
            if byte == UInt8(ascii: "\n") { atLineStart = true }
        }
    }

    /// Data: indented where it starts a line, never inside (values are not template lines).
    mutating func appendValue(_ text: String, escaped: Bool) {
        if text.isEmpty { return }
        if !indentation.isEmpty, atLineStart {
            bytes.append(contentsOf: indentation)
        }
        atLineStart = false
        if escaped { HTMLEscaping.append(text, to: &bytes) } else { bytes.append(contentsOf: text.utf8) }
    }
}
