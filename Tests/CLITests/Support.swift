import Foundation
import TestSupport

/// A site made by `sharegen init` in a temporary folder, and the binary run on it.
struct ScratchSite {
    let directory: String
    var root: String { directory + "/site" }

    init(_ name: String, initialise: Bool = true) throws {
        directory = NSTemporaryDirectory() + "sharegen-cli-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if initialise {
            let made = try sharegen(["init", root, "--actor", "tester@example.com"])
            guard made.status == 0 else { throw ProgramFailure("sharegen init failed: \(made.standardError)") }
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `sharegen <arguments>`, with no CI, NO_COLOR or TERM inherited unless given.
    func sharegen(_ arguments: [String], environment: [String: String?] = [:]) throws -> ProgramResult {
        try runProgram(try sharegenBinary, arguments, in: directory, environment: ["CI": nil, "NO_COLOR": nil].merging(environment) { _, new in new })
    }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root + "/" + path)
    }

    /// Every file under the site, relative path to contents.
    func snapshot() throws -> [String: Data] {
        try directoryContents(root)
    }
}
