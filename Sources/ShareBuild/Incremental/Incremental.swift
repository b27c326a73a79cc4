import Dispatch
import ShareEmitter
import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator

/// The incremental layer around `SiteBuild`'s pipeline: it decides what to feed the
/// stages and what output to carry over, from the one `BuildStore` the last build of the
/// same output left, and records what the next build needs. The stages know nothing of
/// earlier builds; everything here only makes a build cheaper, never different: its
/// output is byte for byte a clean build's.
struct Incremental {
    let output: String
    let channel: Channel
    let fileSystem: LocalFileSystem
    let stamps: InputStamps
    let loader: SiteLoader
    let storePath: String
    let standby: String
    /// The last build's store, when it was written by this binary for this channel.
    let store: BuildStore?
    /// The store, when it also still describes the output (the output's `manifest.json`
    /// is the one it recorded).
    let previous: BuildStore?
    /// When this build started, by the wall clock compared with file times.
    let started: Double

    init(root: String, output: String, channel: Channel, fileSystem: LocalFileSystem, started: Double, enabled: Bool) {
        self.output = output
        self.channel = channel
        self.fileSystem = fileSystem
        self.started = started
        stamps = InputStamps(root: root, fileSystem: fileSystem)
        loader = SiteLoader(fileSystem: fileSystem, root: root)
        storePath = BuildStore.path(for: output, channel: channel)
        standby = BuildStore.standbyPath(for: output)
        store = enabled ? BuildStore(at: storePath).flatMap { $0.tool == BuildStore.tool && $0.channel == channel ? $0 : nil } : nil
        let marker = FileStamp(path: joinPath(output, Emitter.marker))?.description
        previous = store.flatMap { marker != nil && $0.outputMarker == marker ? $0 : nil }
        // One set aside by a build killed during its swap describes a tree that may be gone:
        // only this build's own may be put back.
        try? fileSystem.removeTree(forgottenPath)
    }

    /// The inputs as they are now, and what is known of them from the last build.
    struct Inputs {
        var discovery: SiteLoader.Discovery
        var watched: [(path: String, kind: WatchStamps.Kind)]
        var stamps: [(hash: UInt64, changed: Double)]
        /// The digest of each input file whose stamp did not change since the last build.
        var unchanged: [String: UInt64]
        /// Whether the folders were walked, rather than the last build's listing reused.
        var walked: Bool
    }

    /// What the stat check found: the recorded watch list and stamps, the stamps now, and
    /// the last build's warnings.
    struct Scanned {
        var recorded: WatchStamps?
        var now: [(hash: UInt64, changed: Double)]?
        var warnings: Excerpted?
    }

    enum Scan {
        /// No input changed since the last build, which reported these warnings.
        case upToDate(warnings: Excerpted)
        case changed(Scanned)
    }

    /// Looks for changes by `stat` of what the last build watched.
    func scan() -> Scan {
        // The warnings of the last build, which an up-to-date build reports again (and
        // `--strict` fails on); without them it cannot stop early.
        let warnings = previous?.keptWarnings
        let list = previous?.watchList
        let restamped = list.flatMap { stamps.stamp(watchList: $0) }
        if let warnings, let previous, let restamped, InputStamps.combine(restamped.map(\.hash)) == previous.inputs {
            return .upToDate(warnings: warnings)
        }
        let recorded = restamped == nil ? nil : list.flatMap { previous?.watch(of: $0) }
        return .changed(Scanned(recorded: recorded, now: restamped, warnings: warnings))
    }

    /// The inputs of a build of the whole site: from what the last build watched when only
    /// files changed, by walking the folders otherwise.
    func inputs(_ scanned: Scanned) -> Inputs {
        if let recorded = scanned.recorded, let restamped = scanned.now,
           let (discovery, watched, unchanged) = stamps.rediscover(recorded, now: restamped.map(\.hash), with: loader) {
            // Only files changed: every folder's listing is as the last build saw it.
            return Inputs(discovery: discovery, watched: watched, stamps: restamped, unchanged: unchanged, walked: false)
        }
        // A change made while walking shows in the next build: its stamp is too recent to vouch.
        let discovery = loader.discover()
        let watched = stamps.watched(discovery)
        return Inputs(discovery: discovery, watched: watched, stamps: stamps.fingerprint(watched.map(\.path)), unchanged: [:], walked: true)
    }

