#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ShareEmitter
import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator

/// An edit of share files alone, patched into the last build's output. The pipeline runs
/// on the edited files' projects only. For each edited share, what the whole site's rules
/// and files read of it (`CrossFileFacts`, `SiteWideFacts`) is compared with what the last
/// build read. When none of it changed, the whole site's diagnostics differ only in the
/// edited files' own, its site-wide files only in the edited shares' manifest entries, and
/// the rest of the last build's record still holds. Any other change is built through the
/// whole site.
extension Incremental {
    struct Edit {
        /// The share files whose stamps changed, and where each is in the watch list.
        var files: [(index: Int, path: String)]
        var recorded: WatchStamps
        var now: [(hash: UInt64, changed: Double)]
        var warnings: Excerpted
        var ledger: OutputLedger
        var memo: FileMemo.Stored
        /// What the memo holds of the share files of the edited files' projects.
        var kept: FileMemo
        var previous: BuildStore
        var previousOutput: PreviousOutput
        /// The stamps of the current output's folders but its root, found as recorded:
        /// the standby's once this edit is committed.
        var outputFolders: UInt64
        /// The edited files' projects, with the configuration and the site's brand files.
        var discovery: SiteLoader.Discovery
    }

    /// The edit, when the stat check found that only share files changed since a build
    /// whose output, standby and record are intact; nil otherwise.
    func edit(_ scanned: Scanned) -> Edit? {
        guard let previous, let recorded = scanned.recorded, let now = scanned.now, let warnings = scanned.warnings,
              recorded.walkReportedNothing, recorded.hashes.count == now.count else { return nil }
        let changed = now.indices.filter { now[$0].hash != recorded.hashes[$0] }
        let bounds = WatchStamps.bounds(of: recorded.list)
        guard !changed.isEmpty, bounds.count == now.count,
              stamps.sameListings(changed.filter { recorded.kinds[$0] != .input }, in: recorded, bounds: bounds) else { return nil }
        func path(_ index: Int) -> String { String(decoding: recorded.list[bounds[index]], as: UTF8.self) }
        let files = changed.filter { recorded.kinds[$0] == .input }.map { (index: $0, path: path($0)) }
        let content = Array((SiteLoader.contentDirectory + "/").utf8)
        var projects: [[UInt8]] = []
        for (index, _) in files {
            let parts = recorded.list[bounds[index]].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            guard parts.count == 4, recorded.list[bounds[index]].starts(with: content) else { return nil }
            if !projects.contains(where: { $0.elementsEqual(parts[1]) }) { projects.append(Array(parts[1])) }
        }
        // What a build of those projects alone reads: the configuration, the site's brand
        // files and the projects' folders and files.
        let (config, assets) = (Array(SiteLoader.configFile.utf8), Array(SiteLoader.assetsDirectory.utf8))
        var (folders, inputs): ([String], [String]) = ([], [])
        for (index, range) in bounds.enumerated() where recorded.kinds[index] == .input || recorded.kinds[index] == .contentFolder {
            let bytes = recorded.list[range]
            let inScope: Bool
            if bytes.starts(with: content) {
                let project = bytes.dropFirst(content.count).prefix { $0 != UInt8(ascii: "/") }
                inScope = projects.contains { $0.elementsEqual(project) }
            } else {
                inScope = bytes.elementsEqual(config) || (bytes.starts(with: assets) && (bytes.count == assets.count || bytes[range.lowerBound + assets.count] == UInt8(ascii: "/")))
            }
            if inScope { recorded.kinds[index] == .input ? inputs.append(path(index)) : folders.append(path(index)) }
        }
        guard let discovery = loader.rediscover(folders: folders, inputs: inputs) else { return nil }
        let sharePaths = discovery.sharePaths
        guard Set(files.map(\.path)).isSubset(of: sharePaths) else { return nil }
        // The output and the standby as the last build left them: a file added or removed
        // in the output by hand changes its folders' stamps.
        let standbyMarker = FileStamp(path: joinPath(standby, Emitter.marker))?.description
        guard let ledger = previous.ledger, let memo = previous.storedMemo, previous.standbyMarker != nil, standbyMarker == previous.standbyMarker,
              let kept = memo.entries(of: sharePaths) else { return nil }
        let outputFiles = ledger.allFiles
        let stamped = stamps.outputFolders(output, list: ledger.folders)
        guard stamped.root &+ stamped.folders == previous.outputFolders else { return nil }
        return Edit(
            files: files, recorded: recorded, now: now, warnings: warnings, ledger: ledger, memo: memo,
            kept: FileMemo(configDigest: memo.configDigest, entries: kept), previous: previous,
            previousOutput: PreviousOutput(files: outputFiles, standbyDiffering: Set(ledger.standbyDiffering)), outputFolders: stamped.folders,
            discovery: discovery)
    }

