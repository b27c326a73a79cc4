import Crypto
import ShareModel
import Synchronization

/// Turns a validated site into the output files of one channel (SPEC §4).
/// Rendering is pure: the same site and templates give byte-identical files.
public struct SiteRenderer: Sendable {
    public let templates: TemplateSet

    public init(templates: TemplateSet) {
        self.templates = templates
    }

    /// Renders every file of `channel` into memory, sorted by path.
    public func render(_ site: Site, channel: Channel) -> RenderedSite {
        let collector = OutputCollector()
        let summary = render(site, channel: channel, to: collector)
        let files = collector.collected.sorted { $0.path < $1.path }
        return RenderedSite(channel: channel, files: files, outputsBySource: summary.outputsBySource, pageCount: summary.pageCount, stubCount: summary.stubCount)
    }

    /// Renders every file of `channel` on all cores, handing each to `sink` as soon as it
    /// exists, so a build never holds the whole site in memory. Only the pages and stubs of
    /// the shares whose source files `selected` holds are made (nil: every share's); the
    /// files made from all shares always are. `givenEntry` may hand over a share's entry
    /// of `manifest.json` as bytes, spliced in as they are. Without `manifest`,
    /// `manifest.json` is left out, for a preview that keeps its output in memory and
    /// rarely needs it (see `manifest(_:channel:)`).
    public func render(
        _ site: Site, channel: Channel, shares selected: Set<String>? = nil,
        manifestEntry givenEntry: (@Sendable (Share) -> ArraySlice<UInt8>?)? = nil, manifest: Bool = true, to sink: any OutputSink
    ) -> RenderSummary {
        let context = ChannelContext(site: site, channel: channel, templates: templates)
        let shares = site.shares(in: channel)
        // The files made from all shares are work items too, first, so that they overlap
        // page rendering instead of running alone before or after it.
        // Shares by index: a copy of each share in the work list would be a second copy
        // of the channel (37 MB at 100,000 shares).
        let work: [RenderWork] = (manifest ? [.manifest] : []) + [.maps] + shares.indices.filter { selected?.contains(shares[$0].sourceFile) ?? true }.map(RenderWork.share)
        let manifestEntries = Mutex<[String: Range<Int>]>([:])
        let results = work.parallelMap { item -> (paths: [String], routes: SiteRoutes?) in
            let files: [OutputFile]
            var routes: SiteRoutes?
            switch item {
            case .manifest:
                let entries = ManifestBuilder.write(to: sink, site: site, shares: shares, context: context, given: givenEntry)
                manifestEntries.withLock { $0 = entries }
                return ([ManifestBuilder.path], nil)
            case .maps:
                let maps = RedirectMaps(shares: shares, channel: channel, basePath: context.basePath, mediaBaseURL: context.mediaBaseURL)
                files = context.assetFiles + [OutputFile(path: "site" + SiteRoutes.notFoundPage, bytes: notFoundPage(context))] + maps.files()
                routes = maps.routes
            case .share(let index):
                files = renderShare(shares[index], context)
            }
            for file in files { sink.write(file) }
            return (files.map(\.path), routes)
        }
        var outputsBySource: [String: [String]] = [:]
        var routes: SiteRoutes?
        for (item, result) in zip(work, results) {
            switch item {
            case .share(let index): outputsBySource[shares[index].sourceFile] = result.paths
            case .maps: routes = result.routes
            case .manifest: break
            }
        }
        let pages = shares.count { $0.status == .enabled }
        let stubs = shares.reduce(0) { $0 + $1.previousSlugs.count } + (shares.count - pages)
        return RenderSummary(
            outputsBySource: outputsBySource, pageCount: pages, stubCount: stubs,
            // `.maps` is always one of the work items.
            routes: routes!,
            manifestEntries: manifestEntries.withLock { $0 })
    }

    /// The files of the shares of `channel` whose source files `selected` holds, with each
    /// one's `manifest.json` entry as `render` writes it, by source file: for an output
    /// whose other files stay as they are (see `SiteWideFacts`).
    public func renderShares(_ site: Site, channel: Channel, selected: Set<String>) -> [String: (files: [OutputFile], manifestEntry: [UInt8])] {
        let context = ChannelContext(site: site, channel: channel, templates: templates)
        var rendered: [String: (files: [OutputFile], manifestEntry: [UInt8])] = [:]
        for share in site.shares(in: channel) where selected.contains(share.sourceFile) {
            rendered[share.sourceFile] = (renderShare(share, context), ManifestBuilder.entryBytes(share, context))
        }
        return rendered
    }

