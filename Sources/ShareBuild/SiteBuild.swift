#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ShareEmitter
import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator
import Synchronization

/// The whole pipeline behind `sharegen build`: load, validate every channel, render
/// one, emit atomically; incremental through a `BuildCache` beside the output.
public struct SiteBuild: Sendable {
    /// Part of every cache key: bump when output changes for the same input.
    public static let version = "0.1.0"

    public enum Failure: Error, Sendable {
        /// The content (or a template) is invalid; nothing was written.
        case invalid([Diagnostic])
        /// Output could not be written; the previous output is untouched.
        case output(EmitError)
    }

    public struct Outcome: Sendable {
        /// What was rendered this time; nil when no input changed since the last build.
        public var summary: RenderSummary?
        public var report: EmitReport
        /// Warnings (the build succeeded).
        public var diagnostics: [Diagnostic]
        /// Shares whose files were carried over from the last build without rendering.
        public var reusedShares: Int
        /// Share files whose validation outcome was taken from the last build instead of
        /// parsing and checking them, and all share files.
        public var recalledShareFiles = 0
        public var shareFiles = 0
        /// Wall time of each stage in seconds, in order, for `--timings`.
        public var timings: [(stage: String, seconds: Double)] = []
    }

    public let fileSystem: LocalFileSystem
    public let root: String
    /// Told what each stage of `run` is about to do ("rendering 3000 shares"), for a
    /// progress line on a terminal.
    public var progress: (@Sendable (String) -> Void)?
    /// The wall clock in seconds, compared with file times (see `BuildCache.racyWindow`);
    /// replaceable so a test can build as if its files had been written long before.
    let now: @Sendable () -> Double

    public init(root: String, fileSystem: LocalFileSystem = LocalFileSystem(), now: @escaping @Sendable () -> Double = FileStamp.now) {
        self.root = root
        self.fileSystem = fileSystem
        self.now = now
    }

    /// A validated site ready to render. It keeps the digests of the source files, not
    /// their parsed trees, which are freed before rendering starts (peak memory).
    struct Prepared {
        var shareDigests: [String: UInt64]
        var configDigest: UInt64
        /// Of every `project.json` and brand asset: a brand shows on all of its project's pages.
        var brandDigest: UInt64
        var validation: ValidationResult
        var templates: TemplateSet
        var diagnostics: [Diagnostic]
    }

    /// Loads and validates in one pass, so the parsed trees of all shares never coexist;
    /// share files that `known` holds unchanged are not parsed or checked again, and
    /// those `unchangedDigest` vouches for are not even read.
    private func prepare(
        _ discovery: SiteLoader.Discovery? = nil, recalling known: ShareOutcomes? = nil, unchangedDigest: (@Sendable (String) -> UInt64?)? = nil
    ) -> (Result<Prepared, Failure>, ShareOutcomes) {
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        let (loaded, validation, outcomes) = SiteValidator().load(
            discovery ?? loader.discover(), with: loader, recalling: known, unchangedDigest: unchangedDigest)
        return (SiteBuild.prepared(loaded, validation, TemplateSet.load(fileSystem: fileSystem, root: root)), outcomes)
    }

    /// Validates loaded input and templates: an error in either fails the build. The memo
    /// lets the next validation of a slightly changed site skip the unchanged files.
    static func prepare(
        _ loaded: LoadedSite, _ templates: Result<TemplateSet, DiagnosticList>, reusing memo: ValidationMemo? = nil
    ) -> (result: Result<Prepared, Failure>, memo: ValidationMemo) {
        let (validation, memo) = SiteValidator().validate(loaded, reusing: memo)
        return (prepared(loaded, validation, templates), memo)
    }

    private static func prepared(
        _ loaded: LoadedSite, _ validation: ValidationResult, _ templates: Result<TemplateSet, DiagnosticList>
    ) -> Result<Prepared, Failure> {
        var diagnostics = validation.diagnostics
        if case .failure(let problems) = templates { diagnostics += problems.diagnostics }
        guard !diagnostics.hasErrors, case .success(let templates) = templates else {
            return .failure(.invalid(diagnostics.sortedForOutput()))
        }
        return .success(Prepared(
            shareDigests: loaded.shareDigests, configDigest: loaded.config?.digest ?? 0, brandDigest: loaded.brandDigest, validation: validation, templates: templates,
            diagnostics: diagnostics))
    }

