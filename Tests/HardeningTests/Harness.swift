import Foundation
import ShareLoader
import ShareModel
import ShareValidator
import Testing
import TestSupport

/// Paths, processes and checks the hardening suites share.
enum Harness {
    /// The repository root, found from this file's path.
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let fixtures = repository + "/Tests/HardeningTests/Fixtures"

    /// The `sharegen` binary SwiftPM built beside this test bundle.
    static var binary: String {
        get throws { try sharegenBinary }
    }

    /// A fresh temporary directory; remove it with `FileManager.removeItem` when done.
    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "sharegen-hardening-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An installed program from PATH or the system folders, or nil.
    static func tool(_ name: String) -> String? {
        Tools.which(name)
    }

    /// Writes `files` (paths relative to `root`) to disk, creating folders.
    static func write(_ files: [String: String], under root: String) throws {
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    /// Loads and validates a site held in memory, as `sharegen check` would on disk.
    static func validate(_ fileSystem: InMemoryFileSystem) -> ValidationResult {
        SiteValidator().validate(SiteLoader(fileSystem: fileSystem, root: "").load())
    }

    /// Whether a diagnostic names a file and a 1-based line and column.
    static func isLocated(_ diagnostic: Diagnostic) -> Bool {
        !diagnostic.file.isEmpty && diagnostic.line >= 1 && diagnostic.column >= 1
    }
}

/// A child process with its output captured in files, which a test may kill.
final class Child {
    private let process = Process()
    private let outputFiles: [String]

    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    init(_ executable: String, _ arguments: [String]) throws {
        let stem = NSTemporaryDirectory() + "sharegen-hardening-\(UUID().uuidString)"
        outputFiles = [stem + ".out", stem + ".err"]
        for file in outputFiles { _ = FileManager.default.createFile(atPath: file, contents: nil) }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFiles[0]))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFiles[1]))
        try process.run()
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the exit, for at most `timeout` seconds (then kills the child and throws).
    func finish(timeout: Double = 300) throws -> Outcome {
        defer { for file in outputFiles { try? FileManager.default.removeItem(atPath: file) } }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill()
                process.waitUntilExit()
                throw Failure("\(process.executableURL!.lastPathComponent) \(process.arguments!.joined(separator: " ")) did not finish in \(Int(timeout)) s")
            }
            usleep(5_000)
        }
        let texts = outputFiles.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
        return Outcome(status: process.terminationStatus, standardOutput: texts[0], standardError: texts[1])
    }

    /// Runs a program to completion.
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 300) throws -> Outcome {
        try Child(executable, arguments).finish(timeout: timeout)
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
