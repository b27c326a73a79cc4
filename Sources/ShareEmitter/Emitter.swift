#if canImport(Glibc)
import Glibc
#endif
import ShareModel
import Synchronization

/// Why an output folder was not written. The previous output is untouched in every case.
public enum EmitError: Error, Sendable, CustomStringConvertible {
    /// The folder exists and does not look like sharegen output; replacing it could lose work.
    case notAnOutputFolder(String)
    case fileSystem(FileSystemError)
    /// A file to reuse is missing from the previous output (it was changed by hand).
    case missingPrevious(String)

    public var description: String {
        switch self {
        case .notAnOutputFolder(let path):
            return "refusing to replace \(path): it exists and is not a sharegen output folder (no manifest.json)"
        case .fileSystem(let error):
            return "cannot write output: \(error)"
        case .missingPrevious(let path):
            return "cannot reuse \(path) from the previous output: it is missing"
        }
    }
}

/// What an emit did, for the summary line.
public struct EmitReport: Sendable, Equatable {
    /// Files whose bytes changed or are new.
    public var written: Int
    /// Files identical to the previous output, kept as they were (same modification time).
    public var unchanged: Int

    public init(written: Int, unchanged: Int) {
        self.written = written
        self.unchanged = unchanged
    }
}

/// The one sink that writes build output. It writes a complete new tree beside the
/// output folder and swaps it in with one rename, so a failed or killed build leaves
/// the previous output exactly as it was. Files whose bytes did not change are
/// hard-linked from the previous output, keeping their modification time.
public struct Emitter: Sendable {
    /// The file whose presence marks a folder as sharegen output.
    public static let marker = "manifest.json"

    public let fileSystem: any WritableFileSystem

    public init(fileSystem: any WritableFileSystem) {
        self.fileSystem = fileSystem
    }

    /// Writes `files` as the new content of `output`, plus the files at `reusing` (paths
    /// relative to `output`) carried over unchanged from the previous output.
    public func emit(_ files: [OutputFile], reusing: [String] = [], to output: String) throws(EmitError) -> EmitReport {
        let transaction = try begin(output)
        _ = files.parallelMap { transaction.write($0) }
        transaction.reuse(reusing)
        return try transaction.commit()
    }

    /// Starts a new output tree for `output`; nothing is visible until `commit()`.
    public func begin(_ output: String) throws(EmitError) -> EmitTransaction {
        let output = output.hasSuffix("/") && output.count > 1 ? String(output.dropLast()) : output
        let existing = fileSystem.kind(at: output)
        if let existing {
            let isEmptyDirectory = existing == .directory && ((try? fileSystem.contentsOfDirectory(output)) ?? []).isEmpty
            guard isEmptyDirectory || fileSystem.kind(at: joinPath(output, Emitter.marker)) == .file else {
                throw .notAnOutputFolder(output)
            }
        }
        let (parent, name) = EmitTransaction.split(output)
        removeStaleStaging(parent: parent, name: name)
        let staging = joinPath(parent, ".\(name).staging-\(getpid())")
        do {
            try fileSystem.removeTree(staging)
            try fileSystem.createDirectory(staging)
        } catch {
            throw .fileSystem(error)
        }
        return EmitTransaction(fileSystem: fileSystem, output: output, staging: staging, hasPrevious: existing != nil)
    }

    /// Staging folders left by builds that were killed.
    private func removeStaleStaging(parent: String, name: String) {
        let names = (try? fileSystem.contentsOfDirectory(parent.isEmpty ? "." : parent)) ?? []
        for entry in names where entry.hasPrefix(".\(name).staging-") || entry.hasPrefix(".\(name).previous-") {
            try? fileSystem.removeTree(joinPath(parent, entry))
        }
    }
}

/// One new output tree being written. `write` may be called from many threads as
/// files are rendered; the first failure is kept and reported by `commit()`, which
/// otherwise swaps the tree in. Dropping a transaction without committing leaves a
/// staging folder that the next build removes; call `abort()` to remove it now.
public final class EmitTransaction: Sendable {
    private struct State {
        var directories: Set<String> = []
        var report = EmitReport(written: 0, unchanged: 0)
        var failure: EmitError?
        var finished = false
    }

    private let fileSystem: any WritableFileSystem
    private let output: String
    private let staging: String
    private let hasPrevious: Bool
    private let state = Mutex(State())