    /// What `manifest.json` holds for `channel`, as a value.
    public func manifest(_ site: Site, channel: Channel) -> Manifest {
        ManifestBuilder.manifest(site: site, shares: site.shares(in: channel), context: ChannelContext(site: site, channel: channel, templates: templates))
    }

    /// The page, embed page, oEmbed document and stubs of one share.
    func renderShare(_ share: Share, _ context: ChannelContext) -> [OutputFile] {
        var files: [OutputFile] = []
        let locale = context.locale(share.locale)
        let strings = locale.strings
        let brand = context.brand(of: share.project)
        if share.status == .enabled {
            let page = PageContext(share: share, channel: context, brand: brand, strings: strings)
            files.append(OutputFile(path: "site/\(share.slug)/index.html", bytes: templates.render("page", [locale.base, brand.values, page.landing()])))
            if share.video.visibility == .public {
                files.append(OutputFile(path: "site/embed/\(share.slug)/index.html", bytes: templates.render("embed", [locale.base, brand.values, page.embed()])))
                files.append(OutputFile(path: "site/oembed/\(share.slug).json", text: page.oembed()))
            }
        } else {
            let stub = context.stubContext(heading: strings["disabledTitle"], body: strings["disabledBody"], brand: brand)
            files.append(OutputFile(path: "site/\(share.slug)/index.html", bytes: templates.render("stub", [locale.base, brand.values, stub])))
        }
        for previous in share.previousSlugs {
            let path = "site/\(previous.slug)/index.html"
            switch previous.mode {
            case .gone:
                let stub = context.stubContext(heading: strings["goneTitle"], body: strings["goneBody"], brand: brand)
                files.append(OutputFile(path: path, bytes: templates.render("stub", [locale.base, brand.values, stub])))
            case .redirect:
                let page = context.stubContext(
                    heading: strings["redirectTitle"], body: strings["redirectBody"], brand: brand,
                    target: (context.path(of: share.slug), canonical: context.url(of: share.slug)))
                files.append(OutputFile(path: path, bytes: templates.render("redirect", [locale.base, brand.values, page])))
            }
        }
        return files
    }

    /// In the site's default locale and brand: an unknown path belongs to no project.
    func notFoundPage(_ context: ChannelContext) -> [UInt8] {
        let locale = context.locale(context.defaultLocale)
        let stub = context.stubContext(heading: locale.strings["notFoundTitle"], body: locale.strings["notFoundBody"], brand: context.siteBrand)
        return templates.render("stub", [locale.base, context.siteBrand.values, stub])
    }
}

/// One item of a channel's rendering: a file made from all shares, or one share's files.
private enum RenderWork: Sendable {
    case manifest, maps
    /// The share's index in the channel's slice of `Site.shares`.
    case share(Int)
}

/// What every page of a channel shares: base URL, asset names, default locale.
struct ChannelContext: Sendable {
    let channel: Channel
    let baseURL: String
    /// The base URL's path ("" or "/watch"), prefixed to every site-absolute link.
    let basePath: String
    let siteName: String
    let defaultLocale: String
    let mediaBaseURL: String?
    let cssFile: String
    let jsFile: String
    /// The built-in assets and every brand's logo and stylesheet, each once, sorted by path.
    let assetFiles: [OutputFile]
    let siteBrand: BrandContext
    /// Projects whose brand is not the site's.
    private let projectBrands: [String: BrandContext]
    private let templates: TemplateSet
    private var locales: [String: Locale]

