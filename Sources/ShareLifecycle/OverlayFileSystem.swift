import ShareModel

/// A file system that shows some files with new contents (or new files) over another
/// one, so the loader and validator see the site as an edit would leave it before
/// anything is written.
struct OverlayFileSystem: FileSystem {
    let base: any FileSystem
    /// Keyed by the path as the loader asks for it: `joinPath(root, relative)`.
    let files: [String: [UInt8]]
    /// The names each folder gains, indexed once: a batch of thousands of new files
    /// would otherwise make every lookup scan them all.
    private let added: [String: Set<String>]

    init(base: any FileSystem, files: [String: [UInt8]]) {
        self.base = base
        self.files = files
        var added: [String: Set<String>] = [:]
        for path in files.keys {
            var child = Substring(path)
            while let slash = child.lastIndex(of: "/") {
                let folder = String(child[..<slash])
                let (inserted, _) = added[folder, default: []].insert(String(child[child.index(after: slash)...]))
                if !inserted { break }
                child = Substring(folder)
            }
        }
        self.added = added
    }

    func kind(at path: String) -> FileKind? {
        if files[path] != nil { return .file }
        if added[path] != nil { return .directory }
        return base.kind(at: path)
    }

    func contentsOfDirectory(_ path: String) throws(FileSystemError) -> [String] {
        let added = self.added[path] ?? []
        let existing: [String]
        do {
            existing = try base.contentsOfDirectory(path)
        } catch {
            if added.isEmpty { throw error }
            existing = []
        }
        return Set(existing).union(added).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        if let bytes = files[path] { return bytes }
        return try base.readFile(path)
    }
}
