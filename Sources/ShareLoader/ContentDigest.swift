/// The digest of a file's bytes, which the build store trusts to tell an edit: xxHash64's
/// mixing, one 8-byte word at a time (its output for inputs over 31 bytes differs, as it
/// keeps one lane, not four). Byte-wise FNV-1a costs a multiplication per byte, a visible
/// part of checking the build store (as large as the site's share files) on every
/// incremental build; a word-wise FNV would let some changes to two words cancel out,
/// which this mixing does not.
func contentDigest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
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
func contentDigest(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { contentDigest($0) }
}

/// The digest input files are known by, of any bytes: what a build's store checks its
/// parts with.
public func contentDigest(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.withUnsafeBytes { contentDigest($0) }
}
