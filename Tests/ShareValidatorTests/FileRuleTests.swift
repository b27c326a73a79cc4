import ShareModel
import Testing
@testable import ShareValidator

/// A rule of `sharegen.json`, a credential file or a project folder: extra files added
/// to a site holding one valid share, and the diagnostics they must produce.
struct FileRuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String]
    var expected: [Found]
    var message: String?

    init(_ name: String, _ files: [String: String], _ expected: [Found], message: String? = nil) {
        self.name = name
        self.files = files
        self.expected = expected
        self.message = message
    }

    var testDescription: String { name }
}

private let config = "sharegen.json"

private func configCase(_ name: String, _ text: String, _ rule: String, _ column: Int, _ severity: Severity = .error, message: String? = nil) -> FileRuleCase {
    FileRuleCase(name, [config: text], [Found(rule, severity, config, 1, column)], message: message)
}

private let configCases: [FileRuleCase] = [
    configCase("unknown key", #"{"siteNme": "Bank"}"#, "field.unknown", 2, message: #"did you mean "siteName"?"#),
    configCase("misspelt channel", #"{"channels": {"prod": {"baseURL": "https://watch.example.com"}}}"#, "field.enum", 15,
               message: #"did you mean "PROD"?"#),
    configCase("relative baseURL", #"{"channels": {"PROD": {"baseURL": "watch.example.com"}}}"#, "config.base-url", 35),
    configCase("baseURL with a query", #"{"channels": {"PROD": {"baseURL": "https://watch.example.com/?a=1"}}}"#, "config.base-url", 35),
    configCase("baseURL path that breaks the nginx include", #"{"channels": {"PROD": {"baseURL": "https://watch.example.com/a;b"}}}"#, "config.base-url", 35,
               message: "character ';'"),
    configCase("baseURL path starting with //, which makes asset links protocol-relative",
               #"{"channels": {"PROD": {"baseURL": "https://watch.example.com//evil.example/x"}}}"#, "config.base-url", 35, message: "empty"),
    configCase("baseURL path with an nginx variable", #"{"channels": {"PROD": {"baseURL": "https://watch.example.com/$host"}}}"#, "config.base-url", 35),
    configCase("http baseURL for PROD", #"{"channels": {"PROD": {"baseURL": "http://watch.example.com"}}}"#, "config.base-url-http", 35, .warning),
    FileRuleCase("misspelt baseURL", [config: #"{"channels": {"PROD": {"baseUrl": "https://watch.example.com"}}}"#],
                 [Found("field.unknown", .error, config, 1, 24), Found("field.required", .error, config, 1, 23)],
                 message: #"did you mean "baseURL"?"#),
    configCase("channels not an object", #"{"channels": "PROD"}"#, "field.type", 14),
    configCase("defaultLocale with underscore", #"{"defaultLocale": "en_US"}"#, "locale.format", 19),
    configCase("empty siteName", #"{"siteName": ""}"#, "config.site-name", 14),
    configCase("ftp signing endpoint", #"{"signing": {"endpoint": "ftp://sign.example.com"}}"#, "config.signing", 26),
    configCase("zero TTL", #"{"signing": {"defaultTTLSeconds": 0}}"#, "config.signing", 35),
    configCase("fractional TTL", #"{"signing": {"defaultTTLSeconds": 1.5}}"#, "config.signing", 35),
    configCase("default TTL above max", #"{"signing": {"defaultTTLSeconds": 600, "maxTTLSeconds": 300}}"#, "config.signing", 35),
    configCase("unknown signing key", #"{"signing": {"ttl": 60}}"#, "field.unknown", 14),
    configCase("configuration not an object", "[]", "field.type", 1),
    FileRuleCase("channel without baseURL", [config: #"{"channels": {"PROD": {}}}"#], [Found("field.required", .error, config, 1, 23)]),
]

private let credentialFile = Fixture.credentialPath()

private func credentialCase(_ name: String, _ changes: [Change], _ expected: [(String, Int, Int)], message: String? = nil) -> FileRuleCase {
    FileRuleCase(
        name, [credentialFile: Fixture.credential.setting(changes).json],
        expected.map { Found($0.0, .error, credentialFile, $0.1, $0.2) }, message: message)
}

/// Credential members: id 2:9, name 3:11, apiKey 4:13, secretHash 5:17, createdAt 6:16,
/// status 7:13; an added member is on line 8.
private let credentialCases: [FileRuleCase] = [
    credentialCase("id not a UUID", [Change("id", quoted("nope"))], [("credential.id", 2, 9)]),
    credentialCase("file not named after its id", [Change("id", quoted("11111111-2222-4333-8444-555555555555"))], [("credential.file-name", 2, 9)]),
    credentialCase("apiKey without pk_", [Change("apiKey", quoted("key_4f7a9c2e"))], [("credential.api-key", 4, 13)]),
    credentialCase("secret stored as apiKey", [Change("apiKey", quoted("sk_4f7a9c2e11"))],
                   [("credential.api-key", 4, 13), ("credential.secret-stored", 4, 13)]),
    credentialCase("secret stored as apiSecret", [Change("apiSecret", quoted("sk_4f7a9c2e11"))],
                   [("field.unknown", 8, 3), ("credential.secret-stored", 8, 3)], message: "never hold the secret"),
    credentialCase("uppercase secretHash", [Change("secretHash", quoted("sha256:" + String(repeating: "AB", count: 32)))],
                   [("credential.secret-hash", 5, 17)]),
    credentialCase("active but revoked", [Change("revokedAt", quoted("2024-06-01T10:00:00Z"))], [("credential.status", 8, 16)]),
    credentialCase("createdAt without zone", [Change("createdAt", quoted("2024-05-01T10:00:00"))], [("field.timestamp", 6, 16)]),
    credentialCase("misspelt status", [Change("status", quoted("Active"))], [("field.enum", 7, 13)], message: #"did you mean "active"?"#),
    credentialCase("missing name", [Change("name", nil)], [("field.required", 1, 1)]),
]

private let projectCases: [FileRuleCase] = [
    FileRuleCase("project folder not an id", ["content/Acme/project.json": #"{"name": "Acme"}"#], [Found("project.id", .error, "content/Acme", 1, 1)]),
    FileRuleCase("blank project name", ["content/p/project.json": #"{"name": " "}"#], [Found("project.name", .error, "content/p/project.json", 1, 10)]),
    FileRuleCase("unknown project key", ["content/p/project.json": #"{"nmae": "Acme"}"#],
                 [Found("field.unknown", .error, "content/p/project.json", 1, 2)], message: #"did you mean "name"?"#),
]

@Suite("Configuration, credential and project rules")
struct FileRuleTests {
    @Test(arguments: configCases + credentialCases + projectCases)
    func breaksOneRule(_ rule: FileRuleCase) {
        var files = rule.files
        files[Fixture.sharePath("a")] = Fixture.share.json
        let result = validate(files)
        expectDiagnostics(result, rule.expected)
        if let message = rule.message {
            #expect(result.diagnostics.contains { $0.message.contains(message) }, "\(result.diagnostics.map(\.message))")
        }
    }

    @Test("a UUID project folder and a valid configuration are accepted")
    func validConfiguration() throws {
        let project = "6f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c"
        let result = validate([
            config: #"""
            {"channels": {"PROD": {"baseURL": "https://watch.bank.example/"}, "DEV": {"baseURL": "http://localhost:9000"}},
             "defaultLocale": "es-CL", "siteName": "Bank",
             "signing": {"endpoint": "https://sign.bank.example", "mediaBaseURL": "https://media.bank.example/", "defaultTTLSeconds": 60, "maxTTLSeconds": 600}}
            """#,
            Fixture.sharePath("a", project: project): Fixture.share.json,
            "content/\(project)/project.json": #"{"name": "Retail"}"#,
        ])
        expectDiagnostics(result, [])
        let site = result.site
        #expect(site.config.baseURL(for: .PROD) == "https://watch.bank.example")
        #expect(site.config.baseURL(for: .STAGING) == SiteConfig.defaultBaseURLs[.STAGING])
        #expect(site.config.defaultLocale == "es-CL")
        #expect(site.config.signing == SigningConfig(
            endpoint: "https://sign.bank.example", mediaBaseURL: "https://media.bank.example", defaultTTLSeconds: 60, maxTTLSeconds: 600))
        #expect(site.projects == [Project(id: project, name: "Retail")])
        #expect(site.shares.map(\.locale) == ["es-CL"])
    }
}
