import Foundation
import ShareModel
import Testing
@testable import ShareLifecycle

@Suite("credentials create, list and revoke")
struct CredentialTests {
    @Test func theSecretHashIsSHA256OfTheWholeSecretString() {
        // FIPS 180-2 test vector.
        #expect(SiteLifecycle.secretHash("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func createWritesOnlyTheHashAndNoSecretEverReachesTheDisk() throws {
        let site = try TestSite()
        // The real generator, as the command uses it.
        let lifecycle = SiteLifecycle(root: site.root, environment: LifecycleEnvironment(actor: actor, clock: { fixedDate }))
        let issued = try lifecycle.createCredential(project: "acme", name: "CRM backend v2")
        #expect(issued.file == "content/acme/credentials/\(issued.id).json")
        #expect(issued.id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        #expect(issued.apiKey.wholeMatch(of: /pk_[A-Za-z0-9]{32}/) != nil)
        #expect(issued.apiSecret.wholeMatch(of: /sk_[A-Za-z0-9]{43}/) != nil)
        #expect(try site.read(issued.file) == """
            {
              "id": "\(issued.id)",
              "name": "CRM backend v2",
              "apiKey": "\(issued.apiKey)",
              "secretHash": "\(SiteLifecycle.secretHash(issued.apiSecret))",
              "createdAt": "2026-11-22T17:00:00Z",
              "status": "active"
            }

            """)
        #expect(issued.response.serialized() == #"{"id":"\#(issued.id)","apiKey":"\#(issued.apiKey)","apiSecret":"\#(issued.apiSecret)","name":"CRM backend v2","createdAt":"2026-11-22T17:00:00Z"}"#)
        let secretPart = Array(issued.apiSecret.dropFirst(3).utf8)
        for (path, bytes) in try site.snapshot() {
            #expect(!bytes.contains(secretPart), "the secret is in \(path)")
        }
        #expect(site.validate().isValid)
    }

    @Test func createNeedsAWellFormedProjectIdAndAName() throws {
        let site = try TestSite()
        let before = try site.snapshot()
        #expect(throws: LifecycleError.self) { try site.lifecycle().createCredential(project: "No Body", name: "x") }
        #expect(throws: LifecycleError.self) { try site.lifecycle().createCredential(project: "acme", name: "  ") }
        #expect(try site.snapshot() == before)
    }

    @Test func createForANewProjectCreatesItsFolder() throws {
        let site = try TestSite()
        let issued = try site.lifecycle().createCredential(project: "newcomer", name: "First backend")
        #expect(issued.createdProject == "content/newcomer")
        #expect(issued.file.hasPrefix("content/newcomer/credentials/"))
        #expect(site.validate().isValid)
    }

    @Test func revokeRecordsWhoAndWhenAndNamesTheSharesThatStillUseIt() throws {
        let site = try TestSite()
        var revocation: CredentialRevocation?
        let diff = try site.diff(TestSite.credential) {
            revocation = try site.lifecycle(actor: "security@example.com").revokeCredential(id: TestSite.credentialID.uppercased())
        }
        #expect(diff == """
            @@ -7 +7,3 @@
            -  "status": "active"
            +  "status": "revoked",
            +  "revokedAt": "2026-11-22T17:00:00Z",
            +  "revokedBy": "security@example.com"

            """)
        #expect(revocation?.changed == true)
        #expect(revocation?.referencingShares == [TestSite.teaser])
        // From now on `check` fails and names the share.
        let errors = site.validate().diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.rule) == ["credential.revoked"])
        #expect(errors.first?.file == TestSite.teaser)

        let again = try site.lifecycle().revokeCredential(id: TestSite.credentialID)
        #expect(again.changed == false)
        #expect(throws: LifecycleError.self) { try site.lifecycle().revokeCredential(id: "00000000-0000-4000-8000-000000000000") }
    }

    @Test func listingNeverShowsASecretHash() throws {
        let site = try TestSite()
        let listing = SiteListing(root: site.root, project: "acme")
        #expect(listing.credentials.map(\.id) == [TestSite.credentialID])
        #expect(listing.errorCount == 0)
    }
}
