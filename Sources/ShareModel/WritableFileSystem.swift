#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CShims

/// The write side of the file-system seam, as the emitter needs it.
public protocol WritableFileSystem: FileSystem {
    /// Creates a directory and any missing parents.
    func createDirectory(_ path: String) throws(FileSystemError)
    /// Creates or truncates a file with these bytes.
    func writeFile(_ path: String, bytes: [UInt8]) throws(FileSystemError)
    /// Creates or truncates a file with the bytes `produce` hands to its `write`, in
    /// pieces, so a large file never has to exist whole in memory.
    func writeFile(_ path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) throws(FileSystemError)
    /// Creates or truncates a file with the bytes of the file `source`, but where each
    /// range of `replacing` (in order, apart) holds the given bytes: a large file changed
    /// in a few places is copied, without being read where the system can. Throws with
    /// code `ERANGE` when `source` cannot be read as described: it is missing, or ends
    /// before a range or before the copy does.
    func writeFile(_ path: String, splicing source: String, replacing: [(range: Range<Int>, bytes: [UInt8])]) throws(FileSystemError)
    /// Makes `new` another name of the file `existing` (same bytes and modification time).
    func linkFile(_ existing: String, to new: String) throws(FileSystemError)
    func rename(_ source: String, to destination: String) throws(FileSystemError)
    /// Swaps two paths in one step; throws where the system cannot.
    func exchange(_ first: String, _ second: String) throws(FileSystemError)
    /// Removes a file or a whole tree; absent paths are fine.
    func removeTree(_ path: String) throws(FileSystemError)
}

extension LocalFileSystem: WritableFileSystem {
    public func createDirectory(_ path: String) throws(FileSystemError) {
        if mkdir(path, 0o755) == 0 { return }
        let error = errno
        if error == EEXIST, resolvedKind(at: path) == .directory { return }
        guard error == ENOENT else { throw FileSystemError(path: path, errno: error) }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        guard !parent.isEmpty, parent != path else { throw FileSystemError(path: path, errno: error) }
        try createDirectory(parent)
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw FileSystemError(path: path, errno: errno) }
    }

    public func writeFile(_ path: String, bytes: [UInt8]) throws(FileSystemError) {
        try writeFile(path) { write in write(bytes) }
    }

    public func writeFile(_ path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: path, errno: errno) }
        var failure: Int32?
        produce { bytes in
            if failure == nil { failure = Self.write(bytes, to: fd) }
        }
        // close() reports deferred write errors (e.g. a full disk on some file systems).
        if close(fd) != 0, failure == nil { failure = errno }
        if let failure { throw FileSystemError(path: path, errno: failure) }
    }

    public func writeFile(_ path: String, splicing source: String, replacing: [(range: Range<Int>, bytes: [UInt8])]) throws(FileSystemError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileSystemError(path: source, errno: ERANGE) }
        defer { close(input) }
        var facts = stat()
        guard fstat(input, &facts) == 0 else { throw FileSystemError(path: source, errno: ERANGE) }
        let size = Int(facts.st_size)
        guard replacing.allSatisfy({ $0.range.upperBound <= size }) else { throw FileSystemError(path: source, errno: ERANGE) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: path, errno: errno) }
        var (at, failure): (Int, Int32?) = (0, nil)
        func copy(to end: Int) {
            guard failure == nil, end > at else { return }
            switch sharegen_copy_range(input, Int64(at), fd, Int64(end - at)) {
            case 0: break
            case -2: failure = ERANGE
            default: failure = errno
            }
        }
        for (range, bytes) in replacing {
            copy(to: range.lowerBound)
            if failure == nil { failure = Self.write(bytes, to: fd) }
            at = range.upperBound
        }
        copy(to: size)
        if close(fd) != 0, failure == nil { failure = errno }
        if let failure { throw FileSystemError(path: path, errno: failure) }
    }

    /// Writes all of `bytes` to `fd`; the error number when it could not.
    private static func write(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
    }

    public func linkFile(_ existing: String, to new: String) throws(FileSystemError) {
        guard link(existing, new) == 0 else { throw FileSystemError(path: new, errno: errno) }
    }

    public func rename(_ source: String, to destination: String) throws(FileSystemError) {
        guard Glibc.rename(source, destination) == 0 else { throw FileSystemError(path: source, errno: errno) }
    }

    public func exchange(_ first: String, _ second: String) throws(FileSystemError) {
        guard sharegen_exchange_paths(first, second) == 0 else { throw FileSystemError(path: second, errno: errno) }
    }

    public func removeTree(_ path: String) throws(FileSystemError) {
        switch kind(at: path) {
        case nil: return
        case .directory:
            for name in try contentsOfDirectory(path) { try removeTree(joinPath(path, name)) }
            guard rmdir(path) == 0 else { throw FileSystemError(path: path, errno: errno) }
        default:
            guard unlink(path) == 0 else { throw FileSystemError(path: path, errno: errno) }
        }
    }
}
