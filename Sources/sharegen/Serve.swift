import ArgumentParser
import Foundation
import Logging
import ShareModel
import SharePreview
import ShareSigner

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview one channel with production's status codes; rebuilds and reloads open pages when files change.")

    @OptionGroup var site: SiteOptions

    @Option(help: "The channel to preview (DEV, STAGING or PROD).")
    var channel: Channel = .DEV

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "A signing-key file for the signer's routes, so links verify where the production keys do (default: a throwaway key).")
    var keys: String?

    @Flag(help: "Print how long each stage of each build took.")
    var timings = false

    func run() async throws {
        _ = try SiteSession(root: site.root)
        guard (0...65535).contains(port) else {
            printError("error: --port \(port) is not a TCP port")
            throw Exit.badUsage
        }
        let keySet: SigningKeySet?
        do {
            keySet = try keys.map { path throws(SigningKeyError) in try SigningKeySet.load(path: path, environment: [:]) }
        } catch {
            printError("error: \(error)")
            throw Exit.badUsage
        }
        let reporter = BuildReporter.standardOutput(environment: ProcessInfo.processInfo.environment, timings: timings)
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            reporter.warn("listening on \(host): anyone who can reach it sees unpublished content and gets signed links")
        }
        var logger = Logger(label: "sharegen.serve")
        logger.logLevel = .warning
        do {
            try await PreviewServer.run(
                configuration: PreviewServer.Configuration(root: site.root, channel: channel, host: host, port: port, keys: keySet), reporter: reporter, logger: logger)
        } catch let error as ListenError {
            printError("error: \(error)")
            throw Exit.ioFailure
        } catch {
            printError("error: cannot serve on \(host):\(port): \(error)")
            throw Exit.ioFailure
        }
    }
}
