import Foundation

/// A test double of Netlify serving a published folder: a small reader of `_redirects` and
/// `_headers` that applies them as Netlify documents, so that the parity tests can hold
/// Netlify's answers beside nginx's and the preview's. It is not Netlify; its assumptions:
///
/// - `_redirects` and `_headers` are read from the root of the published folder. `#` lines and
///   blank lines are comments; a rule is `from to status[!]`.
/// - A rule's `from` matches a request path exactly (a trailing slash on either side does not
///   matter, as Netlify normalizes it), or up to a final `*` (any rest, the empty one included);
///   a `:name` segment matches any one segment. The same matching serves `_headers` patterns.
/// - The first matching rule wins. A rule that is not forced (`!`) does not shadow a file that
///   exists at the path: the file is served instead ("shadowing").
/// - A 3xx rule redirects to `to`, with the request's query string passed through; any other
///   status (200, 404, 410) rewrites: the body is the file at `to`, the status the rule's.
/// - Files: `/x/` is `/x/index.html`; `/x` is the file `/x`, or, when `/x/index.html` exists, a
///   301 to `/x/` keeping the query (Netlify's trailing-slash redirect for folders). A folder
///   without `index.html` is not a file.
/// - A path with neither a rule nor a file answers 404 with `/404.html`.
/// - Every `_headers` block whose pattern matches the request path adds its headers to the
///   answer, whatever its status (Netlify's `_headers` cannot depend on the status).
struct NetlifyModel {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var location: String?
        var body: [UInt8]
    }

    private struct Rule {
        var from: String
        var to: String
        var status: Int
        var force: Bool
    }

    /// The published folder: URL path (`/a/index.html`) → bytes.
    let files: [String: [UInt8]]
    private let rules: [Rule]
    private let headerBlocks: [(pattern: String, fields: [(String, String)])]

    init(files: [String: [UInt8]]) throws {
        self.files = files
        var rules: [Rule] = []
        for line in Self.lines(files["/_redirects"]) {
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.count == 3, let status = Int(words[2].hasSuffix("!") ? String(words[2].dropLast()) : words[2]) else {
                throw TestFailure("_redirects: a line the model does not read: \(line)")
            }
            rules.append(Rule(from: words[0], to: words[1], status: status, force: words[2].hasSuffix("!")))
        }
        var blocks: [(pattern: String, fields: [(String, String)])] = []
        for line in Self.lines(files["/_headers"]) {
            if !line.hasPrefix(" ") && !line.hasPrefix("\t") {
                blocks.append((line, []))
            } else if let colon = line.firstIndex(of: ":"), !blocks.isEmpty {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                blocks[blocks.count - 1].fields.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            } else {
                throw TestFailure("_headers: a line the model does not read: \(line)")
            }
        }
        self.rules = rules
        headerBlocks = blocks
    }

    /// The answer to a GET of `path` with the raw query string `query` ("" for none).
    func get(_ path: String, query: String = "") -> Answer {
        var answer = route(path, query: query)
        for block in headerBlocks where Self.matches(block.pattern, path) {
            for (name, value) in block.fields { answer.headers[name.lowercased()] = value }
        }
        return answer
    }

    private func route(_ path: String, query: String) -> Answer {
        let file = resolve(path, query: query)
        if let rule = rules.first(where: { Self.matches($0.from, path) }), rule.force || file == nil {
            if (300..<400).contains(rule.status) { return redirect(rule.status, to: rule.to, query: query) }
            guard let body = files[rule.to] else { return notFound() }
            return Answer(status: rule.status, headers: [:], body: body)
        }
        return file ?? notFound()
    }

    /// The static answer for a path that names a file, or nil.
    private func resolve(_ path: String, query: String) -> Answer? {
        if path.hasSuffix("/") { return files[path + "index.html"].map { Answer(status: 200, headers: [:], body: $0) } }
        if let body = files[path] { return Answer(status: 200, headers: [:], body: body) }
        if files[path + "/index.html"] != nil { return redirect(301, to: path + "/", query: query) }
        return nil
    }

    private func redirect(_ status: Int, to target: String, query: String) -> Answer {
        Answer(status: status, headers: [:], location: target + (query.isEmpty ? "" : "?" + query), body: [])
    }

    private func notFound() -> Answer {
        Answer(status: 404, headers: [:], body: files["/404.html"] ?? Array("Not Found".utf8))
    }

    /// Netlify path matching: exact up to a trailing slash, `*` for any rest, `:name` for one segment.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        if pattern.hasSuffix("*") { return path.hasPrefix(pattern.dropLast()) }
        func segments(_ text: String) -> [Substring] {
            text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().filter { !$0.isEmpty }
        }
        let want = segments(pattern), have = segments(path)
        return want.count == have.count && zip(want, have).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }

    private static func lines(_ bytes: [UInt8]?) -> [String] {
        String(decoding: bytes ?? [], as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
    }
}
