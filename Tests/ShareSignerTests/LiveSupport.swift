import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import ShareSigner

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// `operation`'s result, or `TimedOut` after `limit`: every wait in these tests is bounded.
func within<T: Sendable>(_ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() ?? nil else { throw TimedOut(what: what) }
        return value
    }
}

/// Polls `condition` until it holds, for at most `limit`.
func eventually(_ what: String, within limit: Duration = .seconds(10), _ condition: @escaping @Sendable () async throws -> Bool) async throws {
    try await within(limit, what) {
        while try await !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }
}

/// The first element of a stream, within `limit`.
func first<T: Sendable>(_ stream: AsyncStream<T>, _ what: String, within limit: Duration = .seconds(30)) async throws -> T {
    try await within(limit, what) {
        guard let value = await stream.first(where: { _ in true }) else { throw TimedOut(what: what) }
        return value
    }
}

/// A GET on a new connection to a loopback server.
func get(_ port: Int, _ uri: String, headers: HTTPFields = [:]) async throws -> TestClient.Response {
    try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10))) { client in
        try await client.execute(TestClient.Request(uri, method: .get, authority: "127.0.0.1:\(port)", headers: headers))
    }
}

/// A temporary folder, removed after `body`.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sharegen-signer-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Writes a file the way a deployment should: beside it, then renamed over it.
func replaceFile(_ path: String, with bytes: [UInt8]) throws {
    let temporary = path + ".tmp-\(UUID().uuidString)"
    try Data(bytes).write(to: URL(fileURLWithPath: temporary))
    guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
}

/// The fixture's manifest written to `directory`/manifest.json, loaded.
func fixtureStore(in directory: String, logger: Logger) throws -> ManifestStore {
    let path = directory + "/manifest.json"
    try replaceFile(path, with: Fixture.bytes(Fixture.manifest()))
    return try ManifestStore(path: path, logger: logger)
}

/// Keeps every log line, as the signer writes them, for tests that read its logs.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level = .trace) -> Logger {
        Logger(label: "sharegen.signer.test") { label in
            JSONLogHandler(label: label, level: level) { line in self.lines.withLock { $0.append(line) } }
        }
    }

    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    /// Expects no line to hold the signature of `tokenURI`, any `/t/` path or the fixture's secret.
    func expectNoToken(of tokenURI: String) throws {
        let signature = try #require(MediaToken(tokenPath: tokenURI[...])).signature
        for line in all {
            #expect(!line.contains(signature) && !line.contains("/t/") && !line.contains(Fixture.acme.secret), "\(line)")
        }
    }

    /// The lines whose message is `message`, as JSON objects.
    func entries(_ message: String) -> [[String: String]] {
        all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }.filter { $0["message"] == message }
    }
}

/// Runs the signer on a free loopback port while `body` runs, then shuts it down gracefully.
func withLiveSigner<T: Sendable>(
    store: ManifestStore, keys: any SigningKeyProvider = Fixture.keys, logger: Logger, pollInterval: Duration = .milliseconds(50),
    routes: SignerRoutes.Options = .init(), _ body: @escaping @Sendable (Int) async throws -> T
) async throws -> T {
    let (ports, portFound) = AsyncStream<Int>.makeStream()
    let application = await SignerServer.makeApplication(
        store: store, keys: keys, configuration: .init(port: 0, pollInterval: pollInterval, routes: routes), logger: logger,
        onServerRunning: { portFound.yield($0) })
    let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
    return try await withThrowingTaskGroup(of: T?.self) { tasks in
        tasks.addTask {
            try await group.run()
            return nil
        }
        let result: Result<T, any Error>
        do {
            let port = try await first(ports, "the signer to listen")
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        tasks.addTask {
            try await Task.sleep(for: .seconds(30))
            throw TimedOut(what: "the signer to stop")
        }
        // The first task to finish is the server, unless it overstays.
        _ = try await tasks.next()
        tasks.cancelAll()
        return try result.get()
    }
}
