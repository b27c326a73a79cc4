import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import ShareSigner

/// The verifiers of `edge/` against tokens the signer issued: nginx with Debian's njs
/// module, and the Workers-style one under Node. Serialized with the other live tests:
/// their signers trap this process's SIGHUP.
extension LiveSignerTests {
    struct EdgeCase: Sendable, Encodable {
        var name: String
        var uri: String
        /// 200 (the file) or 403.
        var status: Int
    }

    /// Slugs the edge refuses: as `revoked.json` would list them once `other-private` is disabled.
    static let revoked = #"["acme-gone", "acme-moved", "acme-private-off", "other-private"]"#

    /// Every kind of token, from two signers over the fixture: one on the real clock, one an
    /// hour behind (its tokens have expired).
    static func edgeCases() async throws -> [EdgeCase] {
        try await withTemporaryDirectory { directory in
            let logger = LogRecorder().logger(level: .warning)
            let store = try fixtureStore(in: directory, logger: logger)
            let (playlist, otherShare) = try await withLiveSigner(store: store, logger: logger) { port in
                (try await tokenURI(ofShare: "acme-private", port: port), try await tokenURI(ofShare: "other-private", caller: Fixture.other, port: port))
            }
            let hourAgo = Int64(Date().timeIntervalSince1970) - 3600
            let expired = try await withLiveSigner(store: store, logger: logger, routes: .init(now: { hourAgo })) { port in
                try await tokenURI(ofShare: "acme-private", port: port)
            }
            let token = try #require(MediaToken(tokenPath: playlist[...]))
            var tampered = token
            tampered.signature = String(token.signature.dropLast()) + (token.signature.hasSuffix("A") ? "B" : "A")
            return [
                EdgeCase(name: "valid playlist", uri: playlist, status: 200),
                EdgeCase(name: "segment beside it", uri: playlist.replacingOccurrences(of: "index.m3u8", with: "seg-0.ts"), status: 200),
                EdgeCase(name: "rendition subfolder", uri: playlist.replacingOccurrences(of: "index.m3u8", with: "720p/index.m3u8"), status: 200),
                EdgeCase(name: "with a query", uri: playlist + "?_HLS_msn=1", status: 200),
                EdgeCase(name: "expired", uri: expired, status: 403),
                EdgeCase(name: "tampered", uri: tampered.path, status: 403),
                EdgeCase(name: "other folder", uri: playlist.replacingOccurrences(of: "/videos/priv/", with: "/videos/other/"), status: 403),
                EdgeCase(name: "parent folder", uri: playlist.replacingOccurrences(of: "/videos/priv/", with: "/videos/"), status: 403),
                EdgeCase(name: "other slug", uri: playlist.replacingOccurrences(of: "/acme-private/", with: "/acme-public/"), status: 403),
                EdgeCase(name: "revoked slug", uri: otherShare, status: 403),
                EdgeCase(name: "unknown key", uri: playlist.replacingOccurrences(of: "/\(token.keyID)/", with: "/k9/"), status: 403),
                EdgeCase(name: "encoded slash", uri: playlist.replacingOccurrences(of: "index.m3u8", with: "..%2F..%2Fsecret.txt"), status: 403),
            ]
        }
    }

    /// The fixture's media: playlists and a segment under `videos/priv` (and its `720p/`) and
    /// `videos/other`, and a file outside both.
    static func writeMedia(under root: String) throws {
        for folder in ["priv", "priv/720p", "other"] {
            try FileManager.default.createDirectory(atPath: "\(root)/videos/\(folder)", withIntermediateDirectories: true)
            for file in ["index.m3u8", "seg-0.ts"] { try "\(folder)/\(file)".write(toFile: "\(root)/videos/\(folder)/\(file)", atomically: true, encoding: .utf8) }
        }
        try "not for you".write(toFile: root + "/secret.txt", atomically: true, encoding: .utf8)
    }

    @Test("njs verifier in nginx: signer-issued tokens open their folder and its subfolders; expired, tampered, other-folder, revoked ones are 403",
          .tags(.nginx, .external), .enabled(if: Nginx.binary != nil && Nginx.njsModule != nil, "needs nginx and libnginx-mod-http-js"))
    func njsVerifier() async throws {
        let cases = try await Self.edgeCases()
        try await withTemporaryDirectory { directory in
            let mediaRoot = directory + "/media"
            try Self.writeMedia(under: mediaRoot)
            try Data(Fixture.keysJSON.utf8).write(to: URL(fileURLWithPath: directory + "/keys.json"))
            try Data(Self.revoked.utf8).write(to: URL(fileURLWithPath: directory + "/revoked.json"))
            let nginx = try await Nginx.start(prefix: directory) { port in
                Nginx.configuration(prefix: directory, modules: [Nginx.njsModule!], http: """
                  js_path \(Tools.repository)/edge/;
                  js_import sharegen from njs/sharegen.js;
                  js_preload_object sharegen_keys from \(directory)/keys.json;
                  js_preload_object sharegen_revoked from \(directory)/revoked.json;
                \(Nginx.mediaServer(port: port, mediaRoot: mediaRoot, verifier: "      js_content sharegen.verify;"))
                """)
            }
            var answers: [String: Int] = [:]
            do {
                for edgeCase in cases { answers[edgeCase.name] = Int(try await get(nginx.port, edgeCase.uri).status.code) }
            } catch {
                try await nginx.stop()
                throw error
            }
            try await nginx.stop()
            for edgeCase in cases { #expect(answers[edgeCase.name] == edgeCase.status, "\(edgeCase.name)") }
            // The file itself was served.
            let log = try String(contentsOfFile: directory + "/error.log", encoding: .utf8)
            #expect(!log.contains("js exception"), "\(log)")
            #expect(log.contains("media token refused: revoked slug") && log.contains("media token refused: expired"))
        }
    }

    @Test("Workers-style verifier under Node: the same tokens, and the origin asked for the media path without the token",
          .tags(.external), .enabled(if: Tools.which("node") != nil, "needs Node"))
    func workersVerifier() async throws {
        let cases = try await Self.edgeCases()
        let node = try #require(Tools.which("node"))
        try await withTemporaryDirectory { directory in
            struct Input: Encodable {
                var worker: String
                var keys: String
                var revoked: String
                var cases: [EdgeCase]
            }
            let input = Input(worker: Tools.repository + "/edge/workers/worker.js", keys: Fixture.keysJSON, revoked: Self.revoked, cases: cases)
            try JSONEncoder().encode(input).write(to: URL(fileURLWithPath: directory + "/cases.json"))
            let result = try Tools.run(node, [Tools.repository + "/Tests/ShareSignerTests/edge_check.mjs", directory + "/cases.json"])
            try #require(result.status == 0, "\(result.output)")
            let line = try #require(result.output.split(separator: "\n").last)
            let answers = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: Any]])
            for edgeCase in cases {
                let answer = answers[edgeCase.name]
                #expect(answer?["status"] as? Int == edgeCase.status, "\(edgeCase.name): \(answer ?? [:])")
                if edgeCase.status == 200 {
                    let mediaPath = try #require(MediaToken(tokenPath: edgeCase.uri.prefix { $0 != "?" })).mediaPath
                    #expect((answer?["body"] as? String)?.hasPrefix("origin:" + mediaPath) == true, "\(edgeCase.name): \(answer ?? [:])")
                }
            }
        }
    }
}