    /// Loads and validates the edited files' projects, recalling the outcomes of files
    /// whose bytes did not change (a file saved again as it was).
    func loadAndValidate(_ edit: Edit) -> FileMemo.Validated {
        edit.kept.loadAndValidate(edit.discovery, with: loader)
    }

    /// What an edit writes and records.
    struct Patch {
        /// The edited shares' files; none when the edit changed nothing of this channel's
        /// output.
        var files: [OutputFile]
        /// Where `manifest.json` changes, when an entry in it did: the current one's ranges
        /// and their new bytes.
        var manifest: [(range: Range<Int>, bytes: [UInt8])]?
        /// The whole site's, as a build of it reports them, and their excerpts' lines by
        /// file and line.
        var warnings: Excerpted
        var excerpts: [String: [Int: String]]
        var ledger: OutputLedger
        var memo: [FileMemo.Stored.Piece]
        var watch: WatchStamps
        /// The shares rendered.
        var rendered: Int
        /// Share files whose outcome was recalled rather than checked, of all.
        var recalled: Int
    }

    /// The edit patched into the last build's output and record, when `validated` (its
    /// projects) has no error and every edited share keeps its facts; nil otherwise.
    func patch(_ edit: Edit, _ validated: FileMemo.Validated, renderer: SiteRenderer) -> Patch? {
        guard !validated.result.diagnostics.hasErrors else { return nil }
        let kept = edit.kept.entries
        var ledger = edit.ledger
        var memo: [String: FileMemo.Entry?] = [:]
        var rendering: Set<String> = []
        for (_, file) in edit.files {
            // A file read with a diagnostic is not kept: its outcome is not known.
            guard let before = kept[file], let after = validated.memo.entries[file], let share = after.outcome.validShare,
                  let was = before.outcome.validShare, after.outcome.crossFileFacts == before.outcome.crossFileFacts,
                  SiteWideFacts(share) == SiteWideFacts(was) else { return nil }
            memo[file] = after
            guard share.channel == channel else { continue }
            guard let entry = ledger.shares[file] else { return nil }
            if entry.digest != after.digest { rendering.insert(file) }
            ledger.shares[file]?.digest = after.digest
        }
        var files: [OutputFile] = []
        var manifest: [(range: Range<Int>, bytes: [UInt8])]?
        if !rendering.isEmpty {
            let rendered = renderer.renderShares(validated.result.site, channel: channel, selected: rendering)
            guard rendered.count == rendering.count else { return nil }
            let path = joinPath(output, Emitter.marker)
            var entries: [String: [UInt8]] = [:]
            for (source, made) in rendered {
                guard let kept = ledger.shares[source], kept.outputs == made.files.map(\.path), let range = kept.manifestEntry else { return nil }
                files += made.files
                // An entry of the same bytes leaves `manifest.json` as it is.
                guard let current = Self.bytes(of: path, at: range) else { return nil }
                if current != made.manifestEntry { entries[source] = made.manifestEntry }
            }
            if !entries.isEmpty {
                guard let replaced = ledger.resizeManifestEntries(entries.mapValues(\.count)) else { return nil }
                manifest = replaced.map { ($0.range, entries[$0.source]!) }
            }
        }
        guard let memoBytes = edit.memo.replacing(memo) else { return nil }
        let edited = Set(edit.files.map(\.path))
        // The other files' warnings and excerpts as the last build left them (the files did not change).
        let others = edit.warnings.diagnostics.indices.filter { !edited.contains(edit.warnings.diagnostics[$0].file) }
        let unchanged = Excerpted(diagnostics: others.map { edit.warnings.diagnostics[$0] }, lines: others.map { edit.warnings.lines[$0] })
        let fresh = excerpted(validated.result.diagnostics.filter { edited.contains($0.file) })
        let lines = unchanged.byLine.merging(fresh.byLine) { _, fresh in fresh }
        let diagnostics = (unchanged.diagnostics + fresh.diagnostics).sortedForOutput()
        var digests = edit.recorded.digests
        for (index, path) in edit.files { digests[index] = memo[path]??.digest ?? 0 }
        let watch = WatchStamps(list: edit.recorded.list, kinds: edit.recorded.kinds, hashes: vouched(edit.now), digests: digests)
        return Patch(
            files: files, manifest: manifest, warnings: Excerpted(diagnostics: diagnostics, lines: diagnostics.map { lines[$0.file]?[$0.line] }),
            excerpts: lines, ledger: ledger, memo: memoBytes, watch: watch, rendered: rendering.count,
            recalled: edit.previous.counts.shareFiles - (edit.discovery.sharePaths.count - validated.recalled))
    }

