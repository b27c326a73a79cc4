/// What the published site answers for every path: the one table that `_redirects`,
/// `_headers`, `redirects/nginx.conf` and `sharegen serve` are all made from, so that the
/// static hosts and the preview cannot drift apart.
///
/// Paths are site paths as requests carry them (decoded), under the base URL's path. The
/// files of `site/` lie under that path: `<basePath>/x` is the file `site/x`.
public struct SiteRoutes: Sendable, Equatable {
    /// How one path is answered.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        /// The body: a file of `site/` (`/404.html`, `/<slug>/index.html`), or nil for a redirect.
        public var file: String?
        /// Where a 301 leads, with the request's query string.
        public var location: String?

        /// 404 with `404.html`.
        public static let notFound = Answer(status: 404, file: SiteRoutes.notFoundPage)
    }

    /// A block of `_headers`: the headers of every answer whose path `pattern` matches.
    public struct HeaderRule: Sendable, Equatable {
        /// Under the base URL's path: a folder's paths (`/assets/*`), every path (`/*`), or, as
        /// Netlify and Cloudflare Pages read a `:name` segment, the paths one segment deep
        /// (`/:slug`, also with a trailing slash) or such a folder's file (`/:slug/index.html`).
        public var pattern: String
        public var fields: [Field]
        /// Whether error answers (404, 410) carry them too. Security headers do; a year of
        /// caching or cross-origin reading of a missing file would be wrong.
        public var onErrors: Bool

        /// Whether the pattern has a `:name` segment.
        public var hasPlaceholder: Bool { pattern.contains("/:") }

        /// Whether `path` lies under the pattern's folder, or has the pattern's segments.
        public func matches(_ path: String) -> Bool {
            guard hasPlaceholder else { return path.hasPrefix(pattern.dropLast()) }
            let wanted = pattern.split(separator: "/", omittingEmptySubsequences: false)
            var given = path.split(separator: "/", omittingEmptySubsequences: false)
            if given.count == wanted.count + 1, given.last == "" { given.removeLast() }
            guard given.count == wanted.count else { return false }
            return zip(wanted, given).allSatisfy { wanted, given in wanted.hasPrefix(":") ? !given.isEmpty : wanted == given }
        }
    }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The body of every path that is not published.
    public static let notFoundPage = "/404.html"
    /// Files of `site/` that only tell static hosts what to do: never answered as files.
    public static let hostFiles = ["/_redirects", "/_headers"]
    /// The build's folders without an `index.html` of their own.
    public static let fileFolders = ["assets", "embed", "oembed"]

    /// The base URL's path ("" or e.g. `/watch`).
    public let basePath: String
    /// The slugs that answer something other than a page, sorted by path.
    public let rules: [RedirectRule]
    /// Every `_headers` block, most general first.
    public let headers: [HeaderRule]
    private let rulesByFolder: [String: RedirectRule]

    public init(basePath: String, rules: [RedirectRule], headers: [HeaderRule]) {
        self.basePath = basePath
        self.rules = rules
        self.headers = headers
        rulesByFolder = Dictionary(rules.map { ($0.from, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The answer for a decoded request path and its raw query string (nil or empty for
    /// none), where `isFile` tells whether the build wrote a file of `site/` (`/x/index.html`).
    ///
    /// - A rotated or disabled slug answers its rule at `/<slug>` and `/<slug>/`: a 301 to the
    ///   current slug, keeping the query, or 404/410 with its stub. A redirect's
    ///   `/<slug>/index.html` redirects too; a stub's own file answers as an unpublished path.
    /// - `/x/` answers `x/index.html`; `/x` answers the file `x`, or 301 to `/x/` when that
    ///   folder has an `index.html`.
    /// - Anything else (`/`, folders of plain files, `_redirects`, `_headers`, paths outside the
    ///   base path) answers 404 with `404.html`.
    public func answer(path: String, query: String?, isFile: (String) -> Bool) -> Answer {
        let keep = query.map { $0.isEmpty ? "" : "?" + $0 } ?? ""
        guard let inside = relative(path), !SiteRoutes.hostFiles.contains(inside) else { return .notFound }
        let isStubFile = inside.hasSuffix("/index.html")
        let folder = isStubFile ? String(path.dropLast("index.html".count)) : path.hasSuffix("/") ? path : path + "/"
        if let rule = rulesByFolder[folder] {
            if let target = rule.to { return Answer(status: rule.status, location: target + keep) }
            return isStubFile ? .notFound : Answer(status: rule.status, file: String(folder.dropFirst(basePath.count)) + "index.html")
        }
        if inside.hasSuffix("/") { return isFile(inside + "index.html") ? Answer(status: 200, file: inside + "index.html") : .notFound }
        if isFile(inside) { return Answer(status: 200, file: inside) }
        if isFile(inside + "/index.html") { return Answer(status: 301, location: path + "/" + keep) }
        return .notFound
    }

    /// The headers of an answer with `status` at `path`, in `_headers` order.
    public func fields(for path: String, status: Int) -> [Field] {
        headers.filter { $0.matches(path) && ($0.onErrors || status < 400) }.flatMap(\.fields)
    }

    /// The headers every answer carries (the `/*` block's).
    public var siteWide: [HeaderRule] { headers.filter { $0.pattern == basePath + "/*" } }

    /// A decoded path without the base URL's path (starting with `/`), or nil outside it.
    private func relative(_ path: String) -> String? {
        if basePath.isEmpty { return path }
        guard path.hasPrefix(basePath + "/") else { return nil }
        return String(path.dropFirst(basePath.count))
    }
}
