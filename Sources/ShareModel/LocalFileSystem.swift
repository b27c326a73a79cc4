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
        var found: [(name: String, type: UInt8)] = []
        guard let dir = opendir(path) else { throw FileSystemError(path: path, errno: errno) }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { found.append((name, entry.pointee.d_type)) }
        }
        return found.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// Compares block by block after the sizes: a large unchanged file (a 100,000-share
    /// manifest is 200 MB) is never held twice.
    public func fileEquals(_ path: String, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { expected in
            withRegularFile(path) { fd, size in
                size == expected.count && readsEqual(fd, size: size) { offset, block in
                    memcmp(block.baseAddress!, expected.baseAddress! + offset, block.count) == 0
                }
            }
        }
    }

    /// Both files read block by block in step, after comparing their sizes.
    public func sameContents(_ first: String, _ second: String) -> Bool {
        withRegularFile(first) { firstFD, size in
            withRegularFile(second) { secondFD, secondSize in
                guard size == secondSize else { return false }
                var other = [UInt8](repeating: 0, count: min(max(size, 1), 1 << 20))
                return readsEqual(firstFD, size: size) { _, block in
                    other.withUnsafeMutableBytes { other in
                        Self.readFully(secondFD, into: UnsafeMutableRawBufferPointer(rebasing: other[..<block.count]))
                            && memcmp(block.baseAddress!, other.baseAddress!, block.count) == 0
                    }
                } && other.withUnsafeMutableBytes { read(secondFD, $0.baseAddress, 1) } == 0
            }
        }
    }

    /// `body` with the open descriptor and size of `path`; false unless it is a regular
    /// file (symlinks followed).
    private func withRegularFile(_ path: String, _ body: (Int32, Int) -> Bool) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return body(fd, Int(info.st_size))
    }

    /// Reads `fd` to its end in blocks of up to 1 MiB, each handed to `matches` with its
    /// offset; true when every block matched and the file held exactly `size` bytes (it
    /// may have changed since it was measured).
    private func readsEqual(_ fd: Int32, size: Int, _ matches: (_ offset: Int, _ block: UnsafeRawBufferPointer) -> Bool) -> Bool {
        var block = [UInt8](repeating: 0, count: min(max(size, 1), 1 << 20))
        var offset = 0
        while offset < size {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, size - offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0, block.withUnsafeBytes({ matches(offset, UnsafeRawBufferPointer(rebasing: $0[..<count])) }) else { return false }
            offset += count
        }
        return block.withUnsafeMutableBytes { read(fd, $0.baseAddress, 1) } == 0
    }

    /// Fills `buffer` from `fd`; false at the end of the file or on an error.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var filled = 0
        while filled < buffer.count {
            let count = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            filled += count
        }
        return true
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
        // One read asks for the stat'ed size plus one byte; getting exactly the size is the
        // end of the file. Anything else (the file grew or shrank meanwhile, a short read)
        // reads on to EOF. A second read per file for EOF was a tenth of the system calls
        // of a 10,000-share build.
        let size = max(Int(info.st_size), 0)
        var bytes: [UInt8] = []
        var request = size + 1
        while true {
            let start = bytes.count
            bytes.reserveCapacity(start + request)
            var count = 0
            bytes.append(contentsOf: repeatElement(0, count: request))
            repeat {
                count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + start, request) }
            } while count < 0 && errno == EINTR
            if count < 0 { throw FileSystemError(path: path, errno: errno) }
            bytes.removeLast(request - count)
            if count == 0 || (count < request && bytes.count == size) { break }
            request = count < request ? request - count : 1 << 16
        }
        return bytes
    }
}
