import ShareModel

/// Every place a site author can write text that ends up in the output.
enum Field: String, CaseIterable, Sendable {
    // content/page/shares/page.json
    case publicTitle, publicSubtitle, locale, ctaLabel, ctaUrl, description
    case personalizationKey, personalizationValue, metadataKey, metadataValue
    case hlsUrl, mp4Url, thumbnailUrl, captionLabel, captionSrc
    // content/notes/shares/notes.md
    case markdownTitle, embedUrl, markdownBody
    // content/page/project.json and sharegen.json
    case projectName, homeUrl, brandFooter, linkLabel, linkUrl, siteName, baseURL

    var file: String {
        switch self {
        case .markdownTitle, .embedUrl, .markdownBody: PayloadSite.markdownShare
        case .projectName, .homeUrl, .brandFooter, .linkLabel, .linkUrl: PayloadSite.projectFile
        case .siteName, .baseURL: PayloadSite.configFile
        default: PayloadSite.jsonShare
        }
    }

    /// The forms a payload takes here: as written and, in URL fields, also as the path
    /// of an otherwise valid URL, so that path-level tricks reach the renderer.
    func variants(of payload: String) -> [String] {
        switch self {
        case .baseURL: [payload, "https://watch.example.test/" + payload]
        case .ctaUrl, .hlsUrl, .mp4Url, .thumbnailUrl, .captionSrc, .embedUrl, .homeUrl, .linkUrl: [payload, "https://cdn.example.test/v/" + payload]
        default: [payload]
        }
    }
}

/// A small site with one JSON share, one Markdown share and a value for every `Field`:
/// the payload's where given, a plain default elsewhere. Each field's value sits on
/// lines of its own, so a diagnostic can be checked against the exact line.
struct PayloadSite {
    static let jsonShare = "content/page/shares/page.json"
    static let markdownShare = "content/notes/shares/notes.md"
    static let projectFile = "content/page/project.json"
    static let configFile = "sharegen.json"
    static let jsonSlug = "k7qz3xw2mvp5trn4"
    static let markdownSlug = "h4nz7qw2xk5vm3tp"
    static let mediaBase = "https://media.example.test"

    static let defaults: [Field: String] = [
        .publicTitle: "Payload page", .publicSubtitle: "A subtitle", .locale: "en-US", .ctaLabel: "Open",
        .ctaUrl: "https://cta.example.test/go", .description: "A description.", .personalizationKey: "greeting",
        .personalizationValue: "hello", .metadataKey: "campaign", .metadataValue: "spring",
        .hlsUrl: "https://cdn.example.test/v/index.m3u8", .mp4Url: "https://cdn.example.test/v/video.mp4",
        .thumbnailUrl: "https://cdn.example.test/v/poster.jpg", .captionLabel: "English",
        .captionSrc: "https://cdn.example.test/v/en.vtt", .markdownTitle: "Notes page",
        .embedUrl: "https://player.example.test/embed/1", .markdownBody: "Some *notes*.\n",
        .projectName: "Payload project", .homeUrl: "https://home.example.test/", .brandFooter: "Member *FDIC*.",
        .linkLabel: "Privacy", .linkUrl: "https://home.example.test/privacy", .siteName: "Payload site",
    ]

    var values: [Field: String] = [:]
    /// The default base URL; a site's pages are served under its path.
    var baseURL = "https://watch.example.test"

    subscript(field: Field) -> String {
        values[field] ?? (field == .baseURL ? baseURL : PayloadSite.defaults[field]!)
    }

