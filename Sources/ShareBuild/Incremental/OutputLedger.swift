import ShareEmitter
import ShareModel
import ShareRenderer

/// What a build's output is made of: the files rendered from each share's source file,
/// where its entry lies in `manifest.json`, and the files made from no one share. The
/// next build carries over the files of shares whose source did not change.
struct OutputLedger: Equatable {
    struct Share: Equatable {
        /// Of the source file's bytes.
        var digest: UInt64
        var outputs: [String]
        /// Where the share's entry lies in the output's `manifest.json`.
        var manifestEntry: Range<Int>?
    }

    /// By source file.
    var shares: [String: Share] = [:]
    /// Output files rendered from no one share (manifest, maps, assets, 404 page).
    var otherOutputs: [String] = []
    /// Where the standby differs from the output.
    var standbyDiffering: [String] = []

    /// Every file of the output.
    var allFiles: Set<String> { Set(shares.values.flatMap(\.outputs)).union(otherOutputs) }

    /// The outputs of the shares (by source file) whose files are byte for byte those this
    /// ledger holds: files to carry over instead of rendering. The caller checks first
    /// that nothing global changed.
    func carried(_ sources: [String], digests: [String: UInt64]) -> [String: [String]] {
        var carried: [String: [String]] = [:]
        for source in sources {
            if let kept = shares[source], kept.digest == digests[source] { carried[source] = kept.outputs }
        }
        return carried
    }

    /// Puts the given entries (by source file) in place of the shares' entries in
    /// `manifest`, the manifest this ledger describes, and moves the later entries'
    /// ranges by what the new ones add. False, and nothing changed, when an entry's range
    /// is not known or the ranges overlap.
    mutating func replaceManifestEntries(_ entries: [String: [UInt8]], in manifest: inout [UInt8]) -> Bool {
        var replaced: [(range: Range<Int>, bytes: [UInt8])] = []
        for (source, bytes) in entries {
            guard let range = shares[source]?.manifestEntry, range.upperBound <= manifest.count else { return false }
            replaced.append((range, bytes))
        }
        replaced.sort { $0.range.lowerBound < $1.range.lowerBound }
        guard zip(replaced, replaced.dropFirst()).allSatisfy({ $0.range.upperBound <= $1.range.lowerBound }) else { return false }
        var patched: [UInt8] = []
        patched.reserveCapacity(manifest.count + replaced.reduce(0) { $0 + $1.bytes.count - $1.range.count })
        var at = 0
        for (range, bytes) in replaced {
            patched += manifest[at..<range.lowerBound]
            patched += bytes
            at = range.upperBound
        }
        patched += manifest[at...]
        manifest = patched
        // The growth before each replaced entry's start, in order.
        var starts: [Int] = []
        var growth: [Int] = [0]
        for (range, bytes) in replaced {
            starts.append(range.lowerBound)
            growth.append(growth.last! + bytes.count - range.count)
        }
        for (source, share) in shares {
            guard let range = share.manifestEntry else { continue }
            // Entries replaced before this one (or this one itself, which starts at the same place).
            var (low, high) = (0, starts.count)
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
            }
            let start = range.lowerBound + growth[low]
            let count = low < starts.count && starts[low] == range.lowerBound ? replaced[low].bytes.count : range.count
            shares[source]?.manifestEntry = start..<(start + count)
        }
        return true
    }

    /// The shares' entries after a build that rendered `rendered` and carried over
    /// `carried`, its manifest holding each share's entry at `manifestEntries`.
    static func shares(
        _ sources: [String], digests: [String: UInt64], rendered: [String: [String]], carried: [String: [String]],
        manifestEntries: [String: Range<Int>] = [:]
    ) -> [String: Share] {
        var entries: [String: Share] = [:]
        entries.reserveCapacity(sources.count)
        for source in sources {
            guard let outputs = rendered[source] ?? carried[source], let digest = digests[source] else { continue }
            entries[source] = Share(digest: digest, outputs: outputs, manifestEntry: manifestEntries[source])
        }
        return entries
    }
}
