import ArgumentParser
import ShareModel

@main
struct Sharegen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharegen",
        abstract: "Static site generator for video share landing pages.",
        subcommands: [Build.self, Check.self, Serve.self, Diff.self, Signer.self, Keys.self, List.self, Put.self, Disable.self, Restore.self, RotateSlug.self, Credentials.self]
    )
}

/// Options every command takes.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: "The site root (holds sharegen.json and content/).")
    var root: String = "."
}

extension Channel: ExpressibleByArgument {}
extension DiagnosticFormat: ExpressibleByArgument {}

/// Exit statuses of SPEC §3.
enum Exit {
    static let invalidContent = ExitCode(1)
    static let badUsage = ExitCode(2)
    static let ioFailure = ExitCode(3)
}
