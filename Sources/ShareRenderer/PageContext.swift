import ShareModel

/// The template context of one Enabled share's landing page and embed page, and its
/// oEmbed document.
struct PageContext {
    let share: Share
    let channel: ChannelContext
    let brand: BrandContext
    let strings: [String: String]

    static let defaultWidth = 1280
    static let defaultHeight = 720

    var video: Video { share.video }
    var isPublic: Bool { video.visibility == .public }
    var canonical: String { channel.url(of: share.slug) }
    /// The player-only page that oEmbed and `twitter:player` frame.
    var embedPage: String { channel.embedURL(of: share.slug) }
    var playable: Bool { video.status == .completed }
    /// Media fragment for a file segment (`#t=start,end`), understood by every browser.
    var segmentFragment: String? {
        video.segment.map { "#t=\(Self.seconds($0.start)),\(Self.seconds($0.end))" }
    }
    var width: Int { video.width.map { Int($0) } ?? Self.defaultWidth }
    var height: Int { video.height.map { Int($0) } ?? Self.defaultHeight }

    static func seconds(_ value: Double) -> String { JSONValue.number(value).serialized() }

    /// The page's own values; `ChannelContext.base` supplies the rest.
    func landing() -> TemplateValue {
        var page: [String: TemplateValue] = [
            "title": .text(share.publicTitle), "pageTitle": .text(share.publicTitle), "canonical": .text(canonical),
            "csp": .text(contentSecurityPolicy()),
            "meta": .list(openGraph().map { .object(["property": .text($0.0), "content": .text($0.1)]) }),
            "twitter": .list(twitterCard().map { .object(["name": .text($0.0), "content": .text($0.1)]) }),
        ]
        // A VideoObject describes a video that exists: none while it is pending, processing or failed.
        if playable { page["jsonLD"] = .text(jsonLD().serialized(escapeForHTML: true)) }
        if let subtitle = share.publicSubtitle {
            page["subtitle"] = .text(subtitle)
            page["description"] = .text(subtitle)
        }
        if !share.description.isEmpty { page["descriptionHTML"] = .text(Markdown.html(share.description)) }
        if let label = share.ctaLabel, let url = share.ctaUrl { page["cta"] = .object(["label": .text(label), "url": .text(url)]) }
        if isPublic { page["oembedURL"] = .text("\(channel.baseURL)/oembed/\(share.slug).json") }
        if let metadata = share.metadata { page["metadata"] = TemplateValue(metadata) }
        if let personalization = share.personalizationData {
            page["personalization"] = TemplateValue(personalization)
            page["personalizationJSON"] = .text(personalization.serialized(escapeForHTML: true))
        }
        addPlayer(to: &page)
        return .object(page)
    }

    /// The embed page's values: the player alone, under the same policy as the landing page.
    func embed() -> TemplateValue {
        var page: [String: TemplateValue] = [
            "title": .text(share.publicTitle), "pageTitle": .text(share.publicTitle), "canonical": .text(canonical),
            "csp": .text(contentSecurityPolicy()),
        ]
        addPlayer(to: &page)
        return .object(page)
    }

    private func addPlayer(to page: inout [String: TemplateValue]) {
        let (key, player) = player()
        page[key] = player
        if let tracks = captionTracks() { page["tracksJSON"] = .text(tracks.serialized(escapeForHTML: true)) }
    }

    /// The caption tracks `share.js` adds (see there why not as `<track>` elements): their
    /// languages, labels and defaults, and for a public video their URLs; a private video's
    /// come from the signed link's `vtt=` parameters, in the same order.
    func captionTracks() -> JSONValue? {
        guard playable, video.embedUrl == nil || !isPublic, !video.captions.isEmpty else { return nil }
        let language = share.locale.prefix { $0 != "-" }.lowercased()
        return .array(video.captions.enumerated().map { index, caption in
            .compactObject([
                ("srclang", .string(caption.locale)), ("label", .string(caption.label)), ("src", isPublic ? .string(caption.src) : nil),
                ("default", .bool(index == 0 && caption.locale.lowercased().hasPrefix(language))),
            ])
        })
    }

    /// The player: which of `video`, `privateVideo`, `embed` or `placeholder`, and its values.
    func player() -> (String, TemplateValue) {
        let label = "\(strings["videoLabel"] ?? "Video"): \(share.publicTitle)"
        guard playable else {
            let key = video.status.rawValue
            return ("placeholder", .object(["title": .text(strings["\(key)Title"] ?? ""), "body": .text(strings["\(key)Body"] ?? "")]))
        }
        if !isPublic {
            return ("privateVideo", .members([
                "label": .text(label), "mediaBase": .text(channel.mediaBaseURL ?? ""), "fragment": segmentFragment.map(TemplateValue.text),
            ]))
        }
        if let embed = video.embedUrl {
            return ("embed", .object(["src": .text(embed), "title": .text(label)]))
        }
        var sources: [TemplateValue] = []
        if let hls = video.hlsUrl { sources.append(.object(["src": .text(hls + (segmentFragment ?? "")), "type": "application/vnd.apple.mpegurl"])) }
        if let mp4 = video.mp4Url { sources.append(.object(["src": .text(mp4 + (segmentFragment ?? "")), "type": "video/mp4"])) }
        return ("video", .members([
            "label": .text(label), "sources": .list(sources), "poster": video.thumbnailUrl.map(TemplateValue.text),
            "width": video.width.map { .text(String(Int($0))) }, "height": video.height.map { .text(String(Int($0))) },
        ]))
    }

