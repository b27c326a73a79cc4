import ShareModel

/// One entry of `redirects/redirects.json`: a slug path that production answers with
/// something other than a page, so that a server answering from memory (`sharegen serve`)
/// reads the same rules the maps for static hosts are written from.
public struct RedirectRule: Sendable, Hashable {
    /// The slug whose path this is.
    public var slug: String
    /// The slug's site path, e.g. `/abc/`, under the base URL's path.
    public var from: String
    /// The target path of a 301.
    public var to: String?
    /// 301 (redirect rotation), 410 (gone rotation) or 404 (disabled share).
    public var status: Int

    public init(slug: String, from: String, to: String?, status: Int) {
        self.slug = slug
        self.from = from
        self.to = to
        self.status = status
    }
}

extension SiteRoutes {
    /// What every path of `channel` answers once built, without rendering anything: for a
    /// caller that asks what a change does to the published URLs (`sharegen diff`).
    public init(site: Site, channel: Channel) {
        let baseURL = site.config.baseURL(for: channel)
        self = RedirectMaps(
            shares: site.shares(in: channel), channel: channel, basePath: URLParts.path(baseURL), mediaBaseURL: site.config.signing.mediaBaseURL
        ).routes
    }
}

/// What the files made from all of a channel's shares read of one share, besides its
/// own `manifest.json` entry: the manifest's order, redirects and gone slugs, the maps,
/// the media origins of the pages' policy, the page and stub counts, and which files the
/// share has. When every share keeps its facts, those files change only in the entries
/// of the shares that changed (`SiteRenderer.renderShares`). Whatever reads another
/// field of every share adds it here.
public struct SiteWideFacts: Hashable, Sendable {
    var slug: String
    var status: ShareStatus
    var previousSlugs: [String]
    var rotationModes: [RotationMode]
    var project: String
    var channel: Channel
    var visibility: Visibility
    var mediaOrigins: Set<String>

    public init(_ share: Share) {
        slug = share.slug
        status = share.status
        previousSlugs = share.previousSlugs.map(\.slug)
        rotationModes = share.previousSlugs.map(\.mode)
        project = share.project
        channel = share.channel
        visibility = share.video.visibility
        mediaOrigins = Set(share.video.mediaURLs.compactMap { url in URLParts.originEnd(url).map { url[..<$0].lowercased() } })
    }
}

extension Video {
    /// The URLs a page loads media from, whose origins its policy allows.
    var mediaURLs: [String] { [hlsUrl, mp4Url, embedUrl, thumbnailUrl].compactMap(\.self) + captions.map(\.src) }
}

/// The maps static hosts read, all written from one `SiteRoutes`: Netlify `_redirects` and
/// `_headers` (also read by Cloudflare Pages), an nginx include, and a JSON list.
struct RedirectMaps {
    let routes: SiteRoutes
    let channel: Channel
    /// Every disabled share's slug and every rotated-away slug, sorted (`revoked.json`).
    let revokedSlugs: [String]

    init(shares: ArraySlice<Share>, channel: Channel, basePath: String, mediaBaseURL: String?) {
        func path(of slug: String) -> String { SiteConfig.page(of: slug, under: basePath) }
        var rules: [RedirectRule] = []
        var media = Set<String>()
        // Thousands of media URLs share a handful of origins: each distinct spelling is
        // lowercased once.
        var spellings = Set<Substring>()
        func addOrigin(_ url: String?) {
            if let url, let end = URLParts.originEnd(url), spellings.insert(url[..<end]).inserted { media.insert(url[..<end].lowercased()) }
        }
        for share in shares {
            if share.status == .disabled { rules.append(RedirectRule(slug: share.slug, from: path(of: share.slug), to: nil, status: 404)) }
            // Every redirect leads straight to the current slug, so chains never form.
            for previous in share.previousSlugs {
                let to = previous.mode == .redirect ? path(of: share.slug) : nil
                rules.append(RedirectRule(slug: previous.slug, from: path(of: previous.slug), to: to, status: to == nil ? 410 : 301))
            }
            for url in share.video.mediaURLs { addOrigin(url) }
        }
        if let base = mediaBaseURL, let origin = URLParts.origin(base) { media.insert(origin) }
        routes = SiteRoutes(
            basePath: basePath, rules: rules.sorted { $0.slug < $1.slug },
            headers: RedirectMaps.headerRules(basePath: basePath, mediaOrigins: media.sorted()))
        self.channel = channel
        revokedSlugs = Set(rules.map(\.slug)).sorted()
    }

