import ArgumentParser
import Foundation
import ShareLifecycle
import ShareLoader
import ShareModel

/// Options of the commands that edit files: the site and who is acting.
struct LifecycleOptions: ParsableArguments {
    @OptionGroup var site: SiteOptions

    @Option(help: "Who to record in the audit trail (default: git config user.email in --root, else $USER).")
    var actor: String?

    /// Checks the root and resolves the actor; exit 2 when either is missing.
    func lifecycle() throws -> SiteLifecycle {
        _ = try SiteSession(root: site.root)
        let environment = ProcessInfo.processInfo.environment
        let explicit = actor, root = site.root
        let who = try runLifecycle(root: root) { () throws(LifecycleError) in
            try LifecycleEnvironment.resolveActor(explicit: explicit, root: root, environment: environment)
        }
        return SiteLifecycle(root: root, environment: LifecycleEnvironment(actor: who))
    }
}

/// `<project> <channel> [--visibility]`: which share a command acts on.
struct ShareArguments: ParsableArguments {
    @Argument(help: "The project id: its folder under content/.")
    var project: String

    @Argument(help: "The channel: DEV, STAGING or PROD.")
    var channel: Channel

    @Option(help: "public or private: which share, when the project has both in the channel.")
    var visibility: Visibility?

    var selector: ShareSelector { ShareSelector(project: project, channel: channel, visibility: visibility) }
}

extension Visibility: ExpressibleByArgument {}
extension ShareStatus: ExpressibleByArgument {}
extension VideoStatus: ExpressibleByArgument {}

/// Runs a lifecycle operation and maps a refusal to SPEC §3's exit statuses, printing its
/// diagnostics the way `check` does (excerpts come from the refused text). `flags` names
/// the option that sets a field, for a refusal that lists missing fields.
func runLifecycle<T>(
    root: String, flags: [String: String] = [:], sourceLines: [String: [UInt8]] = [:], _ operation: () throws(LifecycleError) -> T
) throws -> T {
    do {
        return try operation()
    } catch {
        switch error {
        case .usage(let message):
            printError("error: \(message)")
            throw Exit.badUsage
        case .missingFields(let fields):
            let options = fields.map { field in flags[field].map { "--\($0)" } ?? field }
            printError("error: \(error.description): pass \(options.joined(separator: " and ")) (or set \(fields.joined(separator: " and ")) in --file)")
            throw Exit.badUsage
        case .invalid(let message, let diagnostics, let proposed):
            printDiagnostics(diagnostics, root: root, proposed: proposed.merging(sourceLines) { _, given in given })
            printError("error: \(message)")
            throw Exit.invalidContent
        case .io(let failure):
            printError("error: \(failure)")
            throw Exit.ioFailure
        }
    }
}

/// Prints diagnostics with source excerpts, preferring `proposed` text (what a refused edit
/// would have written) over the file on disk: to standard error beside a refusal, to
/// standard output beside the result they warn about (one stream, SPEC §3).
func printDiagnostics(_ diagnostics: [Diagnostic], root: String, proposed: [String: [UInt8]] = [:], toOutput: Bool = false) {
    guard !diagnostics.isEmpty else { return }
    let fileSystem = LocalFileSystem()
    let sourceLines: DiagnosticFormatter.SourceLines = { file, line in
        guard let bytes = proposed[file] ?? (try? fileSystem.readFile(joinPath(root, file))) else { return nil }
        return DiagnosticFormatter.line(line, of: bytes)
    }
    let text = DiagnosticFormatter(format: .text, sourceLines: sourceLines).render(diagnostics)
    if toOutput { printOutput(text, terminator: "") } else { printError(text, terminator: "") }
}

/// What an edit of a share file says on standard output.
func report(_ change: ShareChange, verb: String, root: String) {
    printDiagnostics(change.warnings, root: root, toOutput: true)
    if let folder = change.createdProject { printOutput("created project \(folder)/") }
    switch change.kind {
    case .created: printOutput("created \(change.file): \(change.url ?? change.slug)")
    case .updated: printOutput("\(verb) \(change.file): \(change.url ?? change.slug)")
    case .unchanged: printOutput("no change: \(change.file) already says so; nothing written")
    }
}
