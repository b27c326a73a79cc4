import ArgumentParser
import ShareLifecycle
import ShareModel

struct RotateSlug: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give a share a new random slug; the old one answers 410 Gone, or redirects with --redirect.")

    @OptionGroup var options: LifecycleOptions
    @OptionGroup var share: ShareArguments

    @Flag(help: "Redirect the old slug to the new one (301) instead of answering 410 Gone.")
    var redirect = false

    func run() async throws {
        let lifecycle = try options.lifecycle()
        let mode: RotationMode = redirect ? .redirect : .gone
        let change = try runLifecycle(root: options.site.root) { () throws(LifecycleError) in
            try lifecycle.rotateSlug(of: share.selector, mode: mode)
        }
        printDiagnostics(change.warnings, root: options.site.root, toOutput: true)
        printOutput("rotated \(change.file) (the previous slug now \(redirect ? "redirects" : "answers 410 Gone"))")
        printOutput("previous slug: \(change.previousSlug ?? "")")
        printOutput("new slug:      \(change.slug)")
        if let url = change.url { printOutput("new URL:       \(url)") }
    }
}
