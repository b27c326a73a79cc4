import Foundation
import ShareLoader
import ShareModel
@testable import ShareRenderer
import ShareValidator
import Synchronization
import Testing
import TestSupport

/// Loads and validates a small in-memory site; `shares` are share files of project `p` by name.
private func load(_ shares: [String: String], files: [String: String] = [:]) throws -> (Site, TemplateSet) {
    var all = files
    all["sharegen.json"] = all["sharegen.json"] ?? #"{"signing": {"mediaBaseURL": "https://media.example.com"}}"#
    for (name, json) in shares { all["content/p/shares/\(name)"] = json }
    let fileSystem = InMemoryFileSystem(files: all)
    let validation = SiteValidator().validate(SiteLoader(fileSystem: fileSystem, root: "").load())
    #expect(!validation.diagnostics.hasErrors, "\(validation.diagnostics)")
    return (validation.site, try TemplateSet.load(fileSystem: fileSystem, root: "").get())
}

/// Renders a small in-memory site's `channel`: output path to text.
private func render(_ shares: [String: String], files: [String: String] = [:], channel: Channel = .PROD) throws -> [String: String] {
    let (site, templates) = try load(shares, files: files)
    let rendered = SiteRenderer(templates: templates).render(site, channel: channel)
    return Dictionary(uniqueKeysWithValues: rendered.files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
}

private func share(_ fields: String, video: String = #""id": "v1", "mp4Url": "https://cdn.example.com/v.mp4""#) -> String {
    #"{"channel": "PROD", "slug": "abcd2345efgh6723", "publicTitle": "T", \#(fields) "video": {\#(video)}}"#
}

@Suite("Renderer")
struct RendererTests {
    @Test("the EmbedTemplates plugin carries templates/ byte for byte")
    func embeddedTemplatesMatchRepository() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let directory = root.appendingPathComponent("templates").path
        let paths = try FileManager.default.subpathsOfDirectory(atPath: directory).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(Set(paths) == Set(EmbeddedTemplates.files.keys))
        for path in paths {
            let text = try String(contentsOfFile: directory + "/" + path, encoding: .utf8)
            #expect(EmbeddedTemplates.files[path] == text, "\(path) is not carried byte for byte")
        }
    }

    @Test("escaping works per scalar: a quote followed by a combining mark stays escaped")
    func combiningMarkCannotBreakAttributes() throws {
        let title = "x\\\"\u{301} onmouseover=alert(1) y=\\\"<b>"
        let files = try render(["a.json": share(#""publicSubtitle": "\#(title)","#)])
        // The JSON-LD line holds the quote JSON-escaped (\"), which is safe; check the HTML.
        let page = try #require(files["site/abcd2345efgh6723/index.html"]).split(separator: "\n").filter { !$0.contains("ld+json") }.joined(separator: "\n")
        // Kept out of the #expect macros, which cannot take combining marks in literals.
        let rawBreakout = "\"\u{301} onmouseover"
        let escaped = "&quot;\u{301} onmouseover=alert(1) y=&quot;&lt;b&gt;"
        let tricky = "\"\u{301}<&'>"
        let trickyEscaped = "&quot;\u{301}&lt;&amp;&#39;&gt;"
        #expect(!page.contains(rawBreakout))
        #expect(page.contains(escaped))
        #expect(HTMLEscaping.escape(tricky) == trickyEscaped)
    }

    @Test("JSON-LD cannot be closed from inside: </script> and <!-- are escaped")
    func jsonLDIsScriptSafe() throws {
        let files = try render(["a.json": share(#""publicSubtitle": "</script><script>alert(1)</script><!--","#)])
        let page = try #require(files["site/abcd2345efgh6723/index.html"])
        let script = try #require(page.range(of: "<script type=\"application/ld+json\">"))
        let body = page[script.upperBound...].prefix { $0 != "\n" }
        #expect(body.components(separatedBy: "</script>").count == 2, "only the closing tag of the JSON-LD block itself")
        #expect(body.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"))
        #expect(!body.contains("<!--"))
    }

    @Test("Markdown raw HTML and javascript: links are removed")
    func markdownIsSafe() {
        let html = Markdown.html("Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> **b**")
        #expect(!html.contains("<script"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("onerror"))
        #expect(html.contains("<strong>b</strong>"))
    }

    @Test("UI strings fall back es-CL → es → en, and direction follows the language", arguments: [
        ("es-CL", "Video privado", "ltr"), ("pt-BR", "Vídeo privado", "ltr"), ("he-IL", "סרטון פרטי", "rtl"),
        ("ar-EG", "فيديو خاص", "rtl"), ("fa-IR", "Private video", "rtl"), ("ur", "Private video", "rtl"),
        ("nl-NL", "Private video", "ltr"),
    ])
    func localeFallback(locale: String, privateTitle: String, direction: String) {
        let templates = TemplateSet.defaults()
        #expect(templates.strings(for: locale)["privateTitle"] == privateTitle)
        #expect(ChannelContext.direction(locale) == direction)
    }

    @Test("a private share's page carries no media URL and plays from the fragment, poster and captions included")
    func privatePageHasNoMedia() throws {
        let video = #""id": "v1", "visibility": "private", "hlsUrl": "https://media.example.com/a/b/index.m3u8", "mp4Url": "https://media.example.com/a/b/v.mp4", "thumbnailUrl": "https://media.example.com/a/b/poster.jpg", "captions": [{"locale": "en", "label": "English <CC>", "src": "https://media.example.com/a/b/captions/en.vtt"}]"#
        let files = try render(["a.json": share("", video: video)])
        let page = try #require(files["site/abcd2345efgh6723/index.html"])
        #expect(!page.contains("/a/b/"))
        // The tracks' languages and labels, for share.js to pair with the link's signed `vtt=` URLs.
        #expect(page.contains(#"<script type="application/json" id="caption-tracks">[{"srclang":"en","label":"English \u003cCC\u003e","default":true}]</script>"#))
        // The captions are fetched and played from blob: URLs: the video itself never needs CORS.
        #expect(!page.contains("crossorigin"))
        #expect(page.contains("media-src blob: https://media.example.com; connect-src https://media.example.com;"))
        #expect(files["site/embed/abcd2345efgh6723/index.html"] == nil, "private shares have no embed page")
        #expect(page.contains("img-src &#39;self&#39; https://media.example.com;"))
        #expect(page.contains("data-media-base=\"https://media.example.com\""))
        #expect(page.contains("id=\"private-notice\""))
        #expect(files["site/oembed/abcd2345efgh6723.json"] == nil, "private shares have no oEmbed")
        #expect(page.contains("media-src blob: https://media.example.com"))
    }

    @Test("a public share's captions come as tracks for share.js, the video without crossorigin")
    func publicCaptions() throws {
        let video = #""id": "v1", "mp4Url": "https://media.example.com/v.mp4", "thumbnailUrl": "https://img.example.com/p.jpg", "captions": [{"locale": "en", "label": "English", "src": "https://subs.example.com/en.vtt"}, {"locale": "de", "label": "Deutsch", "src": "https://subs.example.com/de.vtt"}]"#
        let files = try render(["a.json": share("", video: video)])
        for path in ["site/abcd2345efgh6723/index.html", "site/embed/abcd2345efgh6723/index.html"] {
            let page = try #require(files[path])
            #expect(!page.contains("crossorigin") && !page.contains("<track"), "\(path)")
            #expect(page.contains(#"id="caption-tracks">[{"srclang":"en","label":"English","src":"https://subs.example.com/en.vtt","default":true},{"srclang":"de","label":"Deutsch","src":"https://subs.example.com/de.vtt","default":false}]</script>"#), "\(path)")
            #expect(page.contains("img-src &#39;self&#39; https://img.example.com; media-src blob: https://media.example.com; connect-src https://subs.example.com;"), "\(path)")
            #expect(page.contains(#"poster="https://img.example.com/p.jpg""#), "\(path)")
        }
    }

    @Test("redirect rotations all lead to the current slug: no chains")
    func rotationsCollapse() throws {
        let rotations = #""previousSlugs": [{"slug": "aaaa-first", "rotatedAt": "2026-01-01T00:00:00Z", "rotatedBy": "x", "mode": "redirect"}, {"slug": "bbbb-second", "rotatedAt": "2026-02-01T00:00:00Z", "rotatedBy": "x", "mode": "redirect"}, {"slug": "cccc-third", "rotatedAt": "2026-03-01T00:00:00Z", "rotatedBy": "x"}],"#
        let files = try render(["a.json": share(rotations)])
        let json = try #require(files["redirects/redirects.json"])
        #expect(json.contains(#""from": "/aaaa-first/","#) && json.contains(#""to": "/abcd2345efgh6723/""#))
        #expect(!json.contains(#""to": "/bbbb-second/""#))
        #expect(json.contains(#""from": "/cccc-third/","#) && json.contains(#""status": 410"#))
        let nginx = try #require(files["redirects/nginx.conf"])
        #expect(nginx.contains("location = /bbbb-second/ { return 301 /abcd2345efgh6723/$is_args$args; }"))
        #expect(files["site/aaaa-first/index.html"]?.contains("url=/abcd2345efgh6723/") == true)
        #expect(files["site/cccc-third/index.html"] != nil)
        #expect(files["site/_redirects"]?.contains("/aaaa-first/  /abcd2345efgh6723/  301!") == true)
        // Every rotated-away slug is revoked for the edge verifiers; the current one is not.
        #expect(files["redirects/revoked.json"] == "[\n  \"aaaa-first\",\n  \"bbbb-second\",\n  \"cccc-third\"\n]\n")
    }

    @Test("revoked.json lists a Disabled share's slug, and is an empty array when nothing is revoked")
    func revokedSlugs() throws {
        #expect(try render(["a.json": share(#""status": "Disabled","#)])["redirects/revoked.json"] == "[\n  \"abcd2345efgh6723\"\n]\n")
        #expect(try render(["a.json": share("")])["redirects/revoked.json"] == "[]\n")
    }

    @Test("a site's templates/ overrides one template and one locale string")
    func siteOverrides() throws {
        let files = try render(["a.json": share("")], files: [
            "templates/stub.mustache": "<!DOCTYPE html><title>{{heading}}</title>CUSTOM STUB\n",
            "templates/locales/en.json": #"{"notFoundTitle": "Nothing here"}"#,
        ])
        #expect(files["site/404.html"] == "<!DOCTYPE html><title>Nothing here</title>CUSTOM STUB\n")
        #expect(files["site/abcd2345efgh6723/index.html"]?.contains("<h1>T</h1>") == true, "page.mustache is still the default")
    }

    @Test("a broken override is a located diagnostic, not a crash")
    func brokenOverride() {
        let fileSystem = InMemoryFileSystem(files: ["templates/page.mustache": "{{#open}} never closed"])
        guard case .failure(let list) = TemplateSet.load(fileSystem: fileSystem, root: "") else {
            Issue.record("expected a failure")
            return
        }
        #expect(list.diagnostics.map(\.rule) == ["template.syntax"])
        #expect(list.diagnostics.first?.file == "templates/page.mustache")
    }

    @Test("asset names carry a content hash")
    func hashedAssets() throws {
        let files = try render(["a.json": share("")])
        let assets = files.keys.filter { $0.hasPrefix("site/assets/") }.sorted()
        #expect(assets.count == 3)
        #expect(assets.allSatisfy { $0.range(of: #"(share\.[0-9a-f]{10}\.(css|js)|icon\.[0-9a-f]{10}\.svg)$"#, options: .regularExpression) != nil })
    }

    @Test("manifest entries handed in (a carried share's, from the current manifest) give the manifest a full render gives")
    func manifestEntriesGiven() throws {
        func site(_ titles: [String]) throws -> (Site, TemplateSet) {
            var files = ["sharegen.json": #"{"signing": {"mediaBaseURL": "https://media.example.com"}}"#]
            for (index, title) in titles.enumerated() {
                var random = SplitMix64(seed: UInt64(index + 1))
                let slug = String((0..<16).map { _ in "abcdefghjkmnpqrstuvwxyz234567".randomElement(using: &random)! })
                files["content/p\(index)/shares/s.json"] = #"{"channel": "PROD", "slug": "\#(slug)", "publicTitle": "\#(title)", "video": {"id": "v\#(index)", "mp4Url": "https://cdn.example.com/v.mp4"}}"#
            }
            let fileSystem = InMemoryFileSystem(files: files)
            let validation = SiteValidator().validate(SiteLoader(fileSystem: fileSystem, root: "").load())
            #expect(!validation.diagnostics.hasErrors, "\(validation.diagnostics.first.map(String.init(describing:)) ?? "")")
            return (validation.site, try TemplateSet.load(fileSystem: fileSystem, root: "").get())
        }
        func manifest(
            _ site: Site, _ templates: TemplateSet, given: (@Sendable (Share) -> ArraySlice<UInt8>?)? = nil
        ) -> ([UInt8], [String: Range<Int>]) {
            let collector = OutputCollector()
            let summary = SiteRenderer(templates: templates).render(site, channel: .PROD, manifestEntry: given, to: collector)
            return (collector.collected.first { $0.path == "manifest.json" }?.bytes ?? [], summary.manifestEntries)
        }
        let titles = (0..<40).map { "Title \($0) </script> \u{2028}" }
        let (before, templates) = try site(titles)
        let (first, entries) = manifest(before, templates)
        #expect(entries.count == 40)
        for (source, range) in entries {
            #expect(String(decoding: first[range], as: UTF8.self).contains(#""sourceFile": "\#(source)""#), "the range of \(source) holds its entry")
        }
        var edited = titles
        edited[7] = "Edited"
        edited[31] = "Edited too"
        let (after, _) = try site(edited)
        let unchanged = Set(entries.keys).subtracting(["content/p7/shares/s.json", "content/p31/shares/s.json"])
        let (spliced, _) = manifest(after, templates) { share in unchanged.contains(share.sourceFile) ? first[entries[share.sourceFile]!] : nil }
        #expect(spliced == manifest(after, templates).0)
        #expect(String(decoding: spliced, as: UTF8.self).contains("Edited too"))
        // The given bytes are spliced in as they are.
        let marked = manifest(after, templates) { share in share.sourceFile == "content/p3/shares/s.json" ? Array("{\"given\": 3}".utf8)[...] : nil }.0
        #expect(String(decoding: marked, as: UTF8.self).contains("{\"given\": 3}"))
    }

    @Test("the manifest is written in pieces of whole entries, which join to the manifest and hold the entries where recorded")
    func manifestStreamed() throws {
        /// Keeps each piece of a streamed file apart.
        final class PieceSink: OutputSink {
            let pieces = Mutex<[[UInt8]]>([])
            func write(_ file: OutputFile) { pieces.withLock { $0.append(file.bytes) } }
            func write(path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) {
                produce { piece in pieces.withLock { $0.append(piece) } }
            }
        }
        let fileSystem = InMemoryFileSystem(files: [:])
        let letters = Array("abcdefghjkmnpqrs")
        // Three DEV shares sort before PROD's: the channel's slice does not start at 0.
        for index in 0..<43 {
            let slug = "abcd2345efgh\(letters[index / 16])\(letters[index % 16])zz"
            fileSystem.write(
                "content/p\(index)/shares/s.json",
                #"{"channel": "\#(index < 3 ? "DEV" : "PROD")", "slug": "\#(slug)", "publicTitle": "Title \#(index)", "video": {"id": "v\#(index)", "mp4Url": "https://cdn.example.com/v.mp4"}}"#)
        }
        let validation = SiteValidator().validate(SiteLoader(fileSystem: fileSystem, root: "").load())
        #expect(!validation.diagnostics.hasErrors, "\(validation.diagnostics.first.map(String.init(describing:)) ?? "")")
        let templates = try TemplateSet.load(fileSystem: fileSystem, root: "").get()
        let site = validation.site
        let context = ChannelContext(site: site, channel: .PROD, templates: templates)
        let whole = OutputCollector()
        let entries = ManifestBuilder.write(to: whole, site: site, shares: site.shares(in: .PROD), context: context)
        let sink = PieceSink()
        // Two entries a chunk, 32 a wave: 40 entries make two waves, then the end.
        #expect(ManifestBuilder.write(to: sink, site: site, shares: site.shares(in: .PROD), context: context, chunk: 2) == entries)
        let pieces = sink.pieces.withLock { $0 }
        #expect(pieces.count == 3)
        let joined = Array(pieces.joined())
        #expect(joined == whole.collected.first?.bytes)
        #expect(entries.count == 40)
        #expect(site.shares(in: .PROD).startIndex == 3)
        for (source, range) in entries {
            // Exactly one entry: a range off by a byte is not a JSON object.
            let entry = try? JSONSerialization.jsonObject(with: Data(joined[range])) as? [String: Any]
            #expect(entry?["sourceFile"] as? String == source)
        }
        #expect((try? JSONSerialization.jsonObject(with: Data(joined))) != nil)
    }

    @Test("Template variables are documented: every top-level name a page, stub or redirect gets is in the README's table")
    func templateVariablesAreDocumented() throws {
        // One share per player kind, each with every optional field it can carry.
        let full = #"""
            {"channel": "PROD", "slug": "full-share", "publicTitle": "T", "publicSubtitle": "S", "description": "D",
             "ctaLabel": "Go", "ctaUrl": "https://example.com", "metadata": {"m": 1}, "personalizationData": {"p": 1},
             "video": {"id": "v1", "mp4Url": "https://cdn.example.com/v.mp4", "thumbnailUrl": "https://cdn.example.com/v.jpg",
                       "captions": [{"locale": "en", "label": "English", "src": "https://cdn.example.com/v.vtt"}]}}
            """#
        let (site, templates) = try load([
            "full.json": full,
            "private.json": #"{"channel": "PROD", "slug": "private-share", "publicTitle": "T", "video": {"id": "v2", "visibility": "private", "mp4Url": "https://media.example.com/v.mp4"}}"#,
            "embed.json": #"{"channel": "STAGING", "slug": "embed-share", "publicTitle": "T", "video": {"id": "v3", "embedUrl": "https://player.example.com/v"}}"#,
            "pending.json": #"{"channel": "DEV", "slug": "pending-share", "publicTitle": "T", "video": {"id": "v4", "status": "pending"}}"#,
        ])
        var provided = Set<String>()
        func names(_ value: TemplateValue) -> [String] {
            if case .object(let members) = value { Array(members.keys) } else { [] }
        }
        for share in site.shares {
            let context = ChannelContext(site: site, channel: share.channel, templates: templates)
            let locale = context.locale(share.locale)
            provided.formUnion(names(locale.base))
            let brand = context.brand(of: share.project)
            let page = PageContext(share: share, channel: context, brand: brand, strings: locale.strings)
            provided.formUnion(names(brand.values))
            provided.formUnion(names(page.landing()))
            provided.formUnion(names(page.embed()))
            provided.formUnion(names(context.stubContext(heading: "h", body: "b", brand: brand, target: ("/x/", "https://example.com/x/"))))
        }
        #expect(provided.isSuperset(of: ["video", "privateVideo", "embed", "placeholder", "personalizationJSON", "target", "brand", "icon"]))

        let readme = try String(contentsOfFile: Tools.repository + "/README.md", encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### Template variables").dropFirst().first?.components(separatedBy: "\n#").first)
        // The first cell of each row: one or more `name`s.
        let documented = Set(section.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { row in
            row.dropFirst(2).prefix { $0 != "|" }.split(separator: "`").enumerated().filter { $0.offset % 2 == 0 }.map { String($0.element) }
        })
        #expect(provided.subtracting(documented).sorted() == [], "names templates get that the README's table leaves out")
        #expect(documented.subtracting(provided).sorted() == [], "names the README's table lists that no template gets")
    }

    /// The JSON-LD of the page of `share` (one PROD share of slug abcd2345efgh6723), nil without one.
    private func jsonLD(_ share: String) throws -> [String: Any]? {
        let page = try #require(try render(["a.json": share])["site/abcd2345efgh6723/index.html"])
        guard let start = page.range(of: "<script type=\"application/ld+json\">") else { return nil }
        let text = try #require(page[start.upperBound...].components(separatedBy: "</script>").first)
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    @Test("JSON-LD uploadDate is the created audit entry's time, and absent without one")
    func uploadDate() throws {
        let audit = #""audit": [{"action": "updated", "at": "2024-06-01T00:00:00Z", "by": "b@example.com"}, {"action": "created", "at": "2024-05-01T10:00:00Z", "by": "a@example.com"}],"#
        #expect(try jsonLD(share(audit))?["uploadDate"] as? String == "2024-05-01T10:00:00Z")
        let updatedOnly = #""audit": [{"action": "updated", "at": "2024-06-01T00:00:00Z", "by": "b@example.com"}],"#
        let without = try #require(try jsonLD(share(updatedOnly)))
        #expect(without["uploadDate"] == nil)
    }

    @Test("JSON-LD duration keeps fractional seconds, and a segment's is end − start", arguments: [
        (#""durationSeconds": 61.25"#, "PT61.25S"),
        (#""durationSeconds": 90"#, "PT90S"),
        // 12.3 − 2.1 is 10.200000000000001 in binary floating point.
        (#""durationSeconds": 60, "segment": {"start": 2.1, "end": 12.3}"#, "PT10.2S"),
        (#""durationSeconds": 60, "segment": {"id": "s", "start": 0, "end": 7.5}"#, "PT7.5S"),
    ])
    func duration(_ video: String, _ expected: String) throws {
        let ld = try jsonLD(share("", video: #""id": "v1", "mp4Url": "https://cdn.example.com/v.mp4", \#(video)"#))
        #expect(ld?["duration"] as? String == expected)
    }

    @Test("no VideoObject JSON-LD for a video that is not completed", arguments: ["pending", "processing", "failed"])
    func noJSONLDUntilCompleted(_ status: String) throws {
        #expect(try jsonLD(share("", video: #""id": "v1", "status": "\#(status)""#)) == nil)
        #expect(try jsonLD(share("")) != nil)
    }

    @Test("oEmbed gives thumbnail_url with the video's width and height, and none of the three without both")
    func oembedThumbnail() throws {
        func oembed(_ video: String) throws -> [String: Any] {
            let files = try render(["a.json": share("", video: #""id": "v1", "mp4Url": "https://cdn.example.com/v.mp4", "thumbnailUrl": "https://cdn.example.com/p.jpg"\#(video)"#)])
            let text = try #require(files["site/oembed/abcd2345efgh6723.json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let sized = try oembed(#", "width": 640, "height": 360"#)
        #expect(sized["thumbnail_url"] as? String == "https://cdn.example.com/p.jpg")
        #expect(sized["thumbnail_width"] as? Int == 640 && sized["thumbnail_height"] as? Int == 360)
        for video in ["", #", "width": 640"#] {
            let unsized = try oembed(video)
            #expect(unsized["thumbnail_url"] == nil && unsized["thumbnail_width"] == nil && unsized["thumbnail_height"] == nil, "\(video)")
        }
    }

    @Test("og:video:secure_url only for an https media URL")
    func secureURLOnlyForHTTPS() throws {
        let https = try #require(try render(["a.json": share("")])["site/abcd2345efgh6723/index.html"])
        #expect(https.contains(#"<meta property="og:video:secure_url" content="https://cdn.example.com/v.mp4">"#))
        let dev = #"{"channel": "DEV", "slug": "abcd2345efgh6723", "publicTitle": "T", "video": {"id": "v1", "mp4Url": "http://127.0.0.1:9000/v.mp4"}}"#
        let http = try #require(try render(["a.json": dev], channel: .DEV)["site/abcd2345efgh6723/index.html"])
        #expect(http.contains(#"<meta property="og:video" content="http://127.0.0.1:9000/v.mp4">"#))
        #expect(!http.contains("og:video:secure_url"))
    }

    @Test("the embed page is the player alone, under the landing page's policy; oEmbed html and twitter:player frame it")
    func embedPage() throws {
        let video = #""id": "v1", "mp4Url": "https://cdn.example.com/v.mp4", "hlsUrl": "https://cdn.example.com/v/index.m3u8", "thumbnailUrl": "https://img.example.com/p.jpg", "width": 640, "height": 360"#
        let files = try render(["a.json": share(#""ctaLabel": "Buy", "ctaUrl": "https://shop.example.com/", "description": "About *it*","#, video: video)])
        let page = try #require(files["site/abcd2345efgh6723/index.html"])
        let embed = try #require(files["site/embed/abcd2345efgh6723/index.html"])
        let policy = try #require(page.firstMatch(of: /http-equiv="Content-Security-Policy" content="([^"]*)"/)?.1)
        #expect(embed.contains("content=\"\(policy)\""))
        #expect(embed.contains(#"<html lang="en-US" dir="ltr" class="embed">"#))
        #expect(embed.contains(#"<source src="https://cdn.example.com/v/index.m3u8" type="application/vnd.apple.mpegurl">"#))
        #expect(embed.contains(#"<link rel="canonical" href="https://watch.example.com/abcd2345efgh6723/">"#))
        for absent in ["Buy", "About", "masthead", "brand-footer", "og:", "twitter:"] { #expect(!embed.contains(absent), "\(absent)") }
        #expect(page.contains(#"<meta name="twitter:player" content="https://watch.example.com/embed/abcd2345efgh6723/">"#))
        let document = try #require(files["site/oembed/abcd2345efgh6723.json"])
        let oembed = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(oembed["html"] as? String == #"<iframe src="https://watch.example.com/embed/abcd2345efgh6723/" width="640" height="360" title="T" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>"#)
        #expect(try jsonLD(share("", video: video))?["embedUrl"] as? String == "https://watch.example.com/embed/abcd2345efgh6723/")
        // A share whose video is not completed still has its embed page: the placeholder, framable.
        let pending = try render(["a.json": share("", video: #""id": "v1", "status": "processing""#)])
        let placeholder = try #require(pending["site/embed/abcd2345efgh6723/index.html"])
        #expect(placeholder.contains(#"<div class="placeholder" role="status">"#))
    }

    @Test("a segment share's media links name the segment, next to its duration")
    func segmentMedia() throws {
        let video = #""id": "v1", "mp4Url": "https://cdn.example.com/v.mp4", "durationSeconds": 540, "segment": {"start": 30, "end": 90}"#
        let ld = try #require(try jsonLD(share("", video: video)))
        #expect(ld["duration"] as? String == "PT60S")
        #expect(ld["contentUrl"] as? String == "https://cdn.example.com/v.mp4#t=30,90")
        let page = try #require(try render(["a.json": share("", video: video)])["site/abcd2345efgh6723/index.html"])
        #expect(page.contains(#"<meta property="og:video" content="https://cdn.example.com/v.mp4#t=30,90">"#))
        #expect(page.contains(#"<source src="https://cdn.example.com/v.mp4#t=30,90" type="video/mp4">"#))
    }

    @Test("every page shows its project's brand; the 404 page the site's, with homeUrl as the way onward")
    func brandedPages() throws {
        let (site, templates) = try load([
            "a.json": share(#""status": "Disabled","#),
            "b.json": #"{"channel": "PROD", "slug": "bcde2345efgh6723", "publicTitle": "T", "previousSlugs": [{"slug": "oldb2345efgh6723", "rotatedAt": "2024-01-01T00:00:00Z", "rotatedBy": "a@example.com", "mode": "gone"}], "video": {"id": "v2", "visibility": "private", "mp4Url": "https://media.example.com/v.mp4"}}"#,
        ], files: [
            "content/p/project.json": ##"{"name": "Acme & Sons", "brand": {"logo": "logo.svg", "color": "#0a4cc2", "homeUrl": "https://acme.example.com/", "footer": "Member *FDIC*.", "links": [{"label": "Privacy", "url": "https://acme.example.com/privacy"}]}}"##,
            "content/p/assets/logo.svg": #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#,
        ])
        let files = Dictionary(uniqueKeysWithValues: SiteRenderer(templates: templates).render(site, channel: .PROD).files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
        let logo = try #require(files.keys.first { $0.hasPrefix("site/assets/logo.") && $0.hasSuffix(".svg") })
        let css = try #require(files.keys.first { $0.hasPrefix("site/assets/brand.") })
        #expect(files[css] == ":root { --brand: #0a4cc2; --brand-strong: #083c9b; }\n")
        for path in ["site/abcd2345efgh6723/index.html", "site/bcde2345efgh6723/index.html", "site/oldb2345efgh6723/index.html"] {
            let page = try #require(files[path])
            #expect(page.contains(#"<span class="brand-name">Acme &amp; Sons</span>"#), "\(path)")
            #expect(page.contains("<img class=\"logo\" src=\"/\(logo.dropFirst(5))\" alt=\"\" height=\"36\">"), "\(path)")
            #expect(page.contains("<link rel=\"icon\" href=\"/\(logo.dropFirst(5))\" type=\"image/svg+xml\">"), "\(path)")
            #expect(page.contains("<link rel=\"stylesheet\" href=\"/\(css.dropFirst(5))\">"), "\(path)")
            #expect(page.contains("<p>Member <em>FDIC</em>.</p>"), "\(path)")
            #expect(page.contains(#"<li><a href="https://acme.example.com/privacy" rel="noopener noreferrer">Privacy</a></li>"#), "\(path)")
        }
        for stub in ["site/abcd2345efgh6723/index.html", "site/oldb2345efgh6723/index.html"] {
            let page = try #require(files[stub])
            #expect(page.contains(#"<p class="cta"><a class="button" href="https://acme.example.com/" rel="noopener noreferrer">Go to the website</a></p>"#))
        }
        let notFound = try #require(files["site/404.html"])
        #expect(notFound.contains(#"<span class="brand-name">sharegen</span>"#) && !notFound.contains("Acme"))
        #expect(notFound.contains(#"<link rel="icon" href="/assets/icon."#))
        #expect(!notFound.contains(#"class="cta""#), "no homeUrl in the site's brand: no button")
    }
}
