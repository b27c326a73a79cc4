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
        var diagnostics = loaded.diagnostics
        let config = ConfigRules.validate(loaded.config, into: &diagnostics)

        var projects: [Project] = []
        var credentials: [CheckedCredential] = []
        for project in loaded.projects {
            if !Formats.isProjectID(project.id) {
                diagnostics.append(.error(
                    "project.id", "project folder \"\(project.id)\" must match [a-z0-9][a-z0-9-]{0,62} or be a UUID",
                    at: SourceLocation(file: project.path)))
            }
            projects.append(Project(id: project.id, name: projectName(project, into: &diagnostics)))
            for document in project.credentials {
                if let credential = CredentialRules.validate(document, project: project.id, into: &diagnostics) {
                    credentials.append(credential)
                }
            }
        }
        CrossFileRules.checkCredentialUniqueness(credentials, into: &diagnostics)

        let work = loaded.projects.flatMap { project in project.shares.map { (project.id, $0) } }
        let results = work.parallelMap { project, document in
            ShareRules.validate(document, context: ShareRules.Context(config: config, project: project))
        }
        var checked: [CheckedShare] = []
        for (share, shareDiagnostics) in results {
            diagnostics += shareDiagnostics
            if let share { checked.append(share) }
        }
        for share in checked where share.share.status == .enabled && share.share.video.visibility == .public {
            if let reason = Formats.guessableReason(share.share.slug) {
                diagnostics.append(.warning(
                    "slug.guessable",
                    "public share slug \"\(share.share.slug)\" is guessable: \(reason). Anyone with the link can watch, so use a random slug (sharegen rotate-slug)",
                    at: CrossFileRules.location(share, share.slugPosition)))
            }
        }
        CrossFileRules.check(checked, credentials: credentials, into: &diagnostics)

        let shares = checked.map(\.share).sorted {
            ($0.channel, $0.project, $0.slug) < ($1.channel, $1.project, $1.slug)
        }
        // Every file that names a valid channel, including files that break other rules,
        // so that `check --channel` does not show another channel's errors.
        var channelOfFile: [String: Channel] = [:]
        for (_, document) in work {
            if let channel = document.value?["channel"]?.string.flatMap(Channel.init(rawValue:)) { channelOfFile[document.path] = channel }
        }
        let site = Site(config: config, projects: projects, shares: shares, credentials: credentials.map(\.credential).sorted { $0.id < $1.id })
        return ValidationResult(site: site, diagnostics: diagnostics.sortedForOutput(), channelOfFile: channelOfFile)
    }

    private func projectName(_ project: LoadedProject, into diagnostics: inout [Diagnostic]) -> String {
        guard let document = project.projectFile, let value = document.value,
              var reader = FieldReader(file: document.path, value: value, what: "project.json", diagnostics: &diagnostics) else {
            return project.id
        }
        defer { reader.flush(into: &diagnostics) }
        reader.rejectUnknownKeys(["name"], in: "project.json")
        guard let (name, position) = reader.string("name") else { return project.id }
        if name.trimmingWhitespace.isEmpty || name.count > 120 {
            reader.error("project.name", "project name must be 1 to 120 characters", at: position)
            return project.id
        }
        return name
    }
}
