import ArgumentParser
import ShareLifecycle
import ShareModel

struct Credentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the API credentials the signer accepts.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a credential; its secret is printed once and only its hash is stored.")

        @OptionGroup var site: SiteOptions

        @Option(help: "The project the credential belongs to.")
        var project: String

        @Option(help: "What the credential is for, e.g. \"CRM backend\".")
        var name = "API credential"

        @Flag(help: "Print the Credentials API's response: {id, apiKey, apiSecret, name, createdAt}.")
        var json = false

        func run() async throws {
            _ = try SiteSession(root: site.root)
            // The file records no actor, so none needs resolving.
            let lifecycle = SiteLifecycle(root: site.root, environment: LifecycleEnvironment(actor: ""))
            let issued = try runLifecycle(root: site.root) { () throws(LifecycleError) in
                try lifecycle.createCredential(project: project, name: name)
            }
            printDiagnostics(issued.warnings, root: site.root)
            if let folder = issued.createdProject { printError("created project \(folder)/") }
            if json {
                printOutput(issued.response.serialized(pretty: true))
            } else {
                printOutput("created credential \(issued.id) for \(issued.project) (\(issued.file))")
                printOutput("apiKey:    \(issued.apiKey)")
                printOutput("apiSecret: \(issued.apiSecret)")
            }
            printError("note: store the secret now; it is shown only this once and sharegen keeps only its hash")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List credentials: id, project, status, apiKey, createdAt, name. Never a secret.")

        @OptionGroup var options: ListingOptions

        func run() async throws {
            let listing = try options.listing()
            if options.json {
                let items = listing.credentials.map { credential in
                    JSONValue.compactObject([
                        ("id", .string(credential.id)), ("project", .string(credential.project)), ("name", .string(credential.name)),
                        ("apiKey", .string(credential.apiKey)), ("status", .string(credential.status.rawValue)),
                        ("createdAt", .string(credential.createdAt)), ("revokedAt", credential.revokedAt.map(JSONValue.string)),
                        ("revokedBy", credential.revokedBy.map(JSONValue.string)),
                    ])
                }
                printOutput(JSONValue.array(items).serialized(pretty: true))
            } else {
                printColumns(listing.credentials.map {
                    [$0.id, $0.project, $0.status.rawValue, $0.apiKey, $0.createdAt, $0.name]
                })
            }
            noteErrors(listing)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a credential at once, recording who and when; names the shares that still reference it.")

        @OptionGroup var options: LifecycleOptions

        @Argument(help: "The credential id (a UUID).")
        var id: String

        func run() async throws {
            let lifecycle = try options.lifecycle()
            let revocation = try runLifecycle(root: options.site.root) { () throws(LifecycleError) in
                try lifecycle.revokeCredential(id: id)
            }
            guard revocation.changed else {
                printOutput("no change: \(revocation.file) is already revoked; nothing written")
                return
            }
            printDiagnostics(revocation.warnings, root: options.site.root, toOutput: true)
            printOutput("revoked \(revocation.file)")
            let shares = revocation.referencingShares
            if !shares.isEmpty {
                printError("""
                    warning: \(shares.count) share\(shares.count == 1 ? "" : "s") still reference\(shares.count == 1 ? "s" : "") this credential: \(shares.joined(separator: ", ")). \
                    `sharegen check` fails until each uses an active credential (sharegen put <project> <channel> --credential <id>) or none (--unset apiCredentialId).
                    """)
            }
        }
    }
}
