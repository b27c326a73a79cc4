/// How a project's pages look and what they say about who sent them (SPEC §2
/// "project.json and brand"): the site's default brand from `sharegen.json`, overridden
/// key by key by the project's own.
public struct Brand: Sendable, Hashable {
    /// The name in the header, the page title and `og:site_name`.
    public var name: String
    public var logo: Logo?
    /// `#rrggbb`, lowercase: the call to action and accents.
    public var color: String?
    /// Where stubs and the 404 page lead onward; an absolute `https:` URL.
    public var homeUrl: String?
    /// CommonMark, rendered with raw HTML removed.
    public var footer: String?
    public var links: [Link]

    /// The red, green and blue of a `#rrggbb` colour (validation has checked its form), 0-255.
    public static func channels(of color: String) -> [Int] {
        let hex = Array(color.utf8.dropFirst())
        return stride(from: 0, to: 6, by: 2).map { Int(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0 }
    }

    public init(name: String, logo: Logo? = nil, color: String? = nil, homeUrl: String? = nil, footer: String? = nil, links: [Link] = []) {
        self.name = name
        self.logo = logo
        self.color = color
        self.homeUrl = homeUrl
        self.footer = footer
        self.links = links
    }

    public struct Link: Sendable, Hashable {
        public var label: String
        public var url: String

        public init(label: String, url: String) {
            self.label = label
            self.url = url
        }
    }

    /// A logo file as read from `assets/`: SVG, PNG or WebP.
    public struct Logo: Sendable, Hashable {
        /// The file's name in its `assets/` folder (`logo.svg`).
        public var fileName: String
        public var bytes: [UInt8]

        public init(fileName: String, bytes: [UInt8]) {
            self.fileName = fileName
            self.bytes = bytes
        }

        /// The file types a logo may have.
        public static let types = ["svg", "png", "webp"]

        /// The logo type of a file name (its extension, lowercased), or nil for any other file.
        public static func type(of fileName: String) -> String? {
            let parts = fileName.split(separator: ".")
            guard parts.count > 1, let type = parts.last?.lowercased(), types.contains(type) else { return nil }
            return type
        }

        /// The media type from the file's extension, which validation has checked.
        public var mediaType: String {
            switch Self.type(of: fileName) {
            case "svg": "image/svg+xml"
            case "png": "image/png"
            default: "image/webp"
            }
        }
    }
}
