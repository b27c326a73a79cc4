import ShareLoader
import ShareModel
import ShareValidator

/// Names one share: SPEC §2 allows one per (project, channel, visibility).
public struct ShareSelector: Sendable, Hashable {
    public var project: String
    public var channel: Channel
    /// Needed only when the project has both a public and a private share in the channel.
    public var visibility: Visibility?

    public init(project: String, channel: Channel, visibility: Visibility? = nil) {
        self.project = project
        self.channel = channel
        self.visibility = visibility
    }
}

/// The fields a `put` sets: a JSON body, as for `PUT …/public-video-shares/{channel}`,
/// with single fields set on top. It is applied as an RFC 7396 merge patch: objects merge
/// field by field, `null` removes a field.
public struct SharePatch: Sendable {
    /// The merge patch: a JSON object.
    public private(set) var body: JSONValue

    /// An empty patch: it changes nothing.
    public init() {
        body = .object([])
    }

    /// Parses a body file strictly; its problems are usage errors that name their line.
    public init(json bytes: [UInt8], file: String) throws(LifecycleError) {
        let (value, diagnostics) = LocatedJSONParser.parse(bytes, file: file)
        if diagnostics.hasErrors || value == nil {
            throw .usage("\(file) is not valid JSON:\n" + DiagnosticFormatter(format: .text).render(diagnostics.sortedForOutput()).dropLast())
        }
        guard let value, value.members != nil else { throw .usage("\(file) must hold a JSON object, the share's fields") }
        body = value.json
    }

    /// Sets the field at a dotted path such as `video.hlsUrl`; `.null` removes it.
    public mutating func set(_ field: String, to value: JSONValue) {
        // Set, not merged: a `null` must stay in the patch to remove the field from the file.
        body = body.setting(value, at: field.split(separator: ".").map(String.init))
    }
}

/// What a share command did.
public struct ShareChange: Sendable {
    public enum Kind: Sendable, Equatable {
        case created, updated
        /// Nothing to do: the file already says so. Nothing was written.
        case unchanged
    }

    /// What happened to the file.
    public var kind: Kind
    /// The share file, relative to the site root.
    public var file: String
    /// The share's slug after the command.
    public var slug: String
    /// For `rotate-slug`: the slug before.
    public var previousSlug: String?
    /// The share's URL; nil when nothing was written.
    public var url: String?
    /// Warnings about the written file.
    public var warnings: [Diagnostic]
    /// The project folder this command created (`content/<id>`), if it was new.
    public var createdProject: String?
}

/// The lifecycle commands of SPEC §3 (`put`, `disable`, `restore`, `rotate-slug`,
/// `credentials`): each edits files in place under the site lock, records who and when,
/// validates the whole site as the edit would leave it, and writes atomically, or
/// refuses and writes nothing.
public struct SiteLifecycle: Sendable {
    /// The site root: it holds `content/` and `sharegen.json`.
    public let root: String
    public let environment: LifecycleEnvironment

    public init(root: String, environment: LifecycleEnvironment) {
        self.root = root
        self.environment = environment
    }

    /// Fields only sharegen writes; a `put` body must leave them out.
    static let managedFields = ["slug", "previousSlugs", "audit"]
    static let shareFieldOrder: [[String]: [String]] = [[]: FieldOrder.share, ["video"]: FieldOrder.video]

    /// Creates the share, or updates the fields `patch` names (an RFC 7396 merge patch:
    /// `null` removes a field). A new share gets a random slug and a `created` entry;
    /// an update keeps the slug and adds `updated`; an update that changes nothing is
    /// `.unchanged`. The share is chosen by `selector`, its visibility by
    /// `selector.visibility` or else the body's `video.visibility`.
    public func put(_ selector: ShareSelector, patch sharePatch: SharePatch) throws(LifecycleError) -> ShareChange {
        let (selector, patch) = try Self.checked(selector, sharePatch.body)
        return try SiteEdit.locked(root: root) { site throws(LifecycleError) in
            var taken = Self.usedSlugs(in: site)
            let staged = try stage(selector, patch: patch, in: site, at: environment.timestamp, taking: &taken)
            guard let change = staged.change else { return staged.result(url: nil, warnings: []) }
            let commit = try site.commit([change])
            return staged.result(url: commit.site.config.pageURL(of: staged.slug, in: selector.channel), warnings: commit.warnings)
        }
    }

