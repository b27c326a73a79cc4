import ArgumentParser
import ShareSigner

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the signer's signing keys.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new signing-key file with one random 256-bit key, for `sharegen signer --keys`.")

        func run() async throws {
            printOutput(SigningKeySet.generateFile(), terminator: "")
        }
    }
}
