#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one version of a file or folder without reading it: a rename, an
/// in-place rewrite, a new symlink target and an entry added to a folder all change it.
/// The change time is included because no tool can set it: an edit that restores the
/// modification time (`cp -p`, `touch -r`) still changes it. Used by the build cache's
/// fingerprints and by the signer's manifest reload.
public struct FileStamp: Sendable, Hashable, CustomStringConvertible {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: (seconds: Int, nanoseconds: Int)
    var changed: (seconds: Int, nanoseconds: Int)

    /// The entry at `path` (symlinks followed), or nil when it cannot be stat'ed.
    public init?(path: String) {
        guard let stamp = path.withCString({ FileStamp($0, relativeTo: AT_FDCWD) }) else { return nil }
        self = stamp
    }

    /// `path` taken from the folder `directory` (a descriptor), which spares the kernel
    /// walking that folder's own path again for each of thousands of files.
    public init?(_ path: UnsafePointer<CChar>, relativeTo directory: Int32) {
        var info = stat()
        guard fstatat(directory, path, &info, 0) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modified = (Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec))
        changed = (Int(info.st_ctimespec.tv_sec), Int(info.st_ctimespec.tv_nsec))
        #else
        modified = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
        changed = (Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec))
        #endif
    }

    /// `size:mtime:ctime:inode`, for cache files and identities written as text.
    public var description: String {
        "\(size):\(modified.seconds).\(modified.nanoseconds):\(changed.seconds).\(changed.nanoseconds):\(inode)"
    }

    /// The same facts hashed, for the thousands of paths of a fingerprint.
    public var hash: UInt64 {
        var words = (Int64(size), Int64(modified.seconds), Int64(modified.nanoseconds), Int64(changed.seconds),
                     Int64(changed.nanoseconds), Int64(bitPattern: inode), Int64(bitPattern: device))
        return withUnsafeBytes(of: &words) { fnv1a($0) }
    }

    /// The later of the modification and change times, in seconds.
    public var lastChange: Double {
        max(Double(modified.seconds) + Double(modified.nanoseconds) / 1e9, Double(changed.seconds) + Double(changed.nanoseconds) / 1e9)
    }

    /// The real-time clock in seconds, as file times count.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    public static func == (lhs: FileStamp, rhs: FileStamp) -> Bool {
        lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
            && lhs.modified == rhs.modified && lhs.changed == rhs.changed
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }
}

/// 64-bit FNV-1a: cheap and stable across runs (Swift's `Hasher` is seeded per process).
@inlinable
public func fnv1a(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = seed
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    return hash
}
