import Foundation
import ShareBuild
import ShareModel
import Testing
import TestSupport

/// Every payload of `Fixtures/payloads.json` goes into every field an author writes
/// (text, Markdown, personalization and metadata keys and values, locale, URLs, site
/// name, base URL), one field at a time: the validator either accepts it or rejects it
/// with an error on the payload's own line. Then one site per payload carries it in
/// every field that accepted it, is built by the real pipeline, and its pages are loaded
/// in headless Chromium, which must see no script run, no CSP violation, no element or
/// attribute the templates do not write, and every text exactly as written.
@Suite("Injection corpus", .tags(.browser, .nginx, .slow))
struct InjectionTests {
    /// The corpus by category, in a stable order.
    static func corpus() throws -> [(category: String, payload: String)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Harness.fixtures + "/payloads.json"))
        let categories = try JSONDecoder().decode([String: [String]].self, from: data)
        return categories.sorted { $0.key < $1.key }.flatMap { category, payloads in payloads.map { (category, $0) } }
    }

    /// What the validator did with one payload in every field.
    struct Verdict {
        /// The first form of the payload each field accepted.
        var accepted: [Field: String] = [:]
        var tried = 0
        var rejected = 0
        /// Rule ids of the errors, with their counts.
        var rules: [String: Int] = [:]
    }

    /// Places `payload` in each field alone, and checks that every error it causes is on
    /// the payload's own line.
    static func verdict(for payload: String) -> Verdict {
        var verdict = Verdict()
        for field in Field.allCases {
            for variant in field.variants(of: payload) where verdict.accepted[field] == nil {
                verdict.tried += 1
                var site = PayloadSite()
                site.values[field] = variant
                let (files, lines) = site.files()
                let errors = Harness.validate(InMemoryFileSystem(files: files)).diagnostics.filter { $0.severity == .error }
                if errors.isEmpty {
                    verdict.accepted[field] = variant
                    continue
                }
                verdict.rejected += 1
                for error in errors {
                    verdict.rules[error.rule, default: 0] += 1
                    let onItsLine = error.file == field.file && lines[field]!.contains(error.line) && error.column >= 1
                    #expect(onItsLine, "\(field) \(variant.debugDescription): \(error.file):\(error.line):\(error.column) \(error.message)")
                }
            }
        }
        return verdict
    }

    /// The default page template plus what a site template may add: a metadata value as
    /// text and the personalization as JSON, both through the default escaping.
    static func pageTemplate() throws -> String {
        let template = try String(contentsOfFile: Harness.repository + "/templates/page.mustache", encoding: .utf8)
        let extended = template.replacingOccurrences(of: "</main>", with: """
            <section id="data" hidden>
            <p id="metadata-value">{{metadata.v}}</p>
            <script type="application/json" id="personalization">{{{personalizationJSON}}}</script>
            </section>
            </main>
            """)
        guard extended != template else { throw Failure("templates/page.mustache has no </main>") }
        return extended
    }

    @Test("the corpus is large and covers every category the issue names")
    func corpusShape() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count >= 100)
        #expect(Set(corpus.map(\.payload)).count == corpus.count, "payloads repeat")
        let categories = Set(corpus.map(\.category))
        for required in ["script tags", "event handlers", "scheme URLs", "entity tricks", "breakouts", "direction overrides",
                         "combining marks", "css", "svg and mathml", "template syntax", "json breakers", "control characters"] {
            #expect(categories.contains(required), "no \(required) payloads")
        }
    }

    @Test("a plain payload site is valid without a single diagnostic")
    func baseline() {
        let result = Harness.validate(InMemoryFileSystem(files: PayloadSite().files().files))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test("every payload in every field: rejected on its own line, or built into pages Chromium finds inert")
    func payloadsInEveryField() throws {
        let corpus = try Self.corpus()
        let verdicts = corpus.map { Self.verdict(for: $0.payload) }
        let directory = try Harness.temporaryDirectory("injection")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pageTemplate = try Self.pageTemplate()
        try FileManager.default.createDirectory(atPath: directory + "/www", withIntermediateDirectories: true)

        // One site per payload, with the payload in every field that accepted it, served
        // under /s<index>/ (its base URL's path, unless the base URL is the payload's).
        var expectations: [String: (PayloadSite, isMarkdown: Bool)] = [:]
        var built = 0
        for (index, verdict) in verdicts.enumerated() {
            let site = PayloadSite(values: verdict.accepted, baseURL: "https://watch.example.test/s\(index)")
            let root = "\(directory)/sites/s\(index)", output = "\(directory)/out/s\(index)"
            var files = site.files().files
            files["templates/page.mustache"] = pageTemplate
            try Harness.write(files, under: root)
            let result = SiteBuild(root: root).run(channel: .PROD, output: output)
            guard case .success = result else {
                Issue.record("payload \(index) \(corpus[index].payload.debugDescription): the site of its accepted fields does not build: \(result)")
                continue
            }
            built += 1
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/www/s\(index)", withDestinationPath: output + "/site")
            try checkFiles(site, output: output)
            if verdict.accepted[.baseURL] != nil { try checkNginxInclude(output) }
            expectations["/s\(index)/\(PayloadSite.jsonSlug)/"] = (site, false)
            expectations["/s\(index)/\(PayloadSite.markdownSlug)/"] = (site, true)
        }

        let report = try loadInChromium(root: directory + "/www", paths: expectations.keys.sorted())
        #expect(report.pages.count == expectations.count)
        for (path, page) in report.pages {
            guard let (site, isMarkdown) = expectations[path] else { continue }
            check(page, path: path, site: site, isMarkdown: isMarkdown)
        }
        let rules = verdicts.reduce(into: [String: Int]()) { total, verdict in total.merge(verdict.rules, uniquingKeysWith: +) }
        print("injection: \(corpus.count) payloads × \(Field.allCases.count) fields: \(verdicts.reduce(0) { $0 + $1.tried }) placements tried, "
              + "\(verdicts.reduce(0) { $0 + $1.accepted.count }) accepted, \(verdicts.reduce(0) { $0 + $1.rejected }) rejected with errors on their own line "
              + "(\(rules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); "
              + "\(built) sites built, \(report.pages.count) pages loaded in Chromium")
    }

    /// The files besides the pages: the manifest and oEmbed carry the values as JSON.
    /// (Decoded with JSONDecoder: Foundation's JSONSerialization drops a leading U+FEFF.)
    func checkFiles(_ site: PayloadSite, output: String) throws {
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: output + "/manifest.json")))
        #expect(manifest.siteName == site[.siteName])
        let page = manifest.shares.first { $0.slug == PayloadSite.jsonSlug }
        #expect(page?.title == site[.publicTitle])
        #expect(page?.metadata.map(Self.strings) == [site[.metadataKey]: "key", "v": site[.metadataValue]])
        #expect(page?.personalizationData.map(Self.strings) == [site[.personalizationKey]: "key", "v": site[.personalizationValue]])
        struct OEmbed: Decodable { var title: String }
        let oembed = try JSONDecoder().decode(OEmbed.self, from: Data(contentsOf: URL(fileURLWithPath: "\(output)/site/oembed/\(PayloadSite.jsonSlug).json")))
        #expect(oembed.title == site[.publicTitle])
    }

    /// The string members of a JSON object.
    static func strings(_ value: JSONValue) -> [String: String] {
        guard case .object(let members) = value else { return [:] }
        return Dictionary(members.compactMap { key, value in
            if case .string(let text) = value { (key, text) } else { nil }
        }, uniquingKeysWith: { first, _ in first })
    }

    /// A base URL's path is written into the nginx include: nginx must still accept it.
    func checkNginxInclude(_ output: String) throws {
        guard let nginx = Harness.tool("nginx") else { throw Failure("nginx is not installed; .ci/run installs it") }
        let directory = output + "-nginx"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log;
        events {}
        http { server { listen 127.0.0.1:8; root \(output)/site; include \(output)/redirects/nginx.conf; } }
        """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        let result = try Child.run(nginx, ["-t", "-q", "-p", directory, "-c", directory + "/nginx.conf"], timeout: 60)
        #expect(result.status == 0, "nginx rejects the include built from \(output): \(result.standardError)")
    }

    struct Report: Decodable {
        struct Page: Decodable {
            var hits: [String]
            var url: String
            var elements: [String]
            var handlers: [String]
            var schemes: [String]
            var scripts: [String]
            var meta: [String: String?]
            var csp: [String]
            var text: [String: Texts]
            var media: Media
        }

        /// A text probe: a string, the personalization's members, or nothing.
        enum Texts: Decodable, Equatable {
            case text(String?)
            case members([[String]])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let members = try? container.decode([[String]].self) { self = .members(members) } else { self = .text(try container.decode(String?.self)) }
            }
        }

        struct Media: Decodable {
            var sources: [String?]
            var tracks: [[String?]]
            var iframes: [String?]
            var poster: String?
        }

        var pages: [String: Page]
    }

    func loadInChromium(root: String, paths: [String]) throws -> Report {
        guard let python = Harness.tool("python3") else { throw Failure("python3 is missing") }
        let result = try Child.run(python, [Harness.repository + "/Tests/HardeningTests/injection_check.py", root] + paths, timeout: 900)
        guard result.status == 0, let line = result.standardOutput.split(separator: "\n").last,
              let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8)) else {
            throw Failure("the Chromium check failed (.ci/run installs chromium, chromium-driver and selenium):\n\(result.standardError.suffix(3000))")
        }
        return report
    }

    func check(_ page: Report.Page, path: String, site: PayloadSite, isMarkdown: Bool) {
        #expect(page.hits.isEmpty, "\(path): script ran or CSP fired: \(page.hits)")
        #expect(page.url == path, "\(path): navigated to \(page.url)")
        #expect(page.elements.isEmpty, "\(path): elements the templates never write: \(page.elements)")
        #expect(page.handlers.isEmpty, "\(path): event handler attributes: \(page.handlers)")
        #expect(page.schemes.isEmpty, "\(path): script URLs: \(page.schemes)")
        // share.js, the caption tracks, the personalization data and the JSON-LD.
        let scripts = [" src", "application/json inline", "application/ld+json inline"] + (isMarkdown ? [] : ["application/json inline"])
        #expect(page.scripts.sorted() == scripts.sorted(), "\(path): scripts \(page.scripts)")
        #expect(page.csp.count == 1 && page.csp.allSatisfy { Self.isWellFormedPolicy($0) }, "\(path): http-equiv metas \(page.csp)")
        let text = { (key: String) in page.text[key] ?? .text(nil) }
        // The brand's name: project.json's name (the JSON share's project has one), else siteName.
        let brand = site[isMarkdown ? .siteName : .projectName]
        #expect(text("site") == .text(Expected.body(brand)), "\(path): brand name")
        #expect(page.meta["og:site_name"] == Expected.attribute(brand), "\(path): og:site_name")
        // Both loaders keep every scalar, a leading U+FEFF included.
        let title = site[isMarkdown ? .markdownTitle : .publicTitle]
        #expect(text("h1") == .text(Expected.body(title)), "\(path): h1")
        #expect(text("title") == .text(Expected.attribute(title)), "\(path): title")
        #expect(text("ldName") == .text(title), "\(path): JSON-LD name")
        #expect(page.meta["og:title"] == Expected.attribute(title), "\(path): og:title")
        if isMarkdown {
            #expect(page.media.iframes == [Expected.attribute(site[.embedUrl])], "\(path): iframe")
            return
        }
        #expect(text("home") == .text(Expected.attribute(site[.homeUrl])), "\(path): brand homeUrl")
        #expect(text("linkLabel") == .text(Expected.body(site[.linkLabel])), "\(path): brand link label")
        #expect(text("linkHref") == .text(Expected.attribute(site[.linkUrl])), "\(path): brand link URL")
        #expect(text("subtitle") == .text(Expected.body(site[.publicSubtitle])), "\(path): subtitle")
        #expect(page.meta["description"] == Expected.attribute(site[.publicSubtitle]), "\(path): description meta")
        #expect(text("cta") == .text(Expected.body(site[.ctaLabel])), "\(path): CTA label")
        #expect(text("ctaHref") == .text(Expected.attribute(site[.ctaUrl])), "\(path): CTA URL")
        #expect(text("metadata") == .text(Expected.body(site[.metadataValue])), "\(path): metadata value")
        #expect(text("lang") == .text(Expected.attribute(site[.locale])), "\(path): lang")
        let language = site[.locale].prefix { $0 != "-" }.lowercased()
        #expect(text("dir") == .text(["ar", "he", "fa", "ur"].contains(language) ? "rtl" : "ltr"), "\(path): dir")
        if case .members(let members) = text("personalization") {
            #expect(Set(members) == [[site[.personalizationKey], "key"], ["v", site[.personalizationValue]]], "\(path): personalization JSON")
        } else {
            Issue.record("\(path): personalization JSON does not parse: \(text("personalization"))")
        }
        #expect(page.media.sources == [site[.hlsUrl], site[.mp4Url]].map(Expected.attribute), "\(path): video sources")
        #expect(page.media.poster == Expected.attribute(site[.thumbnailUrl]), "\(path): poster")
        // From the caption tracks' JSON, which keeps every scalar as written.
        #expect(page.media.tracks == [[site[.captionLabel], site[.captionSrc]]], "\(path): caption track")
    }

    /// One `Content-Security-Policy` meta whose directives are the known ones, each once:
    /// a value that smuggled a `;` into the policy would add or repeat one.
    static func isWellFormedPolicy(_ meta: String) -> Bool {
        guard meta.hasPrefix("Content-Security-Policy: ") else { return false }
        let names = meta.dropFirst("Content-Security-Policy: ".count).split(separator: ";").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        let known: Set = ["default-src", "script-src", "style-src", "img-src", "media-src", "connect-src", "frame-src", "base-uri", "form-action"]
        return Set(names).count == names.count && Set(names).isSubset(of: known)
    }
}

/// What the HTML parser makes of text the templates escaped correctly (HTML §13.2.3.5,
/// §13.2.5): CR and CRLF become LF; NUL is dropped from text, and replaced by U+FFFD in
/// attributes and in `<title>`.
enum Expected {
    static func newlines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    static func body(_ text: String) -> String {
        newlines(text).replacingOccurrences(of: "\u{0}", with: "")
    }

    static func attribute(_ text: String) -> String {
        newlines(text).replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }
}
