import ArgumentParser
import Foundation
import ShareLoader
import ShareModel

@main
struct Sharegen: AsyncParsableCommand {
    /// The product's version, printed by `sharegen --version`.
    static let version = "0.6.0"

    static let configuration = CommandConfiguration(
        commandName: "sharegen",
        abstract: "Static site generator for video share landing pages.",
        discussion: "Shell completions: sharegen --generate-completion-script bash|zsh|fish (see the README).",
        version: version,
        subcommands: [
            Init.self, Build.self, Check.self, Serve.self, Diff.self, Signer.self, Keys.self, List.self, Put.self, Disable.self, Restore.self,
            RotateSlug.self, Credentials.self,
        ]
    )

    /// Parses and runs like `AsyncParsableCommand.main`, but with SPEC §3's exit statuses:
    /// bad usage is 2 (ArgumentParser's own is 64), and `help` of an unknown command fails.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if arguments.first == "help" { try checkHelpTopic(Array(arguments.dropFirst())) }
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { printOutput(message) } else { printError(message) }
            }
            Foundation.exit(code == .validationFailure ? Exit.badUsage.rawValue : code.rawValue)
        }
    }

    /// `sharegen help nosuch` names the unknown command instead of printing the top help.
    private static func checkHelpTopic(_ names: [String]) throws {
        var subcommands: [any ParsableCommand.Type] = configuration.subcommands
        // Names up to the first option: what follows may be an option's value.
        for name in names.prefix(while: { !$0.hasPrefix("-") }) {
            let known = commandNames(subcommands)
            guard let index = known.firstIndex(of: name) else {
                var message = "unknown command '\(name)'"
                if let suggestion = closestMatch(name, among: known) { message += "; did you mean '\(suggestion)'?" }
                throw ValidationError(message + " (commands: \(known.joined(separator: ", ")))")
            }
            subcommands = subcommands[index].configuration.subcommands
        }
    }

    private static func commandNames(_ commands: [any ParsableCommand.Type]) -> [String] {
        var names: [String] = []
        for command in commands { names.append(command._commandName) }
        return names
    }
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
