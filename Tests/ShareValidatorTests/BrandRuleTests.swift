import ShareLoader
import ShareModel
import Testing
@testable import ShareValidator

/// The line and column (1-based) where `needle` first occurs in `text`.
private func position(of needle: String, in text: String) -> At {
    let before = text.components(separatedBy: needle)[0]
    let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
    return At(lines.count, lines.last!.count + 1)
}

@Suite("Brand rules")
struct BrandRuleTests {
    static let logo = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>"#

    @Test("the site's brand is every project's default, overridden key by key; names come from project.json, else siteName")
    func merged() throws {
        let result = validate([
            SiteLoader.configFile: #"""
            {"siteName": "Example Watch",
             "brand": {"logo": "site.svg", "color": "#1F2937", "homeUrl": "https://www.example.com", "footer": "Hosted by *Example*.",
                       "links": [{"label": "Privacy", "url": "https://www.example.com/privacy"}]}}
            """#,
            "assets/site.svg": Self.logo,
            Fixture.sharePath("a", project: "acme"): Fixture.share.json,
            "content/acme/project.json": ##"{"name": "Acme Bank", "brand": {"logo": "logo.svg", "color": "#0a4cc2", "links": []}}"##,
            "content/acme/assets/logo.svg": Self.logo + "\n",
            "content/plain/project.json": #"{"brand": {"homeUrl": "https://plain.example.com"}}"#,
        ])
        expectDiagnostics(result, [])
        let site = result.site
        let links = [Brand.Link(label: "Privacy", url: "https://www.example.com/privacy")]
        #expect(site.config.brand == Brand(
            name: "Example Watch", logo: Brand.Logo(fileName: "site.svg", bytes: Array(Self.logo.utf8)), color: "#1f2937",
            homeUrl: "https://www.example.com", footer: "Hosted by *Example*.", links: links))
        let acme = try #require(site.projects.first { $0.id == "acme" })
        #expect(acme.brand == Brand(
            name: "Acme Bank", logo: Brand.Logo(fileName: "logo.svg", bytes: Array((Self.logo + "\n").utf8)), color: "#0a4cc2",
            homeUrl: "https://www.example.com", footer: "Hosted by *Example*.", links: []))
        let plain = try #require(site.projects.first { $0.id == "plain" })
        #expect(plain.name == "plain")
        #expect(plain.brand.name == "Example Watch")
        #expect(plain.brand.homeUrl == "https://plain.example.com")
        #expect(plain.brand.logo?.fileName == "site.svg")
    }

    @Test("every broken brand key is a located error with its rule id; the rest of the brand still applies")
    func located() throws {
        let path = "content/acme/project.json"
        let project = """
        {
          "name": "Acme",
          "brand": {
            "logo": "logo.gif",
            "color": "#cccccc",
            "homeUrl": "http://acme.example.com",
            "footer": "\(String(repeating: "x", count: 2049))",
            "links": [{"label": "Privacy", "url": "javascript:alert(1)"}, {"url": "https://acme.example.com/terms"}, {"label": "", "url": "https://acme.example.com/"}],
            "colour": "#000000"
          }
        }
        """
        let config = #"{"brand": {"logo": "logo.svg", "color": "0b5fff", "footer": 3}}"#
        let result = validate([
            SiteLoader.configFile: config,
            "assets/logos.svg": Self.logo,
            Fixture.sharePath("a", project: "acme"): Fixture.share.json,
            path: project,
        ])
        func at(_ needle: String, in text: String = project, file: String = path, _ rule: String) -> Found {
            let at = position(of: needle, in: text)
            return Found(rule, .error, file, at.line, at.column)
        }
        expectDiagnostics(result, [
            at(#""logo.gif""#, "brand.logo"),
            at(##""#cccccc""##, "brand.contrast"),
            at(#""http://acme"#, "brand.url"),
            at(#""xxxx"#, "brand.footer"),
            at(#""javascript:"#, "brand.url"),
            at(#"{"url": "https://acme.example.com/terms"}"#, "field.required"),
            at(#""""#, "field.length"),
            at(#""colour""#, "field.unknown"),
            at(#""logo.svg""#, in: config, file: SiteLoader.configFile, "brand.logo"),
            at(#""0b5fff""#, in: config, file: SiteLoader.configFile, "brand.color"),
            at("3}", in: config, file: SiteLoader.configFile, "field.type"),
        ])
        let messages = result.diagnostics.map(\.message)
        #expect(messages.contains("white text on #cccccc has a contrast ratio of 1.60:1; the call to action needs at least 4.5:1 (WCAG 2.x AA), so choose a darker colour"))
        #expect(messages.contains("logo \"logo.svg\" is not in assets/; did you mean \"logos.svg\"?"))
        #expect(messages.contains("logo \"logo.gif\" must be an SVG, PNG or WebP file (.svg, .png, .webp)"))
        #expect(messages.contains("footer is 2049 bytes; it may have at most 2048 (2 KiB)"))
        // The link that passed is kept.
        #expect(result.site.projects.first?.brand.links == [])
    }

    @Test("a logo must be what its name says, at most 256 KiB, and in its own assets/ folder")
    func logoFiles() throws {
        let result = validate([
            Fixture.sharePath("a", project: "acme"): Fixture.share.json,
            "content/acme/project.json": #"{"brand": {"logo": "logo.png"}}"#,
            "content/acme/assets/logo.png": "not a PNG",
            // A design's source file beside the logo is not read (it would be too large an input).
            "content/acme/assets/logo-source.psd": String(repeating: "x", count: 2 << 20),
            "content/beta/project.json": #"{"brand": {"logo": "big.svg"}}"#,
            "content/beta/assets/big.svg": "<svg>" + String(repeating: " ", count: 256 * 1024),
            "content/gamma/project.json": #"{"brand": {"logo": "../beta/assets/big.svg"}}"#,
            "content/delta/project.json": #"{"brand": {"logo": "shared.svg"}}"#,
            "content/epsilon/project.json": #"{"brand": {"logo": "my logo?.svg"}}"#,
            "content/epsilon/assets/my logo?.svg": Self.logo,
            "assets/shared.svg": Self.logo,
        ])
        #expect(result.diagnostics.map { "\($0.file) \($0.rule)" }.sorted() == [
            "content/acme/assets/logo-source.psd site.stray-file", "content/acme/project.json brand.logo", "content/beta/project.json brand.logo",
            "content/delta/project.json brand.logo", "content/epsilon/project.json brand.logo", "content/gamma/project.json brand.logo",
        ])
        #expect(result.diagnostics.contains { $0.message == "logo \"logo.png\" is not a PNG file (its bytes say otherwise)" })
        #expect(result.diagnostics.contains { $0.message == "logo \"big.svg\" is \(256 * 1024 + 5) bytes; a logo may have at most 262144 (256 KiB)" })
        #expect(BrandRules.isFile([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], of: "png"))
        #expect(BrandRules.isFile(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), of: "webp"))
        #expect(!BrandRules.isFile(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8), of: "webp"))
    }

    @Test("contrast is WCAG 2.x's, computed exactly", arguments: [
        ("#000000", 21.0), ("#ffffff", 1.0), ("#767676", 4.54), ("#777777", 4.47), ("#0b5fff", 5.12), ("#1d4ed8", 6.70),
    ])
    func contrast(color: String, ratio: Double) {
        #expect(BrandRules.formatRatio(BrandRules.contrast(ofWhiteOn: color)) == BrandRules.formatRatio(ratio))
        #expect((BrandRules.contrast(ofWhiteOn: color) >= 4.5) == (ratio >= 4.5))
    }

    @Test("white on #777777 is 4.478…:1, which fails and prints as 4.47, never rounded up to 4.48 or 4.5")
    func roundedDown() {
        let ratio = BrandRules.contrast(ofWhiteOn: "#777777")
        #expect(abs(ratio - 4.4781) < 0.0001)
        #expect(BrandRules.formatRatio(ratio) == "4.47")
        #expect(BrandRules.formatRatio(21) == "21.00")
        #expect(BrandRules.formatRatio(4.5) == "4.50")
    }
}
