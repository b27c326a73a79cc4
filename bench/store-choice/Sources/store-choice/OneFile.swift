import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What sharegen does today: every entry in one file, rewritten whole under a temporary
/// name and renamed over, read whole and checked chunk by chunk.
///
/// Layout: body (records: u32 path length, path, u64 digest, u32 project length, project,
/// u32 blob length, blob), then one FNV-1a per 256 KiB of body, then u64 entry count,
/// u64 body length. No fsync, as in sharegen's BuildStore.
enum OneFile {
    static let chunk = 256 * 1024
    nonisolated(unsafe) static var lastCheckMs = 0.0

    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// Streams the body out in 256 KiB chunks (as sharegen writes the memo while rendering).
    static func write(_ memo: Memo, to path: String) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "open \(temporary)")
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk + 8192)
        var digests: [UInt64] = []
        var bodyLength: UInt64 = 0
        func put(_ value: some FixedWidthInteger) { withUnsafeBytes(of: value.littleEndian) { buffer += $0 } }
        func flush(all: Bool) {
            var start = 0
            while buffer.count - start >= chunk || (all && start < buffer.count) {
                let end = min(start + chunk, buffer.count)
                buffer.withUnsafeBytes { raw in
                    let piece = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                    digests.append(fnv1a(piece))
                    writeAll(fd, piece)
                }
                bodyLength += UInt64(end - start)
                start = end
            }
            buffer.removeFirst(start)
        }
        for (key, entry) in memo {
            put(UInt32(key.utf8.count)); buffer += key.utf8
            put(entry.digest)
            put(UInt32(entry.project.utf8.count)); buffer += entry.project.utf8
            put(UInt32(entry.blob.count)); buffer += entry.blob
            if buffer.count >= chunk { flush(all: false) }
        }
        flush(all: true)
        for digest in digests { put(digest) }
        put(UInt64(memo.count)); put(bodyLength)
        buffer.withUnsafeBytes { writeAll(fd, $0) }
        close(fd)
        precondition(rename(temporary, path) == 0, "rename")
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0, "write")
            done += n
        }
    }

    /// Reads the whole file with read(), checks every chunk digest, then decodes.
    static func read(_ path: String) -> Memo? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes.withUnsafeBytes { raw -> Memo? in
            func u64(_ at: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
            func u32(_ at: Int) -> Int { Int(raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian) }
            guard size >= 16 else { return nil }
            let count = Int(u64(size - 16)), body = Int(u64(size - 8))
            let chunks = (body + chunk - 1) / chunk
            guard body + chunks * 8 + 16 == size else { return nil }
            // Timed apart: byte-at-a-time FNV-1a is a large share of the read.
            let checkStart = DispatchTime.now().uptimeNanoseconds
            for c in 0..<chunks {
                let piece = UnsafeRawBufferPointer(rebasing: raw[c * chunk..<min(body, (c + 1) * chunk)])
                guard fnv1a(piece) == u64(body + c * 8) else { return nil }
            }
            lastCheckMs = Double(DispatchTime.now().uptimeNanoseconds - checkStart) / 1e6
            var memo: Memo = [:]
            memo.reserveCapacity(count)
            var at = 0
            func string(_ length: Int) -> String {
                defer { at += length }
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<at + length]), as: UTF8.self)
            }
            while at < body {
                let keyLength = u32(at); at += 4
                let key = string(keyLength)
                let digest = u64(at); at += 8
                let projectLength = u32(at); at += 4
                let project = string(projectLength)
                let blobLength = u32(at); at += 4
                let blob = Array(raw[at..<at + blobLength]); at += blobLength
                memo[key] = (digest, project, blob)
            }
            return memo.count == count ? memo : nil
        }
    }
}
