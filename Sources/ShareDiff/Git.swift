import Foundation
import Synchronization

/// Why a site could not be read from Git.
public enum GitError: Error, Sendable, CustomStringConvertible {
    /// `git` could not be started.
    case unavailable(String)
    /// The directory is not inside a Git work tree (or Git refuses it, e.g. dubious ownership).
    case notARepository(directory: String, message: String)
    /// The ref names no commit or tree.
    case unknownRef(String)
    /// Any other failed `git` call.
    case failed(command: String, status: Int32, message: String)

    /// True when the user gave a wrong argument rather than the machine failing.
    public var isUsageError: Bool {
        switch self {
        case .notARepository, .unknownRef: return true
        case .unavailable, .failed: return false
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let reason): return "cannot run git: \(reason)"
        case .notARepository(let directory, let message): return "\(directory) is not inside a Git repository: \(message)"
        case .unknownRef(let ref): return "unknown Git ref \"\(ref)\": no commit or tree has that name (fetch it first, e.g. `git fetch origin main`)"
        case .failed(let command, let status, let message): return "`\(command)` failed with status \(status): \(message)"
        }
    }
}

/// Runs `git` in one directory and returns its standard output.
struct Git: Sendable {
    var directory: String

    /// `git <arguments>`, with `input` on standard input. Throws `.failed` on a non-zero status.
    func run(_ arguments: [String], input: [UInt8] = []) throws(GitError) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            // Input goes through an unlinked temporary file rather than a pipe: writing to a pipe
            // while reading the output could deadlock, and a git that exits early would SIGPIPE us.
            process.standardInput = input.isEmpty ? FileHandle.nullDevice : try Git.inputFile(input)
            try process.run()
        } catch {
            throw .unavailable("\(error)")
        }
        // Drain standard error on its own thread so that a chatty git never blocks on a full pipe.
        let message = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        let errorHandle = errors.fileHandleForReading
        DispatchQueue.global().async {
            let data = errorHandle.readDataToEndOfFile()
            message.withLock { $0 = data }
            drained.signal()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        let status = process.terminationStatus
        guard status == 0 else {
            let text = String(decoding: message.withLock { $0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // `env` answers 127 when no `git` is on PATH.
            if status == 127 { throw .unavailable(text) }
            throw .failed(command: (["git"] + arguments).joined(separator: " "), status: status, message: text)
        }
        return Array(data)
    }

    private static func inputFile(_ bytes: [UInt8]) throws -> FileHandle {
        let path = NSTemporaryDirectory() + "sharegen-git-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw GitError.unavailable("cannot write a temporary file in \(NSTemporaryDirectory())")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GitError.unavailable("cannot read back the temporary file \(path)")
        }
        return handle
    }

    /// The directory's path inside the repository, e.g. `site/` (empty at the top level).
    func prefix() throws(GitError) -> String {
        do {
            return String(decoding: try run(["rev-parse", "--show-prefix"]), as: UTF8.self).trimmingCharacters(in: .newlines)
        } catch .failed(_, _, let message) {
            throw .notARepository(directory: directory, message: message)
        }
    }

    /// The id of the tree `ref` names (a commit, tag, branch or tree).
    func tree(_ ref: String) throws(GitError) -> String {
        do {
            // `--end-of-options` keeps a ref such as `--help` from being read as an option.
            let id = try run(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{tree}"])
            return String(decoding: id, as: UTF8.self).trimmingCharacters(in: .newlines)
        } catch .failed {
            throw .unknownRef(ref)
        }
    }

    /// One entry of `git ls-tree`.
    struct TreeEntry: Sendable {
        var mode: String
        var type: String
        var object: String
        /// Path from the top of the repository.
        var path: String
    }

    /// Every blob under `paths` (from the top of the repository) in `tree`, recursively.
    func listTree(_ tree: String, paths: [String]) throws(GitError) -> [TreeEntry] {
        let output = try run(["ls-tree", "-r", "-z", "--full-tree", tree, "--"] + paths)
        return output.split(separator: 0).compactMap { record -> TreeEntry? in
            // `<mode> SP <type> SP <object> TAB <path>`; with -z the path is not quoted.
            guard let tab = record.firstIndex(of: UInt8(ascii: "\t")) else { return nil }
            let fields = record[..<tab].split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 3 else { return nil }
            return TreeEntry(mode: fields[0], type: fields[1], object: fields[2], path: String(decoding: record[(tab + 1)...], as: UTF8.self))
        }
    }

    /// The contents of blobs, read with one `git cat-file --batch`.
    func readBlobs(_ objects: [String]) throws(GitError) -> [String: [UInt8]] {
        let unique = Array(Set(objects)).sorted()
        guard !unique.isEmpty else { return [:] }
        let output = try run(["cat-file", "--batch"], input: Array(unique.map { $0 + "\n" }.joined().utf8))
        var blobs: [String: [UInt8]] = [:]
        var index = output.startIndex
        for object in unique {
            // Each answer is `<object> SP <type> SP <size> LF <contents> LF`, in request order.
            let newline = output[index...].firstIndex(of: UInt8(ascii: "\n")) ?? output.endIndex
            let header = output[index..<newline].split(separator: UInt8(ascii: " "))
            guard header.count == 3, newline < output.endIndex, let size = Int(String(decoding: header[2], as: UTF8.self)),
                  newline + 1 + size <= output.endIndex else {
                throw .failed(command: "git cat-file --batch", status: 0, message: "unexpected answer for \(object): \(String(decoding: output[index..<newline], as: UTF8.self))")
            }
            blobs[object] = Array(output[(newline + 1)..<(newline + 1 + size)])
            index = min(newline + 1 + size + 1, output.endIndex)
        }
        return blobs
    }
}

/// The path of `root` inside its Git work tree (`site/`, or empty at the top level), or
/// nil outside one: what makes a site-relative path relative to the repository.
public func gitWorkTreePrefix(of root: String) -> String? {
    try? Git(directory: root).prefix()
}
