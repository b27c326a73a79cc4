import Foundation
import HummingbirdTesting
import Testing
import TestSupport
@testable import SharePreview

/// Tests over a real socket: request lines exactly as written, streams as they arrive, and a
/// real browser.
@Suite("Live preview", .tags(.browser))
struct LiveTests {
    @Test("raw request lines: production statuses, and traversal attempts end at 404")
    func rawRequests() async throws {
        let site = try TestSite()
        defer { site.remove() }
        try await withLivePreview(site) { port in
            let expected = [
                ("/\(Fixture.page)/", 200), ("/\(Fixture.page)", 301), ("/\(Fixture.redirected)/", 301), ("/\(Fixture.disabled)/", 404),
                ("/\(Fixture.gone)/", 410), ("/nothing/", 404),
            ] + StatusTableTests.traversals.map { ($0, 404) }
            for (path, status) in expected {
                let response = try await offPool {
                    let connection = try RawConnection(port: port)
                    connection.send(path)
                    return connection.read()
                }
                #expect(RawConnection.status(response) == status, "\(path): \(response.prefix(80))")
                #expect(!response.contains("\"version\"") && !response.contains("root:"), "\(path)")
            }
        }
    }

    @Test("the event stream stays open and says `reload` when a saved file has been rebuilt")
    func eventStream() async throws {
        let site = try TestSite()
        defer { site.remove() }
        try await withLivePreview(site) { port in
            let connection = try RawConnection(port: port)
            connection.send("/__sharegen/events")
            let head = try await offPool { connection.read { $0.contains(": waiting for changes\n\n") } }
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.lowercased().contains("content-type: text/event-stream"))
            try site.write(Fixture.pageFile, Fixture.welcome(title: "Saved"))
            let events = try await offPool { connection.read { $0.contains("event: reload\ndata: ") } }
            #expect(events.contains("event: reload\ndata: "))
        }
    }

    @Test("Chromium: an open page shows a title edited on disk without being navigated again, with no console error or CSP violation")
    func browserReload() async throws {
        guard let python = which("python3") else { throw RawError("python3 is missing") }
        let site = try TestSite()
        defer { site.remove() }
        try await withLivePreview(site) { port in
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("live_reload_check.py").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script, "http://127.0.0.1:\(port)", "/\(Fixture.page)/", Fixture.pageTitle, "Edited on disk", "90"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let ready = try await offPool { Self.readUntil("ready\n", output.fileHandleForReading) }
            #expect(ready.hasSuffix("ready\n"), "\(ready)")
            try site.write(Fixture.pageFile, Fixture.welcome(title: "Edited on disk"))
            let rest = try await offPool {
                let rest = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: rest, as: UTF8.self)
            }
            struct Report: Decodable {
                var title: String
                var navigation: String
                var errors: [String]
                var violations: [String]
            }
            guard let line = rest.split(separator: "\n").last, let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8)) else {
                Issue.record("the browser check failed:\n\(ready)\(rest)")
                return
            }
            #expect(report.title == "Edited on disk")
            // The page reloaded itself: a reload, not a navigation by the harness.
            #expect(report.navigation == "reload")
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(report.violations.isEmpty, "\(report.violations)")
        }
    }

    /// Reads until `marker` ends what was read, or the end of the stream.
    static func readUntil(_ marker: String, _ handle: FileHandle) -> String {
        var text = ""
        while !text.hasSuffix(marker) {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return text
    }
}

/// Blocking work on a Dispatch thread, away from the cooperative pool the server also runs on.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

func which(_ name: String) -> String? {
    ((ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
