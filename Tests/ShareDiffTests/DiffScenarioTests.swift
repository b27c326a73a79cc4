import Foundation
import ShareLoader
import ShareModel
import Testing
@testable import ShareDiff

/// Builds one Git repository whose site lives in `web/` (so the ref is read through
/// `rev-parse --show-prefix`), gives each scenario its own work tree, and compares the
/// report in every format with the reviewed files in Fixtures/.
/// `SHAREGEN_UPDATE_GOLDEN=1 swift test --filter ShareDiffTests` rewrites them; review the diff.
@Suite("sharegen diff scenarios")
struct DiffScenarioTests {
    // Slugs at the ref: current (S) and rotated away (P).
    static let welcome = "q7m2xk4pw9rtz3na", advisor = "h5v8nc2jd6ylr4ue", spring = "b3t6wq9zk2mfp7xc"
    static let launch = "n4r7ud2hs5gqz8wk", teaser = "e6y3pk8xa2mvt5jr", tour = "c2w5jn8fq3lzr6hd"
    static let tourRotated = "k8d3xv6qm2tnw5ja", preview = "u5j2rt8mz6kcq3wy", briefing = "m8t3vq6zn2kxw5pe"
    // Slugs new in the working tree.
    static let welcomeNew = "r3x8kw5nq2dpz7mt", tourNext = "f6p2zc9mk4wqh7tb", tourLast = "y4g7tn2vx8kdm3qs"
    static let webinar = "j9s4mb7ex2nwk6rd"
    // Credentials.
    static let advisorKey = "3f1c2b7a-8d4e-4a6b-9c0d-1e2f3a4b5c6d", crmKey = "7a8b9c0d-1e2f-4a3b-8c5d-6e7f8a9b0c1d"
    static let legacyKey = "c4d5e6f7-0a1b-4c2d-9e3f-4a5b6c7d8e9f", webinarKey = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"

    static let baseSite: [String: String] = [
        "sharegen.json": SiteFiles.config,
        "content/acme/shares/welcome.json": SiteFiles.share("PROD", slug: welcome, title: "Welcome to Acme", video: SiteFiles.publicVideo("acme-welcome")),
        "content/acme/shares/advisor.json": SiteFiles.share(
            "PROD", slug: advisor, title: "Your annual review", credential: advisorKey, video: SiteFiles.privateVideo("acme-advisor")),
        "content/acme/shares/spring.json": SiteFiles.share(
            "STAGING", slug: spring, title: "Spring offer", status: "Disabled", video: SiteFiles.publicVideo("acme-spring")),
        "content/acme/credentials/\(advisorKey).json": SiteFiles.credential(advisorKey, name: "Advisor portal", key: "pk_acmeAdvisor01"),
        "content/acme/credentials/\(crmKey).json": SiteFiles.credential(crmKey, name: "CRM sync", key: "pk_acmeCrm000002"),
        "content/nile/shares/launch.json": SiteFiles.share(
            "PROD", slug: launch, title: "Fiber launch", cta: ("Order now", "https://nile.example.com/order"),
            video: SiteFiles.publicVideo("nile-launch")),
        "content/nile/shares/teaser.json": SiteFiles.share("PROD", slug: teaser, title: "Coming soon", video: SiteFiles.privateVideo("nile-teaser")),
        "content/nile/credentials/\(legacyKey).json": SiteFiles.credential(legacyKey, name: "Legacy CRM", key: "pk_nileLegacy003", revoked: true),
        "content/andes/shares/tour.md": SiteFiles.markdownShare(slug: tour, title: "Patagonia in five days", previous: [(tourRotated, "redirect")]),
        "content/andes/shares/preview.json": SiteFiles.share("DEV", slug: preview, title: "Draft preview", video: SiteFiles.publicVideo("andes-preview")),
        "content/orbit/shares/briefing.json": SiteFiles.share("PROD", slug: briefing, title: "Q3 briefing", video: SiteFiles.privateVideo("orbit-q3")),
    ]

    struct Scenario {
        var name: String
        /// The work tree whose `web/` folder is compared.
        var worktree: String
        var ref: String
        var options = DiffOptions()
        var formats: [DiffFormat] = [.text]
        var fails = false
    }

