import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import ShareSigner

extension LiveSignerTests {
    /// A key file holding `k0` and `k1` with `active` signing, or only `active`.
    static func keyFile(active: String, only: Bool = false) -> [UInt8] {
        let all = ["k1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "k0": "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="]
        let keys = only ? all.filter { $0.key == active } : all
        let members = keys.sorted { $0.key < $1.key }.map { #""\#($0.key)": "\#($0.value)""# }.joined(separator: ", ")
        return Array(#"{"active": "\#(active)", "keys": {\#(members)}}"#.utf8)
    }

    @Test("SIGHUP reloads the key file: a new active key signs, a dropped key stops verifying, a broken file is refused")
    func keyRotation() async throws {
        try await withTemporaryDirectory { directory in
            let keysPath = directory + "/keys.json"
            try replaceFile(keysPath, with: Self.keyFile(active: "k0", only: true))
            let recorder = LogRecorder()
            let store = try fixtureStore(in: directory, logger: recorder.logger())
            let keys = try SigningKeyStore(path: keysPath, environment: [:], logger: recorder.logger())
            try await withLiveSigner(store: store, keys: keys, logger: recorder.logger(), pollInterval: .seconds(3600)) { port in
                let old = try await Self.tokenURI(ofShare: "acme-private", port: port)
                #expect(old.contains("/k0/"))
                // Step 1 of a rotation: k1 added and made active; k0's links keep playing.
                try replaceFile(keysPath, with: Self.keyFile(active: "k1"))
                kill(getpid(), SIGHUP)
                try await eventually("k1 to sign") { try await Self.tokenURI(ofShare: "acme-private", port: port).contains("/k1/") }
                let new = try await Self.tokenURI(ofShare: "acme-private", port: port)
                #expect(try await Self.verify(old, port: port) == .noContent)
                #expect(try await Self.verify(new, port: port) == .noContent)
                // A broken file is logged and ignored.
                try replaceFile(keysPath, with: Array("{".utf8))
                kill(getpid(), SIGHUP)
                try await eventually("the refusal") { recorder.contains("keys rejected") }
                #expect(try await Self.verify(old, port: port) == .noContent)
                // Step 2: k0 dropped after the longest TTL.
                try replaceFile(keysPath, with: Self.keyFile(active: "k1", only: true))
                kill(getpid(), SIGHUP)
                try await eventually("k0 to stop verifying") { try await Self.verify(old, port: port) == .forbidden }
                #expect(try await Self.verify(new, port: port) == .noContent)
            }
            for line in recorder.all { #expect(!line.contains("AAECAwQF") && !line.contains("ZGVmZ2hp"), "a key in the log: \(line)") }
        }
    }

    @Test("unknown routes are 404 and wrong methods 405, with the JSON body; HEAD /healthz over a socket has the length and no body")
    func unknownRoutes() async throws {
        try await withTemporaryDirectory { directory in
            let logger = LogRecorder().logger(level: .info)
            let store = try fixtureStore(in: directory, logger: logger)
            try await withLiveSigner(store: store, logger: logger) { port in
                for uri in ["/", "/v1", "/v1/shares", "/t/1/k1/acme-private/x/a.ts", "/healthz/extra"] {
                    let response = try await get(port, uri)
                    #expect(response.status == .notFound, "\(uri)")
                    let error = try Self.object(response)["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "not_found", "\(uri)")
                }
                let head = try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10))) { client in
                    try await client.execute(TestClient.Request("/healthz", method: .head, authority: "127.0.0.1"))
                }
                let getLength = try await get(port, "/healthz").body?.readableBytes
                #expect(head.status == .ok)
                #expect(head.headers[.contentLength] == getLength.map(String.init))
                #expect((head.body?.readableBytes ?? 0) == 0)
                let post = try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10))) { client in
                    try await client.execute(TestClient.Request("/v1/verify", method: .post, authority: "127.0.0.1"))
                }
                #expect(post.status == .methodNotAllowed)
                #expect((try Self.object(post)["error"] as? [String: Any])?["code"] as? String == "method_not_allowed")
            }
        }
    }

    @Test("the access log: one JSON line per request with method, route, status and duration; never a token, signature or secret")
    func accessLog() async throws {
        try await withTemporaryDirectory { directory in
            let recorder = LogRecorder()
            let logger = recorder.logger(level: .info)
            let store = try fixtureStore(in: directory, logger: logger)
            let uri = try await withLiveSigner(store: store, logger: logger) { port in
                let uri = try await Self.tokenURI(ofShare: "acme-private", port: port)
                #expect(try await Self.verify(uri, port: port) == .noContent)
                #expect(try await Self.verify(uri.replacingOccurrences(of: "/k1/", with: "/k9/"), port: port) == .forbidden)
                _ = try await get(port, "/nowhere?secret=\(Fixture.acme.secret)")
                return uri
            }
            let lines = recorder.entries("request")
            #expect(lines.map { $0["route"] } == ["/v1/shares/{slug}", "/v1/verify", "/v1/verify", "unmatched"])
            #expect(lines.map { $0["status"] } == ["200", "204", "403", "404"])
            #expect(lines.allSatisfy { $0["method"] == "GET" && $0["micros"].flatMap { Int($0) } != nil && $0["level"] == "info" })
            try recorder.expectNoToken(of: uri)
        }
    }

    @Test("a taken port is a ListenError that says so, not NIO's errno text")
    func portTaken() async throws {
        try await withTemporaryDirectory { directory in
            let logger = LogRecorder().logger(level: .info)
            let store = try fixtureStore(in: directory, logger: logger)
            try await withLiveSigner(store: store, logger: logger) { port in
                let error = try await #require(throws: ListenError.self) {
                    try await within(.seconds(30), "the second signer to fail") {
                        try await SignerServer.run(store: store, keys: Fixture.keys, configuration: .init(port: port), logger: logger)
                    }
                }
                #expect(error.reason == EADDRINUSE)
                #expect(error.description == "cannot listen on 127.0.0.1:\(port): the address is already in use (another process listens there)")
            }
        }
    }

    @Test("`sharegen signer` on a taken port: one clean error line and exit status 3",
          .tags(.external), .enabled(if: Tools.sharegen != nil, "needs the built sharegen"))
    func cliPortTaken() async throws {
        try await withTemporaryDirectory { directory in
            let logger = LogRecorder().logger(level: .info)
            let store = try fixtureStore(in: directory, logger: logger)
            try Data(Fixture.keysJSON.utf8).write(to: URL(fileURLWithPath: directory + "/keys.json"))
            try await withLiveSigner(store: store, logger: logger) { port in
                let result = try Tools.run(
                    try #require(Tools.sharegen),
                    ["signer", "--manifest", store.path, "--keys", directory + "/keys.json", "--port", String(port), "--log-level", "error"])
                #expect(result.status == 3)
                #expect(result.output == "error: cannot listen on 127.0.0.1:\(port): the address is already in use (another process listens there)\n")
            }
        }
    }
}