    /// The folders of the standby that emitting `patch` changes, with their stamps before:
    /// those holding a path it writes, or one where the standby differs from the output.
    /// Nil when the last build did not record the standby's folders.
    struct Touched {
        var folders: Set<Substring>
        var before: UInt64
    }

    func touched(_ edit: Edit, _ patch: Patch) -> Touched? {
        guard edit.previous.standbyFolders != nil, let stale = edit.previousOutput.standbyDiffering else { return nil }
        let folders = enclosingFolders(of: stale.union(patch.files.map(\.path)))
        return Touched(folders: folders, before: stamps.folderSum(standby, folders))
    }

    /// Starts the edit's store with its memo, copied from the last store on another thread
    /// while the edit is emitted; nil when no store can be written.
    func keep(_ patch: Patch, _ edit: Edit, in group: DispatchGroup) -> BuildStore.Writer? {
        guard let writer = BuildStore.Writer(path: storePath, fileSystem: fileSystem) else { return nil }
        let (pieces, source) = (patch.memo, edit.memo)
        DispatchQueue.global().async(group: group) { writer.append(memo: pieces, from: source) }
        return writer
    }

    /// Finishes the store `writer` began, its output (`record`) committed or, when nil, unchanged.
    /// The new output is the standby with `touched` changed: its folders' stamps are the
    /// standby's as recorded, but for those.
    func record(_ writer: BuildStore.Writer, _ patch: Patch, _ edit: Edit, output record: OutputRecord?, touched: Touched?) {
        var store = edit.previous
        var ledger = patch.ledger
        store.inputs = InputStamps.combine(patch.watch.hashes)
        if let record {
            let folders = touched.flatMap { touched in
                edit.previous.standbyFolders.map { $0 &- touched.before &+ stamps.folderSum(output, touched.folders) &+ stamps.folderSum(output, ["."]) }
            }
            guard let output = recorded(record, folders: ledger.folders, known: folders) else { return writer.abandon() }
            (store.outputMarker, store.outputFolders, store.standbyMarker) = output
            store.standbyFolders = record.standbyDiffering == nil ? nil : edit.outputFolders
            ledger.standbyDiffering = record.standbyDiffering?.sorted() ?? []
        }
        writer.finish(store, warnings: patch.warnings, watch: patch.watch, ledger: ledger)
        try? fileSystem.removeTree(forgottenPath)
    }

    /// The bytes of `path` at `range`; nil when they cannot all be read.
    private static func bytes(of path: String, at range: Range<Int>) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: range.count)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, range.count, off_t(range.lowerBound)) }
        return count == range.count ? bytes : nil
    }
}