    /// Refuses a body `put` cannot apply, and settles the selector's visibility from the
    /// body's `video.visibility` when the selector leaves it open.
    static func checked(_ selector: ShareSelector, _ patch: JSONValue) throws(LifecycleError) -> (ShareSelector, JSONValue) {
        for (key, _) in patch.objectMembers ?? [] where managedFields.contains(key) {
            throw .usage("\"\(key)\" is written by sharegen (rotate-slug and the audit trail); leave it out of the body")
        }
        if let channel = patch["channel"], channel != .string(selector.channel.rawValue) {
            throw .usage("the body's channel \(channel.serialized()) differs from the command's channel \(selector.channel.rawValue)")
        }
        if let description = patch["description"], description != .null, description.stringValue == nil {
            throw .usage("description must be a string (Markdown), found \(description.serialized())")
        }
        var selector = selector
        if let named = patch.value(at: ["video", "visibility"]) {
            guard let visibility = named.stringValue.flatMap(Visibility.init(rawValue:)) else {
                throw .usage("video.visibility must be \"public\" or \"private\", found \(named.serialized())")
            }
            if let chosen = selector.visibility, chosen != visibility {
                throw .usage("the body's video.visibility \(visibility.rawValue) differs from the chosen visibility \(chosen.rawValue) (--visibility, or a batch record's \"visibility\"); visibility never changes, a share of the other visibility is another share")
            }
            selector.visibility = visibility
        }
        return (selector, patch)
    }

    /// One share's create-or-update, worked out under the lock but not yet written.
    struct StagedShare {
        /// Nil when the file already says so.
        var change: FileChange?
        var kind: ShareChange.Kind
        var file: String
        var slug: String
        var visibility: Visibility
        var createdProject: String?

        func result(url: String?, warnings: [Diagnostic]) -> ShareChange {
            ShareChange(kind: kind, file: file, slug: slug, url: url, warnings: warnings, createdProject: createdProject)
        }
    }

    /// Works out `put`'s change of the share `selector` names; a new share's slug is drawn
    /// outside `taken`, which then holds it.
    func stage(
        _ selector: ShareSelector, patch: JSONValue, in site: SiteEdit, at now: String, taking taken: inout Set<String>
    ) throws(LifecycleError) -> StagedShare {
        guard let document = try SiteLifecycle.findShare(selector, in: site, creatingProject: true) else {
            return try stageCreation(selector, patch: patch, in: site, at: now, taking: &taken)
        }
        let visibility = document.value?["video"]?["visibility"]?.string.flatMap(Visibility.init(rawValue:)) ?? .public
        guard let edited = try stageEdit(document, in: site, at: now, { editor, _ throws(EditError) in
            try editor.applyMergePatch(patch)
            return .updated
        }) else {
            return StagedShare(change: nil, kind: .unchanged, file: document.path, slug: document.value?["slug"]?.string ?? "", visibility: visibility)
        }
        return StagedShare(
            change: FileChange(path: document.path, bytes: edited.editor.bytes, isNew: false), kind: .updated, file: document.path,
            slug: edited.editor.intended["slug"]?.stringValue ?? "", visibility: visibility)
    }

    /// Sets the share's `status`; disabling a disabled share (or restoring an enabled one)
    /// is `.unchanged`, with no second audit entry.
    public func setStatus(_ status: ShareStatus, of selector: ShareSelector) throws(LifecycleError) -> ShareChange {
        try withShare(selector) { site, document throws(LifecycleError) in
            try edit(document, in: site) { editor, _ throws(EditError) in
                let current = editor.intended["status"]?.stringValue ?? ShareStatus.enabled.rawValue
                guard current != status.rawValue else { return nil }
                try editor.set(["status"], to: .string(status.rawValue))
                return status == .disabled ? .disabled : .restored
            }
        }
    }

    /// Gives the share a new random slug and records the old one in `previousSlugs`:
    /// `gone` answers 410, `redirect` leads to the new slug.
    public func rotateSlug(of selector: ShareSelector, mode: RotationMode) throws(LifecycleError) -> ShareChange {
        try withShare(selector) { site, document throws(LifecycleError) in
            var taken = Self.usedSlugs(in: site)
            let slug = newSlug(taking: &taken)
            return try edit(document, in: site) { editor, now throws(EditError) in
                guard let previous = editor.intended["slug"]?.stringValue else { throw EditError(reason: "it has no slug to rotate") }
                try editor.set(["slug"], to: .string(slug))
                try editor.append(.object([
                    ("slug", .string(previous)), ("rotatedAt", .string(now)),
                    ("rotatedBy", .string(environment.actor)), ("mode", .string(mode.rawValue)),
                ]), to: ["previousSlugs"])
                return .slugRotated
            }
        }
    }