    init(fileSystem: any WritableFileSystem, output: String, staging: String, hasPrevious: Bool) {
        self.fileSystem = fileSystem
        self.output = output
        self.staging = staging
        self.hasPrevious = hasPrevious
        state.withLock { $0.directories.insert(staging) }
    }

    /// Adds one file; identical bytes in the previous output are linked, not written.
    public func write(_ file: OutputFile) {
        let target = joinPath(staging, file.path)
        let previous = joinPath(output, file.path)
        record {
            () throws(FileSystemError) -> Bool in
            try makeParent(of: target)
            if hasPrevious, Self.sameBytes(file.bytes, at: previous, fileSystem) {
                try fileSystem.linkFile(previous, to: target)
                return false
            }
            try fileSystem.writeFile(target, bytes: file.bytes)
            return true
        }
    }

    /// Carries files over from the previous output without rendering them again.
    /// Linking is system-call bound (a folder and a link per page), so it runs on all
    /// cores, as rendering does.
    public func reuse(_ paths: [String]) {
        _ = paths.parallelMap { path in
            let source = joinPath(output, path)
            guard hasPrevious, fileSystem.kind(at: source) == .file else {
                state.withLock { if $0.failure == nil { $0.failure = .missingPrevious(path) } }
                return
            }
            let target = joinPath(staging, path)
            record { () throws(FileSystemError) -> Bool in
                try makeParent(of: target)
                try fileSystem.linkFile(source, to: target)
                return false
            }
        }
    }

    /// Swaps the new tree in, or removes it and throws the first failure.
    public func commit() throws(EmitError) -> EmitReport {
        let (failure, report) = state.withLock { state in
            state.finished = true
            return (state.failure, state.report)
        }
        if let failure {
            abort()
            throw failure
        }
        do {
            if hasPrevious {
                try swapIn()
            } else {
                try fileSystem.rename(staging, to: output)
            }
        } catch {
            abort()
            throw .fileSystem(error)
        }
        return report
    }

    /// Removes the staging tree; the previous output is untouched.
    public func abort() {
        state.withLock { $0.finished = true }
        try? fileSystem.removeTree(staging)
    }

    private func record(_ work: () throws(FileSystemError) -> Bool) {
        guard state.withLock({ $0.failure == nil && !$0.finished }) else { return }
        do {
            let written = try work()
            state.withLock { written ? ($0.report.written += 1) : ($0.report.unchanged += 1) }
        } catch {
            state.withLock { if $0.failure == nil { $0.failure = .fileSystem(error) } }
        }
    }

    private func makeParent(of target: String) throws(FileSystemError) {
        let directory = String(target[..<target.lastIndex(of: "/")!])
        guard state.withLock({ !$0.directories.contains(directory) }) else { return }
        try fileSystem.createDirectory(directory)
        state.withLock { _ = $0.directories.insert(directory) }
    }

    private static func sameBytes(_ bytes: [UInt8], at path: String, _ fileSystem: any WritableFileSystem) -> Bool {
        guard fileSystem.kind(at: path) == .file, let existing = try? fileSystem.readFile(path) else { return false }
        return existing == bytes
    }

    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// Exchanges the new tree with the old in one step where the system can; elsewhere
    /// renames the old away first (a window of microseconds without output).
    private func swapIn() throws(FileSystemError) {
        do {
            try fileSystem.exchange(staging, output)
            // The new output is in place; failing to delete the old one is not a failed build.
            removeOldTree(staging)
        } catch let error where error.code == EINVAL || error.code == ENOSYS {
            let (parent, name) = Self.split(output)
            let previous = joinPath(parent, ".\(name).previous-\(getpid())")
            try fileSystem.rename(output, to: previous)
            do {
                try fileSystem.rename(staging, to: output)
            } catch {
                try? fileSystem.rename(previous, to: output)
                throw error
            }
            removeOldTree(previous)
        }
    }

    /// Deletes a replaced output tree on all cores, folder by folder one level down (the
    /// page folders): deleting thousands of them one after another was a third of a
    /// one-share rebuild.
    private func removeOldTree(_ path: String) {
        let folders = ((try? fileSystem.entries(path)) ?? []).filter { $0.kind == .directory }.flatMap { folder in
            let parent = joinPath(path, folder.name)
            return ((try? fileSystem.contentsOfDirectory(parent)) ?? []).map { joinPath(parent, $0) }
        }
        _ = folders.parallelMap { try? fileSystem.removeTree($0) }
        try? fileSystem.removeTree(path)
    }
}
