#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ShareLoader
import ShareModel
import ShareValidator

/// Why a lifecycle command changed nothing.
public enum LifecycleError: Error, Sendable, CustomStringConvertible {
    /// Bad arguments: an unknown project, share or credential, an ambiguous share, a field
    /// that only sharegen writes. Exit status 2.
    case usage(String)
    /// The result would be invalid, or the file cannot be edited in place. `proposed`
    /// holds the text that was refused, to show the lines the diagnostics point at.
    /// Exit status 1.
    case invalid(String, diagnostics: [Diagnostic], proposed: [String: [UInt8]])
    /// Reading or writing failed. Exit status 3.
    case io(FileSystemError)
    /// A new share lacks fields it cannot be created without (dotted paths such as
    /// `video.id`), which the caller names as it takes them (flags, columns). Exit status 2.
    case missingFields([String])

    public var description: String {
        switch self {
        case .usage(let message), .invalid(let message, _, _): return message
        case .missingFields(let fields): return "a new share needs \(fields.joined(separator: " and "))"
        case .io(let error): return "\(error)"
        }
    }

    static func refused(_ message: String) -> LifecycleError {
        .invalid(message, diagnostics: [], proposed: [:])
    }
}

/// One file a command writes; paths are relative to the site root.
struct FileChange {
    var path: String
    var bytes: [UInt8]
    /// A new file is never written over an existing one.
    var isNew: Bool
}

/// What a commit leaves: the validated site and the warnings about the edited files.
struct Commit {
    var site: Site
    /// Warnings about the edited files, and tolerated errors the edit introduced.
    var warnings: [Diagnostic]
}

/// A lifecycle command's view of the site while it holds the site's lock. Commands read,
/// edit, validate and write under one exclusive lock, so two commands run at the same
/// time on the same site apply one after the other and never lose an update.
struct SiteEdit {
    let root: String
    let fileSystem: LocalFileSystem
    /// The site as read after the lock was taken.
    let loaded: LoadedSite
    /// Index of `loaded.projects` by id: a batch looks up thousands.
    let projectIndex: [String: Int]

    init(root: String, fileSystem: LocalFileSystem, loaded: LoadedSite) {
        self.root = root
        self.fileSystem = fileSystem
        self.loaded = loaded
        projectIndex = Dictionary(loaded.projects.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The loaded project `id`, if its folder exists.
    func project(_ id: String) -> LoadedProject? {
        projectIndex[id].map { loaded.projects[$0] }
    }

    /// Runs `body` holding an exclusive `flock` on the site root folder. Locking the folder
    /// itself leaves no lock file behind in the repository; the lock is released when the
    /// descriptor closes, also when the process dies.
    static func locked<T>(root: String, _ body: (SiteEdit) throws(LifecycleError) -> T) throws(LifecycleError) -> T {
        let descriptor = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(FileSystemError(path: root, errno: errno)) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .io(FileSystemError(path: root, errno: errno)) }
        }
        let fileSystem = LocalFileSystem()
        let site = SiteEdit(root: root, fileSystem: fileSystem, loaded: SiteLoader(fileSystem: fileSystem, root: root).load())
        return try body(site)
    }

    func absolute(_ path: String) -> String {
        joinPath(root, path)
    }

    func read(_ path: String) throws(LifecycleError) -> [UInt8] {
        do { return try fileSystem.readFile(absolute(path)) } catch { throw .io(error) }
    }

    func exists(_ path: String) -> Bool {
        fileSystem.kind(at: absolute(path)) != nil
    }

    /// Validates the whole site as `changes` would leave it, then writes them atomically.
    ///
    /// Refused when the result has an error in an edited file (or naming one), or an error
    /// the edit introduces elsewhere: errors that were already there in other files are
    /// not this command's business, and must not block, say, disabling a share.
    /// Errors whose rule is in `tolerating` are reported as warnings instead.
    func commit(_ changes: [FileChange], tolerating: Set<String> = []) throws(LifecycleError) -> Commit {
        let overlay = OverlayFileSystem(base: fileSystem, files: Dictionary(uniqueKeysWithValues: changes.map { (absolute($0.path), $0.bytes) }))
        let result = SiteValidator().validate(SiteLoader(fileSystem: overlay, root: root).load())
        let edited = Set(changes.map(\.path))
        func concernsEdit(_ diagnostic: Diagnostic) -> Bool {
            edited.contains(diagnostic.file) || diagnostic.related.contains { edited.contains($0.file) }
        }
        func key(_ diagnostic: Diagnostic) -> String {
            "\(diagnostic.file)\u{0}\(diagnostic.rule)\u{0}\(diagnostic.message)"
        }
        var errors = result.diagnostics.filter { $0.severity == .error }
        if errors.contains(where: { !concernsEdit($0) }) {
            // Positions in unedited files do not move, so an unchanged message is an old error.
            let existing = Set(SiteValidator().validate(loaded).diagnostics.filter { $0.severity == .error }.map(key))
            errors = errors.filter { concernsEdit($0) || !existing.contains(key($0)) }
        }
        let blocking = errors.filter { !tolerating.contains($0.rule) }
        guard blocking.isEmpty else {
            let files = Set(changes.map(\.path)).sorted().joined(separator: ", ")
            throw .invalid(
                "refused: the site would be invalid; nothing was written to \(files)", diagnostics: blocking,
                proposed: Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0.bytes) }))
        }
        try write(changes)
        let warnings = result.diagnostics.filter { $0.severity == .warning && concernsEdit($0) }
        let tolerated = errors.map { Diagnostic(.warning, $0.rule, $0.message, at: $0.location, related: $0.related) }
        return Commit(site: result.site, warnings: (warnings + tolerated).sortedForOutput())
    }

    /// Writes every change to a temporary file beside its target first, then renames each
    /// into place, so readers see an old file or a new one, never a part; a failure while
    /// writing the temporaries (a full disk) removes them and changes nothing. A new file
    /// is linked into place instead, which fails rather than replace a file that appeared
    /// meanwhile.
    private func write(_ changes: [FileChange]) throws(LifecycleError) {
        var staged: [(change: FileChange, temporary: String)] = []
        func removeTemporaries(from start: Int) {
            for (_, temporary) in staged[start...] { try? fileSystem.removeTree(temporary) }
        }
        do {
            for change in changes {
                let target = absolute(change.path)
                let slash = target.lastIndex(of: "/")
                let directory = slash.map { String(target[..<$0]) } ?? "."
                let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
                // A dot name: the loader skips it should it ever be left behind.
                let temporary = joinPath(directory, ".\(name).\(getpid()).tmp")
                try fileSystem.createDirectory(directory)
                staged.append((change, temporary))
                try fileSystem.writeFile(temporary, bytes: change.bytes)
            }
        } catch {
            removeTemporaries(from: 0)
            throw .io(error)
        }
        for (index, (change, temporary)) in staged.enumerated() {
            do {
                if change.isNew {
                    try fileSystem.linkFile(temporary, to: absolute(change.path))
                    try fileSystem.removeTree(temporary)
                } else {
                    try fileSystem.rename(temporary, to: absolute(change.path))
                }
            } catch {
                removeTemporaries(from: index)
                throw .io(error)
            }
        }
    }
}
