#if canImport(Glibc)
import Glibc
#endif
import ShareModel

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
            if !reusing.isEmpty, existing == nil { throw EmitError.missingPrevious(reusing[0]) }
            var report = try writeTree(files, into: staging, previous: existing == nil ? nil : output)
            report.unchanged += try linkReused(reusing, from: output, into: staging)
            if existing == nil {
                try fileSystem.rename(staging, to: output)
            } else {
                try swapIn(staging, output)
            }
            return report
        } catch let error as EmitError {
            try? fileSystem.removeTree(staging)
            throw error
        } catch let error as FileSystemError {
            try? fileSystem.removeTree(staging)
            throw .fileSystem(error)
        } catch {
            try? fileSystem.removeTree(staging)
            throw .fileSystem(FileSystemError(path: output, reason: "\(error)"))
        }
    }

    /// Hard-links files the build did not render again from the previous output.
    private func linkReused(_ paths: [String], from previous: String, into staging: String) throws(EmitError) -> Int {
        for path in paths {
            let source = joinPath(previous, path)
            guard fileSystem.kind(at: source) == .file else { throw .missingPrevious(path) }
            let target = joinPath(staging, path)
            do {
                try fileSystem.createDirectory(String(target[..<target.lastIndex(of: "/")!]))
                try fileSystem.linkFile(source, to: target)
            } catch {
                throw .fileSystem(error)
            }
        }
        return paths.count
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
        for file in files {
            let target = joinPath(staging, file.path)
            let directory = String(target[..<target.lastIndex(of: "/")!])
            if directories.insert(directory).inserted { try fileSystem.createDirectory(directory) }
        }
        // Each file is its own open/write/close: system-call bound, so spread over the cores.
        let fileSystem = fileSystem
        let outcomes = files.parallelMap { file -> Result<Bool, FileSystemError> in
            let target = joinPath(staging, file.path)
            do throws(FileSystemError) {
                if let previous, Emitter.unchanged(file, at: joinPath(previous, file.path), fileSystem) {
                    try fileSystem.linkFile(joinPath(previous, file.path), to: target)
                    return .success(false)
                }
                try fileSystem.writeFile(target, bytes: file.bytes)
                return .success(true)
            } catch {
                return .failure(error)
            }
        }
        var report = EmitReport(written: 0, unchanged: 0)
        for outcome in outcomes {
            switch outcome {
            case .success(true): report.written += 1
            case .success(false): report.unchanged += 1
            case .failure(let error): throw error
            }
        }
        return report
    }

    private static func unchanged(_ file: OutputFile, at path: String, _ fileSystem: any WritableFileSystem) -> Bool {
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
