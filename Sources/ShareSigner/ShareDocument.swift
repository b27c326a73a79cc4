import ShareModel

/// The JSON answer of `GET /v1/shares/{slug}` for one share, prepared at manifest load as
/// literal text with holes for what changes per request: the signed media URLs, the share URL
/// whose fragment carries them, and their expiry. A public share has no holes.
struct ShareDocument: Sendable {
    private enum Part: Sendable {
        case literal(String)
        case signedURL(Int)
        case shareURL
        case expiresAt
    }

    /// A media URL under the media base, split around the place its token goes.
    private struct SignableMedia: Sendable {
        /// Index into `signedDirectories`: the playlist, MP4 and poster usually share one, and
        /// then one signature serves them all.
        var directory: Int
        /// Before and after the token, JSON-escaped (without quotes).
        var jsonHead: String
        var jsonTail: String
        /// Before and after the token, percent-encoded for the share URL's fragment.
        var fragmentHead: String
        var fragmentTail: String
    }

    private let parts: [Part]
    /// Bytes of literal text, to size the output once.
    private let literalSize: Int
    private let media: [SignableMedia]
    /// `hls=`, `mp4=`, `poster=` and one `vtt=` per caption track, in the share's order: the
    /// fragment parameters `share.js` reads, and their media.
    private let fragmentMedia: [(key: String, media: Int)]
    /// The page URL, JSON-escaped without quotes.
    private let pageURLJSON: String
    /// Media paths' directories that tokens of this share cover.
    let signedDirectories: [String]
    /// The slug that tokens bind.
    private let slug: String

