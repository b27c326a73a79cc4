import ShareModel

/// The template context of one Enabled share's landing page, and its oEmbed document.
struct PageContext {
    let share: Share
    let channel: ChannelContext
    let strings: [String: String]

    static let defaultWidth = 1280
    static let defaultHeight = 720

    var video: Video { share.video }
    var isPublic: Bool { video.visibility == .public }
    var canonical: String { channel.url(of: share.slug) }
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
        let (key, player) = player()
        page[key] = player
        return .object(page)
    }

    /// The player: which of `video`, `privateVideo`, `embed` or `placeholder`, and its values.
    func player() -> (String, TemplateValue) {
        let label = "\(strings["videoLabel"] ?? "Video"): \(share.publicTitle)"
        guard playable else {
            let key = video.status.rawValue
            return ("placeholder", .object(["title": .text(strings["\(key)Title"] ?? ""), "body": .text(strings["\(key)Body"] ?? "")]))
        }
        let language = share.locale.prefix { $0 != "-" }.lowercased()
        func isDefault(_ index: Int, _ caption: Caption) -> Bool { index == 0 && caption.locale.lowercased().hasPrefix(language) }
        if !isPublic {
            // The tracks' languages and labels, without their URLs: the signed link's `vtt=`
            // parameters bring those, in the same order.
            let tracks = JSONValue.array(video.captions.enumerated().map { index, caption in
                .object([("srclang", .string(caption.locale)), ("label", .string(caption.label)), ("default", .bool(isDefault(index, caption)))])
            })
            return ("privateVideo", .members([
                "label": .text(label), "mediaBase": .text(channel.mediaBaseURL ?? ""), "fragment": segmentFragment.map(TemplateValue.text),
                "tracksJSON": video.captions.isEmpty ? nil : .text(tracks.serialized(escapeForHTML: true)),
            ]))
        }
        if let embed = video.embedUrl {
            return ("embed", .object(["src": .text(embed), "title": .text(label)]))
        }
        var sources: [TemplateValue] = []
        if let hls = video.hlsUrl { sources.append(.object(["src": .text(hls + (segmentFragment ?? "")), "type": "application/vnd.apple.mpegurl"])) }
        if let mp4 = video.mp4Url { sources.append(.object(["src": .text(mp4 + (segmentFragment ?? "")), "type": "video/mp4"])) }
        let captions = video.captions.enumerated().map { index, caption -> TemplateValue in
            .object(["locale": .text(caption.locale), "label": .text(caption.label), "src": .text(caption.src),
                     "isDefault": .flag(isDefault(index, caption))])
        }
        // Caption tracks on another origin load only through CORS.
        return ("video", .members([
            "label": .text(label), "sources": .list(sources), "captions": .list(captions), "crossOrigin": .flag(!captions.isEmpty),
            "poster": video.thumbnailUrl.map(TemplateValue.text),
            "width": video.width.map { .text(String(Int($0))) }, "height": video.height.map { .text(String(Int($0))) },
        ]))
    }

    /// A policy that allows exactly this page's own assets and its media origins.
    func contentSecurityPolicy() -> String {
        var media = Set<String>()
        var frames = Set<String>()
        var images = Set<String>()
        if playable {
            if isPublic {
                for url in [video.hlsUrl, video.mp4Url].compactMap({ $0 }) + video.captions.map(\.src) {
                    if let origin = URLParts.origin(url) { media.insert(origin) }
                }
                if let embed = video.embedUrl, let origin = URLParts.origin(embed) { frames.insert(origin) }
                if let poster = video.thumbnailUrl, let origin = URLParts.origin(poster) { images.insert(origin) }
            } else if let base = channel.mediaBaseURL, let origin = URLParts.origin(base) {
                media.insert(origin)
                // The poster comes signed from the link's fragment.
                if video.thumbnailUrl?.hasPrefix(base + "/") == true { images.insert(origin) }
            }
        }
        var directives = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'" + Self.list(images)]
        if !media.isEmpty { directives.append("media-src" + Self.list(media)) }
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
            ("og:url", canonical), ("og:site_name", channel.siteName), ("og:locale", share.locale.replacing("-", with: "_")),
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
        if let mp4 = video.mp4Url { return (mp4, "video/mp4") }
        if let hls = video.hlsUrl { return (hls, "application/x-mpegURL") }
        if let embed = video.embedUrl { return (embed, "text/html") }
        return nil
    }

    func twitterCard() -> [(String, String)] {
        let player = isPublic && playable && canonical.hasPrefix("https://")
        var tags: [(String, String)] = [("twitter:card", player ? "player" : "summary"), ("twitter:title", share.publicTitle)]
        if let subtitle = share.publicSubtitle { tags.append(("twitter:description", subtitle)) }
        if isPublic, let poster = video.thumbnailUrl { tags.append(("twitter:image", poster)) }
        if player {
            tags += [("twitter:player", video.embedUrl ?? canonical), ("twitter:player:width", String(width)), ("twitter:player:height", String(height))]
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
            ("contentUrl", publicMedia ? (video.mp4Url ?? video.hlsUrl).map(JSONValue.string) : nil),
            ("embedUrl", publicMedia ? .string(video.embedUrl ?? canonical) : nil),
            ("duration", duration),
            ("width", video.width.map { .number($0) }), ("height", video.height.map { .number($0) }),
        ])
    }

    /// oEmbed 1.0 "video" response: the page itself, framed.
    func oembed() -> String {
        let title = HTMLEscaping.escape(share.publicTitle)
        let html = "<iframe src=\"\(HTMLEscaping.escape(canonical))\" width=\"\(width)\" height=\"\(height)\" title=\"\(title)\" allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen></iframe>"
        var members: [(String, JSONValue)] = [
            ("version", .string("1.0")), ("type", .string("video")), ("title", .string(share.publicTitle)),
            ("provider_name", .string(channel.siteName)), ("provider_url", .string(channel.baseURL + "/")),
            ("html", .string(html)), ("width", .number(width)), ("height", .number(height)),
        ]
        // oEmbed 1.0: a thumbnail_url comes with both of its dimensions (the video's), or not at all.
        if let thumbnail = video.thumbnailUrl, let thumbnailWidth = video.width, let thumbnailHeight = video.height {
            members += [("thumbnail_url", .string(thumbnail)), ("thumbnail_width", .number(Int(thumbnailWidth))), ("thumbnail_height", .number(Int(thumbnailHeight)))]
        }
        return JSONValue.object(members).serialized(pretty: true) + "\n"
    }
}
