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
    /// Every folder holding one of the output's files but the root, NUL-separated and
    /// sorted: what `InputStamps.outputFolders` stamps, kept so that it is not made again
    /// from every path.
    var folders: [UInt8] = []

    /// Every file of the output.
    var allFiles: Set<String> { Set(shares.values.flatMap(\.outputs)).union(otherOutputs) }

    /// The folders of `files`, as `folders` lists them.
    static func folders(of files: some Sequence<String>) -> [UInt8] {
        Array(enclosingFolders(of: files).sorted().joined(separator: "\u{0}").utf8)
    }

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

    /// The shares' entries of `manifest.json` (by source file) after those of `lengths`
    /// were given new lengths: each later entry moves by what they add before it. Nil,
    /// and nothing changed, when such an entry's place is not known or entries overlap.
    mutating func resizeManifestEntries(_ lengths: [String: Int]) -> [(range: Range<Int>, source: String)]? {
        var resized: [(range: Range<Int>, source: String)] = []
        for (source, _) in lengths {
            guard let range = shares[source]?.manifestEntry else { return nil }
            resized.append((range, source))
        }
        resized.sort { $0.range.lowerBound < $1.range.lowerBound }
        guard zip(resized, resized.dropFirst()).allSatisfy({ $0.range.upperBound <= $1.range.lowerBound }) else { return nil }
        // The growth before each resized entry's start, in order.
        var growth: [Int] = [0]
        for (range, source) in resized { growth.append(growth.last! + lengths[source]! - range.count) }
        let starts = resized.map(\.range.lowerBound)
        for (source, share) in shares {
            guard let range = share.manifestEntry else { continue }
            // How many resized entries start before this one (which may be one of them).
            var (low, high) = (0, starts.count)
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
            }
            let start = range.lowerBound + growth[low]
            let count = low < starts.count && starts[low] == range.lowerBound ? lengths[resized[low].source]! : range.count
            shares[source]?.manifestEntry = start..<(start + count)
        }
        return resized
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
