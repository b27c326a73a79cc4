import ArgumentParser
import ShareLoader
import ShareModel
import ShareValidator

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate the site and print diagnostics.")

    @OptionGroup var site: SiteOptions

    @Option(help: "Only report on this channel (DEV, STAGING or PROD); default: all channels.")
    var channel: Channel?

    @Option(help: "Output format: text, json or github (workflow annotations).")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as failures.")
    var strict = false

    func run() async throws {
        let session = try SiteSession(root: site.root)
        let result = session.validate()
        let diagnostics = result.diagnostics(for: channel)
        let shares = result.site.shares.count { channel == nil || $0.channel == channel }
        releaseInBackground(consume result)
        let formatter = DiagnosticFormatter(format: format, sourceLines: session.sourceLines)
        print(formatter.render(diagnostics), terminator: "")
        if format == .text {
            printError("\(DiagnosticFormatter.summary(diagnostics)) (\(shares) valid shares checked)")
        }
        try session.exit(for: diagnostics, strict: strict)
    }
}
