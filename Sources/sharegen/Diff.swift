import ArgumentParser
import ShareDiff
import ShareModel

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what publishing the working tree would change against a Git ref, and fail on changes that break published URLs.",
        discussion: """
            Lists the URLs that stop answering 200, shares added, removed, disabled and restored, slug rotations, \
            field changes and credential changes. Fails (exit 1) on a visibility change, a reused slug, a deleted \
            share file or a deleted credential, and when the working tree is invalid. An unknown ref exits 2.
            """)

    @OptionGroup var site: SiteOptions

    @Argument(help: "The Git ref to compare with, e.g. origin/main.")
    var ref: String

    @Option(help: "Only report on this channel (DEV, STAGING or PROD); default: all channels.")
    var channel: Channel?

    @Option(help: "Output format: text, markdown (a pull-request comment) or json.")
    var format: DiffFormat = .text

    @Flag(help: "Accept deleted share files and deleted revoked credentials.")
    var allowRemoval = false

    func run() async throws {
        let session = try SiteSession(root: site.root)
        let head = SiteVersion(fileSystem: session.fileSystem, root: session.root)
        let report: DiffReport
        do {
            report = try SiteDiffer(options: DiffOptions(channel: channel, allowRemoval: allowRemoval))
                .compare(gitRef: ref, root: site.root, head: head)
        } catch {
            printError("error: \(error)")
            throw error.isUsageError ? Exit.badUsage : Exit.ioFailure
        }
        printOutput(DiffRenderer(format: format, sourceLines: session.sourceLines).render(report), terminator: "")
        try session.exit(for: report.diagnostics, strict: false)
    }
}

extension DiffFormat: ExpressibleByArgument {}
