import ArgumentParser
import ShareBuild
import ShareModel
#if canImport(Glibc)
import Glibc
#endif

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

    func run() async throws {
        let session = try SiteSession(root: site.root)
        let output = out.hasPrefix("/") ? out : joinPath(site.root, out)
        let start = monotonicSeconds()
        switch SiteBuild(root: site.root).run(channel: channel, output: output) {
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
            let elapsed = Int((monotonicSeconds() - start) * 1000)
            let rendered = outcome.rendered
            printError("built \(channel.rawValue): \(rendered.pageCount) pages, \(rendered.stubCount) stubs, \(rendered.files.count) files (\(outcome.report.written) written, \(outcome.report.unchanged) unchanged) in \(elapsed) ms → \(output)")
            if strict && !outcome.diagnostics.isEmpty { throw Exit.invalidContent }
        }
    }
}

func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