    /// Validates the site and renders `channel` without writing anything.
    public func render(channel: Channel) -> Result<(RenderedSite, [Diagnostic]), Failure> {
        prepare().0.map { prepared in
            (SiteRenderer(templates: prepared.templates).render(prepared.validation.site, channel: channel), prepared.diagnostics)
        }
    }

    /// Validates, renders and writes `channel` to `output`. With `incremental`, a build
    /// whose inputs did not change does nothing, and shares whose files did not change
    /// are linked from the previous output instead of rendered again.
    public func run(channel: Channel, output: String, incremental: Bool = true) -> Result<Outcome, Failure> {
        var clock = StageClock()
        clock.report = progress
        clock.begin("looking for changes")
        let cachePath = BuildCache.path(for: output, channel: channel)
        let marker = FileStamp(path: joinPath(output, Emitter.marker))?.description
        let previous = incremental ? readCache(cachePath).flatMap { cache in
            cache.tool == BuildCache.tool && cache.channel == channel && marker != nil && cache.outputMarker == marker ? cache : nil
        } : nil
        // The warnings of the last build, which an up-to-date build reports again (and
        // `--strict` fails on); without them it cannot stop early.
        let warnings: [Diagnostic]? = previous.flatMap { previous in
            previous.warnings == 0 ? [] : (try? fileSystem.readFile(BuildCache.warningsPath(cachePath))).flatMap { bytes in
                var reader = ByteReader(bytes)
                let found = try? reader.read() as [Diagnostic]
                return found?.count == previous.warnings && reader.isAtEnd ? found : nil
            }
        }
        let mayStop = warnings != nil
        let upToDate = { (clock: StageClock) in
            Outcome(summary: nil, report: EmitReport(written: 0, unchanged: 0), diagnostics: warnings ?? [], reusedShares: 0, timings: clock.laps)
        }
        let started = now()
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        // A path changed this close to the build's start may change again within the same
        // tick of the file-system clock without changing its stamp: its stamp cannot vouch
        // for it (git's "racily clean" rule), so it is recorded as 0, which no stamp
        // matches, and the next build looks at it again.
        let vouching = { (stamp: (hash: UInt64, changed: Double)) in stamp.changed < started - BuildCache.racyWindow ? stamp.hash : 0 }
        // What the last build watched, stamped again.
        let restamped = previous == nil ? nil : (try? fileSystem.readFile(BuildCache.watchListPath(cachePath))).flatMap { list in
            stamp(watchList: list).map { (list: list, stamps: $0) }
        }
        // No folder and no file changed since the last build: nothing to walk or read.
        if mayStop, let previous, let restamped, combine(restamped.stamps.map(\.hash)) == previous.inputs {
            clock.lap("stat check")
            return .success(upToDate(clock))
        }
        let discovery: SiteLoader.Discovery
        let watched: [(path: String, kind: WatchStamps.Kind)]
        let stamps: [(hash: UInt64, changed: Double)]
        var unchangedDigests: [String: UInt64] = [:]
        if mayStop, let previous, let restamped,
           let recorded = (try? fileSystem.readFile(BuildCache.stampsPath(cachePath))).flatMap(WatchStamps.init),
           recorded.walkReportedNothing, combine(recorded.hashes) == previous.inputs, recorded.listDigest == fnv1a(restamped.list),
           let rebuilt = rediscover(restamped.list, restamped.stamps.map(\.hash), recorded, loader) {
            // Only files changed: every folder's listing is as the last build saw it.
            (discovery, watched, unchangedDigests) = rebuilt
            stamps = restamped.stamps
            clock.lap("stat check")
        } else {
            // Every folder is stamped before it is listed and every file before it is read, so
            // a change made meanwhile shows in the next build's stamps.
            let root = root
            let folderChanges = Mutex<[String: Double]>([:])
            discovery = loader.discover { folder in
                let stamp = FileStamp(path: joinPath(root, folder))
                if let stamp { folderChanges.withLock { $0[folder] = stamp.lastChange } }
                return stamp?.hash
            }
            let folders = discovery.folderStamps
            // What the walk reported on (stray files, dangling symlinks) is watched too: a
            // dangling symlink's target appearing changes no folder.
            let reported: [(path: String, kind: WatchStamps.Kind)] = Set(discovery.reportedPaths).sorted().map { ($0, .reported) }
            let listed: [(path: String, kind: WatchStamps.Kind)] = folders.map { ($0.path, .contentFolder) }
            let inputs: [(path: String, kind: WatchStamps.Kind)] = discovery.inputPaths.map { ($0, .input) }
            watched = [(SiteLoader.configFile, .file)] + listed + templateEntries(TemplateSet.directory) + inputs + reported
            let changes = folderChanges.withLock { $0 }
            let given: [(hash: UInt64, changed: Double)?] = [nil] + folders.map { folder in folder.stamp.map { (hash: $0, changed: changes[folder.path] ?? 0) } }
            stamps = fingerprint(watched.map(\.path), given + Array(repeating: nil, count: watched.count - given.count))
            clock.lap("fingerprint")
        }
        // Recorded for the next build; this one compares what it saw.
        let hashes = stamps.map(vouching)
        let inputs = combine(hashes)
        if mayStop, let previous, previous.inputs == combine(stamps.map(\.hash)) {
            // Every stamp vouches now: let the next build use stat alone. Nothing was read, so
            // no digest is known.
            writeWatchList(WatchStamps(kinds: watched.map(\.kind), hashes: hashes, digests: Array(repeating: 0, count: hashes.count)), watched, cachePath)
            return .success(upToDate(clock))
        }
        let outcomesPath = BuildCache.outcomesPath(cachePath)
        // Outcomes are pure in the file's bytes, project, configuration and the binary: a
        // file left by another binary is rejected by its header.
        let known = incremental ? (try? fileSystem.readFile(outcomesPath)).flatMap { ShareOutcomes($0, version: BuildCache.tool) } : nil
        let prepared: Prepared
        clock.begin("loading and validating \(discovery.inputPaths.count) files")
        let (preparation, outcomes) = prepare(discovery, recalling: known, unchangedDigest: Self.lookup(unchangedDigests))
        switch preparation {
        case .failure(let failure): return .failure(failure)
        case .success(let value): prepared = value
        }
        clock.lap("load and validate")
        let digests = prepared.shareDigests
        let global = prepared.globalKey(channel: channel)
        // The channel's source files, without a second copy of its shares (the renderer filters those).
        let sources = prepared.validation.site.shares.compactMap { $0.channel == channel ? $0.sourceFile : nil }
        let standby = BuildCache.standbyPath(for: output)
        // What the last build recorded of its output, if the output is still that: a damaged
        // record, or a file added, removed or renamed in the output by hand (its folder's
        // times change), means a fresh tree and nothing reused.
        let recorded = previous?.body.flatMap { body -> (body: BuildCache.Body, files: Set<String>)? in
            let files = body.allFiles
            return outputFolderStamps(output, files: files) == previous?.outputFolders ? (body, files) : nil
        }
        var reusable: [String: [String]] = [:]
        if let previous, let recorded, previous.global == global {
            reusable = BuildCache.reusable(sources, digests: digests, previous: recorded.body.shares)
        }
        var previousOutput = recorded.map { body, files in
            PreviousOutput(
                files: files,
                standbyDiffering: previous?.standbyMarker != nil
                    && FileStamp(path: joinPath(standby, Emitter.marker))?.description == previous?.standbyMarker
                    ? Set(body.standbyDiffering) : nil)
        }
        let recalledShareFiles = outcomes.recalled
        let keepingOutcomes = DispatchGroup()
        keepInBackground(consume outcomes, at: outcomesPath, in: keepingOutcomes)
        // The entries of unchanged shares are copied from the current manifest.
        let previousManifest = reusable.isEmpty ? nil : recorded.flatMap { body, _ in
            (try? fileSystem.readFile(joinPath(output, Emitter.marker))).map { bytes in
                PreviousManifest(bytes: bytes, entries: body.shares.compactMapValues(\.manifestEntry))
            }
        }
        let renderer = SiteRenderer(templates: prepared.templates)
        clock.begin("rendering and writing \(sources.count - reusable.count) of \(sources.count) \(channel.rawValue) shares")
        var summary: RenderSummary
        var emitted: (report: EmitReport, record: OutputRecord)
        do {
            (summary, emitted) = try renderAndEmit(
                renderer, prepared.validation.site, channel, reusable, previousManifest, output, standby, previousOutput, cachePath)
        } catch .missingPrevious {
            // The previous output was changed by hand: render everything into a fresh tree.
            reusable = [:]
            previousOutput?.standbyDiffering = nil
            do {
                (summary, emitted) = try renderAndEmit(
                    renderer, prepared.validation.site, channel, reusable, nil, output, standby, previousOutput, cachePath)
            } catch {
                return .failure(.output(error))
            }
        } catch {
            return .failure(.output(error))
        }
        keepingOutcomes.wait()
        clock.lap("render and emit")
        clock.begin("recording the build cache")
        let diagnostics = prepared.diagnostics
        let entries = BuildCache.entries(
            sources, digests: digests, rendered: summary.outputsBySource, reused: reusable, manifestEntries: summary.manifestEntries)
        if let marker = FileStamp(path: joinPath(output, Emitter.marker))?.description {
            let record = emitted.record
            // The warnings and watch list beside the record of the output (at 100,000 shares
            // each took a few hundred milliseconds on one core); the cache, written last, is
            // what makes them count.
            let (_, cache) = concurrently({
                if diagnostics.isEmpty {
                    try? fileSystem.removeTree(BuildCache.warningsPath(cachePath))
                } else {
                    var writer = ByteWriter()
                    writer.write(diagnostics)
                    writeAtomically(writer.bytes, to: BuildCache.warningsPath(cachePath))
                }
                writeWatchList(WatchStamps(kinds: watched.map(\.kind), hashes: hashes, digests: watched.map { digests[$0.path] ?? 0 }), watched, cachePath)
            }) {
                let body = BuildCache.Body(
                    shares: entries, otherOutputs: record.files.subtracting(entries.values.flatMap(\.outputs)).sorted(),
                    standbyDiffering: record.standbyDiffering?.sorted() ?? [])
                var cache = BuildCache(
                    tool: BuildCache.tool, channel: channel, inputs: inputs, global: global, outputMarker: marker,
                    warnings: diagnostics.count,
                    standbyMarker: record.standbyDiffering == nil ? nil : FileStamp(path: joinPath(standby, Emitter.marker))?.description,
                    body: body)
                cache.outputFolders = outputFolderStamps(output, files: record.files)
                return cache.serialized()
            }
            writeAtomically(cache, to: cachePath)
        }
        // Freed last, so that the cache is written on both cores; a process that exits
        // first leaves this to the system.
        releaseInBackground(consume prepared)
        clock.lap("cache")
        return .success(Outcome(
            summary: summary, report: emitted.report, diagnostics: diagnostics, reusedShares: reusable.count,
            recalledShareFiles: recalledShareFiles, shareFiles: digests.count, timings: clock.laps))
    }

