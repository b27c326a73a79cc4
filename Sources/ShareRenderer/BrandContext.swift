import ShareModel

/// What the pages of one brand share: the `brand` and `icon` template values, and the files
/// they link (the logo and the stylesheet of its colour, both with content-hashed names).
struct BrandContext: Sendable {
    let name: String
    let values: TemplateValue
    let files: [OutputFile]

    /// `defaultIcon` is the site path of the built-in icon, for a brand without a logo.
    init(_ brand: Brand, basePath: String, defaultIcon: String) {
        name = brand.name
        var files: [OutputFile] = []
        var values: [String: TemplateValue] = ["name": .text(brand.name)]
        var icon: TemplateValue = .object(["href": .text(defaultIcon), "type": "image/svg+xml"])
        if let logo = brand.logo {
            let hashed = ChannelContext.hashedName(logo.fileName, logo.bytes)
            files.append(OutputFile(path: "site/assets/\(hashed)", bytes: logo.bytes))
            let src = "\(basePath)/assets/\(hashed)"
            values["logo"] = .object(["src": .text(src)])
            icon = .object(["href": .text(src), "type": .text(logo.mediaType)])
        }
        if let color = brand.color {
            let css = Array(Self.stylesheet(color: color).utf8)
            let hashed = ChannelContext.hashedName("brand.css", css)
            files.append(OutputFile(path: "site/assets/\(hashed)", bytes: css))
            values["stylesheet"] = .text("\(basePath)/assets/\(hashed)")
        }
        if let home = brand.homeUrl { values["homeUrl"] = .text(home) }
        let footer = brand.footer.map(Markdown.html) ?? ""
        if !footer.isEmpty { values["footerHTML"] = .text(footer) }
        if !brand.links.isEmpty {
            values["links"] = .list(brand.links.map { .object(["label": .text($0.label), "url": .text($0.url)]) })
            values["hasLinks"] = true
        }
        values["hasFooter"] = .flag(!footer.isEmpty || !brand.links.isEmpty)
        self.values = .object(["brand": .object(values), "icon": icon])
        self.files = files
    }

    /// The brand colour as the theme's custom properties: the colour itself for the call to
    /// action and accents, and a darker shade for their hover state (darker only raises the
    /// contrast of white text, which validation holds at 4.5:1 or more).
    static func stylesheet(color: String) -> String {
        ":root { --brand: \(color); --brand-strong: \(darker(color)); }\n"
    }

    static func darker(_ color: String) -> String {
        "#" + Brand.channels(of: color).map { $0 * 4 / 5 }.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
