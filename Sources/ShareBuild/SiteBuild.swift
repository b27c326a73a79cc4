import Dispatch
import ShareEmitter
import ShareLoader
import ShareModel
import ShareRenderer
import ShareValidator

/// The whole pipeline behind `sharegen build`: load, validate every channel, render
/// one, emit atomically; incremental through the layer around it (`Incremental`).
public struct SiteBuild: Sendable {
    /// Part of what every stored build is keyed by: bump when output changes for the same input.
    public static let version = "0.1.0"

    public enum Failure: Error, Sendable {
        /// The content (or a template) is invalid; nothing was written.
        case invalid([Diagnostic])
        /// Output could not be written; the previous output is untouched.
        case output(EmitError)
    }

    public struct Outcome: Sendable {
        /// What the output holds; nil when no input changed since the last build.
        public var built: Built?
        public var report: EmitReport
        /// Warnings (the build succeeded).
        public var diagnostics: [Diagnostic]
        /// The source lines of the warnings' excerpts that the build knows, by file and line:
        /// a build that read no file reports its warnings without reading them either.
        public var excerpts: [String: [Int: String]] = [:]
        /// Shares whose files were carried over from the last build without rendering.
        public var reusedShares: Int
        /// Share files whose validation outcome was taken from the last build instead of
        /// parsing and checking them, and all share files.
        public var recalledShareFiles = 0
        public var shareFiles = 0
        /// Wall time of each stage in seconds, in order, for `--timings`.
        public var timings: [(stage: String, seconds: Double)] = []
    }

    public struct Built: Sendable, Equatable {
        /// Landing pages of Enabled shares.
        public var pages: Int
        /// Disabled, gone and redirect stubs.
        public var stubs: Int
    }

    public let fileSystem: LocalFileSystem
    public let root: String
    /// Told what each stage of `run` is about to do ("rendering 3000 shares"), for a
    /// progress line on a terminal.
    public var progress: (@Sendable (String) -> Void)?
    /// The wall clock in seconds, compared with file times (see `InputStamps.racyWindow`);
    /// replaceable so a test can build as if its files had been written long before.
    let now: @Sendable () -> Double

    public init(root: String, fileSystem: LocalFileSystem = LocalFileSystem(), now: @escaping @Sendable () -> Double = FileStamp.now) {
        self.root = root
        self.fileSystem = fileSystem
        self.now = now
    }

    /// Validates the site and renders `channel` without writing anything.
    public func render(channel: Channel) -> Result<(RenderedSite, [Diagnostic]), Failure> {
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        let validated = FileMemo.empty.loadAndValidate(loader.discover(), with: loader)
        return Self.checked(validated.result, TemplateSet.load(fileSystem: fileSystem, root: root)).map { templates in
            (SiteRenderer(templates: templates).render(validated.result.site, channel: channel), validated.result.diagnostics)
        }
    }

    /// The templates, when neither they nor the site has an error.
    static func checked(_ validation: ValidationResult, _ templates: Result<TemplateSet, DiagnosticList>) -> Result<TemplateSet, Failure> {
        var diagnostics = validation.diagnostics
        if case .failure(let problems) = templates { diagnostics += problems.diagnostics }
        guard !diagnostics.hasErrors, case .success(let templates) = templates else {
            return .failure(.invalid(diagnostics.sortedForOutput()))
        }
        return .success(templates)
    }

