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
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: (seconds: Int, nanoseconds: Int)
    public var changed: (seconds: Int, nanoseconds: Int)

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

/// The digest of a file's bytes, which the build cache trusts to tell an edit: xxHash64's
/// mixing, one 8-byte word at a time (its output for inputs over 31 bytes differs, as it
/// keeps one lane, not four). Byte-wise FNV-1a cost a multiplication per byte, a visible
/// part of loading thousands of files; a word-wise FNV would let some changes to two
/// words cancel out, which this mixing does not.
public func contentDigest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let prime1: UInt64 = 0x9E37_79B1_85EB_CA87, prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F, prime3: UInt64 = 0x1656_67B1_9E37_79F9
    let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63, prime5: UInt64 = 0x27D4_EB2F_1656_67C5
    func rotated(_ value: UInt64, _ bits: UInt64) -> UInt64 { value << bits | value >> (64 - bits) }
    var hash = prime5 &+ UInt64(bytes.count)
    var offset = 0
    while offset + 8 <= bytes.count {
        let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        hash ^= rotated(word &* prime2, 31) &* prime1
        hash = rotated(hash, 27) &* prime1 &+ prime4
        offset += 8
    }
    if offset + 4 <= bytes.count {
        hash ^= UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* prime1
        hash = rotated(hash, 23) &* prime2 &+ prime3
        offset += 4
    }
    while offset < bytes.count {
        hash ^= UInt64(bytes[offset]) &* prime5
        hash = rotated(hash, 11) &* prime1
        offset += 1
    }
    hash ^= hash >> 33
    hash &*= prime2
    hash ^= hash >> 29
    hash &*= prime3
    return hash ^ hash >> 32
}

/// `contentDigest` of an array's bytes.
public func contentDigest(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { contentDigest($0) }
}
