import ShareModel
import ShareValidator

/// What the last build fingerprinted, path by path, beside the combined hash in the
/// cache (`<cache>.watch` holds the paths, `<cache>.stamps` the rest). The next build
/// `stat`s the same paths; when only files changed, never a folder, the listing of
/// every folder is still current, so it rebuilds the discovery from these paths
/// instead of walking, and takes share files whose stamps did not change as read
/// (their digest is here), so their kept outcomes are recalled without reading them.
struct WatchStamps: Equatable {
    enum Kind: Int {
        /// `sharegen.json` as watched even when absent, and template files.
        case file = 0
        /// A folder under `content/` (listed to find the input files).
        case contentFolder = 1
        /// A file the loader reads.
        case input = 2
        /// A template folder.
        case templateFolder = 3
        /// A path the walk reported on (a stray file, a dangling symlink): the listing
        /// that found it cannot be rebuilt from the record.
        case reported = 4

        var isFolder: Bool { self == .contentFolder || self == .templateFolder }
    }

    var kinds: [Kind]
    /// The hash of each path with its stamp, as `SiteBuild` fingerprints it.
    var hashes: [UInt64]
    /// For input files, the digest of the bytes read (0 when unknown).
    var digests: [UInt64]
    /// `fnv1a` of the watch list these stamps belong to, path for path.
    var listDigest: UInt64 = 0

    /// The walk these stamps come from found nothing to report, so its discovery can be
    /// rebuilt from the record.
    var walkReportedNothing: Bool { !kinds.contains(.reported) }

    static let format = "sharegen-stamps 1"

    func serialized() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.format)
        writer.write(listDigest)
        writer.write(kinds.count)
        for index in kinds.indices {
            writer.write(kinds[index].rawValue)
            writer.write(hashes[index])
            writer.write(digests[index])
        }
        return writer.bytes
    }

    init(kinds: [Kind], hashes: [UInt64], digests: [UInt64]) {
        self.kinds = kinds
        self.hashes = hashes
        self.digests = digests
    }

    /// Nil for anything but what `serialized()` writes.
    init?(_ bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        do throws(ByteReader.Damaged) {
            guard try reader.read() as String == Self.format else { return nil }
            listDigest = try reader.read()
            let count: Int = try reader.read()
            guard count >= 0, count <= bytes.count else { return nil }
            kinds = []
            hashes = []
            digests = []
            for _ in 0..<count {
                guard let kind = Kind(rawValue: try reader.read()) else { return nil }
                kinds.append(kind)
                hashes.append(try reader.read())
                digests.append(try reader.read())
            }
            guard reader.isAtEnd else { return nil }
        } catch {
            return nil
        }
    }
}
