import ShareModel

/// The files of a Git commit (or any tree-ish) as a read-only `FileSystem`, so the loader
/// reads a site as it was at a ref without checking anything out.
///
/// Everything is read up front with one `git ls-tree` and one `git cat-file --batch`, then
/// answered from memory: the loader reads files from several threads, and one batch is far
/// faster than a `git show` per file.
public struct GitTreeFileSystem: FileSystem {
    private enum Node: Sendable {
        case file([UInt8])
        /// The link's target, as stored in the blob.
        case symlink(String)
        case directory([String])
        /// A submodule: present, but neither file nor folder here.
        case other
    }

    /// Paths relative to the directory the tree was read for; the root is "".
    private let nodes: [String: Node]

    /// Reads the entries under `paths` (relative to `directory`) of `ref`. `directory` may be
    /// a subfolder of the repository: paths stay relative to it, as in the working tree.
    public init(directory: String, ref: String, paths: [String]) throws(GitError) {
        let git = Git(directory: directory)
        let prefix = try git.prefix()
        let tree = try git.tree(ref)
        let entries = try git.listTree(tree, paths: paths.map { prefix + $0 })
        let blobs = try git.readBlobs(entries.filter { $0.type == "blob" }.map(\.object))

        var nodes: [String: Node] = [:]
        var children: [String: Set<String>] = ["": []]
        for entry in entries {
            let path = String(entry.path.dropFirst(prefix.count))
            switch (entry.type, entry.mode) {
            case ("blob", "120000"): nodes[path] = .symlink(String(decoding: blobs[entry.object] ?? [], as: UTF8.self))
            case ("blob", _): nodes[path] = .file(blobs[entry.object] ?? [])
            default: nodes[path] = .other
            }
            var components = path.split(separator: "/").map(String.init)
            while let name = components.popLast() {
                children[components.joined(separator: "/"), default: []].insert(name)
            }
        }
        for (directory, names) in children {
            nodes[directory] = .directory(names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
        self.nodes = nodes
    }

    public func kind(at path: String) -> FileKind? {
        switch try? lookup(path, followingLast: false).node {
        case .file: return .file
        case .symlink: return .symlink
        case .directory: return .directory
        case .other: return .other
        case nil: return nil
        }
    }

    public func contentsOfDirectory(_ path: String) throws(FileSystemError) -> [String] {
        let (resolved, node) = try lookup(path, followingLast: true)
        guard case .directory(let names) = node else { throw FileSystemError(path: resolved, reason: "Not a directory", code: 20) }
        return names
    }

    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        let (resolved, node) = try lookup(path, followingLast: true)
        guard case .file(let bytes) = node else { throw FileSystemError(path: resolved, reason: "not a regular file", code: 21) }
        return bytes
    }

    /// The node at `path`, resolved as the kernel would: symlinks among the folders are always
    /// followed, the last component's only when `followingLast`.
    private func lookup(_ path: String, followingLast: Bool) throws(FileSystemError) -> (path: String, node: Node) {
        var resolved: [String] = []
        var pending = ArraySlice(normalize(path).split(separator: "/").map(String.init))
        var hops = 0
        while let name = pending.popFirst() {
            if name == ".." {
                // Climbing out of the tree has no answer in it.
                guard resolved.popLast() != nil else { throw FileSystemError(path: path, reason: "leads outside the tree", code: 2) }
                continue
            }
            resolved.append(name)
            guard let node = nodes[resolved.joined(separator: "/")] else {
                throw FileSystemError(path: path, reason: "No such file or directory", code: 2)
            }
            guard case .symlink(let target) = node, followingLast || !pending.isEmpty else { continue }
            hops += 1
            guard hops <= 40 else { throw FileSystemError(path: path, reason: "Too many levels of symbolic links", code: 40) }
            guard !target.hasPrefix("/") else { throw FileSystemError(path: path, reason: "leads outside the tree", code: 2) }
            resolved.removeLast()
            pending = ArraySlice(normalize(target).split(separator: "/").map(String.init)) + pending
        }
        let final = resolved.joined(separator: "/")
        guard let node = nodes[final] else { throw FileSystemError(path: path, reason: "No such file or directory", code: 2) }
        return (final, node)
    }

    private func normalize(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