    /// Loads and validates, recalling what the last build's memo holds of unchanged files.
    func loadAndValidate(_ inputs: Inputs) -> FileMemo.Validated {
        (store?.memo ?? FileMemo.empty).loadAndValidate(inputs.discovery, with: loader, unchanged: inputs.unchanged)
    }

    /// What a build of `site` renders and what it carries over from the current output.
    struct Plan {
        /// The channel's share source files, and the digest of each.
        var sources: [String]
        var digests: [String: UInt64]
        var global: UInt64
        /// By source file: the output files of unchanged shares, linked rather than rendered.
        var carried: [String: [String]] = [:]
        /// What the emitter knows of the output it replaces.
        var previousOutput: PreviousOutput?
        /// The current `manifest.json` and where each carried share's entry lies in it.
        var manifest: (bytes: [UInt8], entries: [String: Range<Int>])?

        /// The source files of the shares to render.
        var rendering: Set<String> { Set(sources.filter { carried[$0] == nil }) }

        /// A carried share's entry, copied from the current manifest.
        var manifestEntry: (@Sendable (Share) -> ArraySlice<UInt8>?)? {
            guard let manifest else { return nil }
            let carried = carried
            return { share in
                guard carried[share.sourceFile] != nil, let range = manifest.entries[share.sourceFile],
                      range.lowerBound >= 0, range.upperBound <= manifest.bytes.count else { return nil }
                return manifest.bytes[range]
            }
        }

        /// Rendering everything into a fresh tree, for an output changed by hand.
        var fromScratch: Plan {
            var plan = self
            plan.carried = [:]
            plan.manifest = nil
            plan.previousOutput?.standbyDiffering = nil
            return plan
        }
    }

    func plan(_ validated: FileMemo.Validated, templates: TemplateSet) -> Plan {
        let loaded = validated.loaded
        let digests = loaded.shareDigests
        let channel = channel
        // The channel's source files, without a second copy of its shares.
        let sources = validated.result.site.shares.compactMap { $0.channel == channel ? $0.sourceFile : nil }
        var plan = Plan(sources: sources, digests: digests, global: Self.globalKey(loaded, templates, channel: channel))
        // What the last build recorded of its output, if the output is still that: a damaged
        // record, or a file added, removed or renamed in the output by hand (its folder's
        // times change), means a fresh tree and nothing carried over.
        guard let previous, let ledger = previous.ledger else { return plan }
        let files = ledger.allFiles
        let folders = stamps.outputFolders(output, list: ledger.folders)
        guard folders.root &+ folders.folders == previous.outputFolders else { return plan }
        if previous.global == plan.global { plan.carried = ledger.carried(sources, digests: digests) }
        let standbyIntact = previous.standbyMarker != nil && FileStamp(path: joinPath(standby, Emitter.marker))?.description == previous.standbyMarker
        plan.previousOutput = PreviousOutput(files: files, standbyDiffering: standbyIntact ? Set(ledger.standbyDiffering) : nil)
        if !plan.carried.isEmpty, let bytes = try? fileSystem.readFile(joinPath(output, Emitter.marker)) {
            plan.manifest = (bytes, ledger.shares.compactMapValues(\.manifestEntry))
        }
        return plan
    }

    /// What every rendered file depends on besides its own share: the binary, the channel,
    /// `sharegen.json`, every `project.json` and brand asset, and the templates.
    static func globalKey(_ loaded: LoadedSite, _ templates: TemplateSet, channel: Channel) -> UInt64 {
        var text = "\(BuildStore.tool)\n\(channel.rawValue)\n\(loaded.config?.digest ?? 0)\n"
        let brandFiles = loaded.assets + loaded.projects.flatMap { project in (project.projectFile.map { [$0] } ?? []) + project.assets }
        for document in brandFiles { text += "\(document.path)\n\(document.digest)\n" }
        for (path, source) in templates.sources.sorted(by: { $0.key < $1.key }) {
            text += "\(path)\n\(fnv1a(Array(source.utf8)))\n"
        }
        return fnv1a(Array(text.utf8))
    }

    /// Starts the next store with `memo`, written on another thread while the build
    /// renders (a one-share rebuild leaves a core idle) and freed once written; nil when
    /// no store can be written.
    func keep(_ memo: consuming FileMemo, in group: DispatchGroup) -> BuildStore.Writer? {
        guard let writer = BuildStore.Writer(path: storePath, fileSystem: fileSystem) else { return nil }
        let memo = consume memo
        DispatchQueue.global().async(group: group) { [memo] in writer.append(memo: memo) }
        return writer
    }

