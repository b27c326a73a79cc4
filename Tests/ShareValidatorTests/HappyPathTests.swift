import ShareModel
import Testing
@testable import ShareValidator

@Suite("A valid site")
struct HappyPathTests {
    static let files: [String: String] = [
        "sharegen.json": #"""
        {
          "channels": {"PROD": {"baseURL": "https://watch.bank.example"}},
          "defaultLocale": "es-CL",
          "siteName": "Example Bank",
          "signing": {"mediaBaseURL": "https://media.bank.example", "defaultTTLSeconds": 120}
        }
        """#,
        "content/acme/project.json": #"{"name": "Acme Retail"}"#,
        "content/acme/shares/welcome.json": #"""
        {
          "channel": "PROD",
          "slug": "h4k7m2p9q3r8t5w6",
          "publicTitle": "Bienvenido",
          "publicSubtitle": "Tu cuenta, explicada",
          "ctaLabel": "Abrir la app",
          "ctaUrl": "https://bank.example/app",
          "personalizationData": {"firstName": "Ana", "tier": 2},
          "metadata": {"campaign": "q3"},
          "description": "Hola **Ana**.",
          "video": {
            "id": "vid-public",
            "mp4Url": "https://cdn.bank.example/v.mp4",
            "thumbnailUrl": "https://cdn.bank.example/v.jpg",
            "captions": [{"locale": "es-CL", "label": "Español", "src": "https://cdn.bank.example/v.es.vtt"}],
            "width": 1920, "height": 1080, "durationSeconds": 61.5
          },
          "previousSlugs": [{"slug": "old-welcome", "rotatedAt": "2024-05-02T09:00:00Z", "rotatedBy": "ana@bank.example", "mode": "redirect"}],
          "audit": [{"action": "created", "at": "2024-05-01T10:00:00Z", "by": "ana@bank.example"}]
        }
        """#,
        "content/acme/shares/statement.md": """
        ---
        channel: PROD
        slug: s6t7u8v9w2x3y4z5
        publicTitle: "Your statement"
        locale: en-GB
        apiCredentialId: \(Fixture.credentialID)
        video:
          id: vid-private
          visibility: private
          status: completed
          hlsUrl: https://media.bank.example/acme/statement/index.m3u8
          segment: {id: intro, start: 0, end: 12.5}
        audit:
          - {action: created, at: "2024-06-01T08:00:00Z", by: ops@bank.example}
        ---
        # Your statement

        Watch it **now**.
        """,
        Fixture.credentialPath(project: "acme"): Fixture.credential.json,
        "content/beta/shares/dev.md": """
        ---
        channel: DEV
        slug: d3v5h7j9k2m4n6p8
        status: Disabled
        publicTitle: Draft
        video: {id: vid-dev, status: processing}
        ---
        """,
    ]

    @Test("validates with zero diagnostics and the expected values")
    func validSite() throws {
        let result = validate(Self.files)
        expectDiagnostics(result, [])
        #expect(result.isValid)
        let site = result.site
        #expect(site.config.siteName == "Example Bank")
        #expect(site.config.signing.defaultTTLSeconds == 120 && site.config.signing.maxTTLSeconds == 3600)
        #expect(site.projects == [Project(id: "acme", name: "Acme Retail"), Project(id: "beta", name: "beta", brand: Brand(name: "Example Bank"))])
        #expect(site.shares.map(\.slug) == ["d3v5h7j9k2m4n6p8", "h4k7m2p9q3r8t5w6", "s6t7u8v9w2x3y4z5"])
        #expect(site.shares(in: .PROD).count == 2)

        let dev = site.shares[0]
        #expect(dev.channel == .DEV && dev.status == .disabled && dev.project == "beta")
        #expect(dev.video.status == .processing && dev.video.mp4Url == nil)
        #expect(dev.description == "" && dev.format == .markdown && dev.locale == "es-CL")

        let welcome = site.shares[1]
        #expect(welcome.project == "acme" && welcome.channel == .PROD && welcome.status == .enabled)
        #expect(welcome.locale == "es-CL")
        #expect(welcome.publicTitle == "Bienvenido" && welcome.publicSubtitle == "Tu cuenta, explicada")
        #expect(welcome.ctaLabel == "Abrir la app" && welcome.ctaUrl == "https://bank.example/app")
        #expect(welcome.personalizationData == .object([("firstName", .string("Ana")), ("tier", .number("2"))]))
        #expect(welcome.metadata == .object([("campaign", .string("q3"))]))
        #expect(welcome.description == "Hola **Ana**.")
        #expect(welcome.apiCredentialId == nil)
        #expect(welcome.video == Video(
            id: "vid-public", visibility: .public, status: .completed, mp4Url: "https://cdn.bank.example/v.mp4",
            thumbnailUrl: "https://cdn.bank.example/v.jpg",
            captions: [Caption(locale: "es-CL", label: "Español", src: "https://cdn.bank.example/v.es.vtt")],
            width: 1920, height: 1080, durationSeconds: 61.5))
        #expect(welcome.previousSlugs == [PreviousSlug(slug: "old-welcome", rotatedAt: "2024-05-02T09:00:00Z", rotatedBy: "ana@bank.example", mode: .redirect)])
        #expect(welcome.audit == [AuditEntry(action: .created, at: "2024-05-01T10:00:00Z", by: "ana@bank.example")])
        #expect(welcome.createdAt == "2024-05-01T10:00:00Z")
        #expect(welcome.sourceFile == "content/acme/shares/welcome.json" && welcome.format == .json)

        let statement = site.shares[2]
        #expect(statement.locale == "en-GB" && statement.status == .enabled && statement.format == .markdown)
        #expect(statement.description == "# Your statement\n\nWatch it **now**.\n")
        #expect(statement.apiCredentialId == Fixture.credentialID)
        #expect(statement.video.visibility == .private)
        #expect(statement.video.hlsUrl == "https://media.bank.example/acme/statement/index.m3u8")
        #expect(statement.video.segment == Segment(id: "intro", start: 0, end: 12.5))
        #expect(statement.previousSlugs.isEmpty && statement.createdAt == "2024-06-01T08:00:00Z")

        let credential = try #require(site.credentials.first)
        #expect(site.credentials.count == 1)
        #expect(credential == Credential(
            id: Fixture.credentialID, project: "acme", name: "CI", apiKey: "pk_live_4f7a9c2e", secretHash: Fixture.secretHash,
            createdAt: "2024-05-01T10:00:00Z", status: .active, sourceFile: Fixture.credentialPath(project: "acme")))
    }

    @Test("a site without sharegen.json uses the defaults")
    func defaults() {
        let result = validate([Fixture.sharePath("a"): Fixture.share.json])
        expectDiagnostics(result, [])
        #expect(result.site.config == SiteConfig.default)
        #expect(result.site.shares.first?.locale == "en-US")
        #expect(result.site.shares.first?.video.visibility == .public)
    }

    @Test("a site with Windows line endings validates the same")
    func crlfSite() {
        let crlf = Self.files.mapValues { $0.replacing("\n", with: "\r\n") }
        let result = validate(crlf)
        expectDiagnostics(result, [])
        #expect(result.site.shares.map(\.slug) == validate(Self.files).site.shares.map(\.slug))
    }
}

@Suite("Did-you-mean suggestions")
struct SuggestionTests {
    static let json = """
    {
      "channel": "prod",
      "slug": "k7x2m9q4w8r3t6y5",
      "publicTitel": "Hello",
      "status": "Enable",
      "video": {"id": "v1", "mp4Url": "https://cdn.example.com/v1.mp4"}
    }
    """
    static let markdown = """
    ---
    channel: prod
    slug: k7x2m9q4w8r3t6y5
    publicTitel: Hello
    status: Enable
    video:
      id: v1
      mp4Url: https://cdn.example.com/v1.mp4
    ---
    Body.
    """

    @Test("typos in keys and enum values get a suggestion, located in JSON and YAML", arguments: [
        ("a.json", json, [At(2, 14), At(4, 3), At(1, 1), At(5, 13)]),
        ("a.md", markdown, [At(2, 10), At(4, 1), At(2, 1), At(5, 9)]),
    ])
    func suggestions(name: String, text: String, positions: [At]) {
        let path = "content/p/shares/\(name)"
        let result = validate([path: text])
        let expected: [(String, String)] = [
            ("field.enum", #"did you mean "PROD"?"#), ("field.unknown", #"did you mean "publicTitle"?"#),
            ("field.required", #"missing required field "publicTitle""#), ("field.enum", #"did you mean "Enabled"?"#),
        ]
        expectDiagnostics(result, zip(expected, positions).map { Found($0.0, .error, path, $1.line, $1.column) })
        for ((rule, message), at) in zip(expected, positions) {
            let diagnostic = result.diagnostics.first { $0.line == at.line && $0.column == at.column && $0.rule == rule }
            #expect(diagnostic?.message.contains(message) == true, "\(rule) at \(at): \(diagnostic?.message ?? "none")")
        }
    }
}