    init(site: Site, channel: Channel, templates: TemplateSet) {
        self.channel = channel
        baseURL = site.config.baseURL(for: channel)
        basePath = URLParts.path(baseURL)
        siteName = site.config.siteName
        defaultLocale = site.config.defaultLocale
        mediaBaseURL = site.config.signing.mediaBaseURL
        var names: [String: String] = [:]
        var files: [OutputFile] = []
        for (name, bytes) in templates.assets.sorted(by: { $0.key < $1.key }) {
            let hashed = ChannelContext.hashedName(name, bytes)
            names[name] = hashed
            files.append(OutputFile(path: "site/assets/\(hashed)", bytes: bytes))
        }
        cssFile = names["share.css"] ?? "share.css"
        jsFile = names["share.js"] ?? "share.js"
        let icon = "\(basePath)/assets/\(names["icon.svg"] ?? "icon.svg")"
        let siteBrand = BrandContext(site.config.brand, basePath: basePath, defaultIcon: icon)
        var brands: [String: BrandContext] = [:]
        for project in site.projects where project.brand != site.config.brand {
            brands[project.id] = BrandContext(project.brand, basePath: basePath, defaultIcon: icon)
        }
        var paths = Set(files.map(\.path))
        for file in siteBrand.files + brands.values.flatMap(\.files) where paths.insert(file.path).inserted { files.append(file) }
        assetFiles = files.sorted { $0.path < $1.path }
        self.siteBrand = siteBrand
        projectBrands = brands
        self.templates = templates
        // Tags only, without a filtered copy of the channel's shares.
        let tags = Set(site.shares.compactMap { $0.channel == channel ? $0.locale : nil } + [defaultLocale])
        locales = [:]
        locales = Dictionary(uniqueKeysWithValues: tags.map { ($0, makeLocale($0)) })
    }

    /// `share.css` → `share.3f2a9c1d0b.css`: the name changes when the bytes do, so
    /// assets can be cached forever.
    static func hashedName(_ name: String, _ bytes: [UInt8]) -> String {
        let digest = lowercaseHex(SHA256.hash(data: bytes).prefix(5))
        guard let dot = name.lastIndex(of: ".") else { return "\(name).\(digest)" }
        return "\(name[..<dot]).\(digest)\(name[dot...])"
    }

    func brand(of project: String) -> BrandContext { projectBrands[project] ?? siteBrand }

    func path(of slug: String) -> String { SiteConfig.page(of: slug, under: basePath) }
    func url(of slug: String) -> String { SiteConfig.page(of: slug, under: baseURL) }
    /// The player-only page of `slug`, which oEmbed and `twitter:player` frame.
    func embedURL(of slug: String) -> String { SiteConfig.page(of: "embed/\(slug)", under: baseURL) }

    /// Page direction from the locale's language: right-to-left for ar, he, fa, ur.
    static func direction(_ locale: String) -> String {
        let language = locale.prefix { $0 != "-" }.lowercased()
        return ["ar", "he", "fa", "ur"].contains(language) ? "rtl" : "ltr"
    }

    /// Policy for pages without a player: own stylesheet only.
    static let stubPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"

    /// The values of a stub or redirect page; the locale and the brand supply the rest.
    func stubContext(heading: String?, body: String?, brand: BrandContext, target: (path: String, canonical: String)? = nil) -> TemplateValue {
        var page: [String: TemplateValue] = [
            "csp": .text(ChannelContext.stubPolicy), "pageTitle": .text("\(heading ?? "") · \(brand.name)"),
            "heading": .text(heading ?? ""), "body": .text(body ?? ""),
        ]
        if let target {
            page["target"] = .text(target.path)
            page["canonical"] = .text(target.canonical)
        }
        return .object(page)
    }

    /// A locale's strings (with fallbacks) and the values every page in it shares.
    struct Locale: Sendable {
        let strings: [String: String]
        let base: TemplateValue
    }

    /// Prepared once per locale tag, not once per page.
    func locale(_ tag: String) -> Locale {
        locales[tag] ?? makeLocale(tag)
    }

    private func makeLocale(_ tag: String) -> Locale {
        let strings = templates.strings(for: tag)
        let base: TemplateValue = .object([
            "lang": .text(tag), "dir": .text(ChannelContext.direction(tag)), "siteName": .text(siteName), "basePath": .text(basePath),
            "cssFile": .text(cssFile), "jsFile": .text(jsFile), "robots": "noindex", "strings": .object(strings.mapValues(TemplateValue.text)),
            "channel": .text(channel.rawValue),
        ])
        return Locale(strings: strings, base: base)
    }
}