    /// Writes `outcomes` to `path` on another thread, unless they are what was recalled, and
    /// frees them there. Outcomes are pure in what they were made from, so they are kept
    /// even if writing the output fails; written beside rendering, which leaves a core idle
    /// in a small rebuild. Freed as soon as written, not after rendering: beside the site
    /// they held 60 MB at 100,000 shares.
    private func keepInBackground(_ outcomes: consuming ShareOutcomes, at path: String, in group: DispatchGroup) {
        let outcomes = consume outcomes
        DispatchQueue.global().async(group: group) { [outcomes] in
            if !outcomes.sameAsRecalled {
                writeAtomically(to: path) { write in outcomes.serialize(version: BuildCache.tool, to: write) }
            }
        }
    }

    /// Streams rendered files straight into the new output tree, then swaps it in.
    private func renderAndEmit(
        _ renderer: SiteRenderer, _ site: Site, _ channel: Channel, _ reusable: [String: [String]], _ previousManifest: PreviousManifest?,
        _ output: String, _ standby: String, _ previous: PreviousOutput?, _ cachePath: String
    ) throws(EmitError) -> (RenderSummary, (report: EmitReport, record: OutputRecord)) {
        let transaction = try Emitter(fileSystem: fileSystem).begin(output, standby: standby, previous: previous)
        let summary = renderer.render(site, channel: channel, reusing: Set(reusable.keys), previousManifest: previousManifest, to: transaction)
        transaction.reuse(reusable.values.flatMap { $0 }.sorted())
        // The cache describes the output and standby being swapped: a build killed after the
        // swap and before the new cache is written must leave none, or the next one would
        // take the new output for the old (`manifest.json` may be the same file in both).
        try? fileSystem.removeTree(cachePath)
        return (summary, try transaction.commit())
    }

