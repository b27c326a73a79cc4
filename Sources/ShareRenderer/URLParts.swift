/// Small helpers over validated absolute URLs.
enum URLParts {
    /// `scheme://host[:port]` of an absolute URL.
    static func origin(_ url: String) -> String? {
        originEnd(url).map { url[..<$0].lowercased() }
    }

    /// Where the origin of an absolute URL ends, in its original spelling.
    static func originEnd(_ url: String) -> String.Index? {
        // Bytes, not characters: a large site asks for the origin of every media URL on every
        // render, and Foundation's `range(of:)` and grapheme breaking dominated that.
        let bytes = url.utf8
        guard let colon = bytes.indices.first(where: { bytes[$0] == UInt8(ascii: ":") && bytes[$0...].starts(with: "://".utf8) }) else {
            return nil
        }
        let authority = bytes.index(colon, offsetBy: 3)
        let end = bytes[authority...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        return end == authority ? nil : end
    }

    /// The path of an absolute URL without a trailing slash ("" for the root).
    static func path(_ url: String) -> String {
        guard let origin = origin(url) else { return "" }
        var path = String(url.dropFirst(origin.count).prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
