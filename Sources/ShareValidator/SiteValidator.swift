import ShareLoader
import ShareModel

/// The outcome of validation: the site built from every definition that passed its
/// own rules, and every diagnostic. The site is usable only when `isValid`.
public struct ValidationResult: Sendable {
    public var site: Site
    /// Sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// The channel of each share file that declared a valid one, for `--channel` filters.
    public var channelOfFile: [String: Channel]

    public var isValid: Bool { !diagnostics.hasErrors }

    /// Diagnostics that concern `channel`: those of its share files, those that name one
    /// of them, and every diagnostic not tied to a share of another channel.
    public func diagnostics(for channel: Channel?) -> [Diagnostic] {
        guard let channel else { return diagnostics }
        return diagnostics.filter { diagnostic in
            let files = [diagnostic.file] + diagnostic.related.map(\.file)
            let channels = files.compactMap { channelOfFile[$0] }
            return channels.isEmpty || channels.contains(channel)
        }
    }
}

/// Runs every rule of SPEC §2 over a loaded site and collects all diagnostics.
public struct SiteValidator: Sendable {
    public init() {}

    public func validate(_ loaded: LoadedSite) -> ValidationResult {
        validate(loaded, reusing: nil).result
    }

    /// `validate(_:)` for a site that changed a little since `memo` was made (`sharegen serve`):
    /// the rules of one file run again only for files whose bytes, project or configuration
    /// changed; the cross-file rules run over everything, as always.
    public func validate(_ loaded: LoadedSite, reusing memo: ValidationMemo?) -> (result: ValidationResult, memo: ValidationMemo) {
        validate(loaded, memo: memo, oneCheckedPass: nil)
    }

    /// What the per-file rules made of one share file, and the channel it names (even
    /// when other rules fail, for `check --channel`).
    public struct ShareOutcome: Sendable {
        var share: CheckedShare?
        var diagnostics: [Diagnostic]
        var channel: Channel?
    }

    /// Reads and validates the files of `discovery` in one pass: each share file is
    /// checked in the task that parsed it and its tree dropped there, so a build never
    /// holds the parsed trees of every share (see `SiteLoader.load(_:summarizingShares:)`).
    /// The result is `validate(loader.load(discovery))`'s; the loaded site's shares carry
    /// no values. Share files that `recalling` (the last build's `outcomes`) holds with
    /// the same bytes, project and configuration are not parsed or checked again.
    /// `unchangedDigest` gives the digest of a share file known unchanged since it was
    /// last read: its outcome is recalled under that digest without reading it.
    public func load(
        _ discovery: SiteLoader.Discovery, with loader: SiteLoader, recalling known: ShareOutcomes? = nil,
        unchangedDigest: (@Sendable (String) -> UInt64?)? = nil
    ) -> (loaded: LoadedSite, result: ValidationResult, outcomes: ShareOutcomes) {
        var checkedConfig: (config: SiteConfig, diagnostics: [Diagnostic])?
        var configDigest: UInt64 = 0
        let (loaded, outcomes) = loader.load(discovery) { configDocument in
            var found: [Diagnostic] = []
            let config = ConfigRules.validate(configDocument, into: &found)
            checkedConfig = (config, found)
            let digest = configDocument?.digest ?? 0
            configDigest = digest
            let known = known?.configDigest == digest ? known : nil
            return SiteLoader.Summarizer(
                summarize: { document, project in
                    ShareOutcomes.Entry(digest: document.digest, project: project, outcome: Self.outcome(document, config: config, project: project))
                },
                recall: known.map { known in { path, digest, project in known.recall(path, digest: digest, project: project) } },
                unchangedDigest: unchangedDigest)
        }
        // `load(_:summarizingShares:)` makes its summarizer exactly once, before any share.
        let (config, configDiagnostics) = checkedConfig!
        let result = validate(loaded, memo: nil, oneCheckedPass: (config, configDiagnostics, outcomes)).result
        // Kept for the next build: outcomes of share files that parsed without a diagnostic
        // (an unreadable file, whose digest is 0, has one too).
        var kept = outcomes
        for file in Set(loaded.diagnostics.map(\.file)) { kept.removeValue(forKey: file) }
        // The files whose outcome was recalled: same bytes, project and configuration.
        let usable = known?.configDigest == configDigest ? known : nil
        let recalled = usable.map { known in
            kept.count { path, entry in known.entries[path].map { ($0.digest, $0.project) == (entry.digest, entry.project) } ?? false }
        } ?? 0
        return (loaded, result, ShareOutcomes(
            configDigest: configDigest, entries: kept, recalled: recalled, sameAsRecalled: recalled == kept.count && recalled == usable?.entries.count))
    }

