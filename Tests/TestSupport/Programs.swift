import Foundation

/// A test failure with a message, for helpers that cannot `#expect`.
public struct ProgramFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The `sharegen` binary SwiftPM built beside this test bundle (see `Tools.sharegen`).
public var sharegenBinary: String {
    get throws {
        guard let path = Tools.sharegen else { throw ProgramFailure("no sharegen binary beside the test bundle; run `swift build` first") }
        return path
    }
}

/// What a finished program printed.
public struct ProgramResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs a program to completion with its output in files (no pipe to fill up), in
/// `directory`, with `environment` added to this process's (a nil value removes a name).
public func runProgram(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String?] = [:]
) throws -> ProgramResult {
    let stem = NSTemporaryDirectory() + "sharegen-program-\(UUID().uuidString)"
    let files = [stem + ".out", stem + ".err"]
    defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
    for file in files { _ = FileManager.default.createFile(atPath: file, contents: nil) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (name, value) in environment { merged[name] = value }
    process.environment = merged
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: files[0]))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: files[1]))
    try process.run()
    process.waitUntilExit()
    let texts = files.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
    return ProgramResult(status: process.terminationStatus, standardOutput: texts[0], standardError: texts[1])
}
