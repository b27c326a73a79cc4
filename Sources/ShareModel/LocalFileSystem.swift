#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real disk, through POSIX calls (cheaper than Foundation for thousands of small files).
public struct LocalFileSystem: FileSystem {
    public init() {}

    public func kind(at path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    public func contentsOfDirectory(_ path: String) throws(FileSystemError) -> [String] {
        try readDirectory(path).map(\.name)
    }

    /// One `readdir` pass: the entry types it reports save a `stat` per entry (thousands
    /// of project folders); only symlinks and unknown types are looked up.
    public func entries(_ path: String) throws(FileSystemError) -> [(name: String, kind: FileKind?)] {
        try readDirectory(path).map { name, type in
            let kind: FileKind? = switch Int32(type) {
            case Int32(DT_REG): .file
            case Int32(DT_DIR): .directory
            case Int32(DT_LNK), Int32(DT_UNKNOWN): resolvedKind(at: joinPath(path, name))
            default: .other
            }
            return (name, kind)
        }
    }

    /// Entry names (without `.` and `..`, sorted bytewise) and their `d_type`.
    private func readDirectory(_ path: String) throws(FileSystemError) -> [(name: String, type: UInt8)] {
        guard let dir = opendir(path) else { throw FileSystemError(path: path, errno: errno) }
        defer { closedir(dir) }
        var found: [(name: String, type: UInt8)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { found.append((name, entry.pointee.d_type)) }
        }
        return found.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileSystemError(path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileSystemError(path: path, reason: "not a regular file", code: EISDIR)
        }
        var bytes: [UInt8] = []
        var capacity = max(Int(info.st_size), 0) + 1
        bytes.reserveCapacity(capacity)
        // Read until EOF rather than trusting st_size: the file may change while we read.
        var chunk = [UInt8](repeating: 0, count: min(max(capacity, 4096), 1 << 20))
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            capacity = 0
        }
        return bytes
    }
}
