import Glibc
import ShareLoader
import ShareModel

/// Rules for a `brand` object in `sharegen.json` (the site's default, logo in the root's
/// `assets/`) or in a `project.json` (logo in the project's `assets/`), SPEC §2.
enum BrandRules {
    static let keys = ["logo", "color", "homeUrl", "footer", "links"]
    static let linkKeys = ["label", "url"]
    static let maxLogoBytes = 256 * 1024
    static let maxFooterBytes = 2 * 1024
    /// WCAG 2.x AA for normal text: the CTA's white label on the brand colour.
    static let minimumContrast = 4.5

    /// The keys a `brand` object sets; a key that breaks its rule is reported and left unset.
    struct Keys {
        var logo: Brand.Logo?
        var color: String?
        var homeUrl: String?
        var footer: String?
        var links: [Brand.Link]?

        /// `base` with these keys applied, named `name`.
        func applied(to base: Brand, name: String) -> Brand {
            Brand(
                name: name, logo: logo ?? base.logo, color: color ?? base.color, homeUrl: homeUrl ?? base.homeUrl,
                footer: footer ?? base.footer, links: links ?? base.links)
        }
    }

    /// The site's default brand: `sharegen.json`'s `brand`, named `siteName`.
    static func siteBrand(_ loaded: LoadedSite, name: String, into diagnostics: inout [Diagnostic]) -> Brand {
        let keys = loaded.config.flatMap { document in
            read(document, assets: loaded.assets, folder: SiteLoader.assetsDirectory, into: &diagnostics)
        }
        return (keys ?? Keys()).applied(to: Brand(name: name), name: name)
    }

    /// The `brand` member of `document` (absent or null: no keys), its logo looked up in
    /// `assets`, the files of `folder`.
    static func read(_ document: SourceDocument, assets: [SourceDocument], folder: String, into diagnostics: inout [Diagnostic]) -> Keys? {
        guard let value = document.value, value.members != nil, let brand = value["brand"] else { return nil }
        if case .null = brand.kind { return nil }
        guard var reader = FieldReader(file: document.path, value: brand, what: "brand", diagnostics: &diagnostics) else { return nil }
        defer { reader.flush(into: &diagnostics) }
        reader.rejectUnknownKeys(keys, in: "brand")
        var keys = Keys()
        if let (name, position) = reader.string("logo") {
            keys.logo = logo(name, at: position, assets: assets, folder: folder, reader: &reader)
        }
        if let (color, position) = reader.string("color") {
            keys.color = self.color(color, at: position, reader: &reader)
        }
        if let (url, position) = reader.string("homeUrl") {
            keys.homeUrl = self.url(url, "homeUrl", at: position, reader: &reader)
        }
        if let (footer, position) = reader.string("footer") {
            if footer.utf8.count > maxFooterBytes {
                reader.error("brand.footer", "footer is \(footer.utf8.count) bytes; it may have at most \(maxFooterBytes) (2 KiB)", at: position)
            } else if !footer.trimmingWhitespace.isEmpty {
                keys.footer = footer
            }
        }
        if let elements = reader.array("links") {
            keys.links = elements.compactMap { link(file: document.path, $0, reader: &reader) }
        }
        return keys
    }

