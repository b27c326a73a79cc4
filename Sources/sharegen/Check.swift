import ArgumentParser
import ShareBuild
import ShareDiff
import ShareLoader
import ShareModel

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate everything `build` would (shares, credentials, sharegen.json, templates, locale strings) and print diagnostics.")

    @OptionGroup var site: SiteOptions

    @Option(help: "Only report on this channel (DEV, STAGING or PROD); default: all channels.")
    var channel: Channel?

    @Option(help: "Output format: text, json or github (workflow annotations).")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as failures.")
    var strict = false

    func run() async throws {
        let session = try SiteSession(root: site.root)
        let report = SiteCheck(root: site.root, fileSystem: session.fileSystem).run(channel: channel)
        let prefix = format == .github ? gitWorkTreePrefix(of: site.root) ?? "" : ""
        var output = DiagnosticFormatter(format: format, sourceLines: session.sourceLines, annotationPrefix: prefix).render(report.diagnostics)
        if format == .text {
            let files = DiagnosticFormatter.counted(report.shareFiles, "share file")
            output += "\(DiagnosticFormatter.summary(report.diagnostics)) in \(files) (\(report.validShares) valid)\n"
        }
        // One write, so the summary never lands inside a diagnostic.
        printOutput(output, terminator: "")
        try session.exit(for: report.diagnostics, strict: strict)
    }
}