    @Test("every change kind and every blocking rule, in every format")
    func scenarios() throws {
        let repository = try TestRepository()
        try repository.write(["README.md": "A repository with a site in web/.\n"])
        try repository.commit("Before the site")
        try repository.git("tag", "empty")
        try repository.write(Self.baseSite, in: repository.path + "/web")
        try repository.commit("The site")
        try repository.git("tag", "base")

        let changed = try changes(repository)
        let scenarios = [
            Scenario(name: "unchanged", worktree: repository.path, ref: "base"),
            Scenario(name: "from-empty", worktree: repository.path, ref: "empty"),
            Scenario(name: "broken-base", worktree: repository.path, ref: try brokenBase(repository)),
            Scenario(name: "changes", worktree: changed, ref: "base", options: DiffOptions(allowRemoval: true), formats: DiffFormat.allCases),
            Scenario(name: "changes-prod", worktree: changed, ref: "base", options: DiffOptions(channel: .PROD, allowRemoval: true)),
            Scenario(name: "blocking", worktree: try blocking(repository), ref: "base", formats: DiffFormat.allCases, fails: true),
            Scenario(name: "invalid", worktree: try invalid(repository), ref: "base", formats: DiffFormat.allCases, fails: true),
        ]
        for scenario in scenarios {
            let root = scenario.worktree + "/web"
            let head = SiteVersion(fileSystem: LocalFileSystem(), root: root)
            let report = try SiteDiffer(options: scenario.options).compare(gitRef: scenario.ref, root: root, head: head)
            #expect(report.hasErrors == scenario.fails, "\(scenario.name): exit status")
            for format in scenario.formats {
                let output = DiffRenderer(format: format, sourceLines: Self.sourceLines(root)).render(report)
                try Golden.check(output, named: "\(scenario.name).\(Golden.fileExtension(format))")
            }
        }
    }

    /// A ref where one share file is invalid: the diff notes it and treats the share as new.
    private func brokenBase(_ repository: TestRepository) throws -> String {
        let worktree = try repository.worktree("broken", from: "base")
        try repository.write([
            "web/content/acme/shares/welcome.json": SiteFiles.share(
                "PROD", slug: Self.welcome, title: "Welcome to Acme", status: "Enable", video: SiteFiles.publicVideo("acme-welcome")),
        ], in: worktree)
        try repository.commit("Break a share", in: worktree)
        return "broken"
    }

    /// Every change kind that keeps the contract; the new credential is left uncommitted,
    /// since the working tree, not HEAD, is what gets published.
    private func changes(_ repository: TestRepository) throws -> String {
        let worktree = try repository.worktree("changes", from: "base")
        let web = worktree + "/web"
        try repository.write([
            // Rotated (gone) and retitled, with text that Markdown must show literally.
            "content/acme/shares/welcome.json": SiteFiles.share(
                "PROD", slug: Self.welcomeNew, title: "Welcome to *Acme* | <b>Bank</b> @acme-team", video: SiteFiles.publicVideo("acme-welcome"),
                previous: [(Self.welcome, "gone")]),
            // A subtitle appears.
            "content/acme/shares/advisor.json": SiteFiles.share(
                "PROD", slug: Self.advisor, title: "Your annual review", subtitle: "Recorded for you", credential: Self.advisorKey,
                video: SiteFiles.privateVideo("acme-advisor")),
            // Renamed, restored and localized: still the same share.
            "content/acme/shares/spring-offer.json": SiteFiles.share(
                "STAGING", slug: Self.spring, title: "Spring offer", locale: "es-CL", video: SiteFiles.publicVideo("acme-spring")),
            // Disabled, with a new call to action.
            "content/nile/shares/launch.json": SiteFiles.share(
                "PROD", slug: Self.launch, title: "Fiber launch", status: "Disabled", cta: ("Order today", "https://nile.example.com/order?ref=video"),
                video: SiteFiles.publicVideo("nile-launch")),
            // Another video, now a segment of it.
            "content/nile/shares/teaser.json": SiteFiles.share(
                "PROD", slug: Self.teaser, title: "Coming soon",
                video: SiteFiles.privateVideo("nile-teaser-v2", segment: .object([("id", .string("intro")), ("start", .number(0)), ("end", .number(30))]))),
            "content/nile/shares/webinar.json": SiteFiles.share("DEV", slug: Self.webinar, title: "Live webinar", video: SiteFiles.publicVideo("nile-webinar")),
            // Two more redirect rotations: every old slug now leads to the last one.
            "content/andes/shares/tour.md": SiteFiles.markdownShare(
                slug: Self.tourLast, title: "Patagonia in five days",
                previous: [(Self.tourRotated, "redirect"), (Self.tour, "redirect"), (Self.tourNext, "redirect")], locale: "es-CL"),
            "content/acme/credentials/\(Self.crmKey).json": SiteFiles.credential(Self.crmKey, name: "CRM sync", key: "pk_acmeCrm000002", revoked: true),
        ], in: web)
        try repository.remove(["content/acme/shares/spring.json", "content/andes/shares/preview.json"], in: web)
        try repository.commit("Changes that keep the contract", in: worktree)
        try repository.write([
            "content/nile/credentials/\(Self.webinarKey).json": SiteFiles.credential(Self.webinarKey, name: "Webinar backend", key: "pk_nileWebinar04"),
        ], in: web)
        return worktree
    }

