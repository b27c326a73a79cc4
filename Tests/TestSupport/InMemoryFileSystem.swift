import ShareModel
import Synchronization

/// A file tree in memory, for tests of the loader, the validator, the renderer and the emitter.
public final class InMemoryFileSystem: FileSystem {
    private enum Node {
        case file([UInt8])
        case symlink(String)
        case directory
    }

    private let nodes: Mutex<[String: Node]>
    private let writeFailure = Mutex<(@Sendable (String) -> FileSystemError?)?>(nil)

    /// Makes every later write for which `failure` returns an error fail with it,
    /// to test what a full disk or a read-only folder does.
    public func failWrites(_ failure: (@Sendable (String) -> FileSystemError?)?) {
        writeFailure.withLock { $0 = failure }
    }

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
        nodes.withLock { nodes in
            nodes.filter { if case .directory = $0.value { return false } else { return true } }.keys.sorted()
        }
    }

    public func kind(at path: String) -> FileKind? {
        let path = normalize(path)
        return nodes.withLock { nodes in
            switch nodes[path] {
            case .file: return .file
            case .symlink: return .symlink
            case .directory: return .directory
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
        if names.isEmpty, kind(at: path) != .directory { throw FileSystemError(path: path, reason: "No such file or directory", code: 2) }
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
            case .directory, nil:
                let isDirectory = kind(at: path) == .directory
                throw FileSystemError(path: path, reason: isDirectory ? "not a regular file" : "No such file or directory", code: isDirectory ? 21 : 2)
            }
        }
    }

    private func checkWrite(_ path: String) throws(FileSystemError) {
        if let error = writeFailure.withLock({ $0?(path) }) { throw error }
    }

    private func normalize(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}

extension InMemoryFileSystem: WritableFileSystem {
    public func createDirectory(_ path: String) throws(FileSystemError) {
        try checkWrite(path)
        let parts = path.split(separator: "/").filter { $0 != "." }
        nodes.withLock { nodes in
            for end in parts.indices {
                let prefix = parts[...end].joined(separator: "/")
                if nodes[prefix] == nil { nodes[prefix] = .directory }
            }
        }
    }

    public func writeFile(_ path: String, bytes: [UInt8]) throws(FileSystemError) {
        try checkWrite(path)
        write(path, bytes: bytes)
    }

    public func writeFile(_ path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) throws(FileSystemError) {
        try writeFile(path, bytes: [UInt8](joiningPieces: produce))
    }

    public func writeFile(_ path: String, splicing source: String, replacing: [(range: Range<Int>, bytes: [UInt8])]) throws(FileSystemError) {
        guard let bytes = try? readFile(source), replacing.allSatisfy({ $0.range.upperBound <= bytes.count }) else {
            throw FileSystemError(path: source, reason: "Numerical result out of range", code: 34)
        }
        var spliced: [UInt8] = []
        var at = 0
        for (range, new) in replacing {
            spliced += bytes[at..<range.lowerBound] + new
            at = range.upperBound
        }
        try writeFile(path, bytes: spliced + bytes[at...])
    }

    public func linkFile(_ existing: String, to new: String) throws(FileSystemError) {
        try writeFile(new, bytes: try readFile(existing))
    }

    public func rename(_ source: String, to destination: String) throws(FileSystemError) {
        try checkWrite(destination)
        let source = normalize(source), destination = normalize(destination)
        try nodes.withLock { nodes throws(FileSystemError) in
            let moved = nodes.filter { $0.key == source || $0.key.hasPrefix(source + "/") }
            if moved.isEmpty { throw FileSystemError(path: source, reason: "No such file or directory", code: 2) }
            nodes = nodes.filter { !($0.key == destination || $0.key.hasPrefix(destination + "/")) && moved[$0.key] == nil }
            for (key, node) in moved { nodes[destination + key.dropFirst(source.count)] = node }
        }
    }

    public func exchange(_ first: String, _ second: String) throws(FileSystemError) {
        try checkWrite(second)
        let first = normalize(first), second = normalize(second)
        nodes.withLock { nodes in
            var swapped: [String: Node] = [:]
            for (key, node) in nodes {
                if key == first || key.hasPrefix(first + "/") {
                    swapped[second + key.dropFirst(first.count)] = node
                } else if key == second || key.hasPrefix(second + "/") {
                    swapped[first + key.dropFirst(second.count)] = node
                } else {
                    swapped[key] = node
                }
            }
            nodes = swapped
        }
    }

    public func removeTree(_ path: String) throws(FileSystemError) {
        try checkWrite(path)
        remove(path)
    }
}
