#if canImport(Glibc)
import Glibc
#endif
import ShareModel

/// Why an output folder was not written. The previous output is untouched in every case.
public enum EmitError: Error, Sendable, CustomStringConvertible {
    /// The folder exists and does not look like sharegen output; replacing it could lose work.
    case notAnOutputFolder(String)
    case fileSystem(FileSystemError)

    public var description: String {
        switch self {
        case .notAnOutputFolder(let path):
            return "refusing to replace \(path): it exists and is not a sharegen output folder (no manifest.json)"
        case .fileSystem(let error):
            return "cannot write output: \(error)"
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

    public func emit(_ files: [OutputFile], to output: String) throws(EmitError) -> EmitReport {
        let output = output.hasSuffix("/") && output.count > 1 ? String(output.dropLast()) : output
        let existing = fileSystem.kind(at: output)
        if let existing {
            let isEmptyDirectory = existing == .directory && ((try? fileSystem.contentsOfDirectory(output)) ?? []).isEmpty
            guard isEmptyDirectory || fileSystem.kind(at: joinPath(output, Emitter.marker)) == .file else {
                throw .notAnOutputFolder(output)
            }
        }
        let (parent, name) = split(output)
        removeStaleStaging(parent: parent, name: name)
        let staging = joinPath(parent, ".\(name).staging-\(getpid())")
        do {
            try fileSystem.removeTree(staging)
            let report = try writeTree(files, into: staging, previous: existing == nil ? nil : output)
            if existing == nil {
                try fileSystem.rename(staging, to: output)
            } else {
                try swapIn(staging, output)
            }
            return report
        } catch {
            try? fileSystem.removeTree(staging)
            throw .fileSystem(error)
        }
    }

    private func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// Staging folders left by builds that were killed.
    private func removeStaleStaging(parent: String, name: String) {
        let names = (try? fileSystem.contentsOfDirectory(parent.isEmpty ? "." : parent)) ?? []
        for entry in names where entry.hasPrefix(".\(name).staging-") || entry.hasPrefix(".\(name).previous-") {
            try? fileSystem.removeTree(joinPath(parent, entry))
        }
    }

    private func writeTree(_ files: [OutputFile], into staging: String, previous: String?) throws(FileSystemError) -> EmitReport {
        try fileSystem.createDirectory(staging)
        var directories: Set<String> = [staging]
        var report = EmitReport(written: 0, unchanged: 0)
        for file in files {
            let target = joinPath(staging, file.path)
            let directory = String(target[..<target.lastIndex(of: "/")!])
            if directories.insert(directory).inserted { try fileSystem.createDirectory(directory) }
            if let previous, unchanged(file, at: joinPath(previous, file.path)) {
                try fileSystem.linkFile(joinPath(previous, file.path), to: target)
                report.unchanged += 1
            } else {
                try fileSystem.writeFile(target, bytes: file.bytes)
                report.written += 1
            }
        }
        return report
    }

    private func unchanged(_ file: OutputFile, at path: String) -> Bool {
        guard fileSystem.kind(at: path) == .file, let bytes = try? fileSystem.readFile(path) else { return false }
        return bytes == file.bytes
    }

    /// Exchanges the new tree with the old in one step where the system can; elsewhere
    /// renames the old away first (a window of microseconds without output).
    private func swapIn(_ staging: String, _ output: String) throws(FileSystemError) {
        do {
            try fileSystem.exchange(staging, output)
            try fileSystem.removeTree(staging)
        } catch let error where error.code == EINVAL || error.code == ENOSYS {
            let (parent, name) = split(output)
            let previous = joinPath(parent, ".\(name).previous-\(getpid())")
            try fileSystem.rename(output, to: previous)
            do {
                try fileSystem.rename(staging, to: output)
            } catch {
                try? fileSystem.rename(previous, to: output)
                throw error
            }
            try fileSystem.removeTree(previous)
        }
    }
}