    /// One change for each blocking rule.
    private func blocking(_ repository: TestRepository) throws -> String {
        let worktree = try repository.worktree("blocking", from: "base")
        let web = worktree + "/web"
        try repository.write([
            // A private video made public.
            "content/orbit/shares/briefing.json": SiteFiles.share(
                "PROD", slug: Self.briefing, title: "Q3 briefing", video: SiteFiles.privateVideo("orbit-q3", visibility: "public")),
            // The deleted preview's slug taken by another project's share.
            "content/galil/shares/welcome.json": SiteFiles.share("DEV", slug: Self.preview, title: "Shalom", video: SiteFiles.publicVideo("galil-welcome")),
            // A slug edited by hand instead of rotated: the old URL would be forgotten.
            "content/nile/shares/teaser.json": SiteFiles.share("PROD", slug: Self.webinar, title: "Coming soon", video: SiteFiles.privateVideo("nile-teaser")),
            // A rotated-away slug made current again.
            "content/andes/shares/tour.md": SiteFiles.markdownShare(
                slug: Self.tourRotated, title: "Patagonia in five days", previous: [(Self.tour, "redirect")]),
        ], in: web)
        try repository.remove([
            "content/andes/shares/preview.json",
            "content/acme/credentials/\(Self.crmKey).json",
            "content/nile/credentials/\(Self.legacyKey).json",
        ], in: web)
        try repository.commit("Changes that break the contract", in: worktree)
        return worktree
    }

    /// A working tree that `sharegen check` rejects: nothing is compared.
    private func invalid(_ repository: TestRepository) throws -> String {
        let worktree = try repository.worktree("invalid", from: "base")
        try repository.write([
            "web/content/nile/shares/launch.json": SiteFiles.share(
                "PROD", slug: Self.launch, title: "Fiber launch", status: "Enable", video: SiteFiles.publicVideo("nile-launch")),
        ], in: worktree)
        return worktree
    }

    static func sourceLines(_ root: String) -> DiagnosticFormatter.SourceLines {
        { file, line in
            guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else { return nil }
            let lines = text.components(separatedBy: "\n")
            return line >= 1 && line <= lines.count ? lines[line - 1] : nil
        }
    }
}

/// Reviewed expected outputs in Fixtures/, rewritten when SHAREGEN_UPDATE_GOLDEN=1.
enum Golden {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.path + "/Fixtures"
    }()

    static func fileExtension(_ format: DiffFormat) -> String {
        switch format {
        case .text: return "txt"
        case .markdown: return "md"
        case .json: return "json"
        }
    }

    static func check(_ output: String, named name: String) throws {
        let path = folder + "/" + name
        if ProcessInfo.processInfo.environment["SHAREGEN_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: URL(fileURLWithPath: path))
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(missing \(name))"
        #expect(output == expected, "\(name) differs from Fixtures/\(name)")
    }
}
