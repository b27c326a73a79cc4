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

/// What a build knows of the output it replaces, from the record the last build left.
public struct PreviousOutput: Sendable {
    /// Every file path of the current output.
    public var files: Set<String>
    /// The paths where the tree the last build swapped out (kept at the standby path)
    /// differs from the current output: changed, added or removed. Nil when that tree
    /// was not kept or cannot be trusted; the build then writes a fresh tree.
    public var standbyDiffering: Set<String>?

    public init(files: Set<String>, standbyDiffering: Set<String>?) {
        self.files = files
        self.standbyDiffering = standbyDiffering
    }
}

/// What the next build needs to know about the output a commit put in place.
public struct OutputRecord: Sendable, Equatable {
    /// Every file path of the new output.
    public var files: Set<String>
    /// Where the swapped-out tree differs from the new output; nil when it was not kept.
    public var standbyDiffering: Set<String>?
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

/// The one sink that writes build output. It prepares a complete new tree beside the
/// output folder and swaps it in with one rename, so a failed or killed build leaves
/// the previous output exactly as it was. Files whose bytes did not change are
/// hard-linked from the previous output, keeping their modification time.
///
/// The new tree is either written fresh or, when the caller keeps a standby, made from
/// the tree the last build swapped out: that one differs from the current output only
/// where the last build changed something, so bringing it up to date touches just
/// those paths and this build's changes, not every file (a one-share edit of a large
/// site). Files in the two trees that are equal are the same inode, so a changed file
/// is always written under a temporary name and renamed over, never rewritten in place.
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
        return try transaction.commit().report
    }

    /// Starts a new output tree for `output`; nothing is visible until `commit()`.
    /// With `standby`, the replaced tree is kept there after the swap when `previous`
    /// is known, and a standby recorded in `previous` becomes this build's tree.
    public func begin(_ output: String, standby: String? = nil, previous: PreviousOutput? = nil) throws(EmitError) -> EmitTransaction {
        let output = output.hasSuffix("/") && output.count > 1 ? String(output.dropLast()) : output
        let existing = fileSystem.kind(at: output)
        if let existing {
            let isEmptyDirectory = existing == .directory && ((try? fileSystem.contentsOfDirectory(output)) ?? []).isEmpty
            guard isEmptyDirectory || fileSystem.kind(at: joinPath(output, Emitter.marker)) == .file else {
                throw .notAnOutputFolder(output)
            }
        }
        let (parent, name) = splitPath(output)
        removeStaleStaging(parent: parent, name: name)
        let staging = joinPath(parent, ".\(name).staging-\(getpid())")
        let previous = existing == nil ? nil : previous
        var patching = false
        do {
            try fileSystem.removeTree(staging)
            if let standby {
                // Taken under the staging name, so a build killed while patching it leaves
                // a staging folder for the next build to remove, never a half-patched standby.
                if previous?.standbyDiffering != nil, fileSystem.kind(at: standby) == .directory,
                   (try? fileSystem.rename(standby, to: staging)) != nil {
                    patching = true
                } else {
                    try fileSystem.removeTree(standby)
                }
            }
            if !patching { try fileSystem.createDirectory(staging) }
        } catch {
            throw .fileSystem(error)
        }
        return EmitTransaction(
            fileSystem: fileSystem, output: output, staging: staging, hasPrevious: existing != nil, previous: previous,
            patching: patching, standby: standby)
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
public final class EmitTransaction: OutputSink {
    private struct State {
        var directories: Set<String> = []
        var report = EmitReport(written: 0, unchanged: 0)
        var failure: EmitError?
        var finished = false
        /// Every path of the new tree, and those whose bytes differ from the current output.
        var files: Set<String> = []
        var written: Set<String> = []
        /// Every file of the previous output is in the new tree too (`reuseRest`), besides `files`.
        var keepsRest = false
    }

    private let fileSystem: any WritableFileSystem
    private let output: String
    private let staging: String
    private let hasPrevious: Bool
    /// The files of the output being replaced, when the last build recorded them.
    private let previousFiles: Set<String>?
    /// True when staging is the last build's standby rather than an empty folder: it
    /// equals the current output except at `stale`, so only those paths and this build's
    /// changes are touched.
    private let patching: Bool
    private let stale: Set<String>
    /// Where the replaced tree is kept after the swap; nil to delete it.
    private let standby: String?
    private let state = Mutex(State())

    init(
        fileSystem: any WritableFileSystem, output: String, staging: String, hasPrevious: Bool, previous: PreviousOutput?,
        patching: Bool, standby: String?
    ) {
        self.fileSystem = fileSystem
        self.output = output
        self.staging = staging
        self.hasPrevious = hasPrevious
        previousFiles = previous?.files
        self.patching = patching
        stale = patching ? previous?.standbyDiffering ?? [] : []
        self.standby = standby
        state.withLock { _ = $0.directories.insert(staging) }
    }

    /// Adds one file; identical bytes in the previous output are linked, not written.
    public func write(_ file: OutputFile) {
        let target = joinPath(staging, file.path)
        let previous = joinPath(output, file.path)
        record(file.path) { () throws(FileSystemError) -> Bool in
            if hasPrevious, Self.sameBytes(file.bytes, at: previous, fileSystem) {
                try carryOver(previous, to: target, file.path)
                return false
            }
            try replace(target) { (path: String) throws(FileSystemError) in try fileSystem.writeFile(path, bytes: file.bytes) }
            return true
        }
    }

    /// Adds one file made in pieces. Whether it equals the previous output's is known
    /// only once it is written; if it does, it is replaced by a link to that one.
    public func write(path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) {
        let target = joinPath(staging, path)
        let previous = joinPath(output, path)
        record(path) { () throws(FileSystemError) -> Bool in
            try replace(target) { (path: String) throws(FileSystemError) in try fileSystem.writeFile(path, streaming: produce) }
            guard hasPrevious, fileSystem.kind(at: previous) == .file, fileSystem.sameContents(target, previous) else { return true }
            try fileSystem.removeTree(target)
            try replace(target) { (temporary: String) throws(FileSystemError) in try fileSystem.linkFile(previous, to: temporary) }
            return false
        }
    }

    /// Adds the current output's file at `path` with each range of `replacing` (in order,
    /// apart) holding new bytes: a large file of which a few places changed (the manifest
    /// after an edit) is copied rather than made again. When the current file is shorter
    /// than the ranges, it changed since they were known: the commit fails with
    /// `missingPrevious`.
    public func write(path: String, patching replacing: [(range: Range<Int>, bytes: [UInt8])]) {
        let target = joinPath(staging, path)
        let previous = joinPath(output, path)
        var beyond = false
        record(path) { () throws(FileSystemError) -> Bool in
            do throws(FileSystemError) {
                try replace(target) { (temporary: String) throws(FileSystemError) in
                    try fileSystem.writeFile(temporary, splicing: previous, replacing: replacing)
                }
            } catch {
                beyond = error.code == ERANGE
                throw error
            }
            return true
        }
        if beyond { state.withLock { $0.failure = .missingPrevious(path) } }
    }

    /// Carries files over from the previous output without rendering them again.
    /// Linking is system-call bound (a folder and a link per page), so it runs on all
    /// cores, as rendering does. A patched standby already holds most of them.
    public func reuse(_ paths: [String]) {
        _ = paths.parallelMap { path in
            let source = joinPath(output, path)
            if patching && !stale.contains(path) {
                record(path) { () throws(FileSystemError) -> Bool in false }
                return
            }
            guard hasPrevious, fileSystem.kind(at: source) == .file else {
                state.withLock { if $0.failure == nil { $0.failure = .missingPrevious(path) } }
                return
            }
            record(path) { () throws(FileSystemError) -> Bool in
                try carryOver(source, to: joinPath(staging, path), path)
                return false
            }
        }
    }

    /// Carries over every file of the previous output that this transaction was not given:
    /// for a build that wrote all it changed. In a patched standby only the paths where it
    /// differs from the current output are touched, so the cost is that of the change.
    public func reuseRest() {
        guard let previousFiles else { return }
        let given = state.withLock { $0.files }
        let work = patching ? stale.intersection(previousFiles).subtracting(given) : previousFiles.subtracting(given)
        reuse(Array(work))
        // The rest are counted, not listed: a one-share edit of a large site would list them all.
        state.withLock { state in
            state.report.unchanged += previousFiles.count - state.files.count { previousFiles.contains($0) }
            state.keepsRest = true
        }
    }

    /// Puts the current output's file at `target`: a link in a fresh tree; in a patched
    /// standby only where the standby's file is not already that one.
    private func carryOver(_ source: String, to target: String, _ path: String) throws(FileSystemError) {
        guard !patching || stale.contains(path) else { return }
        try replace(target) { (temporary: String) throws(FileSystemError) in try fileSystem.linkFile(source, to: temporary) }
    }

    /// Creates `target` through `make`. In a patched standby the old file may be the same
    /// inode as the current output's, so the new one is made beside it and renamed over.
    private func replace(_ target: String, _ make: (String) throws(FileSystemError) -> Void) throws(FileSystemError) {
        try makeParent(of: target)
        guard patching else { return try make(target) }
        let temporary = target + ".sharegen-new"
        // Never write through a leftover of a killed build: it may be a link to a live file.
        try fileSystem.removeTree(temporary)
        try make(temporary)
        try fileSystem.rename(temporary, to: target)
        // Renaming a name onto another name of the same file does nothing: drop the spare.
        if fileSystem.kind(at: temporary) != nil { try fileSystem.removeTree(temporary) }
    }

    /// Swaps the new tree in, or removes it and throws the first failure. Afterwards the
    /// replaced tree is at the standby path when one was given and `previous` was known.
    @discardableResult
    public func commit() throws(EmitError) -> (report: EmitReport, record: OutputRecord) {
        let (failure, report, given, written, keepsRest) = state.withLock { state in
            state.finished = true
            return (state.failure, state.report, state.files, state.written, state.keepsRest)
        }
        if let failure {
            abort()
            throw failure
        }
        let files = keepsRest ? (previousFiles ?? []).union(given) : given
        let removed = keepsRest ? [] : previousFiles.map { $0.subtracting(files) } ?? []
        do {
            if patching { try removeFromStaging(removed.union(stale).subtracting(files)) }
            let replaced = try swapIn()
            var kept = false
            if let replaced, let standby, previousFiles != nil {
                kept = (try? keep(replaced, at: standby)) != nil
            }
            // The new output is in place; failing to delete the old one is not a failed build.
            if let replaced, !kept { removeOldTree(replaced) }
            return (report, OutputRecord(files: files, standbyDiffering: kept ? written.union(removed) : nil))
        } catch {
            abort()
            throw .fileSystem(error)
        }
    }

    /// Deletes the standby's files that the new output no longer has, and the folders
    /// that leaves empty.
    private func removeFromStaging(_ paths: Set<String>) throws(FileSystemError) {
        for path in paths { try fileSystem.removeTree(joinPath(staging, path)) }
        // Deepest first, so a parent is looked at after its children are gone.
        for folder in enclosingFolders(of: paths).sorted(by: { $0.utf8.count > $1.utf8.count }) {
            let path = joinPath(staging, String(folder))
            if fileSystem.kind(at: path) == .directory, (try? fileSystem.contentsOfDirectory(path))?.isEmpty == true {
                try fileSystem.removeTree(path)
            }
        }
    }

    private func keep(_ replaced: String, at standby: String) throws(FileSystemError) {
        // Only a real folder: patching through a symlink would write outside the output.
        guard fileSystem.kind(at: replaced) == .directory else { throw FileSystemError(path: replaced, reason: "not a folder", code: ENOTDIR) }
        let (parent, _) = splitPath(standby)
        if !parent.isEmpty { try fileSystem.createDirectory(parent) }
        try fileSystem.removeTree(standby)
        try fileSystem.rename(replaced, to: standby)
    }

    /// Removes the staging tree; the previous output is untouched.
    public func abort() {
        state.withLock { $0.finished = true }
        try? fileSystem.removeTree(staging)
    }

    private func record(_ path: String, _ work: () throws(FileSystemError) -> Bool) {
        guard state.withLock({ $0.failure == nil && !$0.finished }) else { return }
        do {
            let written = try work()
            state.withLock { state in
                state.files.insert(path)
                if written {
                    state.report.written += 1
                    state.written.insert(path)
                } else {
                    state.report.unchanged += 1
                }
            }
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
        fileSystem.kind(at: path) == .file && fileSystem.fileEquals(path, bytes)
    }

    /// Exchanges the new tree with the old in one step where the system can; elsewhere
    /// renames the old away first (a window of microseconds without output). Returns
    /// where the replaced tree now is, if there was one.
    private func swapIn() throws(FileSystemError) -> String? {
        guard hasPrevious else {
            try fileSystem.rename(staging, to: output)
            return nil
        }
        do {
            try fileSystem.exchange(staging, output)
            return staging
        } catch let error where error.code == EINVAL || error.code == ENOSYS {
            let (parent, name) = splitPath(output)
            let previous = joinPath(parent, ".\(name).previous-\(getpid())")
            try fileSystem.rename(output, to: previous)
            do {
                try fileSystem.rename(staging, to: output)
            } catch {
                try? fileSystem.rename(previous, to: output)
                throw error
            }
            return previous
        }
    }

    /// Deletes a replaced output tree on all cores, folder by folder one level down (the
    /// page folders): deleting thousands of them one after another was a third of a
    /// one-share rebuild.
    private func removeOldTree(_ path: String) {
        // Symlinks are removed, never followed: what they point to is not ours.
        guard fileSystem.kind(at: path) == .directory else { return (try? fileSystem.removeTree(path)) ?? () }
        let folders = ((try? fileSystem.contentsOfDirectory(path)) ?? []).map { joinPath(path, $0) }.filter {
            fileSystem.kind(at: $0) == .directory
        }.flatMap { parent in
            ((try? fileSystem.contentsOfDirectory(parent)) ?? []).map { joinPath(parent, $0) }
        }
        _ = folders.parallelMap { try? fileSystem.removeTree($0) }
        try? fileSystem.removeTree(path)
    }
}
