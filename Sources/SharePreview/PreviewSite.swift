import ShareBuild
import ShareRenderer

/// A successful build as the preview serves it: every answer is a lookup of an exact key in
/// the build's in-memory files, so no request path can name anything else — not the files
/// beside `site/` (the manifest), not the disk.
struct PreviewSite: Sendable {
    let output: LiveBuild.Output

    init(_ output: LiveBuild.Output) {
        self.output = output
    }

    /// The answer for a raw (still percent-encoded) request path and its query string: the
    /// build's `SiteRoutes`, which the nginx include and `_redirects` are written from, over the
    /// files of `site/`. A path that does not decode to a plain file name answers 404.
    func answer(rawPath: String, query: String? = nil) -> SiteRoutes.Answer {
        guard let path = RequestPath.decode(rawPath) else { return .notFound }
        return output.routes.answer(path: path, query: query) { output.files["site" + $0] != nil }
    }

    /// The headers the static hosts send with an answer of `status` at a raw request path (one
    /// that does not decode gets those of the site's root).
    func fields(rawPath: String, status: Int) -> [SiteRoutes.Field] {
        output.routes.fields(for: RequestPath.decode(rawPath) ?? output.routes.basePath + "/", status: status)
    }

    /// The bytes of an answer's body.
    func body(_ answer: SiteRoutes.Answer) -> [UInt8] {
        answer.file.flatMap { output.files["site" + $0] } ?? []
    }

    /// The path of the first landing page, to show where to look.
    var examplePage: String? {
        let pages = output.files.keys.filter { $0.hasSuffix("/index.html") && $0.split(separator: "/").count == 3 }
        return pages.sorted().lazy.map { output.routes.basePath + $0.dropFirst("site".count).dropLast("index.html".count) }
            .first { answer(rawPath: $0).status == 200 }
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
