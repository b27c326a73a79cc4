#if canImport(Glibc)
import Glibc
#endif
import ShareLoader
import ShareModel
import ShareRenderer

/// The paths a build watched, in order, with what their `stat` facts hashed to: the next
/// build `stat`s the same paths. When no hash changed, nothing did; when only files
/// changed, never a folder, every folder's listing is still current, so the discovery is
/// rebuilt from these paths instead of walking, and the share files whose stamps did
/// not change are taken as read (their digest is here).
struct WatchStamps: Equatable {
    enum Kind: Int {
        /// `sharegen.json` as watched even when absent, and template files.
        case file = 0
        /// A folder under `content/` (listed to find the input files).
        case contentFolder = 1
        /// A file the loader reads.
        case input = 2
        /// A template folder.
        case templateFolder = 3
        /// A path the walk reported on (a stray file, a dangling symlink): the listing
        /// that found it cannot be rebuilt from the record.
        case reported = 4
        /// A folder of the root that the walk lists when it exists (`assets/`, `content/`)
        /// and that did not: when it appears, the site is walked again.
        case absentFolder = 5

        var isFolder: Bool { self == .contentFolder || self == .templateFolder || self == .absentFolder }
    }

    /// The watched paths, NUL-separated: already C strings for `fstatat`.
    var list: [UInt8]
    var kinds: [Kind]
    /// The hash of each path with its stamp; 0 for a stamp too recent to vouch for it.
    var hashes: [UInt64]
    /// For input files, the digest of the bytes read (0 when unknown).
    var digests: [UInt64]

    /// The walk these stamps come from found nothing to report, so its discovery can be
    /// rebuilt from the record.
    var walkReportedNothing: Bool { !kinds.contains(.reported) }

    init(paths: [String], kinds: [Kind], hashes: [UInt64], digests: [UInt64]) {
        // Joined straight into bytes: through a joined `String` it was made twice (15 MB
        // each at 100,000 shares).
        var list: [UInt8] = []
        list.reserveCapacity(paths.reduce(0) { $0 + $1.utf8.count + 1 })
        for (index, path) in paths.enumerated() {
            if index > 0 { list.append(0) }
            list += path.utf8
        }
        self.init(list: list, kinds: kinds, hashes: hashes, digests: digests)
    }

    init(list: [UInt8], kinds: [Kind], hashes: [UInt64], digests: [UInt64]) {
        self.list = list
        self.kinds = kinds
        self.hashes = hashes
        self.digests = digests
    }

    var paths: [String] { list.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) } }

    /// Where each path lies in a NUL-separated list.
    static func bounds(of list: [UInt8]) -> [Range<Int>] {
        var bounds: [Range<Int>] = []
        var start = 0
        for index in list.indices where list[index] == 0 {
            bounds.append(start..<index)
            start = index + 1
        }
        bounds.append(start..<list.count)
        return bounds
    }
}

/// `stat` facts of a site's inputs and of an output tree, hashed path by path on all cores.
struct InputStamps {
    let root: String
    let fileSystem: LocalFileSystem

    /// A file changed this close to a build's start may share its time stamp with a later
    /// change (coarse file-system clocks), so its stamp cannot vouch for it: git's "racily
    /// clean" rule.
    static let racyWindow = 2.0

