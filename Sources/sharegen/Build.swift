import ArgumentParser
import Foundation
import ShareBuild
import ShareLoader
import ShareModel
import ShareValidator

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
        var build = SiteBuild(root: site.root)
        let progress = ProgressLine()
        build.progress = progress.show
        let result = build.run(channel: channel, output: output, incremental: !force)
        progress.clear()
        switch result {
        case .failure(.invalid(let diagnostics)):
            printError(DiagnosticFormatter(format: .text, sourceLines: session.sourceLines).render(diagnostics), terminator: "")
            printError("build failed: \(DiagnosticFormatter.summary(diagnostics)); \(output) was not changed")
            try session.exit(for: diagnostics, strict: strict)
        case .failure(.output(let error)):
            printError("error: \(error)")
            printError("build failed; \(output) was not changed")
            throw Exit.ioFailure
        case .success(var outcome):
            if let warning = defaultBaseURLWarning(root: site.root, fileSystem: session.fileSystem) { outcome.diagnostics.append(warning) }
            if !outcome.diagnostics.isEmpty {
                let (excerpts, read) = (outcome.excerpts, session.sourceLines)
                let lines: DiagnosticFormatter.SourceLines = { file, line in excerpts[file]?[line] ?? read(file, line) }
                printError(DiagnosticFormatter(format: .text, sourceLines: lines).render(outcome.diagnostics), terminator: "")
            }
            let elapsed = Int((ContinuousClock.now - start) / .milliseconds(1))
            if timings {
                printError(outcome.timings.map { "\($0.stage): \(Int($0.seconds * 1000)) ms" }.joined(separator: ", "))
            }
            if let built = outcome.built {
                let files = outcome.report.written + outcome.report.unchanged
                let counts = [
                    DiagnosticFormatter.counted(built.pages, "page"), DiagnosticFormatter.counted(built.stubs, "stub"),
                    DiagnosticFormatter.counted(files, "file"),
                ].joined(separator: ", ")
                printError("built \(channel.rawValue): \(counts) (\(outcome.report.written) written, \(outcome.report.unchanged) unchanged, \(DiagnosticFormatter.counted(outcome.reusedShares, "share")) reused) in \(elapsed) ms → \(output)")
            } else {
                printError("\(output) is up to date: no input changed since the last build (\(elapsed) ms)")
            }
            // An up-to-date build reports the last build's warnings, and fails on them alike.
            if strict && !outcome.diagnostics.isEmpty { throw Exit.invalidContent }
        }
    }
}

/// One updating line on standard error while a long build runs: only on a terminal, never
/// in CI logs (`CI` set), in pipes, on a dumb terminal or with `NO_COLOR`.
struct ProgressLine {
    let enabled: Bool

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        enabled = isatty(2) == 1 && environment["CI"] == nil && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    var show: (@Sendable (String) -> Void)? {
        guard enabled else { return nil }
        return { stage in Console.write("\r\u{1B}[K\(stage)…", to: 2) }
    }

    func clear() {
        if enabled { Console.write("\r\u{1B}[K", to: 2) }
    }
}
