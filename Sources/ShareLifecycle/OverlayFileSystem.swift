import ShareModel

/// A file system that shows some files with new contents (or new files) over another
/// one, so the loader and validator see the site as an edit would leave it before
/// anything is written.
struct OverlayFileSystem: FileSystem {
    let base: any FileSystem
    /// Keyed by the path as the loader asks for it: `joinPath(root, relative)`.
    let files: [String: [UInt8]]

    func kind(at path: String) -> FileKind? {
        if files[path] != nil { return .file }
        if files.keys.contains(where: { $0.hasPrefix(path + "/") }) { return .directory }
        return base.kind(at: path)
    }

    func contentsOfDirectory(_ path: String) throws(FileSystemError) -> [String] {
        let prefix = path + "/"
        let added = files.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).prefix { $0 != "/" }) }
        let existing: [String]
        do {
            existing = try base.contentsOfDirectory(path)
        } catch {
            if added.isEmpty { throw error }
            existing = []
        }
        return Set(existing + added).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        if let bytes = files[path] { return bytes }
        return try base.readFile(path)
    }
}
