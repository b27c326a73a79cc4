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
}
