/// Small helpers over validated absolute URLs.
enum URLParts {
    /// `scheme://host[:port]` of an absolute URL.
    static func origin(_ url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else { return nil }
        return url[..<schemeEnd.upperBound].lowercased() + authority.lowercased()
    }

    /// The path of an absolute URL without a trailing slash ("" for the root).
    static func path(_ url: String) -> String {
        guard let origin = origin(url) else { return "" }
        var path = String(url.dropFirst(origin.count).prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