    /// Security headers on every answer, a year of caching for the content-hashed assets, and
    /// oEmbed readable from any origin. `X-Frame-Options: DENY` keeps the landing pages, stubs
    /// and their call to action out of other sites' frames, and leaves `embed/` pages, two
    /// segments deep, framable. It is a header of its own, not `frame-ancestors` in the site's
    /// policy: a `_headers` block cannot take a header back from the `/*` block, and
    /// `frame-ancestors` has no effect in a page's `<meta>` policy.
    static func headerRules(basePath: String, mediaOrigins: [String]) -> [SiteRoutes.HeaderRule] {
        let sources = mediaOrigins.map { " " + $0 }.joined()
        let policy = [
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'\(sources)",
            // Captions are fetched by share.js and played from blob: URLs (see PageContext).
            "media-src\(sources.isEmpty ? " 'none'" : sources + " blob:")", "connect-src\(sources.isEmpty ? " 'none'" : sources)",
            "frame-src\(sources.isEmpty ? " 'none'" : sources)",
            "base-uri 'none'", "form-action 'none'", "object-src 'none'",
        ].joined(separator: "; ")
        typealias Field = SiteRoutes.Field
        return [
            SiteRoutes.HeaderRule(pattern: "\(basePath)/*", fields: [
                Field(name: "Content-Security-Policy", value: policy),
                Field(name: "Referrer-Policy", value: "no-referrer"),
                Field(name: "X-Content-Type-Options", value: "nosniff"),
                Field(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()"),
                Field(name: "X-Robots-Tag", value: "noindex"),
            ], onErrors: true),
            SiteRoutes.HeaderRule(
                pattern: "\(basePath)/assets/*", fields: [Field(name: "Cache-Control", value: "public, max-age=31536000, immutable")], onErrors: false),
            SiteRoutes.HeaderRule(pattern: "\(basePath)/oembed/*", fields: [Field(name: "Access-Control-Allow-Origin", value: "*")], onErrors: false),
        ] + ["/:slug", "/:slug/index.html"].map {
            SiteRoutes.HeaderRule(pattern: basePath + $0, fields: [Field(name: "X-Frame-Options", value: "DENY")], onErrors: true)
        }
    }

    func files() -> [OutputFile] {
        [
            OutputFile(path: "site/_redirects", text: netlify()),
            OutputFile(path: "site/_headers", text: headers()),
            OutputFile(path: "redirects/nginx.conf", text: nginx()),
            OutputFile(path: "redirects/redirects.json", text: json()),
            OutputFile(path: "redirects/revoked.json", text: revokedJSON()),
        ]
    }

    /// Netlify's first matching rule wins, and a file that exists is served unless the rule is
    /// forced (`!`): the stubs exist, so the slug rules are forced; the final catch-all is not,
    /// so it only answers paths without a file, with the base path's `404.html`.
    func netlify() -> String {
        let notFound = routes.basePath + SiteRoutes.notFoundPage
        var out = "# Generated by sharegen for channel \(channel.rawValue). Do not edit.\n"
        for file in SiteRoutes.hostFiles { out += "\(file)  \(notFound)  404!\n" }
        for rule in routes.rules {
            let from = rule.from
            // A stub's own file is not published: only its folder answers with it.
            let target = rule.to ?? from + "index.html"
            out += "\(from.dropLast())  \(target)  \(rule.status)!\n"
            out += "\(from)  \(target)  \(rule.status)!\n"
            out += "\(from)index.html  \(rule.to ?? notFound)  \(rule.to == nil ? 404 : rule.status)!\n"
        }
        out += "\(routes.basePath)/*  \(notFound)  404\n"
        return out
    }

    /// An include for the server block whose root is `dist/site` (or, under a base path, for
    /// the location that aliases it). `add_header` in a location replaces the inherited set,
    /// so every location that adds a header repeats the security headers; they carry `always`,
    /// so error answers have them too. Paths nginx would answer 403 (folders without
    /// `index.html`) answer 404 with `404.html`, and redirects are relative and keep the query.
    func nginx() -> String {
        let base = routes.basePath
        let notFound = base + SiteRoutes.notFoundPage
        let security = routes.siteWide
        let segments = routes.headers.filter(\.hasPlaceholder)
        func addHeaders(_ rules: [SiteRoutes.HeaderRule], indent: String) -> String {
            rules.flatMap { rule in
                rule.fields.map { "\(indent)add_header \($0.name) \(nginxQuoted($0.value))\(rule.onErrors ? " always" : "");\n" }
            }.joined()
        }
        // A stub's own `index.html` is the exact location that sends its body (the others send
        // theirs from the locations they reach through `error_page`): it answers with the
        // headers of the `:name` blocks its path matches, like a static host.
        let indentedSecurity = addHeaders(security, indent: "    ")
        func internalStub(_ path: String) -> String {
            let matching = segments.filter { $0.matches(path) }
            return "location = \(path) {\n" + indentedSecurity + addHeaders(matching, indent: "    ") + "    internal;\n}\n"
        }
        let place = base.isEmpty ? "the server block whose root is dist/site" : "`location \(base)/ { alias dist/site/; }` in the server block"
        var out = """
        # Generated by sharegen for channel \(channel.rawValue). Do not edit.
        # Include inside \(place),
        # and reload nginx (nginx -s reload) after each build: nginx reads this file only then.
        absolute_redirect off;
        error_page 404 \(notFound);
        error_page 403 =404 \(notFound);

        """
        out += addHeaders(security, indent: "")
        for rule in routes.headers where !rule.onErrors {
            out += "location \(rule.pattern.dropLast()) {\n" + addHeaders(security + [rule], indent: "    ") + "}\n"
        }
        // `:name` blocks as regular expressions, which nginx tries after exact locations and
        // before the folders above (whose paths are two segments deep, so never match).
        for rule in segments {
            let expression = rule.pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix(":") ? "[^/]+" : segment.replacing(".", with: "\\.")
            }.joined(separator: "/")
            let slash = rule.pattern.hasSuffix("/index.html") ? "" : "/?"
            out += "location ~ ^\(expression)\(slash)$ {\n" + addHeaders(security + [rule], indent: "    ") + "}\n"
        }
        for folder in SiteRoutes.fileFolders { out += "location = \(base)/\(folder) { return 404; }\n" }
        for file in SiteRoutes.hostFiles { out += "location = \(base)\(file) { return 404; }\n" }
        for rule in routes.rules {
            let from = rule.from
            if let target = rule.to {
                for path in [String(from.dropLast()), from, from + "index.html"] {
                    out += "location = \(path) { return 301 \(target)$is_args$args; }\n"
                }
            } else {
                let status = rule.status
                out += "location = \(from.dropLast()) { error_page \(status) \(from)index.html; return \(status); }\n"
                out += "location = \(from) { error_page \(status) \(from)index.html; return \(status); }\n"
                // Reached only as the error page above; asked for directly, it answers 404.
                out += internalStub(from + "index.html")
            }
        }
        return out
    }

    /// A double-quoted nginx string.
    private func nginxQuoted(_ value: String) -> String {
        "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    func json() -> String {
        let entries = routes.rules.map { rule -> JSONValue in
            .compactObject([("from", .string(rule.from)), ("to", rule.to.map(JSONValue.string)), ("status", .number(rule.status))])
        }
        return JSONValue.array(entries).serialized(pretty: true) + "\n"
    }

    func headers() -> String {
        routes.headers.map { rule in
            rule.pattern + "\n" + rule.fields.map { "  \($0.name): \($0.value)\n" }.joined()
        }.joined()
    }
}
