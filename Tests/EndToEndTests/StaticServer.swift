import Foundation
import ShareModel

/// Real nginx (Debian's package) serving a built `dist/site` on a free loopback port, with the
/// server blocks of the README's deployment section, copied as users copy them: the site's
/// block (with `root`, or under a base path with `alias`) including `redirects/nginx.conf`,
/// and a proxy in front of it as TLS termination would be (without the certificate lines).
final class StaticServer {
    let output: String
    /// The site's own server block.
    let port: Int
    /// The proxy in front of it.
    let frontPort: Int
    private let directory: String
    private let nginx: String
    private let process: Process

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var frontURL: String { "http://127.0.0.1:\(frontPort)" }

    /// Builds `site` (PROD) and starts nginx on it.
    convenience init(site: String) throws {
        let directory = try Support.temporaryDirectory("nginx")
        try Support.build(site, into: directory + "/dist")
        try self.init(output: directory + "/dist", basePath: "", removing: directory)
    }

    /// Starts nginx on the build in `output`, whose base URL has the path `basePath`; `stop()`
    /// removes `directory`, which holds it.
    init(output: String, basePath: String, removing directory: String) throws {
        guard let nginx = Support.which("nginx") else {
            throw TestFailure("nginx is not installed (apt-get install nginx); .ci/run installs it")
        }
        self.nginx = nginx
        self.output = output
        self.directory = directory
        port = try Support.freePort()
        frontPort = try Support.freePort()
        let readme = try String(contentsOfFile: Support.repository + "/README.md", encoding: .utf8)
        let site = try ReadmeNginx.siteServer(in: readme, basePath: basePath)
            .replacing("/srv/dist", with: output).replacing("listen 80;", with: "listen 127.0.0.1:\(port);")
        let front = try ReadmeNginx.frontServer(in: readme)
            .split(separator: "\n").filter { !$0.contains("ssl_certificate") }.joined(separator: "\n")
            .replacing("listen 443 ssl;", with: "listen 127.0.0.1:\(frontPort);").replacing("127.0.0.1:8080", with: "127.0.0.1:\(port)")
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
        \(site)
        \(front)
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

    /// Polls both servers until they answer, for at most 5 seconds.
    private func waitUntilListening() throws {
        for _ in 0..<100 {
            if process.isRunning, (try? fetch("/404-probe").status) ?? 0 > 0, (try? HTTPAnswer.get(frontURL + "/404-probe").status) ?? 0 > 0 {
                return
            }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
        stop()
        throw TestFailure("nginx did not start: \(log)")
    }

    /// `nginx -s reload`, as the README says to run after each build.
    func reload() throws {
        let result = try Support.run(nginx, ["-p", directory, "-c", directory + "/nginx.conf", "-s", "reload"])
        guard result.status == 0 else { throw TestFailure("nginx -s reload failed: \(result.output)") }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        Support.cleanUp(directory)
    }

    /// One GET request to the site's server block, without following redirects.
    func fetch(_ path: String) throws -> HTTPAnswer {
        try HTTPAnswer.get(baseURL + path)
    }

    func file(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: output + "/site" + path).map { Array($0) } ?? []
    }

    func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: output + "/manifest.json")))
    }
}

/// An HTTP answer as curl received it.
struct HTTPAnswer {
    var status: Int
    /// By lowercased name.
    var headers: [String: String]
    var body: [UInt8]

    var location: String? { headers["location"] }

    /// One GET request through curl, without following redirects.
    static func get(_ url: String) throws -> HTTPAnswer {
        let base = NSTemporaryDirectory() + "sharegen-curl-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".body")
            try? FileManager.default.removeItem(atPath: base + ".headers")
        }
        // Generous: the in-process preview can wait for a pool thread while parallel suites hold them.
        guard let curl = Support.which("curl") else { throw TestFailure("curl is not installed; .ci/run installs it") }
        let result = try Support.run(curl, ["-s", "-o", base + ".body", "-D", base + ".headers", "--max-time", "60", url])
        guard result.status == 0 else { throw TestFailure("curl \(url) failed (\(result.status)): \(result.output)") }
        let head = (try? String(contentsOfFile: base + ".headers", encoding: .utf8)) ?? ""
        let lines = head.split(separator: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        let body = FileManager.default.contents(atPath: base + ".body").map { Array($0) } ?? []
        return HTTPAnswer(status: status, headers: headers, body: body)
    }
}

/// The nginx server blocks of the README's deployment section.
enum ReadmeNginx {
    /// Every ```nginx block of the README.
    static func blocks(in readme: String) -> [String] {
        readme.split(separator: "```nginx\n", omittingEmptySubsequences: false).dropFirst()
            .compactMap { $0.components(separatedBy: "```").first }
    }

    /// The site's server block: with `root`, or for a base path, the `location` that aliases it.
    static func siteServer(in readme: String, basePath: String) throws -> String {
        let marker = basePath.isEmpty ? "root /srv/dist/site;" : "location \(basePath)/ {"
        guard let block = blocks(in: readme).first(where: { $0.contains("include /srv/dist/redirects/nginx.conf;") && $0.contains(marker) }) else {
            throw TestFailure("README.md shows no nginx server block with `\(marker)` that includes the map")
        }
        return block
    }

    /// The server block that terminates TLS in front of the site's.
    static func frontServer(in readme: String) throws -> String {
        guard let block = blocks(in: readme).first(where: { $0.contains("listen 443 ssl;") && $0.contains("proxy_pass http://127.0.0.1:8080;") }) else {
            throw TestFailure("README.md shows no TLS server block proxying to 127.0.0.1:8080")
        }
        return block
    }
}
