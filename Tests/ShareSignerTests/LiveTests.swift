import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ShareSigner

/// Tests over real sockets. Serialized: they send signals to this process, which every
/// running signer would hear.
@Suite("Live signer", .serialized)
struct LiveSignerTests {
    static func object(_ response: TestClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data((response.body ?? ByteBuffer()).readableBytesView)) as? [String: Any])
    }

    static func servedDigest(_ port: Int) async throws -> String? {
        try object(try await get(port, "/healthz"))["manifestDigest"] as? String
    }

    /// The token part of a signed media URL, as nginx passes it in `X-Original-URI`.
    static func tokenURI(ofShare slug: String, caller: Fixture.Caller = Fixture.acme, port: Int) async throws -> String {
        let share = try object(try await get(port, "/v1/shares/\(slug)", headers: caller.apiKeyHeader))
        let hls = try #require(share["hlsUrl"] as? String)
        return String(hls.dropFirst(Fixture.mediaBase.count))
    }

    static func verify(_ uri: String, port: Int) async throws -> HTTPResponse.Status {
        try await get(port, "/v1/verify", headers: [SignerRoutes.originalURIHeader: uri]).status
    }

    @Test("a replaced manifest is picked up: a disabled share stops answering and its tokens stop verifying")
    func reloadOnChange() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/manifest.json"
            try replaceFile(path, with: Fixture.bytes(Fixture.manifest()))
            let recorder = LogRecorder()
            let store = try ManifestStore(path: path, logger: recorder.logger())
            let next = Fixture.bytes(Fixture.manifest(disabled: ["acme-private"]))
            let nextDigest = try SignerCatalog(bytes: next).digest
            let uri = try await withLiveSigner(store: store, logger: recorder.logger()) { port in
                let uri = try await Self.tokenURI(ofShare: "acme-private", port: port)
                #expect(try await Self.verify(uri, port: port) == .noContent)
                try replaceFile(path, with: next)
                try await eventually("the new manifest to serve") { try await Self.servedDigest(port) == nextDigest }
                #expect(try await get(port, "/v1/shares/acme-private", headers: Fixture.acme.apiKeyHeader).status == .notFound)
                #expect(try await Self.verify(uri, port: port) == .forbidden)
                return uri
            }
            #expect(recorder.contains("manifest loaded"))
            #expect(recorder.entries("refused").contains { $0["route"] == "verify" && $0["reason"] == TokenRejection.revoked.rawValue })
            // Logs name routes and reasons, never tokens, signatures or secrets.
            try recorder.expectNoToken(of: uri)
        }
    }

    @Test("a broken manifest is rejected with a log line, and the previous one keeps serving")
    func brokenManifest() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/manifest.json"
            try replaceFile(path, with: Fixture.bytes(Fixture.manifest()))
            let recorder = LogRecorder()
            let store = try ManifestStore(path: path, logger: recorder.logger())
            let digest = store.catalog.digest
            try await withLiveSigner(store: store, logger: recorder.logger()) { port in
                // Rewritten in place and cut short, as a careless deploy would.
                try Data(Fixture.bytes(Fixture.manifest()).prefix(200)).write(to: URL(fileURLWithPath: path))
                try await eventually("the rejection to be logged") { recorder.contains("manifest rejected") }
                #expect(try await Self.servedDigest(port) == digest)
                #expect(try await get(port, "/v1/shares/acme-private", headers: Fixture.acme.apiKeyHeader).status == .ok)
                // Valid JSON that breaks a rule is rejected too.
                var invalid = Fixture.manifest()
                invalid.signing.maxTTLSeconds = 1
                try replaceFile(path, with: Fixture.bytes(invalid))
                try await eventually("the second rejection") { recorder.all.filter { $0.contains("manifest rejected") }.count == 2 }
                #expect(try await Self.servedDigest(port) == digest)
                // A good file afterwards is served.
                let good = Fixture.bytes(Fixture.manifest(disabled: ["acme-public"]))
                try replaceFile(path, with: good)
                let goodDigest = try SignerCatalog(bytes: good).digest
                try await eventually("the good manifest to serve") { try await Self.servedDigest(port) == goodDigest }
            }
            let rejection = try #require(recorder.entries("manifest rejected; the previous one keeps serving").first)
            #expect(rejection["level"] == "error" && rejection["path"] == path && rejection["serving"] == digest)
            #expect(rejection["reason"]?.contains("not valid JSON") == true)
        }
    }

    @Test("SIGHUP reloads at once, whatever the file's timestamps say")
    func hangup() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/manifest.json"
            try replaceFile(path, with: Fixture.bytes(Fixture.manifest()))
            let recorder = LogRecorder()
            let store = try ManifestStore(path: path, logger: recorder.logger())
            // The poll would not come within the test: only the signal can reload.
            try await withLiveSigner(store: store, logger: recorder.logger(), pollInterval: .seconds(3600)) { port in
                let next = Fixture.bytes(Fixture.manifest(disabled: ["acme-public"]))
                try replaceFile(path, with: next)
                let nextDigest = try SignerCatalog(bytes: next).digest
                kill(getpid(), SIGHUP)
                try await eventually("the SIGHUP reload") { try await Self.servedDigest(port) == nextDigest }
                #expect(try await get(port, "/v1/shares/acme-public", headers: Fixture.acme.apiKeyHeader).status == .notFound)
            }
        }
    }

    @Test("requests running while the manifest swaps back and forth never fail")
    func swapsUnderLoad() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/manifest.json"
            var second = Fixture.manifest()
            second.shares[1].title = "Second title"
            let versions = [Fixture.bytes(Fixture.manifest()), Fixture.bytes(second)]
            try replaceFile(path, with: versions[0])
            let logger = LogRecorder().logger(level: .info)
            let store = try ManifestStore(path: path, logger: logger)
            try await withLiveSigner(store: store, logger: logger, pollInterval: .seconds(3600)) { port in
                let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10))) { client in
                                var statuses: [Int] = []
                                for _ in 0..<100 {
                                    let request = TestClient.Request(
                                        "/v1/shares/acme-private", method: .get, authority: "127.0.0.1", headers: Fixture.acme.apiKeyHeader)
                                    statuses.append(try await client.execute(request).status.code)
                                }
                                return statuses
                            }
                        }
                    }
                    for swap in 0..<40 {
                        try replaceFile(path, with: versions[(swap + 1) % 2])
                        #expect(store.reload() != .unchanged)
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(statuses.count == 400 && statuses.allSatisfy { $0 == 200 })
            }
        }
    }

    @Test("SIGTERM: new connections are refused, the request in flight completes, then the signer returns")
    func gracefulShutdown() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/manifest.json"
            try replaceFile(path, with: Fixture.bytes(Fixture.manifest()))
            let recorder = LogRecorder()
            let logger = recorder.logger(level: .info)
            let store = try ManifestStore(path: path, logger: logger)
            let (ports, portFound) = AsyncStream<Int>.makeStream()
            let (held, holding) = AsyncStream<Void>.makeStream()
            let gate = Gate()
            let server = Task {
                try await SignerServer.run(
                    store: store, keys: Fixture.keys, configuration: .init(port: 0), logger: logger,
                    middleware: [HoldingMiddleware(holding: holding, gate: gate)], onServerRunning: { portFound.yield($0) })
            }
            let port = try await first(ports, "the signer to listen")
            let inFlight = Task { try await get(port, "/v1/shares/acme-private?hold", headers: Fixture.acme.apiKeyHeader) }
            try await first(held, "the request to be in flight")
            kill(getpid(), SIGTERM)
            try await eventually("new connections to be refused") { (try? await get(port, "/healthz")) == nil }
            await gate.open()
            let response = try await within(.seconds(10), "the request in flight") { try await inFlight.value }
            #expect(response.status == .ok)
            try await within(.seconds(30), "the signer to return") { try await server.value }
            #expect(recorder.contains("signer stopped"))
        }
    }
}

/// Holds requests whose query is `hold` until the gate opens, and says when it holds one.
struct HoldingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let holding: AsyncStream<Void>.Continuation
    let gate: Gate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.query == "hold" {
            holding.yield()
            await gate.wait()
        }
        return try await next(request, context)
    }
}

actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