    /// `oneCheckedPass`: the configuration and share outcomes `load(_:with:)` already
    /// checked; such a caller never validates again, so no memo is filled for it.
    private func validate(
        _ loaded: LoadedSite, memo: ValidationMemo?,
        oneCheckedPass: (config: SiteConfig, diagnostics: [Diagnostic], outcomes: [String: ShareOutcomes.Entry])?
    ) -> (result: ValidationResult, memo: ValidationMemo) {
        var diagnostics = loaded.diagnostics
        var checkedConfig: SiteConfig
        if let oneCheckedPass {
            checkedConfig = oneCheckedPass.config
            diagnostics += oneCheckedPass.diagnostics
        } else {
            checkedConfig = ConfigRules.validate(loaded.config, into: &diagnostics)
        }
        let remember = oneCheckedPass == nil
        let memo = memo?.config == checkedConfig ? memo : nil
        var next = ValidationMemo(config: checkedConfig)
        // No share rule reads the brand: the memo's configuration goes without it.
        checkedConfig.brand = BrandRules.siteBrand(loaded, name: checkedConfig.siteName, into: &diagnostics)
        let config = checkedConfig

        var projects: [Project] = []
        var credentials: [CheckedCredential] = []
        // Each project on its own: thousands of them are most of the work outside share files.
        let checkedProjects = loaded.projects.parallelMap { project in
            var found: [Diagnostic] = []
            if !Formats.isProjectID(project.id) {
                found.append(.error(
                    "project.id", "project folder \"\(project.id)\" must match [a-z0-9][a-z0-9-]{0,62} or be a UUID",
                    at: SourceLocation(file: project.path)))
            }
            let (name, brand) = projectFile(project, siteBrand: config.brand, into: &found)
            let credentials = project.credentials.map { document in
                memo?.recall(\.credentials, document, project: project.id) ?? {
                    var found: [Diagnostic] = []
                    return (CredentialRules.validate(document, project: project.id, into: &found), found)
                }()
            }
            return (Project(id: project.id, name: name ?? project.id, brand: brand), found, credentials)
        }
        for (loadedProject, (project, found, checked)) in zip(loaded.projects, checkedProjects) {
            projects.append(project)
            diagnostics += found
            for (document, (credential, found)) in zip(loadedProject.credentials, checked) {
                if remember { next.credentials[document.path] = ValidationMemo.Entry(digest: document.digest, project: project.id, result: credential, diagnostics: found) }
                diagnostics += found
                if let credential { credentials.append(credential) }
            }
        }
        CrossFileRules.checkCredentialUniqueness(credentials, into: &diagnostics)

        let work = loaded.projects.flatMap { project in project.shares.map { (project.id, $0) } }
        // A pass that checked the files already has their outcomes: looked up one by one,
        // not copied into a second array of every share (40 MB at 100,000 shares).
        let results: [ShareOutcome]? = oneCheckedPass != nil ? nil : work.parallelMap { project, document in
            if let (share, found) = memo?.recall(\.shares, document, project: project) {
                return ShareOutcome(share: share, diagnostics: found, channel: Self.declaredChannel(document))
            }
            return Self.outcome(document, config: config, project: project)
        }
        var checked: [CheckedShare] = []
        // Every file that names a valid channel, including files that break other rules,
        // so that `check --channel` does not show another channel's errors.
        var channelOfFile: [String: Channel] = [:]
        for (index, (project, document)) in work.enumerated() {
            let outcome = results?[index] ?? oneCheckedPass?.outcomes[document.path]?.outcome ?? ShareOutcome(share: nil, diagnostics: [], channel: nil)
            if remember {
                next.shares[document.path] = ValidationMemo.Entry(digest: document.digest, project: project, result: outcome.share, diagnostics: outcome.diagnostics)
            }
            diagnostics += outcome.diagnostics
            if let share = outcome.share { checked.append(share) }
            if let channel = outcome.channel { channelOfFile[document.path] = channel }
        }
        // The cross-file rules and the sort are independent: one core each.
        // Sorted by index: a sorted copy of every checked share would be 45 MB at 100,000.
        let (crossFile, shares) = concurrently({ [checked, credentials] in CrossFileRules.check(checked, credentials: credentials) }) { [checked] in
            checked.indices.sorted {
                let (first, second) = (checked[$0].share, checked[$1].share)
                return (first.channel, first.project, first.slug) < (second.channel, second.project, second.slug)
            }.map { checked[$0].share }
        }
        diagnostics += crossFile
        let site = Site(config: config, projects: projects, shares: shares, credentials: credentials.map(\.credential).sorted { $0.id < $1.id })
        return (ValidationResult(site: site, diagnostics: diagnostics.sortedForOutput(), channelOfFile: channelOfFile), next)
    }