    /// The files of the site by path, and the lines each field's value occupies.
    func files() -> (files: [String: String], lines: [Field: ClosedRange<Int>]) {
        var lines: [Field: ClosedRange<Int>] = [:]
        var files: [String: String] = [:]
        func document(_ path: String, _ rows: [(String, Field?)]) {
            for (index, row) in rows.enumerated() { if let field = row.1 { lines[field] = index + 1...index + 1 } }
            files[path] = rows.map(\.0).joined(separator: "\n") + "\n"
        }
        func json(_ field: Field) -> String { JSONValue.string(self[field]).serialized() }

        document(PayloadSite.configFile, [
            ("{", nil),
            ("  \"channels\": {\"PROD\": {", nil),
            ("    \"baseURL\": \(json(.baseURL))}},", .baseURL),
            ("  \"siteName\": \(json(.siteName)),", .siteName),
            ("  \"signing\": {\"mediaBaseURL\": \"\(PayloadSite.mediaBase)\"}", nil),
            ("}", nil),
        ])
        document(PayloadSite.projectFile, [
            ("{", nil),
            ("  \"name\": \(json(.projectName)),", .projectName),
            ("  \"brand\": {\"homeUrl\": \(json(.homeUrl)),", .homeUrl),
            ("    \"footer\": \(json(.brandFooter)),", .brandFooter),
            ("    \"links\": [{\"label\": \(json(.linkLabel)),", .linkLabel),
            ("      \"url\": \(json(.linkUrl))}]}", .linkUrl),
            ("}", nil),
        ])
        document(PayloadSite.jsonShare, [
            ("{", nil),
            ("  \"channel\": \"PROD\",", nil),
            ("  \"slug\": \"\(PayloadSite.jsonSlug)\",", nil),
            ("  \"publicTitle\": \(json(.publicTitle)),", .publicTitle),
            ("  \"publicSubtitle\": \(json(.publicSubtitle)),", .publicSubtitle),
            ("  \"locale\": \(json(.locale)),", .locale),
            ("  \"ctaLabel\": \(json(.ctaLabel)),", .ctaLabel),
            ("  \"ctaUrl\": \(json(.ctaUrl)),", .ctaUrl),
            ("  \"description\": \(json(.description)),", .description),
            ("  \"personalizationData\": {\(json(.personalizationKey)): \"key\",", .personalizationKey),
            ("    \"v\": \(json(.personalizationValue))},", .personalizationValue),
            ("  \"metadata\": {\(json(.metadataKey)): \"key\",", .metadataKey),
            ("    \"v\": \(json(.metadataValue))},", .metadataValue),
            ("  \"video\": {", nil),
            ("    \"id\": \"video-page\",", nil),
            ("    \"hlsUrl\": \(json(.hlsUrl)),", .hlsUrl),
            ("    \"mp4Url\": \(json(.mp4Url)),", .mp4Url),
            ("    \"thumbnailUrl\": \(json(.thumbnailUrl)),", .thumbnailUrl),
            ("    \"captions\": [{\"locale\": \"en\",", nil),
            ("      \"label\": \(json(.captionLabel)),", .captionLabel),
            ("      \"src\": \(json(.captionSrc))}]", .captionSrc),
            ("  },", nil),
            ("  \"audit\": [{\"action\": \"created\", \"at\": \"2026-01-15T09:00:00Z\", \"by\": \"a@example.com\"}]", nil),
            ("}", nil),
        ])
        var markdown: [(String, Field?)] = [
            ("---", nil),
            ("channel: PROD", nil),
            ("slug: \(PayloadSite.markdownSlug)", nil),
            ("publicTitle: \(PayloadSite.yamlQuoted(self[.markdownTitle]))", .markdownTitle),
            ("video:", nil),
            ("  id: video-notes", nil),
            ("  embedUrl: \(PayloadSite.yamlQuoted(self[.embedUrl]))", .embedUrl),
            ("audit:", nil),
            ("  - {action: created, at: \"2026-01-15T09:00:00Z\", by: a@example.com}", nil),
            ("---", nil),
        ]
        let bodyStart = markdown.count + 1
        markdown.append((self[.markdownBody], nil))
        document(PayloadSite.markdownShare, markdown)
        let bodyLines = self[.markdownBody].unicodeScalars.count { $0 == "\n" || $0 == "\r" }
        lines[.markdownBody] = bodyStart...bodyStart + bodyLines
        return (files, lines)
    }

    /// A YAML double-quoted scalar holding exactly `text`: everything outside printable
    /// ASCII is escaped, since libyaml folds raw line breaks (including U+2028).
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += scalar.value > 0xFFFF ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                    : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
