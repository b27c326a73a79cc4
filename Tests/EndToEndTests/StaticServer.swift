import Foundation
import ShareModel

/// Real nginx (Debian's package) serving a built `dist/site` with the generated
/// `redirects/nginx.conf` included, on a free loopback port.
final class StaticServer {
    let output: String
    let port: Int
    private let directory: String
    private let process: Process

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Builds `site` (PROD) and starts nginx on it.
    init(site: String) throws {
        guard let nginx = Support.which("nginx") else {
            throw TestFailure("nginx is not installed (apt-get install nginx); .ci/run installs it")
        }
        directory = try Support.temporaryDirectory("nginx")
        output = directory + "/dist"
        try Support.build(site, into: output)
        port = try Support.freePort()
        let mimeTypes = FileManager.default.fileExists(atPath: "/etc/nginx/mime.types") ? "include /etc/nginx/mime.types;" : ""
        let config = """
        daemon off;
        worker_processes 1;
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log;
        events { worker_connections 64; }
        http {
            \(mimeTypes)
            access_log off;
            client_body_temp_path \(directory)/client_body;
            proxy_temp_path \(directory)/proxy;
            fastcgi_temp_path \(directory)/fastcgi;
            uwsgi_temp_path \(directory)/uwsgi;
            scgi_temp_path \(directory)/scgi;
            server {
                listen 127.0.0.1:\(port);
                root \(output)/site;
                include \(output)/redirects/nginx.conf;
            }
        }
        """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", directory, "-c", directory + "/nginx.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    private func waitUntilListening() throws {
        for _ in 0..<100 {
            if let response = try? fetch("/404-probe"), response.status > 0 { return }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
        stop()
        throw TestFailure("nginx did not start: \(log)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        Support.cleanUp(directory)
    }

    struct Response {
        var status: Int
        var location: String?
        var body: [UInt8]
    }

    /// One GET request through curl, without following redirects.
    func fetch(_ path: String) throws -> Response {
        let bodyFile = directory + "/body-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: bodyFile) }
        let result = try Support.run(
            Support.which("curl")!, ["-s", "-o", bodyFile, "-w", "%{http_code} %header{location}", "--max-time", "5", baseURL + path])
        let parts = result.output.split(separator: " ", maxSplits: 1).map(String.init)
        let body = FileManager.default.contents(atPath: bodyFile).map { Array($0) } ?? []
        return Response(status: Int(parts.first ?? "") ?? 0, location: parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil, body: body)
    }

    func file(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: output + "/site" + path).map { Array($0) } ?? []
    }

    func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: output + "/manifest.json")))
    }
}
