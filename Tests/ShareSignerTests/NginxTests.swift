import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import ShareSigner

/// Debian's nginx, run in the foreground from a temporary prefix.
struct Nginx {
    let process: Process
    let port: Int

    static let binary = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Debian's njs module (`libnginx-mod-http-js`).
    static let njsModule: String? = {
        let path = "/usr/lib/nginx/modules/ngx_http_js_module.so"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    /// A whole configuration whose `http` block holds `http`, listening on `port`.
    ///
    /// With a master process: nginx inherits this process's blocked signal mask, which only
    /// the master (sigsuspend) and its workers reset, so a single-process nginx would ignore
    /// SIGTERM. Workers of a root master would run as `nobody`; as root they read the test's files.
    static func configuration(prefix: String, modules: [String] = [], http: String) -> String {
        """
        \(modules.map { "load_module \($0);" }.joined(separator: "\n"))
        daemon off;
        \(geteuid() == 0 ? "user root;" : "")
        worker_processes 1;
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/error.log info;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path \(prefix)/client_body;
          proxy_temp_path \(prefix)/proxy;
          fastcgi_temp_path \(prefix)/fastcgi;
          uwsgi_temp_path \(prefix)/uwsgi;
          scgi_temp_path \(prefix)/scgi;
          types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
        \(http)
        }

        """
    }

    /// The token's fields are matched loosely here: checking them is the verifier's work. The
    /// named capture is the media path, which `alias` maps into the media folder.
    static let tokenLocation = #"location ~ "^/t/[0-9]+/[A-Za-z0-9_-]+/[a-z0-9-]+/[A-Za-z0-9_-]+(?<media_path>/.*)$""#

    /// One `location /t/` whose files are released by `auth_request` to `/_verify`, which
    /// `verifier` defines.
    static func mediaServer(port: Int, mediaRoot: String, verifier: String) -> String {
        """
          server {
            listen 127.0.0.1:\(port);
            \(tokenLocation) {
              auth_request /_verify;
              alias \(mediaRoot)$media_path;
            }
            location = /_verify {
              internal;
        \(verifier)
            }
          }
        """
    }

    /// `/_verify` asks the signer.
    static func signerVerifier(signerPort: Int) -> String {
        """
              proxy_pass http://127.0.0.1:\(signerPort)/v1/verify;
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
              proxy_set_header X-Original-URI $request_uri;
        """
    }

    /// nginx gating `mediaRoot` with the signer at `signerPort`.
    static func start(prefix: String, mediaRoot: String, signerPort: Int) async throws -> Nginx {
        try await start(prefix: prefix) { port in
            configuration(prefix: prefix, http: mediaServer(port: port, mediaRoot: mediaRoot, verifier: signerVerifier(signerPort: signerPort)))
        }
    }

    /// Starts nginx with the configuration `configuration` gives for a free loopback port;
    /// tries again with another port if one is taken between choosing and binding it.
    static func start(prefix: String, configuration: (Int) -> String) async throws -> Nginx {
        let binary = try #require(binary, "nginx is not installed (apt-get install nginx)")
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let configPath = prefix + "/nginx.conf"
            try configuration(port).write(toFile: configPath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-p", prefix + "/", "-c", configPath, "-e", prefix + "/error.log"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let nginx = Nginx(process: process, port: port)
            try await eventually("nginx to answer or exit") {
                guard process.isRunning else { return true }
                return (try? await get(port, "/ready")) != nil
            }
            if process.isRunning { return nginx }
            let log = (try? String(contentsOfFile: prefix + "/error.log", encoding: .utf8)) ?? ""
            guard log.contains("Address already in use") else { throw NginxFailed(log: log) }
        }
        throw NginxFailed(log: "no free port after 5 attempts")
    }

    func stop() async throws {
        process.terminate()
        try await eventually("nginx to exit") { !process.isRunning }
    }

    struct NginxFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "nginx did not start: \(log)" }
    }
}

/// A port nothing listens on now: bound to port 0, read back, released.
func freeLoopbackPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

