import Synchronization

/// A file tree in memory, for tests of the loader and the emitter.
public final class InMemoryFileSystem: FileSystem {
    private enum Node {
        case file([UInt8])
        case symlink(String)
    }

    private let nodes: Mutex<[String: Node]>

    /// Builds a tree from relative paths and their text.
    public init(files: [String: String] = [:]) {
        nodes = Mutex(files.mapValues { Node.file(Array($0.utf8)) })
    }

    public func write(_ path: String, _ text: String) {
        write(path, bytes: Array(text.utf8))
    }

    public func write(_ path: String, bytes: [UInt8]) {
        nodes.withLock { $0[normalize(path)] = .file(bytes) }
    }

    public func symlink(_ path: String, to target: String) {
        nodes.withLock { $0[normalize(path)] = .symlink(normalize(target)) }
    }

    public func remove(_ path: String) {
        let path = normalize(path)
        nodes.withLock { nodes in
            nodes = nodes.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
        }
    }

    /// Every file path, sorted.
    public var allFiles: [String] {
        nodes.withLock { $0.keys.sorted() }
    }

    public func kind(at path: String) -> FileKind? {
        let path = normalize(path)
        return nodes.withLock { nodes in
            switch nodes[path] {
            case .file: return .file
            case .symlink: return .symlink
            case nil:
                let prefix = path.isEmpty ? "" : path + "/"
                return nodes.keys.contains { $0.hasPrefix(prefix) } ? .directory : nil
            }
        }
    }

    public func contentsOfDirectory(_ path: String) throws(FileSystemError) -> [String] {
        let path = normalize(path)
        let prefix = path.isEmpty ? "" : path + "/"
        let names: Set<String> = nodes.withLock { nodes in
            var names = Set<String>()
            for key in nodes.keys where key.hasPrefix(prefix) {
                let rest = key.dropFirst(prefix.count)
                names.insert(String(rest.prefix { $0 != "/" }))
            }
            return names
        }
        if names.isEmpty { throw FileSystemError(path: path, reason: "No such file or directory", code: 2) }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        var path = normalize(path)
        var hops = 0
        while true {
            let node = nodes.withLock { $0[path] }
            switch node {
            case .file(let bytes): return bytes
            case .symlink(let target):
                hops += 1
                if hops > 40 { throw FileSystemError(path: path, reason: "Too many levels of symbolic links", code: 40) }
                path = target
            case nil:
                let isDirectory = kind(at: path) == .directory
                throw FileSystemError(path: path, reason: isDirectory ? "not a regular file" : "No such file or directory", code: isDirectory ? 21 : 2)
            }
        }
    }

    private func normalize(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