    /// The store describes the output and standby being swapped: a build killed after the
    /// swap and before the new store is written must leave none, or the next one would
    /// take the new output for the old (`manifest.json` may be the same file in both). It
    /// is set aside under another name, which no build reads, until the swap is done.
    func forget() {
        try? fileSystem.rename(storePath, to: forgottenPath)
    }

    /// Drops the store `writer` began on another thread (`group`) and puts the last one
    /// back: the emit failed, and the output is as it was.
    func abandon(_ writer: BuildStore.Writer?, written group: DispatchGroup) {
        group.wait()
        writer?.abandon()
        remember()
    }

    /// Puts the store set aside back, after a failed commit that left the output as it
    /// was: the next build need not start from nothing.
    func remember() {
        guard fileSystem.kind(at: storePath) == nil else { return }
        try? fileSystem.rename(forgottenPath, to: storePath)
    }

    var forgottenPath: String { storePath + ".forgotten" }

    /// Finishes the store `writer` began, for the output just committed.
    func record(
        _ writer: BuildStore.Writer, _ inputs: Inputs, _ plan: Plan, warnings: Excerpted, summary: RenderSummary, output record: OutputRecord
    ) {
        let shares = OutputLedger.shares(
            plan.sources, digests: plan.digests, rendered: summary.outputsBySource, carried: plan.carried, manifestEntries: summary.manifestEntries)
        let ledger = OutputLedger(
            shares: shares, otherOutputs: record.files.subtracting(shares.values.flatMap(\.outputs)).sorted(),
            standbyDiffering: record.standbyDiffering?.sorted() ?? [], folders: OutputLedger.folders(of: record.files))
        guard let (marker, folders, standbyMarker) = recorded(record, folders: ledger.folders) else { return writer.abandon() }
        let hashes = vouched(inputs.stamps)
        let watch = WatchStamps(
            paths: inputs.watched.map(\.path), kinds: inputs.watched.map(\.kind), hashes: hashes,
            digests: inputs.watched.map { plan.digests[$0.path] ?? 0 })
        let store = BuildStore(
            tool: BuildStore.tool, channel: channel, inputs: InputStamps.combine(hashes), global: plan.global, outputMarker: marker,
            outputFolders: folders, standbyMarker: standbyMarker,
            counts: BuildStore.Counts(pages: summary.pageCount, stubs: summary.stubCount, shareFiles: plan.digests.count))
        writer.finish(store, warnings: warnings, watch: watch, ledger: ledger)
        try? fileSystem.removeTree(forgottenPath)
        // What sharegen kept beside its cache before the one store (up to 2026-12-02).
        for suffix in [".watch", ".stamps", ".warnings", ".outcomes"] { try? fileSystem.removeTree(storePath + suffix) }
    }

    /// `diagnostics` with the source lines of their excerpts, read from the files.
    func excerpted(_ diagnostics: [Diagnostic]) -> Excerpted {
        let lines = loader.sourceLines
        return Excerpted(diagnostics) { lines($0.file, $0.line) }
    }

    /// What the store records of an output just committed: the stamp of its
    /// `manifest.json`, its folders' stamps and the standby's `manifest.json` stamp (nil
    /// without a standby); nil when the output cannot be stamped.
    /// The folders are stamped from `folders` (`OutputLedger.folders`), or taken as `known`
    /// when the caller knows their stamps without a `stat` of each.
    func recorded(_ record: OutputRecord, folders list: [UInt8], known: UInt64? = nil) -> (marker: String, folders: UInt64, standbyMarker: String?)? {
        guard let marker = FileStamp(path: joinPath(output, Emitter.marker))?.description else { return nil }
        let standbyMarker = record.standbyDiffering == nil ? nil : FileStamp(path: joinPath(standby, Emitter.marker))?.description
        let folders = known ?? {
            let folders = stamps.outputFolders(output, list: list)
            return folders.root &+ folders.folders
        }()
        return (marker, folders, standbyMarker)
    }

    /// A path changed this close to the build's start may change again within the same
    /// tick of the file-system clock without changing its stamp: its stamp cannot vouch for
    /// it (git's "racily clean" rule), so it is recorded as 0, which no stamp matches, and
    /// the next build looks at it again.
    func vouched(_ stamps: [(hash: UInt64, changed: Double)]) -> [UInt64] {
        stamps.map { $0.changed < started - InputStamps.racyWindow ? $0.hash : 0 }
    }
}
