import ShareBuild
import ShareRenderer

/// How the preview answers one site path: the status production gives it, and the output
/// file whose bytes form the body.
struct SiteAnswer: Sendable, Equatable {
    var status: Int
    /// The output path of the body (`site/…`), or nil for a redirect.
    var file: String?
    /// Where a 301 leads.
    var location: String?
}

/// A successful build as the preview serves it: every answer is a lookup of an exact key in
/// the build's in-memory files, so no request path can name anything else — not the files
/// beside `site/` (the manifest), not the disk.
struct PreviewSite: Sendable {
    static let notFoundPage = "site/404.html"

    let output: LiveBuild.Output
    /// `redirects.json` by `from` path (`/<slug>/`).
    private let rules: [String: RedirectRule]

    init(_ output: LiveBuild.Output) {
        self.output = output
        rules = Dictionary(output.redirects.map { ($0.from, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The answer for a raw (still percent-encoded) request path, with the statuses of the
    /// nginx include the build writes: a rotated or disabled slug answers its rule at
    /// `/<slug>` and `/<slug>/`, and its stub file is internal (404); a page's folder without
    /// the slash is redirected to it; anything else unknown is 404 with `404.html`.
    func answer(rawPath: String) -> SiteAnswer {
        let notFound = SiteAnswer(status: 404, file: PreviewSite.notFoundPage)
        guard let path = RequestPath.decode(rawPath) else { return notFound }
        let folder = path.hasSuffix("/index.html") ? String(path.dropLast("index.html".count)) : path.hasSuffix("/") ? path : path + "/"
        if let rule = rules[folder] {
            if rule.status == 301 { return SiteAnswer(status: 301, location: rule.to) }
            // The stub itself is internal, as in the nginx include.
            return path.hasSuffix("/index.html") ? notFound : SiteAnswer(status: rule.status, file: "site" + folder.dropFirst(output.basePath.count) + "index.html")
        }
        guard let inside = relative(path) else { return notFound }
        let file = "site" + inside + (inside.hasSuffix("/") ? "index.html" : "")
        if output.files[file] != nil { return SiteAnswer(status: 200, file: file) }
        if !inside.hasSuffix("/"), output.files["site" + inside + "/index.html"] != nil {
            return SiteAnswer(status: 301, location: path + "/")
        }
        return notFound
    }

    /// The path of the first landing page, to show where to look.
    var examplePage: String? {
        let pages = output.files.keys.filter { $0.hasSuffix("/index.html") && $0.split(separator: "/").count == 3 }
        return pages.sorted().lazy.map { output.basePath + $0.dropFirst("site".count).dropLast("index.html".count) }
            .first { answer(rawPath: $0).status == 200 }
    }

    /// A decoded path without the base URL's path (starting with `/`), or nil outside it.
    private func relative(_ path: String) -> String? {
        let base = output.basePath
        if base.isEmpty { return path }
        guard path.hasPrefix(base + "/") else { return nil }
        return String(path.dropFirst(base.count))
    }
}

/// Request paths as the preview reads them.
enum RequestPath {
    /// The percent-decoded path, or nil for anything a file name in the output cannot be:
    /// bad escapes, invalid UTF-8, NUL or control characters, backslashes, an encoded `/`,
    /// `.` and `..` segments, empty segments. Rejecting rather than normalizing keeps every
    /// lookup an exact match, so no spelling of a path can climb out of the output.
    static func decode(_ raw: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            let decoded = high << 4 | low
            if decoded == UInt8(ascii: "/") { return nil }
            bytes.append(decoded)
        }
        guard bytes.first == UInt8(ascii: "/"), !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }),
              let path = String(validating: bytes, as: UTF8.self) else { return nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() where segment == "." || segment == ".." || (segment.isEmpty && index < segments.count - 1) {
            return nil
        }
        return path
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Content types of the files a build writes, by extension.
enum ContentType {
    static func of(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let ext = name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "vtt": return "text/vtt; charset=utf-8"
        case "txt", "": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
