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
        var validation: ValidationResult
        var templates: TemplateSet
        var diagnostics: [Diagnostic]
    }

    /// Loads and validates in one pass, so the parsed trees of all shares never coexist;
    /// share files that `known` holds unchanged are not parsed or checked again.
    private func prepare(_ discovery: SiteLoader.Discovery? = nil, recalling known: ShareOutcomes? = nil) -> (Result<Prepared, Failure>, ShareOutcomes) {
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        let (loaded, validation, outcomes) = SiteValidator().load(discovery ?? loader.discover(), with: loader, recalling: known)
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
            shareDigests: loaded.shareDigests, configDigest: loaded.config?.digest ?? 0, validation: validation, templates: templates,
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
        let cachePath = BuildCache.path(for: output, channel: channel)
        let marker = FileStamp(path: joinPath(output, Emitter.marker))?.description
        let previous = incremental ? readCache(cachePath).flatMap { cache in
            cache.tool == BuildCache.tool && cache.channel == channel && marker != nil && cache.outputMarker == marker ? cache : nil
        } : nil
        let mayStop = previous?.warnings == 0
        let upToDate = { (clock: StageClock) in
            Outcome(summary: nil, report: EmitReport(written: 0, unchanged: 0), diagnostics: [], reusedShares: 0, timings: clock.laps)
        }
        let started = now()
        // No folder and no file changed since the last build: nothing to walk or read.
        if mayStop, let previous, let watched = try? fileSystem.readFile(BuildCache.watchListPath(cachePath)),
           fingerprint(watchList: watched) == previous.inputs {
            clock.lap("stat check")
            return .success(upToDate(clock))
        }
        // Every folder is stamped before it is listed and every file before it is read, so
        // a change made meanwhile shows in the next build's stamps.
        let root = root
        let newestFolder = Mutex(0.0)
        let discovery = SiteLoader(fileSystem: fileSystem, root: root).discover { folder in
            let stamp = FileStamp(path: joinPath(root, folder))
            if let stamp { newestFolder.withLock { $0 = max($0, stamp.lastChange) } }
            return stamp?.hash
        }
        let watched: [(String, UInt64?)] = [(SiteLoader.configFile, nil)] + discovery.folderStamps.map { ($0.path, $0.stamp) }
            + templateEntries(TemplateSet.directory) + discovery.inputPaths.map { ($0, nil) }
        let (inputs, newestFile) = fingerprint(watched)
        // The stat-only check of the next build trusts these stamps only if nothing was
        // changed within the racy window of this build's start.
        let trusted = max(newestFile, newestFolder.withLock { $0 }) < started - BuildCache.racyWindow
        clock.lap("fingerprint")
        if mayStop, let previous, previous.inputs == inputs {
            // Trusted now (edits are older than the racy window): let the next build use stat alone.
            if trusted { writeWatchList(watched, cachePath) }
            return .success(upToDate(clock))
        }
        let outcomesPath = BuildCache.outcomesPath(cachePath)
        // Outcomes are pure in the file's bytes, project, configuration and the binary: a
        // file left by another binary is rejected by its header.
        let known = incremental ? (try? fileSystem.readFile(outcomesPath)).flatMap { ShareOutcomes($0, version: BuildCache.tool) } : nil
        let prepared: Prepared
        let (preparation, outcomes) = prepare(discovery, recalling: known)
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
        let recorded = previous?.body
        var reusable: [String: [String]] = [:]
        if let previous, let recorded, previous.global == global {
            reusable = BuildCache.reusable(sources, digests: digests, previous: recorded.shares)
        }
        var previousOutput = recorded.map { body in
            PreviousOutput(
                files: Set(body.shares.values.flatMap(\.outputs)).union(body.otherOutputs),
                standbyDiffering: previous?.standbyMarker != nil
                    && FileStamp(path: joinPath(standby, Emitter.marker))?.description == previous?.standbyMarker
                    ? Set(body.standbyDiffering) : nil)
        }
        // Outcomes are pure in what they were made from, so they are kept even if writing the
        // output fails; written beside rendering, which leaves a core idle in a small rebuild.
        let keepingOutcomes = DispatchGroup()
        if !outcomes.sameAsRecalled {
            DispatchQueue.global().async(group: keepingOutcomes) {
                writeAtomically(to: outcomesPath) { write in outcomes.serialize(version: BuildCache.tool, to: write) }
            }
        }
        // The entries of unchanged shares are copied from the current manifest.
        let previousManifest = reusable.isEmpty ? nil : recorded.flatMap { body in
            (try? fileSystem.readFile(joinPath(output, Emitter.marker))).map { bytes in
                PreviousManifest(bytes: bytes, entries: body.shares.compactMapValues(\.manifestEntry))
            }
        }
        let renderer = SiteRenderer(templates: prepared.templates)
        var summary: RenderSummary
        var emitted: (report: EmitReport, record: OutputRecord)
        do {
            (summary, emitted) = try renderAndEmit(
                renderer, prepared.validation.site, channel, reusable, previousManifest, output, standby, previousOutput)
        } catch .missingPrevious {
            // The previous output was changed by hand: render everything into a fresh tree.
            reusable = [:]
            previousOutput?.standbyDiffering = nil
            do {
                (summary, emitted) = try renderAndEmit(renderer, prepared.validation.site, channel, reusable, nil, output, standby, previousOutput)
            } catch {
                return .failure(.output(error))
            }
        } catch {
            return .failure(.output(error))
        }
        keepingOutcomes.wait()
        clock.lap("render and emit")
        let entries = BuildCache.entries(
            sources, digests: digests, rendered: summary.outputsBySource, reused: reusable, manifestEntries: summary.manifestEntries)
        if let marker = FileStamp(path: joinPath(output, Emitter.marker))?.description {
            let record = emitted.record
            let body = BuildCache.Body(
                shares: entries, otherOutputs: record.files.subtracting(entries.values.flatMap(\.outputs)).sorted(),
                standbyDiffering: record.standbyDiffering?.sorted() ?? [])
            let cache = BuildCache(
                tool: BuildCache.tool, channel: channel, inputs: inputs, global: global, outputMarker: marker,
                warnings: prepared.diagnostics.count,
                standbyMarker: record.standbyDiffering == nil ? nil : FileStamp(path: joinPath(standby, Emitter.marker))?.description,
                body: body)
            // The list first: the cache, written last, is what makes it count.
            if trusted {
                writeWatchList(watched, cachePath)
            } else {
                try? fileSystem.removeTree(BuildCache.watchListPath(cachePath))
            }
            writeAtomically(cache.serialized(), to: cachePath)
        }
        clock.lap("cache")
        return .success(Outcome(
            summary: summary, report: emitted.report, diagnostics: prepared.diagnostics, reusedShares: reusable.count,
            recalledShareFiles: outcomes.recalled, shareFiles: digests.count, timings: clock.laps))
    }

    /// Streams rendered files straight into the new output tree, then swaps it in.
    private func renderAndEmit(
        _ renderer: SiteRenderer, _ site: Site, _ channel: Channel, _ reusable: [String: [String]], _ previousManifest: PreviousManifest?,
        _ output: String, _ standby: String, _ previous: PreviousOutput?
    ) throws(EmitError) -> (RenderSummary, (report: EmitReport, record: OutputRecord)) {
        let transaction = try Emitter(fileSystem: fileSystem).begin(output, standby: standby, previous: previous)
        let summary = renderer.render(site, channel: channel, reusing: Set(reusable.keys), previousManifest: previousManifest) {
            transaction.write($0)
        }
        transaction.reuse(reusable.values.flatMap { $0 }.sorted())
        return (summary, try transaction.commit())
    }

    /// The name and `stat` facts of every watched path (absent ones too), hashed: equal
    /// means no watched file or folder changed. Paths come with the stamp taken before
    /// they were listed, or nil to stamp them now. Each path is hashed on its own core,
    /// then the hashes in order.
    private func fingerprint(_ paths: [(String, UInt64?)]) -> (hash: UInt64, newest: Double) {
        let directory = open(root.isEmpty ? "." : root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if directory >= 0 { close(directory) } }
        // Without a descriptor (unlikely), paths are taken from the working folder.
        let (base, prefix) = directory >= 0 ? (directory, "") : (AT_FDCWD, root)
        let stamps = paths.parallelMap { path, stamp -> (hash: UInt64, changed: Double) in
            if let stamp { return (fnv1a(path.utf8, seed: stamp), 0) }
            let now = joinPath(prefix, path).withCString { FileStamp($0, relativeTo: base) }
            return (fnv1a(path.utf8, seed: now?.hash ?? 0), now?.lastChange ?? 0)
        }
        return (stamps.map(\.hash).withUnsafeBytes { fnv1a($0) }, stamps.map(\.changed).max() ?? 0)
    }

    /// The template folders and files under `directory`, stamped when fingerprinted (a
    /// change while this build runs falls in the racy window).
    private func templateEntries(_ directory: String) -> [(String, UInt64?)] {
        guard let entries = try? fileSystem.entries(joinPath(root, directory)) else { return [(directory, nil)] }
        return [(directory, nil)] + entries.flatMap { name, kind -> [(String, UInt64?)] in
            let path = joinPath(directory, name)
            return kind == .directory ? templateEntries(path) : [(path, nil)]
        }
    }

    private func writeWatchList(_ watched: [(String, UInt64?)], _ cachePath: String) {
        writeAtomically(Array(watched.map(\.0).joined(separator: "\0").utf8), to: BuildCache.watchListPath(cachePath))
    }

    /// `fingerprint` of a watch list as read from disk (NUL-separated paths), computed on
    /// its bytes: each path is already a C string for `fstatat`, so no string is made.
    /// Nil when the list is empty or the root cannot be opened.
    private func fingerprint(watchList: [UInt8]) -> UInt64? {
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
        let hashes = bytes.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            return bounds.parallelMap { range in
                let path = UnsafeBufferPointer(rebasing: buffer[range])
                let stamp = buffer.baseAddress!.advanced(by: range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count + 1) {
                    FileStamp($0, relativeTo: directory)
                }
                return fnv1a(path, seed: stamp?.hash ?? 0)
            }
        }
        return hashes.withUnsafeBytes { fnv1a($0) }
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
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
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
        var text = "\(BuildCache.tool)\n\(channel.rawValue)\n\(configDigest)\n"
        for (path, source) in templates.sources.sorted(by: { $0.key < $1.key }) {
            text += "\(path)\n\(fnv1a(Array(source.utf8)))\n"
        }
        return fnv1a(Array(text.utf8))
    }
}

extension LoadedSite {
    /// The digest of every share file's bytes, by path.
    var shareDigests: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: projects.flatMap(\.shares).map { ($0.path, $0.digest) })
    }
}