    // MARK: Steps

    /// Runs `body` under the site lock with the share file of `selector`, which must exist.
    private func withShare(
        _ selector: ShareSelector, _ body: (SiteEdit, SourceDocument) throws(LifecycleError) -> ShareChange
    ) throws(LifecycleError) -> ShareChange {
        try SiteEdit.locked(root: root) { site throws(LifecycleError) in
            guard let document = try SiteLifecycle.findShare(selector, in: site) else {
                let visibility = selector.visibility.map { " \($0.rawValue)" } ?? ""
                throw .usage("project \(selector.project) has no\(visibility) share in \(selector.channel.rawValue); create one with `sharegen put`")
            }
            return try body(site, document)
        }
    }

    /// The share file of `selector`, or nil when there is none yet.
    static func findShare(_ selector: ShareSelector, in site: SiteEdit, creatingProject: Bool = false) throws(LifecycleError) -> SourceDocument? {
        let project = try SiteLifecycle.project(selector.project, in: site, creating: creatingProject)
        let matches = project.shares.filter { document in
            guard document.value?["channel"]?.string == selector.channel.rawValue else { return false }
            let visibility = document.value?["video"]?["visibility"]?.string ?? Visibility.public.rawValue
            return selector.visibility.map { $0.rawValue == visibility } ?? true
        }
        guard matches.count <= 1 else {
            let files = matches.map(\.path).joined(separator: ", ")
            if selector.visibility == nil {
                throw .usage("project \(selector.project) has several shares in \(selector.channel.rawValue) (\(files)); choose one by visibility: --visibility public|private, or \"visibility\" in a batch record")
            }
            throw .refused("project \(selector.project) has several \(selector.visibility!.rawValue) shares in \(selector.channel.rawValue) (\(files)); only one is allowed, fix that first (sharegen check)")
        }
        return matches.first
    }

    /// The loaded project `id`; the usage error for an unknown one lists the projects.
    /// With `creating`, an unknown but well-formed id is a new, empty project whose folder
    /// the first file written into it creates.
    static func project(_ id: String, in site: SiteEdit, creating: Bool = false) throws(LifecycleError) -> LoadedProject {
        if let project = site.project(id) { return project }
        guard creating else {
            let known = site.loaded.projects.map(\.id).joined(separator: ", ")
            throw .usage("no project \"\(id)\": there is no folder content/\(id)/ (projects: \(known.isEmpty ? "none" : known))")
        }
        try checkNewProjectID(id)
        return LoadedProject(id: id, path: joinPath(SiteLoader.contentDirectory, id), projectFile: nil, shares: [], credentials: [])
    }

    /// Refuses an id a new project folder cannot have (the `project.id` rule).
    static func checkNewProjectID(_ id: String) throws(LifecycleError) {
        guard Formats.isProjectID(id) else {
            throw .usage("cannot create project \"\(id)\": a project id must match [a-z0-9][a-z0-9-]{0,62} or be a UUID [project.id]")
        }
    }

    /// The folder of `project` when this command is creating it, for the caller to say so.
    static func createdFolder(_ project: LoadedProject, in site: SiteEdit) -> String? {
        site.project(project.id) == nil ? project.path : nil
    }

    /// Edits an existing share file. `body` makes the change and names the audit action,
    /// or returns nil when there is nothing to do; it gets the time to record, so that all
    /// entries of one command carry the same.
    private func edit(
        _ document: SourceDocument, in site: SiteEdit, _ body: (inout DocumentEditor, String) throws(EditError) -> AuditAction?
    ) throws(LifecycleError) -> ShareChange {
        let previousSlug = document.value?["slug"]?.string
        guard let (editor, action) = try stageEdit(document, in: site, at: environment.timestamp, body) else {
            return ShareChange(kind: .unchanged, file: document.path, slug: previousSlug ?? "", url: nil, warnings: [], createdProject: nil)
        }
        let commit = try site.commit([FileChange(path: document.path, bytes: editor.bytes, isNew: false)])
        let slug = editor.intended["slug"]?.stringValue ?? ""
        return ShareChange(
            kind: .updated, file: document.path, slug: slug, previousSlug: action == .slugRotated ? previousSlug : nil,
            url: url(slug, editor.intended, commit.site), warnings: commit.warnings, createdProject: nil)
    }

