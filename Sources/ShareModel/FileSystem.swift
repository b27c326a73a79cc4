#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum FileKind: Sendable, Hashable {
    case file, directory, symlink, other
}

/// A failed file-system call, with the path and the system's reason.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    var path: String
    public var reason: String
    public var code: Int32

    public init(path: String, reason: String, code: Int32 = 0) {
        self.path = path
        self.reason = reason
        self.code = code
    }

    public init(path: String, errno code: Int32) {
        self.init(path: path, reason: String(cString: strerror(code)), code: code)
    }

    public var description: String { "\(path): \(reason)" }
}

/// The seam between the pipeline and the disk, so loader and emitter tests run in memory.
/// Paths are `/`-separated; relative paths are taken from the process's directory.
public protocol FileSystem: Sendable {
    /// The kind of the entry itself (a symlink is not followed), or nil if absent.
    func kind(at path: String) -> FileKind?
    /// Entry names of a directory, sorted bytewise, without `.` and `..`.
    func contentsOfDirectory(_ path: String) throws(FileSystemError) -> [String]
    /// Entry names with their resolved kinds (symlinks followed; nil when dangling), in
    /// the order of `contentsOfDirectory`.
    func entries(_ path: String) throws(FileSystemError) -> [(name: String, kind: FileKind?)]
    /// The whole file; symlinks to files are followed.
    func readFile(_ path: String) throws(FileSystemError) -> [UInt8]
    /// True when `path` is a regular file (symlinks followed) holding exactly `bytes`.
    func fileEquals(_ path: String, _ bytes: [UInt8]) -> Bool
    /// True when both paths are regular files (symlinks followed) with the same bytes.
    func sameContents(_ first: String, _ second: String) -> Bool
}

extension FileSystem {
    public func fileEquals(_ path: String, _ bytes: [UInt8]) -> Bool {
        (try? readFile(path)) == bytes
    }

    public func sameContents(_ first: String, _ second: String) -> Bool {
        guard let bytes = try? readFile(second) else { return false }
        return fileEquals(first, bytes)
    }

    public func entries(_ path: String) throws(FileSystemError) -> [(name: String, kind: FileKind?)] {
        try contentsOfDirectory(path).map { ($0, resolvedKind(at: joinPath(path, $0))) }
    }

    /// Kind after following a symlink, or nil if absent or dangling.
    public func resolvedKind(at path: String) -> FileKind? {
        let kind = kind(at: path)
        guard kind == .symlink else { return kind }
        if (try? contentsOfDirectory(path)) != nil { return .directory }
        if (try? readFile(path)) != nil { return .file }
        return nil
    }
}

/// The folder holding `path` ("" when it has no `/`) and its last component; a trailing
/// `/` is not a component.
public func splitPath(_ path: String) -> (parent: String, name: String) {
    let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    guard let slash = trimmed.lastIndex(of: "/") else { return ("", trimmed) }
    return (String(trimmed[..<slash]), String(trimmed[trimmed.index(after: slash)...]))
}

/// Every folder that holds one of `paths`, at any depth (`a/b/c` gives `a/b` and `a`), as
/// slices of the paths. The slash is looked for as a byte (`Character` search over
/// thousands of paths was most of this), and a folder already seen ends the climb.
public func enclosingFolders(of paths: some Sequence<String>) -> Set<Substring> {
    var folders: Set<Substring> = []
    for path in paths {
        var folder = Substring(path)
        while let slash = folder.utf8.lastIndex(of: UInt8(ascii: "/")) {
            folder = folder[..<slash]
            guard folders.insert(folder).inserted else { break }
        }
    }
    return folders
}

/// Joins path components with `/`, skipping empty ones.
public func joinPath(_ parts: String...) -> String {
    parts.reduce("") { joinPath($0, $1) }
}

/// `joinPath` of two components, the common case: no array, and the slash is looked
/// for as a byte (`hasSuffix` compares Characters), which tens of thousands of paths
/// per build notice.
public func joinPath(_ first: String, _ second: String) -> String {
    if first.isEmpty { return second }
    if second.isEmpty { return first }
    var result = first
    result.reserveCapacity(first.utf8.count + second.utf8.count + 1)
    if first.utf8.last != UInt8(ascii: "/") { result.append("/") }
    result.append(second)
    return result
}