    private static func logo(_ name: String, at position: SourcePosition, assets: [SourceDocument], folder: String, reader: inout FieldReader) -> Brand.Logo? {
        // The name becomes part of a URL path: plain letters, digits, '.', '-' and '_' only.
        let plain = name.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }
        guard plain, !name.hasPrefix(".") else {
            reader.error("brand.logo", "logo must name a file in \(folder)/ with letters, digits, '.', '-' and '_' (\"logo.svg\"), found \"\(name)\"", at: position)
            return nil
        }
        guard let type = Brand.Logo.type(of: name) else {
            reader.error("brand.logo", "logo \"\(name)\" must be an SVG, PNG or WebP file (.svg, .png, .webp)", at: position)
            return nil
        }
        let path = joinPath(folder, name)
        guard let file = assets.first(where: { $0.path == path }) else {
            var message = "logo \"\(name)\" is not in \(folder)/"
            let names = assets.map { String($0.path.dropFirst(folder.count + 1)) }
            if let suggestion = closestMatch(name, among: names) { message += "; did you mean \"\(suggestion)\"?" }
            reader.error("brand.logo", message, at: position)
            return nil
        }
        // An unreadable file already has its diagnostic from the loader.
        guard let bytes = file.bytes else { return nil }
        guard bytes.count <= maxLogoBytes else {
            reader.error("brand.logo", "logo \"\(name)\" is \(bytes.count) bytes; a logo may have at most \(maxLogoBytes) (256 KiB)", at: position)
            return nil
        }
        guard isFile(bytes, of: type) else {
            reader.error("brand.logo", "logo \"\(name)\" is not a\(type == "svg" ? "n" : "") \(type.uppercased()) file (its bytes say otherwise)", at: position)
            return nil
        }
        return Brand.Logo(fileName: name, bytes: bytes)
    }

    /// Whether the bytes are what the extension claims: PNG and WebP by their signatures,
    /// SVG by an `<svg` element in UTF-8 text.
    static func isFile(_ bytes: [UInt8], of type: String) -> Bool {
        switch type {
        case "png": return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "webp": return bytes.count >= 12 && bytes.starts(with: Array("RIFF".utf8)) && Array(bytes[8..<12]) == Array("WEBP".utf8)
        default:
            guard let text = String(validating: bytes, as: UTF8.self) else { return false }
            return text.contains("<svg")
        }
    }

    private static func color(_ text: String, at position: SourcePosition, reader: inout FieldReader) -> String? {
        let digits = text.utf8.dropFirst()
        guard text.hasPrefix("#"), digits.count == 6, digits.allSatisfy(Formats.isHex) else {
            reader.error("brand.color", "color must be #rrggbb (six hex digits, like \"#0b5fff\"), found \"\(text)\"", at: position)
            return nil
        }
        let color = text.lowercased()
        let ratio = contrast(ofWhiteOn: color)
        guard ratio >= minimumContrast else {
            reader.error(
                "brand.contrast",
                "white text on \(color) has a contrast ratio of \(formatRatio(ratio)):1; the call to action needs at least 4.5:1 (WCAG 2.x AA), so choose a darker colour",
                at: position)
            return nil
        }
        return color
    }

    /// The WCAG 2.x contrast ratio of white on `#rrggbb`: (1 + 0.05) / (L + 0.05), where
    /// L is the colour's relative luminance.
    static func contrast(ofWhiteOn color: String) -> Double {
        1.05 / (relativeLuminance(color) + 0.05)
    }

    static func relativeLuminance(_ color: String) -> Double {
        let linear = Brand.channels(of: color).map { channel in
            let value = Double(channel) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    }

    /// Two decimals, rounded down, so that a ratio just under 4.5 never prints as "4.50".
    static func formatRatio(_ ratio: Double) -> String {
        let hundredths = Int((ratio * 100).rounded(.down))
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private static func url(_ url: String, _ what: String, at position: SourcePosition, reader: inout FieldReader) -> String? {
        if let problem = Formats.urlProblem(url, allowHTTP: false) {
            reader.error("brand.url", "\(what) \(problem)", at: position)
            return nil
        }
        return url
    }

    private static func link(file: String, _ value: SourceValue, reader: inout FieldReader) -> Brand.Link? {
        guard var link = FieldReader(file: file, value: value, what: "a link", diagnostics: &reader.diagnostics) else { return nil }
        defer { link.flush(into: &reader.diagnostics) }
        link.rejectUnknownKeys(linkKeys, in: "a link")
        let label = link.string("label", required: true)
        let target = link.string("url", required: true)
        if let (text, position) = label, text.trimmingWhitespace.isEmpty || text.count > 80 {
            link.error("field.length", "a link's label must be 1 to 80 characters", at: position)
            return nil
        }
        guard let (text, _) = label, let (address, position) = target, let url = url(address, "link url", at: position, reader: &link) else { return nil }
        return Brand.Link(label: text, url: url)
    }
}