    /// Validates, renders and writes `channel` to `output`: load → validate → render →
    /// emit. With `incremental`, the layer around them (`Incremental`) finds what changed
    /// since the last build of `output`: a build whose inputs did not change does nothing,
    /// share files that did not change are not checked again, and the files of shares
    /// that did not change are linked from the current output instead of rendered.
    public func run(channel: Channel, output: String, incremental: Bool = true) -> Result<Outcome, Failure> {
        var clock = StageClock()
        clock.report = progress
        clock.begin("looking for changes")
        let layer = Incremental(root: root, output: output, channel: channel, fileSystem: fileSystem, started: now(), enabled: incremental)
        let inputs: Incremental.Inputs
        switch layer.scan() {
        case .upToDate(let warnings):
            clock.lap("stat check")
            return .success(Outcome(
                built: nil, report: EmitReport(written: 0, unchanged: 0), diagnostics: warnings.diagnostics, excerpts: warnings.byLine, reusedShares: 0,
                timings: clock.laps))
        case .changed(let scanned):
            if let edit = layer.edit(scanned), let outcome = runEdit(edit, layer, clock) { return outcome }
            inputs = layer.inputs(scanned)
            clock.lap(inputs.walked ? "fingerprint" : "stat check")
        }

        clock.begin("loading and validating \(inputs.discovery.inputPaths.count) files")
        var validated = layer.loadAndValidate(inputs)
        let templates: TemplateSet
        switch Self.checked(validated.result, TemplateSet.load(fileSystem: fileSystem, root: root)) {
        case .failure(let failure): return .failure(failure)
        case .success(let checked): templates = checked
        }
        let (site, diagnostics) = (validated.result.site, validated.result.diagnostics)
        clock.lap("load and validate")

        clock.begin("planning what to render")
        let plan = layer.plan(validated, templates: templates)
        let (recalled, shareFiles) = (validated.recalled, plan.digests.count)
        // Handed over whole, so that it is freed as soon as it is written; the loaded files
        // are not needed past the plan, and are freed before rendering reaches its peak.
        let (memo, loaded) = (validated.memo, validated.loaded)
        (validated.memo, validated.loaded) = (.empty, .empty)
        releaseInBackground(consume loaded)
        let storing = DispatchGroup()
        let store = layer.keep(consume memo, in: storing)
        clock.lap("plan")

        // The output is as it was, and so is the store.
        func failed(_ error: EmitError) -> Result<Outcome, Failure> {
            layer.abandon(store, written: storing)
            return .failure(.output(error))
        }

        clock.begin("rendering and writing \(plan.sources.count - plan.carried.count) of \(plan.sources.count) \(channel.rawValue) shares")
        let renderer = SiteRenderer(templates: templates)
        var emitted: (plan: Incremental.Plan, summary: RenderSummary, report: EmitReport, record: OutputRecord)
        do {
            emitted = try renderAndEmit(renderer, site, plan, layer)
        } catch .missingPrevious {
            // The output was changed by hand: render everything into a fresh tree.
            do {
                emitted = try renderAndEmit(renderer, site, plan.fromScratch, layer)
            } catch {
                return failed(error)
            }
        } catch {
            return failed(error)
        }
        clock.lap("render and emit")

        clock.begin("recording the build")
        storing.wait()
        let warnings = layer.excerpted(diagnostics)
        if let store { layer.record(store, inputs, emitted.plan, warnings: warnings, summary: emitted.summary, output: emitted.record) }
        clock.lap("store")
        // Freed on another thread once this returns: dropping thousands of shares here held up the exit.
        releaseInBackground((validated, site))
        return .success(Outcome(
            built: Built(pages: emitted.summary.pageCount, stubs: emitted.summary.stubCount), report: emitted.report, diagnostics: diagnostics, excerpts: warnings.byLine,
            reusedShares: emitted.plan.carried.count,
            recalledShareFiles: recalled, shareFiles: shareFiles, timings: clock.laps))
    }

    /// An edit of share files alone that leaves what the whole site reads of each as it
    /// was (see `Incremental.patch`): the pipeline runs on their projects, and the last
    /// build's output and record are patched. Nil when the edit reaches further, or the
    /// output was changed by hand: the caller builds the whole site.
    private func runEdit(_ edit: Incremental.Edit, _ layer: Incremental, _ clock: StageClock) -> Result<Outcome, Failure>? {
        var clock = clock
        clock.lap("stat check")
        clock.begin("loading and validating \(edit.files.count) edited files")
        let validated = layer.loadAndValidate(edit)
        guard case .success(let templates) = Self.checked(validated.result, TemplateSet.load(fileSystem: fileSystem, root: root)) else { return nil }
        clock.lap("load and validate")
        guard let patch = layer.patch(edit, validated, renderer: SiteRenderer(templates: templates)) else { return nil }
        clock.lap("render")
        var report = EmitReport(written: 0, unchanged: edit.previousOutput.files.count)
        var record: OutputRecord?
        var touched: Incremental.Touched?
        let storing = DispatchGroup()
        let store = layer.keep(patch, edit, in: storing)
        if !patch.files.isEmpty {
            touched = layer.touched(edit, patch)
            do {
                let transaction = try Emitter(fileSystem: fileSystem).begin(layer.output, standby: layer.standby, previous: edit.previousOutput)
                for file in patch.files { transaction.write(file) }
                if let manifest = patch.manifest { transaction.write(path: Emitter.marker, patching: manifest) }
                transaction.reuseRest()
                layer.forget()
                (report, record) = try transaction.commit()
            } catch {
                // The output is as it was, and so is the store.
                layer.abandon(store, written: storing)
                guard case .missingPrevious = error else { return .failure(.output(error)) }
                return nil
            }
        }
        clock.lap("emit")
        storing.wait()
        if let store { layer.record(store, patch, edit, output: record, touched: touched) }
        clock.lap("store")
        let counts = edit.previous.counts
        return .success(Outcome(
            built: Built(pages: counts.pages, stubs: counts.stubs), report: report, diagnostics: patch.warnings.diagnostics,
            excerpts: patch.excerpts,
            reusedShares: edit.ledger.shares.count - patch.rendered, recalledShareFiles: patch.recalled,
            shareFiles: counts.shareFiles, timings: clock.laps))
    }

    /// Streams rendered files straight into the new output tree, then swaps it in.
    private func renderAndEmit(
        _ renderer: SiteRenderer, _ site: Site, _ plan: Incremental.Plan, _ layer: Incremental
    ) throws(EmitError) -> (plan: Incremental.Plan, summary: RenderSummary, report: EmitReport, record: OutputRecord) {
        let transaction = try Emitter(fileSystem: fileSystem).begin(layer.output, standby: layer.standby, previous: plan.previousOutput)
        let summary = renderer.render(site, channel: layer.channel, shares: plan.rendering, manifestEntry: plan.manifestEntry, to: transaction)
        transaction.reuse(plan.carried.values.flatMap { $0 }.sorted())
        layer.forget()
        let (report, record) = try transaction.commit()
        return (plan, summary, report, record)
    }
}
