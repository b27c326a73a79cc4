import ArgumentParser
import Foundation
import Logging
import ShareSigner

struct Signer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve signed, short-lived playback URLs for private videos (reloads the manifest on SIGHUP and on change, the key file on SIGHUP).")

    @Option(help: "The manifest.json written by `sharegen build`.")
    var manifest: String

    @Option(help: "The signing-key file (default: the JSON in $\(SigningKeySet.environmentVariable)).")
    var keys: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8081

    @Option(help: "The least severe log level written to standard error (as JSON lines): trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        guard (0...65535).contains(port) else {
            printError("error: --port \(port) is not a TCP port")
            throw Exit.badUsage
        }
        let level = logLevel
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        let logger = Logger(label: "sharegen.signer")
        let keyStore: SigningKeyStore
        let store: ManifestStore
        do {
            keyStore = try SigningKeyStore(path: keys, environment: ProcessInfo.processInfo.environment, logger: logger)
            store = try ManifestStore(path: manifest, logger: logger)
        } catch {
            printError("error: \(error)")
            throw Exit.badUsage
        }
        do {
            try await SignerServer.run(store: store, keys: keyStore, configuration: .init(host: host, port: port), logger: logger)
        } catch {
            printError("error: \(error)")
            throw Exit.ioFailure
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
