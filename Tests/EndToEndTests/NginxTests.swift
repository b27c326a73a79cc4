import Foundation
import ShareModel
import TestSupport
import Testing

/// The generated nginx include gives production status codes on real nginx.
@Suite("nginx serves the built example site", .serialized, .tags(.nginx))
struct NginxTests {
    @Test("pages 200, disabled 404 with stub, unknown 404, gone 410, rotations 301", .enabled(if: Support.which("nginx") != nil, "needs nginx"))
    func statusCodes() throws {
        let server = try StaticServer(site: Support.exampleSite)
        defer { server.stop() }
        let manifest = try server.manifest()
        let enabled = manifest.shares.filter { $0.status == .enabled }
        let disabled = manifest.shares.filter { $0.status == .disabled }
        #expect(!enabled.isEmpty && !disabled.isEmpty && !manifest.gone.isEmpty && !manifest.redirects.isEmpty)

        for share in enabled {
            let response = try server.fetch(share.path)
            #expect(response.status == 200, "\(share.path)")
            #expect(response.body == server.file(share.path + "index.html"))
        }
        for share in disabled {
            for path in [share.path, String(share.path.dropLast())] {
                let response = try server.fetch(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.body == server.file(share.path + "index.html"), "\(path) should show the deactivation stub")
            }
        }
        for gone in manifest.gone {
            let response = try server.fetch("/\(gone.slug)/")
            #expect(response.status == 410, "/\(gone.slug)/")
            #expect(response.body == server.file("/\(gone.slug)/index.html"))
        }
        for redirect in manifest.redirects {
            // Chains collapse: a redirect never leads to another redirected slug.
            #expect(!manifest.redirects.map(\.from).contains(redirect.to))
            for path in ["/\(redirect.from)/", "/\(redirect.from)", "/\(redirect.from)/index.html"] {
                let response = try server.fetch(path)
                #expect(response.status == 301, "\(path)")
                #expect(response.location == "/\(redirect.to)/", "\(path)")
            }
        }
        let unknown = try server.fetch("/no-such-share-here/")
        #expect(unknown.status == 404)
        #expect(unknown.body == server.file("/404.html"))
        for folder in ["/", "/assets/"] {
            let response = try server.fetch(folder)
            #expect(response.status == 404, "\(folder)")
            #expect(response.body == server.file("/404.html"), "\(folder)")
        }
    }

    @Test("after a build, changed pages show at once and changed rules at nginx -s reload", .enabled(if: Support.which("nginx") != nil, "needs nginx"))
    func reloadAfterBuild() throws {
        let directory = try Support.temporaryDirectory("nginx-reload")
        let root = directory + "/site", output = directory + "/dist"
        try HostingParityTests.writeSite(root: root, basePath: "")
        try Support.build(root, into: output)
        let server = try StaticServer(output: output, basePath: "", removing: directory)
        defer { server.stop() }
        let path = "/\(HostingParityTests.page)/"
        let page = try server.fetch(path)
        #expect(page.status == 200 && page.body == server.file(path + "index.html"))

        // Disable the share and build again over the served output.
        let file = root + "/content/acme/shares/welcome.json"
        let share = try String(contentsOfFile: file, encoding: .utf8)
        try share.replacing(#""channel": "PROD","#, with: #""channel": "PROD", "status": "Disabled","#).write(toFile: file, atomically: true, encoding: .utf8)
        try Support.build(root, into: output)
        let stub = server.file(path + "index.html")
        #expect(!stub.isEmpty && stub != page.body)
        // The new file is served at once, but the map nginx holds does not know the rule yet.
        let before = try server.fetch(path)
        #expect(before.status == 200 && before.body == stub)

        try server.reload()
        // Old workers finish their requests before they exit: poll until the new ones answer.
        var after = try server.fetch(path)
        for _ in 0..<200 where after.status != 404 {
            usleep(50_000)
            after = try server.fetch(path)
        }
        #expect(after.status == 404 && after.body == stub)
    }
}
