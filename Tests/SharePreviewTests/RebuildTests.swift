import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SharePreview

@Suite("Rebuilds")
struct RebuildTests {
    static func heading(_ client: any TestClientProtocol, _ path: String) async throws -> String? {
        try await client.execute(uri: path, method: .get).heading
    }

    @Test("a build error replaces every page with the escaped diagnostics (500), and fixing the file brings the site back")
    func overlay() async throws {
        let site = try TestSite()
        defer { site.remove() }
        try await withPreview(site) { client in
            #expect(try await client.execute(uri: "/\(Fixture.page)/", method: .get).status == .ok)
            // An unknown field whose name is markup: the diagnostic quotes it, so the overlay must escape it.
            let broken = Fixture.welcome(title: Fixture.pageTitle).replacingOccurrences(of: "channel: DEV\n", with: "channel: DEV\n\"<img src=x onerror=alert(1)>\": 1\n")
            try site.write(Fixture.pageFile, broken)
            try await eventually("the overlay") { try await client.execute(uri: "/\(Fixture.page)/", method: .get).status == .internalServerError }
            let overlay = try await client.execute(uri: "/\(Fixture.page)/", method: .get)
            #expect(overlay.headers[.contentType] == "text/html; charset=utf-8")
            #expect(overlay.text.contains("\(Fixture.pageFile):3:1: error: "))
            #expect(overlay.text.contains("[field.unknown]"))
            #expect(overlay.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!overlay.text.contains("<img"))
            #expect(overlay.text.contains("<script src=\"/__sharegen/reload.js\" data-version=\""))
            for path in ["/no-such-share/", "/\(Fixture.gone)/", "/assets/x.css"] {
                #expect(try await client.execute(uri: path, method: .get).status == .internalServerError, "\(path)")
            }
            try site.write(Fixture.pageFile, Fixture.welcome(title: "Fixed"))
            try await eventually("the fixed page") { try await Self.heading(client, "/\(Fixture.page)/") == "Fixed" }
            #expect(try await client.execute(uri: "/\(Fixture.gone)/", method: .get).status == .gone)
        }
    }

    @Test("an open event stream gets a reload event once a saved file is rebuilt; only that share is rendered again")
    func reloadEvent() async throws {
        let site = try TestSite()
        defer { site.remove() }
        let transcript = Transcript()
        try await withPreview(site, transcript: transcript) { client in
            let version = try #require(try await client.execute(uri: "/\(Fixture.page)/", method: .get).version)
            async let stream = client.execute(uri: "/__sharegen/events?since=\(version)", method: .get)
            try await Task.sleep(for: .milliseconds(300))
            try site.overwrite(Fixture.pageFile, Fixture.welcome(title: "Changed in place"))
            let events = try await stream
            #expect(events.status == .ok)
            #expect(events.headers[.contentType] == "text/event-stream")
            let reload = try #require(events.text.range(of: "event: reload\ndata: "))
            let next = String(events.text[reload.upperBound...].prefix { $0 != "\n" })
            #expect(next != version)
            try await eventually("the new title") { try await Self.heading(client, "/\(Fixture.page)/") == "Changed in place" }
            // A page that was served before the last build reloads at once.
            let current = try #require(try await client.execute(uri: "/\(Fixture.page)/", method: .get).version)
            let stale = try await client.execute(uri: "/__sharegen/events?since=\(version)", method: .get)
            #expect(stale.text.contains("event: reload\ndata: \(current)\n\n"))
        }
        #expect(transcript.text.contains("rebuilding DEV: \(Fixture.pageFile) changed…"))
        #expect(transcript.text.contains("✓ built DEV: 2 pages, 3 stubs in "))
        #expect(transcript.text.contains("(1 rendered, 2 unchanged)"))
    }

    @Test("new folders are watched, added and removed files are picked up, and templates and sharegen.json rebuild everything")
    func structuralChanges() async throws {
        let site = try TestSite()
        defer { site.remove() }
        let slug = "nw4k7q2mx5tpl3za"
        let share = { @Sendable (title: String) in
            #"{"channel": "DEV", "slug": "\#(slug)", "publicTitle": "\#(title)", "video": {"id": "vid-new", "status": "pending"}}"# + "\n"
        }
        try await withPreview(site) { client in
            try site.write("content/gamma/shares/new.json", share("Brand new"))
            try await eventually("the new share") { try await Self.heading(client, "/\(slug)/") == "Brand new" }
            // The folder created a moment ago is watched too.
            try site.overwrite("content/gamma/shares/new.json", share("Edited in a new folder"))
            try await eventually("the edit") { try await Self.heading(client, "/\(slug)/") == "Edited in a new folder" }
            try FileManager.default.removeItem(atPath: site.root + "/content/gamma/shares/new.json")
            try await eventually("the removal") { try await client.execute(uri: "/\(slug)/", method: .get).status == .notFound }

            try site.write("templates/stub.mustache", "<!DOCTYPE html>\n<html lang=\"{{lang}}\">\n<head>\n{{> head}}\n</head>\n<body>\n<h1>Custom: {{heading}}</h1>\n</body>\n</html>\n")
            try await eventually("the template override") { try await Self.heading(client, "/nothing/")?.hasPrefix("Custom: ") == true }

            let config = try String(contentsOfFile: site.root + "/sharegen.json", encoding: .utf8)
            try site.write("sharegen.json", config.replacingOccurrences(of: "Preview Test", with: "Renamed Site"))
            try await eventually("the new site name") {
                try await client.execute(uri: "/\(Fixture.page)/", method: .get).text.contains("<span class=\"brand-name\">Renamed Site</span>")
            }
        }
    }
}