extension LiveSignerTests {
    @Test("nginx serves an HLS playlist, segment and rendition with a valid token, 403 for tampered, expired, other-directory and disabled-share tokens", .tags(.nginx))
    func nginxAuthRequest() async throws {
        try await withTemporaryDirectory { directory in
            let mediaRoot = directory + "/media"
            let playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg-0.ts\n#EXT-X-ENDLIST\n"
            let segment = Data((0..<188).map { UInt8(truncatingIfNeeded: $0 * 7) })
            for folder in ["priv", "priv/720p", "other"] {
                try FileManager.default.createDirectory(atPath: "\(mediaRoot)/videos/\(folder)", withIntermediateDirectories: true)
                try playlist.write(toFile: "\(mediaRoot)/videos/\(folder)/index.m3u8", atomically: true, encoding: .utf8)
                try segment.write(to: URL(fileURLWithPath: "\(mediaRoot)/videos/\(folder)/seg-0.ts"))
            }
            try "not for you".write(toFile: mediaRoot + "/secret.txt", atomically: true, encoding: .utf8)
            let path = directory + "/manifest.json"
            try replaceFile(path, with: Fixture.bytes(Fixture.manifest()))
            let logger = LogRecorder().logger(level: .info)
            let store = try ManifestStore(path: path, logger: logger)
            try await withLiveSigner(store: store, logger: logger, pollInterval: .seconds(3600)) { signerPort in
                let nginx = try await Nginx.start(prefix: directory, mediaRoot: mediaRoot, signerPort: signerPort)
                do {
                    try await Self.exerciseNginx(nginx.port, signerPort: signerPort, manifestPath: path, playlist: playlist, segment: segment)
                } catch {
                    try await nginx.stop()
                    throw error
                }
                try await nginx.stop()
            }
        }
    }

    private static func exerciseNginx(_ port: Int, signerPort: Int, manifestPath: String, playlist: String, segment: Data) async throws {
        func fetch(_ uri: String) async throws -> TestClient.Response { try await get(port, uri) }
        let playlistURI = try await tokenURI(ofShare: "acme-private", port: signerPort)
        #expect(playlistURI.hasSuffix("/videos/priv/index.m3u8"))
        let token = try #require(MediaToken(tokenPath: playlistURI[...]))

        let served = try await fetch(playlistURI)
        #expect(served.status == .ok)
        #expect(served.body.map { String(buffer: $0) } == playlist)
        // A player resolves the segment against the playlist's URL: the token comes along.
        let segmentResponse = try await fetch(playlistURI.replacingOccurrences(of: "index.m3u8", with: "seg-0.ts"))
        #expect(segmentResponse.status == .ok)
        #expect(segmentResponse.body.map { Data($0.readableBytesView) } == segment)
        // A master playlist's rendition in a subfolder inherits it too.
        let rendition = try await fetch(playlistURI.replacingOccurrences(of: "index.m3u8", with: "720p/seg-0.ts"))
        #expect(rendition.status == .ok)

        var tampered = token
        tampered.signature = String(token.signature.dropLast()) + (token.signature.hasSuffix("A") ? "B" : "A")
        let expired = Fixture.keys.token(slug: token.slug, mediaPath: token.mediaPath, expires: Int64(Date().timeIntervalSince1970) - 3600)
        var otherDirectory = token
        otherDirectory.mediaPath = "/videos/other/index.m3u8"
        let refused = [
            ("tampered", tampered.path), ("expired", expired.path), ("other directory", otherDirectory.path),
            ("escaping its directory", token.path.replacingOccurrences(of: "/videos/priv/index.m3u8", with: "/videos/priv/..%2F..%2Fsecret.txt")),
        ]
        for (what, uri) in refused {
            let response = try await fetch(uri)
            #expect(response.status == .forbidden, "\(what): \(response.status)")
        }

        // Disable the share and reload: the same token stops opening the files.
        let next = Fixture.bytes(Fixture.manifest(disabled: ["acme-private"]))
        let nextDigest = try SignerCatalog(bytes: next).digest
        try replaceFile(manifestPath, with: next)
        kill(getpid(), SIGHUP)
        try await eventually("the reload") { try await servedDigest(signerPort) == nextDigest }
        #expect(try await fetch(playlistURI).status == .forbidden)
        #expect(try await fetch(playlistURI.replacingOccurrences(of: "index.m3u8", with: "seg-0.ts")).status == .forbidden)
    }
}
