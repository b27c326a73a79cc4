import Foundation
import ShareBuild
import ShareModel
import Testing

/// The preview serves what `build` would write: after every kind of edit, the incremental
/// in-memory build equals a fresh one and the build pipeline's own rendering.
@Suite("Incremental build")
struct LiveBuildTests {
    /// (what is edited, the edit)
    static let edits: [(String, @Sendable (TestSite) throws -> Set<String>)] = [
        ("a title", { site in
            try site.write(Fixture.pageFile, Fixture.welcome(title: "Another title"))
            return [Fixture.pageFile]
        }),
        ("a broken file", { site in
            try site.write("content/acme/shares/secret.json", "{\"channel\": \"DEV\",")
            return ["content/acme/shares/secret.json"]
        }),
        ("the fix", { site in
            try site.write("content/acme/shares/secret.json", Fixture.files["content/acme/shares/secret.json"]!)
            return ["content/acme/shares/secret.json"]
        }),
        ("a slug taken by another share", { site in
            try site.write(Fixture.pageFile, Fixture.welcome(title: "Clash").replacingOccurrences(of: "slug: \(Fixture.page)", with: "slug: \(Fixture.disabled)"))
            return [Fixture.pageFile]
        }),
        ("the slug back, and a new share", { site in
            try site.write(Fixture.pageFile, Fixture.welcome(title: "Back"))
            try site.write("content/gamma/shares/new.json", #"{"channel": "DEV", "slug": "nw4k7q2mx5tpl3za", "publicTitle": "New", "video": {"id": "v", "status": "pending"}}"#)
            return [Fixture.pageFile, "content/gamma/shares/new.json"]
        }),
        ("a guessable slug (a warning)", { site in
            try site.write("content/gamma/shares/new.json", #"{"channel": "DEV", "slug": "spring-offer", "publicTitle": "New", "video": {"id": "v", "status": "pending"}}"#)
            return ["content/gamma/shares/new.json"]
        }),
        ("the configuration", { site in
            let config = Fixture.files["sharegen.json"]!.replacingOccurrences(of: "Preview Test", with: "Renamed")
            try site.write("sharegen.json", config)
            return ["sharegen.json"]
        }),
        ("a project's brand and its logo", { site in
            try site.write("content/acme/assets/logo.svg", #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#)
            try site.write("content/acme/project.json", ##"{"name": "Acme", "brand": {"logo": "logo.svg", "color": "#0a4cc2"}}"##)
            return ["content/acme/assets/logo.svg", "content/acme/project.json"]
        }),
        ("the logo's bytes", { site in
            try site.write("content/acme/assets/logo.svg", #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"/>"#)
            return ["content/acme/assets/logo.svg"]
        }),
        ("a template", { site in
            try site.write("templates/stub.mustache", "<!DOCTYPE html>\n<html>\n<head>\n{{> head}}\n</head>\n<body>\n<h1>{{heading}}!</h1>\n</body>\n</html>\n")
            return ["templates/stub.mustache"]
        }),
        ("a removed share", { site in
            try FileManager.default.removeItem(atPath: site.root + "/content/gamma/shares/new.json")
            return ["content/gamma/shares/new.json"]
        }),
    ]

    @Test("after each edit, the incremental build equals a fresh build and `build`'s rendering")
    func matchesFreshBuild() throws {
        let site = try TestSite()
        defer { site.remove() }
        var live = LiveBuild(root: site.root, channel: .DEV)
        _ = live.update(changed: nil)
        for (what, edit) in Self.edits {
            let changed = try edit(site)
            var fresh = LiveBuild(root: site.root, channel: .DEV)
            switch (live.update(changed: changed), fresh.update(changed: nil)) {
            case (.built(let incremental, _), .built(let clean, _)):
                #expect(incremental.files == clean.files, "\(what)")
                #expect(incremental.routes == clean.routes, "\(what)")
                #expect(incremental.warnings == clean.warnings, "\(what)")
                #expect(incremental.privateSlugs == clean.privateSlugs, "\(what)")
                #expect(incremental.manifest() == clean.manifest(), "\(what)")
                guard case .success(let (built, _)) = SiteBuild(root: site.root).render(channel: .DEV) else {
                    Issue.record("\(what): `build` fails where the preview succeeds")
                    continue
                }
                let files = Dictionary(uniqueKeysWithValues: built.files.filter { $0.path != "manifest.json" }.map { ($0.path, $0.bytes) })
                #expect(files == incremental.files, "\(what)")
                let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(built.files.first { $0.path == "manifest.json" }).bytes))
                #expect(manifest == incremental.manifest(), "\(what)")
            case (.failed(let incremental, _), .failed(let clean, _)):
                #expect(incremental == clean, "\(what)")
                #expect(!incremental.isEmpty, "\(what)")
            default:
                Issue.record("\(what): the incremental and the fresh build disagree on success")
            }
        }
    }
}
