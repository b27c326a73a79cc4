import ArgumentParser
import Foundation
import ShareLifecycle
import ShareModel

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a small site (sharegen.json, one project, one share) that passes check and builds.",
        discussion: "Refuses to overwrite anything: DIR must not hold sharegen.json or content/ yet.")

    @OptionGroup var site: SiteOptions

    @Argument(help: "The folder to create the site in (made if missing); default: --root.")
    var directory: String?

    @Option(help: "The project id: its folder under content/.")
    var project = "my-project"

    @Option(help: "Who to record in the audit trail (default: git config user.email, else $USER).")
    var actor: String?

    func run() async throws {
        let directory = directory ?? site.root
        do {
            try LocalFileSystem().createDirectory(directory)
        } catch {
            printError("error: cannot create \(directory): \(error)")
            throw Exit.ioFailure
        }
        let environment = ProcessInfo.processInfo.environment
        let who = try runLifecycle(root: directory) { () throws(LifecycleError) in
            try LifecycleEnvironment.resolveActor(explicit: actor, root: directory, environment: environment)
        }
        let scaffold = SiteScaffold(root: directory, project: project, environment: LifecycleEnvironment(actor: who))
        let created = try runLifecycle(root: directory) { () throws(LifecycleError) in try scaffold.create() }
        for file in created.files { printOutput("created \(joinPath(directory, file))") }
        printOutput("""
            next: sharegen check --root \(directory) && sharegen build --root \(directory)
            then set the channels' baseURL in sharegen.json and edit \(created.share.file)
            """)
    }
}
