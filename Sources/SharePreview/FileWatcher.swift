import Foundation
import Glibc
import Synchronization

/// What changed under the site root since the last look, relative to the root.
public enum SiteChanges: Sendable, Equatable {
    case files(Set<String>)
    /// Events were lost (the kernel queue overflowed): anything may have changed.
    case everything

    /// The paths, or nil for everything: what `LiveBuild.update(changed:)` takes.
    public var paths: Set<String>? {
        if case .files(let paths) = self { return paths }
        return nil
    }

    mutating func merge(_ other: SiteChanges) {
        if case .files(let mine) = self, case .files(let theirs) = other {
            self = .files(mine.union(theirs))
        } else {
            self = .everything
        }
    }
}

/// Watches a site's inputs with inotify — `sharegen.json`, and every folder under `content/`,
/// `templates/` and `assets/` (the site brand's logo), adding watches as folders appear — and reports what changed once events
/// have been quiet for a moment, so that an editor's burst of writes and renames becomes one
/// rebuild. Blocks in `poll` on its own thread between events: nothing is polled on a timer.
final class FileWatcher: Sendable {
    /// Top-level names the site reads; events for anything else in the root are ignored.
    static let watchedNames: Set<String> = ["sharegen.json", "content", "templates", "assets"]
    /// Folders watched recursively.
    static let trees = ["content", "templates", "assets"]
    /// Writes, creations, deletions and renames; not attribute changes such as `touch`.
    static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY)

    private let root: String
    private let quiet: Duration
    private let longest: Duration
    private let notify: Int32
    /// A pipe whose read end wakes the watch thread to stop it.
    private let wake: (read: Int32, write: Int32)
    private let pending = Mutex<SiteChanges?>(nil)
    private let signal: AsyncStream<Void>.Continuation
    /// One element per batch of changes; take them with `takeChanges()`.
    let batches: AsyncStream<Void>
    private let problems: @Sendable (String) -> Void

    /// `quiet`: how long events must pause before a batch is reported; `longest`: how long a
    /// continuous stream of events may hold a batch back. `problems` hears of folders that
    /// cannot be watched.
    init(root: String, quiet: Duration = .milliseconds(30), longest: Duration = .milliseconds(500), problems: @escaping @Sendable (String) -> Void) throws {
        notify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard notify >= 0 else { throw FileSystemWatchError(errno: errno, what: "inotify_init1") }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(notify)
            throw FileSystemWatchError(errno: errno, what: "pipe")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        wake = (ends[0], ends[1])
        self.root = root
        self.quiet = quiet
        self.longest = longest
        self.problems = problems
        (batches, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    deinit {
        close(notify)
        close(wake.read)
        close(wake.write)
    }

    /// Adds the watches, then watches on a thread of its own until `stop()`.
    func start() {
        // Watches exist before this returns, so a change made right after is seen.
        var watches = Watches(notify: notify, root: root, problems: problems)
        watches.add("")
        for tree in FileWatcher.trees { watches.add(tree) }
        let thread = Thread { [self, watches] in
            var watches = watches
            loop(&watches)
        }
        thread.name = "sharegen-watch"
        thread.start()
    }

    /// Ends the watch thread and the `batches` sequence.
    func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    /// Everything that changed since the last call, or nil when nothing did.
    func takeChanges() -> SiteChanges? {
        pending.withLock { pending in
            defer { pending = nil }
            return pending
        }
    }

    private func loop(_ watches: inout Watches) {
        var descriptors = [pollfd(fd: notify, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        var batch: SiteChanges?
        var first = ContinuousClock.now
        var last = first
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var timeout: Int32 = -1
            if batch != nil {
                let due = min(last + quiet, first + longest)
                timeout = Int32(max(0, (due - ContinuousClock.now) / .milliseconds(1)).rounded(.up))
            }
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || descriptors[1].revents != 0 { break }
            let now = ContinuousClock.now
            if ready > 0, descriptors[0].revents != 0, let changes = watches.read(into: &buffer) {
                if batch == nil {
                    batch = changes
                    first = now
                } else {
                    batch!.merge(changes)
                }
                last = now
            }
            guard let changes = batch, now >= min(last + quiet, first + longest) else { continue }
            pending.withLock { pending in
                if pending == nil { pending = changes } else { pending!.merge(changes) }
            }
            signal.yield()
            batch = nil
        }
        signal.finish()
    }
}

/// The watch descriptors and the folder each one watches.
private struct Watches {
    let notify: Int32
    let root: String
    let problems: @Sendable (String) -> Void
    /// Watch descriptor → folder relative to the root ("" for the root itself).
    var folders: [Int32: String] = [:]
    private var reportedLimit = false

    init(notify: Int32, root: String, problems: @escaping @Sendable (String) -> Void) {
        self.notify = notify
        self.root = root
        self.problems = problems
    }

    /// Watches `folder` and, below the root, every folder inside it (symlinks followed, as
    /// the loader follows them).
    mutating func add(_ folder: String) {
        let path = folder.isEmpty ? root : root + "/" + folder
        let descriptor = inotify_add_watch(notify, path, FileWatcher.mask | UInt32(IN_ONLYDIR))
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOSPC && !reportedLimit {
                reportedLimit = true
                problems("cannot watch \(folder): the inotify watch limit is reached (raise fs.inotify.max_user_watches); changes there go unnoticed")
            }
            return
        }
        // The same folder reached twice (a symlink loop) keeps its first name.
        if let known = folders[descriptor], known != folder { return }
        folders[descriptor] = folder
        guard !folder.isEmpty, let directory = opendir(path) else { return }
        defer { closedir(directory) }
        var children: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { children.append(name) }
        }
        for name in children {
            var info = stat()
            if stat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { add(folder + "/" + name) }
        }
    }

    /// Forgets the watches of `folder` and everything inside it (it moved away).
    mutating func remove(_ folder: String) {
        for (descriptor, path) in folders where path == folder || path.hasPrefix(folder + "/") {
            inotify_rm_watch(notify, descriptor)
            folders[descriptor] = nil
        }
    }

    /// Drains the queued events; nil when none concerned the site.
    mutating func read(into buffer: inout [UInt8]) -> SiteChanges? {
        var changes: SiteChanges?
        func record(_ change: SiteChanges) {
            if changes == nil { changes = change } else { changes!.merge(change) }
        }
        let header = MemoryLayout<inotify_event>.size
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(notify, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var offset = 0
            while offset + header <= count {
                let event = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self) }
                let nameBytes = buffer[(offset + header)..<min(count, offset + header + Int(event.len))].prefix { $0 != 0 }
                offset += header + Int(event.len)
                let name = String(decoding: nameBytes, as: UTF8.self)
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    // Events were dropped, folder creations among them: watch afresh.
                    for tree in FileWatcher.trees { add(tree) }
                    record(.everything)
                    continue
                }
                if event.mask & UInt32(IN_IGNORED) != 0 {
                    folders[event.wd] = nil
                    continue
                }
                guard let folder = folders[event.wd], !name.isEmpty, !name.hasPrefix(".") else { continue }
                if folder.isEmpty && !FileWatcher.watchedNames.contains(name) { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                if event.mask & UInt32(IN_ISDIR) != 0, event.mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 { remove(path) }
                // Whatever appears may be a folder, or a symlink to one (the loader follows
                // those); for a plain file the watch just fails.
                if event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { add(path) }
                record(.files([path]))
            }
        }
        return changes
    }
}

/// A system call of the watcher failed.
public struct FileSystemWatchError: Error, CustomStringConvertible {
    public var description: String

    init(errno code: Int32, what: String) {
        description = "\(what): \(String(cString: strerror(code)))"
    }
}
