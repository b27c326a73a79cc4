import Foundation
import TestSupport
import ShareBuild
import ShareModel
import ShareRenderer
import Testing

/// Paths and processes the end-to-end tests share.
enum Support {
    /// The repository root, found from this file's path.
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let fixtureSite = repository + "/Tests/EndToEndTests/Fixtures/site"
    static let expectedOutput = repository + "/Tests/EndToEndTests/Fixtures/expected"
    static let exampleSite = repository

    /// A fresh temporary directory, removed by the caller with `cleanUp`.
    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "sharegen-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cleanUp(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Renders one channel of a site in memory, failing the test on diagnostics.
    static func render(_ root: String, channel: Channel = .PROD) throws -> RenderedSite {
        switch SiteBuild(root: root).render(channel: channel) {
        case .success(let (rendered, _)): return rendered
        case .failure(let failure): throw TestFailure("build failed: \(failure)")
        }
    }

    /// Builds one channel of a site into `output` on disk.
    static func build(_ root: String, channel: Channel = .PROD, into output: String) throws {
        if case .failure(let failure) = SiteBuild(root: root).run(channel: channel, output: output) {
            throw TestFailure("build failed: \(failure)")
        }
    }

    typealias ProcessResult = Tools.Result

    /// Runs a program to completion and returns its exit status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try Tools.run(executable, arguments, environment: environment)
    }

    /// The first of `names` found on PATH (or the standard system folders).
    static func which(_ names: String...) -> String? {
        names.lazy.compactMap { Tools.which($0) }.first
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