    /// The name and `stat` facts of every path, each hashed on its own core, with the time
    /// of the path's last change; equal hashes mean no watched file or folder changed.
    /// Paths are taken from `folder`, the site root unless given.
    func fingerprint(_ paths: [String], in folder: String? = nil) -> [(hash: UInt64, changed: Double)] {
        let folder = folder ?? root
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if directory >= 0 { close(directory) } }
        // Without a descriptor (unlikely), paths are taken from the working folder.
        let (base, prefix) = directory >= 0 ? (directory, "") : (AT_FDCWD, folder)
        return paths.parallelMap { path -> (hash: UInt64, changed: Double) in
            let now = joinPath(prefix, path).withCString { FileStamp($0, relativeTo: base) }
            return (fnv1a(path.utf8, seed: now?.hash ?? 0), now?.lastChange ?? 0)
        }
    }

    /// What `fingerprint` gives for a watch list as recorded (NUL-separated paths),
    /// computed on its bytes: each path is already a C string for `fstatat`, so no string
    /// is made. Nil when the list is empty or the root cannot be opened.
    func stamp(watchList: [UInt8], in folder: String? = nil) -> [(hash: UInt64, changed: Double)]? {
        guard !watchList.isEmpty else { return nil }
        let folder = folder ?? root
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        let bytes = watchList + [0]
        let bounds = WatchStamps.bounds(of: watchList)
        return bytes.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            return bounds.parallelMap { range -> (hash: UInt64, changed: Double) in
                let path = UnsafeBufferPointer(rebasing: buffer[range])
                let stamp = buffer.baseAddress!.advanced(by: range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count + 1) {
                    FileStamp($0, relativeTo: directory)
                }
                return (fnv1a(path, seed: stamp?.hash ?? 0), stamp?.lastChange ?? 0)
            }
        }
    }

    /// Every path a build of `discovery` watches, in order: the configuration, the root's
    /// folders that do not exist (the root itself is not watched), the folders walked, the
    /// templates, the inputs, and what the walk reported on (a dangling symlink's target
    /// appearing changes no folder).
    func watched(_ discovery: SiteLoader.Discovery) -> [(path: String, kind: WatchStamps.Kind)] {
        let absent: [(path: String, kind: WatchStamps.Kind)] = [SiteLoader.assetsDirectory, SiteLoader.contentDirectory]
            .filter { !discovery.folders.contains($0) }.map { ($0, .absentFolder) }
        let reported: [(path: String, kind: WatchStamps.Kind)] = Set(discovery.reportedPaths).sorted().map { ($0, .reported) }
        let listed: [(path: String, kind: WatchStamps.Kind)] = discovery.folders.map { ($0, .contentFolder) }
        let inputs: [(path: String, kind: WatchStamps.Kind)] = discovery.inputPaths.map { ($0, .input) }
        return [(SiteLoader.configFile, .file)] + absent + listed + templateEntries(TemplateSet.directory) + inputs + reported
    }

    /// The template folders and files under `directory`.
    private func templateEntries(_ directory: String) -> [(path: String, kind: WatchStamps.Kind)] {
        guard let entries = try? fileSystem.entries(joinPath(root, directory)) else { return [(directory, .templateFolder)] }
        return [(directory, .templateFolder)] + entries.flatMap { name, kind -> [(path: String, kind: WatchStamps.Kind)] in
            let path = joinPath(directory, name)
            return kind == .directory ? templateEntries(path) : [(path, .file)]
        }
    }

    /// The discovery as the last build made it, and the digest of each input whose stamp
    /// did not change; nil when the listing of a folder changed or the record does not
    /// fit. A folder whose stamp changed is listed again: saving a file through a new name
    /// and a rename (as editors and `git checkout` do) changes its folder, not the names
    /// in it. Only for a walk that reported nothing: then every name it saw is recorded.
    func rediscover(
        _ recorded: WatchStamps, now hashes: [UInt64], with loader: SiteLoader
    ) -> (SiteLoader.Discovery, [(path: String, kind: WatchStamps.Kind)], [String: UInt64])? {
        guard recorded.walkReportedNothing, recorded.hashes.count == hashes.count else { return nil }
        let paths = recorded.paths
        guard paths.count == hashes.count else { return nil }
        let watched = Array(zip(paths, recorded.kinds)).map { (path: $0, kind: $1) }
        // `sharegen.json` lies in the root, which is not watched: it is found by its own stamp.
        let hadConfig = watched.contains { $0.kind == .input && $0.path == SiteLoader.configFile }
        guard (fileSystem.kind(at: joinPath(root, SiteLoader.configFile)) != nil) == hadConfig else { return nil }
        let changedFolders = hashes.indices.filter { hashes[$0] != recorded.hashes[$0] && recorded.kinds[$0].isFolder }
        guard sameListings(changedFolders, in: recorded, bounds: WatchStamps.bounds(of: recorded.list)) else { return nil }
        guard let discovery = loader.rediscover(
            folders: watched.filter { $0.kind == .contentFolder }.map(\.path), inputs: watched.filter { $0.kind == .input }.map(\.path)) else {
            return nil
        }
        var unchanged: [String: UInt64] = [:]
        for index in hashes.indices where recorded.kinds[index] == .input && hashes[index] == recorded.hashes[index] && recorded.digests[index] != 0 {
            unchanged[paths[index]] = recorded.digests[index]
        }
        return (discovery, watched, unchanged)
    }

    /// Whether the watched folders at `indices`, whose stamps changed, still hold the
    /// names the walk saw in them: saving a file through a new name and a rename (as
    /// editors and `git checkout` do) changes its folder, not the names in it.
    func sameListings(_ indices: [Int], in watch: WatchStamps, bounds: [Range<Int>]) -> Bool {
        guard !indices.isEmpty else { return true }
        // A template folder's files are watched one by one: a new one would be missed.
        // A root folder that appeared has never been listed.
        guard indices.allSatisfy({ watch.kinds[$0] == .contentFolder }) else { return false }
        for folder in Set(indices.map { watch.list[bounds[$0]] + [UInt8(ascii: "/")] }) {
            // The names the walk saw in it: watched paths one level below it.
            var recordedNames: Set<String> = []
            for (range, kind) in zip(bounds, watch.kinds) where (kind == .contentFolder || kind == .input) && watch.list[range].starts(with: folder) {
                let name = watch.list[range].dropFirst(folder.count)
                if !name.contains(UInt8(ascii: "/")) { recordedNames.insert((kind == .input ? "f" : "d") + String(decoding: name, as: UTF8.self)) }
            }
            guard let entries = try? fileSystem.entries(joinPath(root, String(decoding: folder.dropLast(), as: UTF8.self))) else { return false }
            let names = Set(entries.filter { !$0.name.hasPrefix(".") }.map { ($0.kind == .directory ? "d" : "f") + $0.name })
            guard names == recordedNames else { return false }
        }
        return true
    }

    /// The `stat` facts of an output folder (`root`) and of every folder holding one of
    /// its files (`folders`): a file added, removed or renamed there by hand changes them.
    /// Each folder's hash has its path in it, so they are summed rather than sorted first
    /// (a set's order differs from process to process); the stamp of an output is
    /// `root &+ folders`.
    /// The folders are those `list` holds (`OutputLedger.folders`), stamped from its bytes.
    func outputFolders(_ output: String, list: [UInt8]) -> (root: UInt64, folders: UInt64) {
        (folderSum(output, ["."]), stamp(watchList: list, in: output)?.reduce(0) { $0 &+ $1.hash } ?? 0)
    }

    /// The sum of the `stat` facts of `folders` of `output`, as `outputFolders` sums them.
    func folderSum(_ output: String, _ folders: Set<Substring>) -> UInt64 {
        fingerprint(folders.map(String.init), in: output).reduce(0) { $0 &+ $1.hash }
    }

    static func combine(_ hashes: [UInt64]) -> UInt64 {
        hashes.withUnsafeBytes { fnv1a($0) }
    }
}