    /// The `stat` facts of the output folder and every folder holding one of `files`,
    /// hashed in path order.
    private func outputFolderStamps(_ output: String, files: Set<String>) -> UInt64 {
        let folders = enclosingFolders(of: files).union(["."])
        return combine(fingerprint(folders.sorted().map(String.init), in: output).map(\.hash))
    }

    /// The name and `stat` facts of every watched path (absent ones too), each hashed on
    /// its own core, with the time of the path's last change; `combine` of the hashes
    /// equal means no watched file or folder changed. A path comes with the stamp taken
    /// before it was listed, or nil to stamp it now. Paths are taken from `folder`, the
    /// site root unless given.
    private func fingerprint(
        _ paths: [String], _ given: [(hash: UInt64, changed: Double)?]? = nil, in folder: String? = nil
    ) -> [(hash: UInt64, changed: Double)] {
        let folder = folder ?? root
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if directory >= 0 { close(directory) } }
        // Without a descriptor (unlikely), paths are taken from the working folder.
        let (base, prefix) = directory >= 0 ? (directory, "") : (AT_FDCWD, folder)
        let given = given ?? Array(repeating: nil, count: paths.count)
        return zip(paths, given).map { ($0, $1) }.parallelMap { path, given -> (hash: UInt64, changed: Double) in
            if let given { return (fnv1a(path.utf8, seed: given.hash), given.changed) }
            let now = joinPath(prefix, path).withCString { FileStamp($0, relativeTo: base) }
            return (fnv1a(path.utf8, seed: now?.hash ?? 0), now?.lastChange ?? 0)
        }
    }

    private static func lookup(_ digests: [String: UInt64]) -> (@Sendable (String) -> UInt64?)? {
        guard !digests.isEmpty else { return nil }
        return { path in digests[path] }
    }

    private func combine(_ hashes: [UInt64]) -> UInt64 {
        hashes.withUnsafeBytes { fnv1a($0) }
    }

    /// The template folders and files under `directory`, stamped when fingerprinted (a
    /// change while this build runs falls in the racy window).
    private func templateEntries(_ directory: String) -> [(path: String, kind: WatchStamps.Kind)] {
        guard let entries = try? fileSystem.entries(joinPath(root, directory)) else { return [(directory, .templateFolder)] }
        return [(directory, .templateFolder)] + entries.flatMap { name, kind -> [(path: String, kind: WatchStamps.Kind)] in
            let path = joinPath(directory, name)
            return kind == .directory ? templateEntries(path) : [(path, .file)]
        }
    }

    /// Writes the watched paths and what the next build compares them with.
    private func writeWatchList(_ stamps: WatchStamps, _ watched: [(path: String, kind: WatchStamps.Kind)], _ cachePath: String) {
        let (listPath, stampsPath) = (BuildCache.watchListPath(cachePath), BuildCache.stampsPath(cachePath))
        var stamps = stamps
        // Joined straight into bytes: through a joined `String` it was made twice (15 MB
        // each at 100,000 shares).
        var list: [UInt8] = []
        list.reserveCapacity(watched.reduce(0) { $0 + $1.path.utf8.count + 1 })
        for (index, entry) in watched.enumerated() {
            if index > 0 { list.append(0) }
            list += entry.path.utf8
        }
        stamps.listDigest = fnv1a(list)
        writeAtomically(list, to: listPath)
        writeAtomically(stamps.serialized(), to: stampsPath)
    }

    /// The watched paths as the last build listed them, and the digest of each share file
    /// whose stamp did not change; nil when the listing of a folder changed or the record
    /// does not fit the list. A folder whose stamp changed is listed again: saving a file
    /// through a new name and a rename (as editors and `git checkout` do) changes its
    /// folder, not the names in it. Only for a build after one without warnings: then
    /// every name the walk saw is in the record.
    private func rediscover(
        _ list: [UInt8], _ hashes: [UInt64], _ recorded: WatchStamps, _ loader: SiteLoader
    ) -> (SiteLoader.Discovery, [(path: String, kind: WatchStamps.Kind)], [String: UInt64])? {
        guard recorded.hashes.count == hashes.count else { return nil }
        let paths = list.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard paths.count == hashes.count else { return nil }
        let watched = Array(zip(paths, recorded.kinds)).map { (path: $0, kind: $1) }
        // `sharegen.json` lies in the root, which is not watched: it is found by its own stamp.
        let hadConfig = watched.contains { $0.kind == .input && $0.path == SiteLoader.configFile }
        guard (fileSystem.kind(at: joinPath(root, SiteLoader.configFile)) != nil) == hadConfig else { return nil }
        let changedFolders = hashes.indices.filter { hashes[$0] != recorded.hashes[$0] && recorded.kinds[$0].isFolder }
        if !changedFolders.isEmpty {
            // A template folder's files are watched one by one: a new one would be missed.
            guard changedFolders.allSatisfy({ recorded.kinds[$0] == .contentFolder }) else { return nil }
            for folder in Set(changedFolders.map { paths[$0] }) {
                // The names the walk saw in it: watched paths one level below it.
                let prefix = Array((folder + "/").utf8)
                var recordedNames: Set<String> = []
                for (path, kind) in watched where (kind == .contentFolder || kind == .input) && path.utf8.starts(with: prefix) {
                    let name = path.utf8.dropFirst(prefix.count)
                    if !name.contains(UInt8(ascii: "/")) { recordedNames.insert((kind == .input ? "f" : "d") + String(Substring(name))) }
                }
                guard let entries = try? fileSystem.entries(joinPath(root, folder)) else { return nil }
                let names = Set(entries.filter { !$0.name.hasPrefix(".") }.map { ($0.kind == .directory ? "d" : "f") + $0.name })
                guard names == recordedNames else { return nil }
            }
        }
        guard let discovery = loader.rediscover(
            folders: watched.filter { $0.kind == .contentFolder }.map(\.path), inputs: watched.filter { $0.kind == .input }.map(\.path)) else {
            return nil
        }
        var unchanged: [String: UInt64] = [:]
        for index in hashes.indices where recorded.kinds[index] == .input && hashes[index] == recorded.hashes[index] && recorded.digests[index] != 0 {
            unchanged[paths[index]] = recorded.digests[index]
        }
        return (discovery, watched, unchanged)
    }

    /// What `fingerprint` gives for a watch list as read from disk (NUL-separated paths),
    /// computed on its bytes: each path is already a C string for `fstatat`, so no string
    /// is made. Nil when the list is empty or the root cannot be opened.
    private func stamp(watchList: [UInt8]) -> [(hash: UInt64, changed: Double)]? {
        guard !watchList.isEmpty else { return nil }
        let directory = open(root.isEmpty ? "." : root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        let bytes = watchList + [0]
        var bounds: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0 {
            bounds.append(start..<index)
            start = index + 1
        }
        let stamps = bytes.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            return bounds.parallelMap { range -> (hash: UInt64, changed: Double) in
                let path = UnsafeBufferPointer(rebasing: buffer[range])
                let stamp = buffer.baseAddress!.advanced(by: range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count + 1) {
                    FileStamp($0, relativeTo: directory)
                }
                return (fnv1a(path, seed: stamp?.hash ?? 0), stamp?.lastChange ?? 0)
            }
        }
        return stamps
    }

    private func readCache(_ path: String) -> BuildCache? {
        guard let bytes = try? fileSystem.readFile(path) else { return nil }
        return BuildCache(text: String(decoding: bytes, as: UTF8.self))
    }

    /// Best effort: a cache that cannot be written only makes the next build slower.
    private func writeAtomically(_ bytes: [UInt8], to path: String) {
        writeAtomically(to: path) { write in write(bytes) }
    }

    private func writeAtomically(to path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) {
        let directory = splitPath(path).parent
        let temporary = path + ".tmp"
        do {
            if !directory.isEmpty { try fileSystem.createDirectory(directory) }
            try fileSystem.writeFile(temporary, streaming: produce)
            try fileSystem.rename(temporary, to: path)
        } catch {
            try? fileSystem.removeTree(temporary)
            try? fileSystem.removeTree(path)
        }
    }
}

extension SiteBuild.Prepared {
    /// What every rendered file depends on besides its own share.
    func globalKey(channel: Channel) -> UInt64 {
        var text = "\(BuildCache.tool)\n\(channel.rawValue)\n\(configDigest)\n\(brandDigest)\n"
        for (path, source) in templates.sources.sorted(by: { $0.key < $1.key }) {
            text += "\(path)\n\(fnv1a(Array(source.utf8)))\n"
        }
        return fnv1a(Array(text.utf8))
    }
}

extension LoadedSite {
    /// One digest of the paths and bytes of every `project.json` and `assets/` file.
    var brandDigest: UInt64 {
        let documents = assets + projects.flatMap { project in (project.projectFile.map { [$0] } ?? []) + project.assets }
        return fnv1a(Array(documents.map { "\($0.path)\n\($0.digest)\n" }.joined().utf8))
    }

    /// The digest of every share file's bytes, by path.
    var shareDigests: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: projects.flatMap(\.shares).map { ($0.path, $0.digest) })
    }
}
