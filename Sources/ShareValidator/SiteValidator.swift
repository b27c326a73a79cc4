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

/// Runs every rule of SPEC §2 over a loaded site and collects all diagnostics. The rules
/// come in two kinds: those of one share file (`checkShare`), pure in its bytes, project
/// and the configuration, and those of the whole site (`validate(_:config:outcomes:)`):
/// projects, credentials and the cross-file rules. A caller that holds the outcome of a
/// share file from before may hand it in instead of checking the file again.
public struct SiteValidator: Sendable {
    public init() {}

    /// Every rule over every file.
    public func validate(_ loaded: LoadedSite) -> ValidationResult {
        validate(loaded, config: Self.checkConfig(loaded.config)) { document, project, config in
            Self.checkShare(document, config: config, project: project)
        }
    }

    /// `sharegen.json` checked: the configuration every per-file rule reads.
    public struct CheckedConfig: Sendable {
        public var config: SiteConfig
        public var diagnostics: [Diagnostic]

        public init(config: SiteConfig, diagnostics: [Diagnostic]) {
            self.config = config
            self.diagnostics = diagnostics
        }
    }

    public static func checkConfig(_ document: SourceDocument?) -> CheckedConfig {
        var diagnostics: [Diagnostic] = []
        let config = ConfigRules.validate(document, into: &diagnostics)
        return CheckedConfig(config: config, diagnostics: diagnostics)
    }

    /// What the rules of one share file made of it, and the channel it names (even when
    /// other rules fail, for `check --channel`).
    public struct ShareOutcome: Sendable {
        var share: CheckedShare?
        var diagnostics: [Diagnostic]
        var channel: Channel?
    }

    /// The rules of one share file, and the warning about a guessable slug, which depends
    /// on that file alone.
    public static func checkShare(_ document: SourceDocument, config: SiteConfig, project: String) -> ShareOutcome {
        var (share, diagnostics) = ShareRules.validate(document, context: ShareRules.Context(config: config, project: project))
        if let share, share.share.status == .enabled, share.share.video.visibility == .public, let reason = Formats.guessableReason(share.share.slug) {
            diagnostics.append(.warning(
                "slug.guessable",
                "public share slug \"\(share.share.slug)\" is guessable: \(reason). Anyone with the link can watch, so use a random slug (sharegen rotate-slug)",
                at: CrossFileRules.location(share, share.slugPosition)))
        }
        return ShareOutcome(share: share, diagnostics: diagnostics, channel: document.value?["channel"]?.string.flatMap(Channel.init(rawValue:)))
    }

    /// The rules of the whole site over `loaded`, with `config` checked and the outcome of
    /// each share file (path, project) from `outcomes`, which runs on all cores.
    public func validate(
        _ loaded: LoadedSite, config checked: CheckedConfig,
        outcomes: @Sendable (_ document: SourceDocument, _ project: String, _ config: SiteConfig) -> ShareOutcome
    ) -> ValidationResult {
        var diagnostics = loaded.diagnostics + checked.diagnostics
        var checkedConfig = checked.config
        // No share rule reads the brand: `outcomes` is given the configuration without it.
        let shareConfig = checkedConfig
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
            let credentials = project.credentials.compactMap { CredentialRules.validate($0, project: project.id, into: &found) }
            return (Project(id: project.id, name: name ?? project.id, brand: brand), found, credentials)
        }
        for (project, found, checked) in checkedProjects {
            projects.append(project)
            diagnostics += found
            credentials += checked
        }
        CrossFileRules.checkCredentialUniqueness(credentials, into: &diagnostics)

        let work = loaded.projects.flatMap { project in project.shares.map { (project.id, $0) } }
        let results = work.parallelMap { project, document in outcomes(document, project, shareConfig) }
        var checked: [CheckedShare] = []
        // Every file that names a valid channel, including files that break other rules,
        // so that `check --channel` does not show another channel's errors.
        var channelOfFile: [String: Channel] = [:]
        for ((_, document), outcome) in zip(work, results) {
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
        return ValidationResult(site: site, diagnostics: diagnostics.sortedForOutput(), channelOfFile: channelOfFile)
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