    init(_ share: Manifest.Share, mediaBase: MediaBase?) throws(ManifestError) {
        var directories: [String] = []
        var media: [SignableMedia] = []
        /// A private share's media URL's token slot. The validator requires a private video's
        /// files under the media base; a poster or caption elsewhere (`optional`) is public by
        /// its author's choice and passes through unsigned.
        func signable(_ url: String?, optional: Bool = false) throws(ManifestError) -> Int? {
            guard share.visibility == .private, let url else { return nil }
            guard let reference = mediaBase?.mediaReference(of: url), let mediaBase else {
                if optional { return nil }
                throw ManifestError("private share \(share.slug) (\(share.sourceFile)): \(url) is not under signing.mediaBaseURL")
            }
            let path = reference.prefix { $0 != "?" && $0 != "#" }
            guard MediaToken.staysInItsDirectory(path) else {
                throw ManifestError("private share \(share.slug) (\(share.sourceFile)): \(url) has dot segments or encoded slashes")
            }
            let directory = String(MediaToken.directory(of: path))
            let index = directories.firstIndex(of: directory) ?? directories.endIndex
            if index == directories.endIndex { directories.append(directory) }
            let head = mediaBase.url + "/t/"
            media.append(SignableMedia(
                directory: index, jsonHead: jsonEscaped(head), jsonTail: jsonEscaped(String(reference)),
                fragmentHead: percentEncoded(head), fragmentTail: percentEncoded(String(reference))))
            return media.count - 1
        }
        let video = share.video
        let thumbnail = try signable(video.thumbnailUrl, optional: true)
        let hls = try signable(video.hlsUrl)
        let mp4 = try signable(video.mp4Url)
        var fragment = [("hls", hls), ("mp4", mp4), ("poster", thumbnail)]
        for caption in video.captions ?? [] { fragment.append(("vtt", try signable(caption.src, optional: true))) }
        fragmentMedia = fragment.compactMap { key, index in index.map { (key, $0) } }
        signedDirectories = directories
        slug = share.slug
        self.media = media
        pageURLJSON = jsonEscaped(share.url)

        var builder = PartsBuilder()
        builder.literal(#"{"object":"share","id":"# + json(share.id))
        builder.literal(#","fileId":"# + json(video.id))
        builder.literal(#","fileSegmentId":"# + json(video.segment?.id))
        builder.literal(#","type":"# + json(video.segment == nil ? "file" : "file_segment"))
        builder.literal(#","title":"# + json(share.title))
        builder.literal(#","description":"# + json(share.description))
        builder.literal(#","metadata":"# + (share.metadata ?? .null).serialized())
        builder.literal(#","visibility":"# + json(share.visibility.rawValue))
        builder.literal(#","status":"# + json(video.status.rawValue))
        builder.url(#","thumbnailUrl":"#, plain: video.thumbnailUrl, signed: thumbnail)
        builder.literal(#","shareUrl":"#)
        if fragmentMedia.isEmpty { builder.literal(json(share.url)) } else { builder.append(.shareURL) }
        builder.url(#","hlsUrl":"#, plain: video.hlsUrl, signed: hls)
        builder.url(#","mediaUrl":"#, plain: video.mp4Url, signed: mp4)
        builder.literal(#","mediaUrlExpiresAt":"#)
        if media.isEmpty { builder.literal("null") } else { builder.append(.expiresAt) }
        builder.literal(#","createdAt":"# + json(share.createdAt) + "}")
        parts = builder.finish()
        literalSize = parts.reduce(0) { size, part in
            if case .literal(let text) = part { return size + text.utf8.count }
            return size
        }
    }

    /// The answer of `GET /v1/shares/{slug}`, with tokens of `keys`' active key.
    func render(keys: SigningKeySet, expires: Int64) -> String {
        if case .literal(let text) = parts.first, parts.count == 1 { return text }
        let signatures = self.signatures(keys: keys, expires: expires)
        var out = ""
        out.reserveCapacity(literalSize + 400 * media.count)
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .signedURL(let index):
                let media = media[index]
                out += "\""
                out += media.jsonHead
                out += "\(expires)/\(keys.activeKeyID)/\(slug)/"
                out += signatures[media.directory]
                out += media.jsonTail
                out += "\""
            case .shareURL:
                out += "\""
                writeShareURL(to: &out, keyID: keys.activeKeyID, expires: expires, signatures: signatures)
                out += "\""
            case .expiresAt:
                out += "\"" + UTCTimestamp.iso8601(expires) + "\""
            }
        }
        return out
    }

    /// The share URL, JSON-escaped without quotes: the page, and for a private share the signed
    /// media in the fragment, where `share.js` finds them and which browsers never send on.
    func shareURLJSON(keys: SigningKeySet, expires: Int64) -> String {
        guard !fragmentMedia.isEmpty else { return pageURLJSON }
        var out = ""
        writeShareURL(to: &out, keyID: keys.activeKeyID, expires: expires, signatures: signatures(keys: keys, expires: expires))
        return out
    }

    private func writeShareURL(to out: inout String, keyID: String, expires: Int64, signatures: [String]) {
        out += pageURLJSON
        for (position, (key, index)) in fragmentMedia.enumerated() {
            let media = media[index]
            out += position == 0 ? "#" : "&"
            out += key
            out += "="
            out += media.fragmentHead
            // Digits, a key id, a slug and base64url are unreserved characters: only the slashes need encoding.
            out += "\(expires)%2F\(keyID)%2F\(slug)%2F"
            out += signatures[media.directory]
            out += media.fragmentTail
        }
    }

    /// The active key's signature of each signed directory.
    private func signatures(keys: SigningKeySet, expires: Int64) -> [String] {
        signedDirectories.map { MediaToken.signature(keyed: keys.activeKey, expires: expires, slug: slug, directory: $0) }
    }

    /// Joins adjacent literal text so that rendering appends as few pieces as possible.
    private struct PartsBuilder {
        private var parts: [Part] = []
        private var text = ""

        mutating func literal(_ piece: String) { text += piece }

        mutating func append(_ part: Part) {
            if !text.isEmpty { parts.append(.literal(text)) }
            text = ""
            parts.append(part)
        }

        mutating func url(_ key: String, plain: String?, signed: Int?) {
            literal(key)
            if let signed { append(.signedURL(signed)) } else { literal(json(plain)) }
        }

        mutating func finish() -> [Part] {
            if !text.isEmpty { parts.append(.literal(text)) }
            text = ""
            return parts
        }
    }
}

/// A JSON string literal, or `null`.
func json(_ value: String?) -> String {
    value.map { JSONValue.string($0).serialized() } ?? "null"
}

/// The inside of a JSON string literal.
private func jsonEscaped(_ value: String) -> String {
    String(json(value).dropFirst().dropLast())
}

/// Every byte but RFC 3986's unreserved ones as `%XX`, so a URL can stand as one value in a
/// fragment that `URLSearchParams` reads.
private func percentEncoded(_ value: String) -> String {
    var out = ""
    for byte in value.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
    return out
}