    /// The edited text of a share file with its audit entry, or nil when `body` finds
    /// nothing to do or the edit changes no byte.
    private func stageEdit(
        _ document: SourceDocument, in site: SiteEdit, at now: String, _ body: (inout DocumentEditor, String) throws(EditError) -> AuditAction?
    ) throws(LifecycleError) -> (editor: DocumentEditor, action: AuditAction)? {
        let original = try site.read(document.path)
        do throws(EditError) {
            var editor = try DocumentEditor(file: document.path, format: document.format, bytes: original, fieldOrder: Self.shareFieldOrder)
            guard let action = try body(&editor, now), editor.bytes != original else { return nil }
            try editor.append(auditEntry(action, at: now), to: ["audit"])
            try editor.verify()
            return (editor, action)
        } catch {
            throw .refused("cannot edit \(document.path) in place: \(error.reason); fix it by hand first (sharegen check)")
        }
    }

    /// A new share file, `<channel>[-private].json`, in JSON with the documented field order.
    private func stageCreation(
        _ selector: ShareSelector, patch: JSONValue, in site: SiteEdit, at now: String, taking taken: inout Set<String>
    ) throws(LifecycleError) -> StagedShare {
        let missing = Self.requiredForCreate.filter { path in
            patch.value(at: path.split(separator: ".").map(String.init)).map { $0 == .null } ?? true
        }
        if !missing.isEmpty { throw .missingFields(missing) }
        let project = try SiteLifecycle.project(selector.project, in: site, creating: true)
        let visibility = selector.visibility ?? .public
        let name = selector.channel.rawValue.lowercased() + (visibility == .private ? "-private" : "") + ".json"
        let path = joinPath(project.path, "shares", name)
        if site.exists(path) {
            throw .refused("\(path) already exists and holds another share; rename it to create the \(visibility.rawValue) \(selector.channel.rawValue) share")
        }
        let slug = newSlug(taking: &taken)
        var fields = JSONValue.object([
            ("channel", .string(selector.channel.rawValue)), ("slug", .string(slug)), ("status", .string(ShareStatus.enabled.rawValue)),
        ]).merged(with: patch)
        fields = fields.setting(.string(visibility.rawValue), at: ["video", "visibility"])
        fields = Self.ordered(fields, by: FieldOrder.share)
        if let video = fields["video"] { fields = fields.setting(Self.ordered(video, by: FieldOrder.video), at: ["video"]) }
        fields = fields.setting(.array([auditEntry(.created, at: now)]), at: ["audit"])
        let bytes = Array((JSONLayout().render(fields, indent: "") + "\n").utf8)
        return StagedShare(
            change: FileChange(path: path, bytes: bytes, isNew: true), kind: .created, file: path, slug: slug, visibility: visibility,
            createdProject: Self.createdFolder(project, in: site))
    }

    /// Fields a share cannot be created without (SPEC §2), checked before the file exists
    /// so the refusal names them rather than a line of a file never written.
    static let requiredForCreate = ["publicTitle", "video.id"]

    private func auditEntry(_ action: AuditAction, at time: String) -> JSONValue {
        .object([("action", .string(action.rawValue)), ("at", .string(time)), ("by", .string(environment.actor))])
    }

    /// Every slug the site's shares use or used.
    static func usedSlugs(in site: SiteEdit) -> Set<String> {
        var used = Set<String>()
        for project in site.loaded.projects {
            for document in project.shares {
                if let slug = document.value?["slug"]?.string { used.insert(slug) }
                for previous in document.value?["previousSlugs"]?.elements ?? [] {
                    if let slug = previous["slug"]?.string { used.insert(slug) }
                }
            }
        }
        return used
    }

    /// A random slug outside `taken` (which then holds it), and that the guessable-slug
    /// warning would not flag (a random run of letters can spell a word).
    private func newSlug(taking taken: inout Set<String>) -> String {
        while true {
            let slug = RandomTokens.slug(environment.randomBytes)
            if Formats.guessableReason(slug) == nil, taken.insert(slug).inserted { return slug }
        }
    }

    private func url(_ slug: String, _ fields: JSONValue, _ site: Site) -> String? {
        guard let channel = fields["channel"]?.stringValue.flatMap(Channel.init(rawValue:)) else { return nil }
        return site.config.pageURL(of: slug, in: channel)
    }

    /// The object's members in `order`; unknown members keep their place after them.
    static func ordered(_ value: JSONValue, by order: [String]) -> JSONValue {
        guard let members = value.objectMembers else { return value }
        let ranked = members.enumerated().sorted { a, b in
            (order.firstIndex(of: a.element.0) ?? order.count, a.offset) < (order.firstIndex(of: b.element.0) ?? order.count, b.offset)
        }
        return .object(ranked.map(\.element))
    }
}
