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
