import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import ShareModel
import ShareSigner
import Synchronization
import Testing
@testable import SharePreview

/// A small DEV site covering every answer of the status table, written from code so that the
/// tests do not follow edits of the example site.
enum Fixture {
    /// Public, Enabled, video still processing (no media to load in a browser without internet).
    static let page = "wq7m3kd5tx2pzl6a"
    static let pageTitle = "Welcome aboard"
    /// A redirect rotation of `page`.
    static let redirected = "rd4k7mq2xz5tpl3b"
    /// Private and Enabled: plays from a signed link.
    static let privatePage = "pv6n2kq7mx3zta4b"
    /// Disabled, with a gone rotation.
    static let disabled = "dz3k7q2mx5tpl4wa"
    static let gone = "gn5t2kq7mx4zpl3c"
    static let pageFile = "content/acme/shares/welcome.md"
    static let mediaBase = "https://media.example.com"

    static let files: [String: String] = [
        "sharegen.json": """
            {
              "channels": {
                "PROD": {"baseURL": "https://watch.example.com"},
                "STAGING": {"baseURL": "https://watch.staging.example.com"},
                "DEV": {"baseURL": "http://127.0.0.1:8080"}
              },
              "defaultLocale": "en-US",
              "siteName": "Preview Test",
              "signing": {"mediaBaseURL": "\(mediaBase)", "defaultTTLSeconds": 300, "maxTTLSeconds": 3600}
            }

            """,
        pageFile: welcome(title: pageTitle),
        "content/acme/shares/secret.json": """
            {
              "channel": "DEV",
              "slug": "\(privatePage)",
              "publicTitle": "Quarterly results",
              "video": {
                "id": "vid-secret",
                "visibility": "private",
                "hlsUrl": "\(mediaBase)/videos/secret/index.m3u8",
                "mp4Url": "\(mediaBase)/videos/secret/720p.mp4"
              },
              "audit": [{"action": "created", "at": "2026-01-01T00:00:00Z", "by": "a@example.com"}]
            }

            """,
        "content/beta/shares/old.json": """
            {
              "channel": "DEV",
              "slug": "\(disabled)",
              "status": "Disabled",
              "publicTitle": "Last year's offer",
              "video": {"id": "vid-old", "mp4Url": "https://cdn.example.com/videos/old/720p.mp4"},
              "previousSlugs": [{"slug": "\(gone)", "rotatedAt": "2026-01-01T00:00:00Z", "rotatedBy": "a@example.com", "mode": "gone"}]
            }

            """,
    ]

    static func welcome(title: String) -> String {
        """
        ---
        channel: DEV
        slug: \(page)
        publicTitle: \(title)
        video:
          id: vid-welcome
          status: processing
        previousSlugs:
          - {slug: \(redirected), rotatedAt: "2026-01-01T00:00:00Z", rotatedBy: a@example.com, mode: redirect}
        audit:
          - {action: created, at: "2026-01-01T00:00:00Z", by: a@example.com}
        ---
        Hello **there**.

        """
    }
}

/// A site in a fresh temporary directory, removed at `remove()`.
struct TestSite: Sendable {
    let root: String

    init(files: [String: String] = Fixture.files) throws {
        root = NSTemporaryDirectory() + "sharegen-preview-\(UUID().uuidString)"
        for (path, text) in files { try write(path, text) }
    }

    /// Writes as editors do: a temporary file renamed over the old one.
    func write(_ path: String, _ text: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    /// Overwrites the file in place, as `echo >` does.
    func overwrite(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: root + "/" + path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Terminal lines of a preview, for assertions.
final class Transcript: Sendable {
    private let lines = Mutex<[String]>([])

    func reporter(colour: Bool = false) -> BuildReporter {
        BuildReporter(colour: colour) { text in self.lines.withLock { $0.append(text) } }
    }

    var text: String { lines.withLock { $0.joined() } }
}

/// Runs `body` against a preview of `site` through HummingbirdTesting's router client.
/// The rebuilds run in a service group of their own that traps no signal: other suites in
/// this process send themselves SIGTERM, which would stop any group listening for it.
func withPreview<Value: Sendable>(
    _ site: TestSite, transcript: Transcript = Transcript(), keys: SigningKeySet? = nil,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    let preview = try await PreviewServer.prepare(configuration: configuration(site, keys: keys), reporter: transcript.reporter())
    let application = Application(router: preview.router)
    return try await running([preview.rebuilds]) { try await application.test(.router, body) }
}

/// Runs `body` against a preview of `site` listening on a free loopback port.
func withLivePreview<Value: Sendable>(_ site: TestSite, _ body: @escaping @Sendable (Int) async throws -> Value) async throws -> Value {
    let preview = try await PreviewServer.prepare(configuration: configuration(site), reporter: Transcript().reporter())
    let (ports, listening) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
        router: preview.router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { listening.yield($0.localAddress?.port ?? 0) }, logger: quietLogger)
    return try await running([preview.rebuilds, application]) {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw RawError("the server did not start") }
        return try await body(port)
    }
}

private func configuration(_ site: TestSite, keys: SigningKeySet? = nil) -> PreviewServer.Configuration {
    PreviewServer.Configuration(root: site.root, channel: .DEV, port: 0, debounce: .milliseconds(20), keys: keys)
}

private let quietLogger: Logger = {
    var logger = Logger(label: "sharegen.serve.test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `services` while `body` runs, then shuts them down gracefully.
private func running<Value: Sendable>(_ services: [any Service], _ body: () async throws -> Value) async throws -> Value {
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: quietLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<Value, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// Waits until `condition` holds, polling; fails the test after `timeout`. Generous: the test
/// machine is shared, and the in-process preview waits for a thread of the concurrency pool
/// while the parallel suites' synchronous tests hold both of a 2-core machine's.
func eventually(_ what: String, timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The text of the first `<h1>`.
    var heading: String? { firstHeading(text) }

    /// The version the page was served at, from its reload script.
    var version: String? {
        guard let start = text.range(of: "data-version=\"") else { return nil }
        return String(text[start.upperBound...].prefix { $0 != "\"" })
    }
}

func firstHeading(_ html: String) -> String? {
    guard let open = html.range(of: "<h1>"), let close = html.range(of: "</h1>", range: open.upperBound..<html.endIndex) else { return nil }
    return String(html[open.upperBound..<close.lowerBound])
}

/// One HTTP/1.1 exchange over a raw socket, so that the request line goes out exactly as
/// written (clients normalize `..`) and streams can be read as they arrive.
final class RawConnection: Sendable {
    private let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(socket)
            throw RawError("cannot connect to port \(port)")
        }
    }

    deinit { close(socket) }

    func send(_ target: String) {
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        _ = request.withCString { Glibc.send(socket, $0, strlen($0), 0) }
    }

    /// Reads until `done` holds for everything read so far, the peer closes, or `timeout`.
    func read(timeout: Duration = .seconds(30), until done: (String) -> Bool = { _ in false }) -> String {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 16384)
        while !done(String(decoding: received, as: UTF8.self)) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(left / .milliseconds(1))) > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// The status code of a response's status line.
    static func status(_ response: String) -> Int? {
        response.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }
}

struct RawError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
