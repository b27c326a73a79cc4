import ArgumentParser
import ShareBuild
import ShareModel

struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the whole site, then write one channel's pages, maps and manifest.")

    @OptionGroup var site: SiteOptions

    @Option(help: "The channel to write (DEV, STAGING or PROD).")
    var channel: Channel = .PROD

    @Option(help: "The output folder; replaced atomically.")
    var out: String = "dist"

    @Flag(help: "Treat warnings as failures.")
    var strict = false

    @Flag(help: "Ignore the build cache and render every file.")
    var force = false

    @Flag(help: "Print how long each stage took.")
    var timings = false

    func run() async throws {
        let session = try SiteSession(root: site.root)
        let output = out.hasPrefix("/") ? out : joinPath(site.root, out)
        let start = ContinuousClock.now
        switch SiteBuild(root: site.root).run(channel: channel, output: output, incremental: !force) {
        case .failure(.invalid(let diagnostics)):
            printError(DiagnosticFormatter(format: .text, sourceLines: session.sourceLines).render(diagnostics), terminator: "")
            printError("build failed: \(DiagnosticFormatter.summary(diagnostics)); \(output) was not changed")
            try session.exit(for: diagnostics, strict: strict)
        case .failure(.output(let error)):
            printError("error: \(error)")
            printError("build failed; \(output) was not changed")
            throw Exit.ioFailure
        case .success(let outcome):
            if !outcome.diagnostics.isEmpty {
                printError(DiagnosticFormatter(format: .text, sourceLines: session.sourceLines).render(outcome.diagnostics), terminator: "")
            }
            let elapsed = Int((ContinuousClock.now - start) / .milliseconds(1))
            if timings {
                printError(outcome.timings.map { "\($0.stage): \(Int($0.seconds * 1000)) ms" }.joined(separator: ", "))
            }
            guard let rendered = outcome.summary else {
                printError("\(output) is up to date: no input changed since the last build (\(elapsed) ms)")
                return
            }
            let files = outcome.report.written + outcome.report.unchanged
            printError("built \(channel.rawValue): \(rendered.pageCount) pages, \(rendered.stubCount) stubs, \(files) files (\(outcome.report.written) written, \(outcome.report.unchanged) unchanged, \(outcome.reusedShares) shares reused) in \(elapsed) ms → \(output)")
            if strict && !outcome.diagnostics.isEmpty { throw Exit.invalidContent }
        }
    }
}