    private static func outcome(_ document: SourceDocument, config: SiteConfig, project: String) -> ShareOutcome {
        let (share, found) = checkShare(document, config: config, project: project)
        return ShareOutcome(share: share, diagnostics: found, channel: declaredChannel(document))
    }

    private static func declaredChannel(_ document: SourceDocument) -> Channel? {
        document.value?["channel"]?.string.flatMap(Channel.init(rawValue:))
    }

    /// The field rules of one share file, and the warning about a guessable slug, which
    /// depends on that file alone.
    private static func checkShare(_ document: SourceDocument, config: SiteConfig, project: String) -> (CheckedShare?, [Diagnostic]) {
        var (share, diagnostics) = ShareRules.validate(document, context: ShareRules.Context(config: config, project: project))
        if let share, share.share.status == .enabled, share.share.video.visibility == .public, let reason = Formats.guessableReason(share.share.slug) {
            diagnostics.append(.warning(
                "slug.guessable",
                "public share slug \"\(share.share.slug)\" is guessable: \(reason). Anyone with the link can watch, so use a random slug (sharegen rotate-slug)",
                at: CrossFileRules.location(share, share.slugPosition)))
        }
        return (share, diagnostics)
    }

    /// The project's name (nil when `project.json` gives none) and its brand: the site's
    /// with the project's keys, named after the project or else the site.
    private func projectFile(_ project: LoadedProject, siteBrand: Brand, into diagnostics: inout [Diagnostic]) -> (String?, Brand) {
        guard let document = project.projectFile, let value = document.value,
              var reader = FieldReader(file: document.path, value: value, what: "project.json", diagnostics: &diagnostics) else {
            return (nil, siteBrand)
        }
        defer { reader.flush(into: &diagnostics) }
        reader.rejectUnknownKeys(["name", "brand"], in: "project.json")
        let keys = BrandRules.read(document, assets: project.assets, folder: joinPath(project.path, SiteLoader.assetsDirectory), into: &reader.diagnostics)
        var name: String?
        if let (text, position) = reader.string("name") {
            if text.trimmingWhitespace.isEmpty || text.count > 120 {
                reader.error("project.name", "project name must be 1 to 120 characters", at: position)
            } else {
                name = text
            }
        }
        return (name, (keys ?? BrandRules.Keys()).applied(to: siteBrand, name: name ?? siteBrand.name))
    }
}

/// The per-file outcomes of one validation, for the next one to reuse.
public struct ValidationMemo: Sendable {
    struct Entry<Result: Sendable>: Sendable {
        var digest: UInt64
        var project: String
        var result: Result?
        var diagnostics: [Diagnostic]
    }

    /// Every per-file rule reads the configuration: another one invalidates everything.
    let config: SiteConfig
    var shares: [String: Entry<CheckedShare>] = [:]
    var credentials: [String: Entry<CheckedCredential>] = [:]

    /// The remembered outcome for `document`, unless its bytes or project changed. A
    /// document never read has no digest, so it is always checked again.
    func recall<Result>(_ entries: KeyPath<ValidationMemo, [String: Entry<Result>]>, _ document: SourceDocument, project: String) -> (Result?, [Diagnostic])? {
        guard document.digest != 0, let entry = self[keyPath: entries][document.path], entry.digest == document.digest, entry.project == project else {
            return nil
        }
        return (entry.result, entry.diagnostics)
    }
}
