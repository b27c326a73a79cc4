import Foundation
import ShareLoader
import ShareModel
@testable import ShareRenderer
import Testing
import TestSupport

/// The official Mustache spec's files, read at run time from the workspace's shared
/// data folder next to the repository (not copied into it).
private enum MustacheSpec {
    static let folder = URL(fileURLWithPath: Tools.repository).appendingPathComponent("../shared/data/mustache-spec").standardizedFileURL

    static var available: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("interpolation.json").path)
    }

    /// The spec's required modules: each must be present, and every case must pass.
    static let modules = ["comments", "delimiters", "interpolation", "inverted", "partials", "sections"]

    /// The spec's optional modules (their files start with `~`) that sharegen leaves out,
    /// with why; the README's "Template language" lists the same. A file in the folder
    /// that is neither required nor excluded here fails the test, so none is skipped unseen.
    static let exclusions: [String: String] = [
        "~lambdas": "lambdas: templates render data files, which cannot hold code",
        "~inheritance": "template inheritance ({{< }} and {{$ }}) is refused as a template.syntax error; partials cover the built-in templates",
        "~dynamic-names": "dynamic partial names ({{>*name}}) would defeat the load-time check for missing and cyclic partials",
    ]

    static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    struct Case {
        let name: String
        let data: TemplateValue
        let template: String
        let partials: [String: String]
        let expected: String
    }

    static func cases(_ module: String) throws -> [Case] {
        let path = folder.appendingPathComponent("\(module).json").path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let (value, diagnostics) = LocatedJSONParser.parse(bytes, file: path)
        let root = try #require(value?.json, "\(path): \(diagnostics.map(\.message))")
        guard case .array(let tests)? = root["tests"] else { throw SpecError(message: "\(path) has no tests") }
        return try tests.map { test in
            guard case .string(let name)? = test["name"], case .string(let template)? = test["template"],
                  case .string(let expected)? = test["expected"], let data = test["data"] else {
                throw SpecError(message: "\(path): a test lacks name, template, expected or data")
            }
            var partials: [String: String] = [:]
            if case .object(let members)? = test["partials"] {
                for case (let key, .string(let text)) in members { partials[key] = text }
            }
            // Data becomes template values the way share data does.
            return Case(name: name, data: TemplateValue(data), template: template, partials: partials, expected: expected)
        }
    }

    struct SpecError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

private extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members.first { $0.0 == key }?.1 } else { nil }
    }
}

@Suite("Mustache spec")
struct MustacheSpecTests {
    @Test(
        "the engine renders every case of the spec's required modules",
        .enabled(if: MustacheSpec.available, "the Mustache spec is not at ../shared/data/mustache-spec next to the repository"),
        arguments: MustacheSpec.modules)
    func module(_ module: String) throws {
        for example in try MustacheSpec.cases(module) {
            let key = "\(module)/\(example.name)"
            do {
                var templates = ["main": try TemplateParser.parse(example.template)]
                for (name, text) in example.partials { templates[name] = try TemplateParser.parse(text) }
                let rendered = String(decoding: TemplateLibrary(templates).render("main", [example.data]), as: UTF8.self)
                #expect(rendered == example.expected, "\(key)\n\(example.template.debugDescription)")
            } catch {
                Issue.record("\(key): \(error.message) at \(error.position)")
            }
        }
    }

    @Test(
        "every file of the spec folder is a required module or a named exclusion",
        .enabled(if: MustacheSpec.available, "the Mustache spec is not at ../shared/data/mustache-spec next to the repository"))
    func everyFileIsAccountedFor() throws {
        let files = try MustacheSpec.files()
        for module in MustacheSpec.modules { #expect(files.contains(module), "required module \(module).json is missing") }
        for file in files where !MustacheSpec.modules.contains(file) {
            #expect(MustacheSpec.exclusions[file] != nil, "\(file).json is neither run nor a named exclusion")
        }
    }
}