    /// A policy that allows exactly this page's own assets and its media origins.
    func contentSecurityPolicy() -> String {
        var media = Set<String>()
        var frames = Set<String>()
        var images = Set<String>()
        var captions = Set<String>()
        if playable {
            if isPublic {
                for url in [video.hlsUrl, video.mp4Url].compactMap({ $0 }) {
                    if let origin = URLParts.origin(url) { media.insert(origin) }
                }
                if video.embedUrl == nil {
                    for caption in video.captions { if let origin = URLParts.origin(caption.src) { captions.insert(origin) } }
                }
                if let embed = video.embedUrl, let origin = URLParts.origin(embed) { frames.insert(origin) }
                if let poster = video.thumbnailUrl, let origin = URLParts.origin(poster) { images.insert(origin) }
            } else if let base = channel.mediaBaseURL, let origin = URLParts.origin(base) {
                media.insert(origin)
                if !video.captions.isEmpty { captions.insert(origin) }
                // The poster comes signed from the link's fragment.
                if video.thumbnailUrl?.hasPrefix(base + "/") == true { images.insert(origin) }
            }
        }
        var directives = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'" + Self.list(images)]
        // Captions are fetched (connect-src) and played from the page's own blob: URLs.
        if !captions.isEmpty { media.insert("blob:") }
        if !media.isEmpty { directives.append("media-src" + Self.list(media)) }
        if !captions.isEmpty { directives.append("connect-src" + Self.list(captions)) }
        if !frames.isEmpty { directives.append("frame-src" + Self.list(frames)) }
        directives += ["base-uri 'none'", "form-action 'none'"]
        return directives.joined(separator: "; ")
    }

    static func list(_ origins: Set<String>) -> String {
        origins.sorted().map { " " + $0 }.joined()
    }

    func openGraph() -> [(String, String)] {
        var tags: [(String, String)] = [
            ("og:type", isPublic && playable ? "video.other" : "website"), ("og:title", share.publicTitle),
            ("og:url", canonical), ("og:site_name", brand.name), ("og:locale", share.locale.replacing("-", with: "_")),
        ]
        if let subtitle = share.publicSubtitle { tags.append(("og:description", subtitle)) }
        guard isPublic else { return tags }
        if let poster = video.thumbnailUrl { tags.append(("og:image", poster)) }
        if playable, let (url, type) = ogVideo {
            tags.append(("og:video", url))
            if url.hasPrefix("https://") { tags.append(("og:video:secure_url", url)) }
            tags += [("og:video:type", type), ("og:video:width", String(width)), ("og:video:height", String(height))]
        }
        return tags
    }

    private var ogVideo: (String, String)? {
        let segment = segmentFragment ?? ""
        if let mp4 = video.mp4Url { return (mp4 + segment, "video/mp4") }
        if let hls = video.hlsUrl { return (hls + segment, "application/x-mpegURL") }
        if video.embedUrl != nil { return (embedPage, "text/html") }
        return nil
    }

    func twitterCard() -> [(String, String)] {
        let player = isPublic && playable && canonical.hasPrefix("https://")
        var tags: [(String, String)] = [("twitter:card", player ? "player" : "summary"), ("twitter:title", share.publicTitle)]
        if let subtitle = share.publicSubtitle { tags.append(("twitter:description", subtitle)) }
        if isPublic, let poster = video.thumbnailUrl { tags.append(("twitter:image", poster)) }
        if player {
            tags += [("twitter:player", embedPage), ("twitter:player:width", String(width)), ("twitter:player:height", String(height))]
        }
        return tags
    }

    func jsonLD() -> JSONValue {
        var duration: JSONValue?
        if let seconds = video.segment.map({ $0.end - $0.start }) ?? video.durationSeconds {
            // To the millisecond: end − start of decimal seconds leaves binary noise (10.200000000000001).
            duration = .string("PT\(Self.seconds((seconds * 1000).rounded() / 1000))S")
        }
        let publicMedia = isPublic && playable
        return .compactObject([
            ("@context", .string("https://schema.org")), ("@type", .string("VideoObject")),
            ("name", .string(share.publicTitle)), ("description", .string(share.publicSubtitle ?? share.publicTitle)),
            ("url", .string(canonical)), ("inLanguage", .string(share.locale)),
            ("thumbnailUrl", isPublic ? video.thumbnailUrl.map(JSONValue.string) : nil),
            ("uploadDate", share.createdAt.map(JSONValue.string)),
            ("contentUrl", publicMedia ? (video.mp4Url ?? video.hlsUrl).map { .string($0 + (segmentFragment ?? "")) } : nil),
            ("embedUrl", publicMedia ? .string(embedPage) : nil),
            ("duration", duration),
            ("width", video.width.map { .number($0) }), ("height", video.height.map { .number($0) }),
        ])
    }

    /// oEmbed 1.0 "video" response: the embed page, framed.
    func oembed() -> String {
        let title = HTMLEscaping.escape(share.publicTitle)
        let html = "<iframe src=\"\(HTMLEscaping.escape(embedPage))\" width=\"\(width)\" height=\"\(height)\" title=\"\(title)\" allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen></iframe>"
        var members: [(String, JSONValue)] = [
            ("version", .string("1.0")), ("type", .string("video")), ("title", .string(share.publicTitle)),
            ("provider_name", .string(brand.name)), ("provider_url", .string(channel.baseURL + "/")),
            ("html", .string(html)), ("width", .number(width)), ("height", .number(height)),
        ]
        // oEmbed 1.0: a thumbnail_url comes with both of its dimensions (the video's), or not at all.
        if let thumbnail = video.thumbnailUrl, let thumbnailWidth = video.width, let thumbnailHeight = video.height {
            members += [("thumbnail_url", .string(thumbnail)), ("thumbnail_width", .number(Int(thumbnailWidth))), ("thumbnail_height", .number(Int(thumbnailHeight)))]
        }
        return JSONValue.object(members).serialized(pretty: true) + "\n"
    }
}
