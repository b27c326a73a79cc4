import ShareLoader
import ShareModel
import ShareRenderer

/// What `sharegen diff` compares and what it tolerates.
public struct DiffOptions: Sendable {
    /// The one channel to report on; nil for every channel.
    public var channel: Channel?
    /// Accept deleted share files and deleted revoked credentials instead of failing.
    public var allowRemoval: Bool

    public init(channel: Channel? = nil, allowRemoval: Bool = false) {
        self.channel = channel
        self.allowRemoval = allowRemoval
    }
}

/// Compares the site at a Git ref with the working tree: what viewers will see change, and
/// which changes break promises already made to them (SPEC §3, `sharegen diff`).
public struct SiteDiffer: Sendable {
    public var options: DiffOptions

    public init(options: DiffOptions = DiffOptions()) {
        self.options = options
    }

    /// Reads the site at `ref` through Git, in `root` (a folder of the work tree), and
    /// compares `head`, normally the site loaded from `root` on disk, with it.
    public func compare(gitRef ref: String, root: String, head: SiteVersion) throws(GitError) -> DiffReport {
        let tree = try GitTreeFileSystem(directory: root, ref: ref, paths: [SiteLoader.configFile, SiteLoader.contentDirectory])
        return compare(base: SiteVersion(fileSystem: tree, root: ""), head: head, ref: ref)
    }

    /// Compares `head` with `base`, the site at `ref`. An invalid `head` is not compared:
    /// the report then carries its diagnostics.
    public func compare(base: SiteVersion, head: SiteVersion, ref: String) -> DiffReport {
        let channels = options.channel.map { [$0] } ?? Channel.allCases
        let headDiagnostics = head.validation.diagnostics(for: options.channel)
        guard !headDiagnostics.hasErrors else {
            return DiffReport(ref: ref, channels: channels, workingTreeIsValid: false, diagnostics: headDiagnostics)
        }
        var comparison = Comparison(base: base, head: head, options: options, report: DiffReport(ref: ref, channels: channels))
        comparison.run()
        return comparison.report
    }
}

/// Identifies a share within one version: a file holds one share, in one channel.
private struct ShareKey: Hashable {
    var file: String
    var channel: Channel

    init(_ share: Share) {
        file = share.sourceFile
        channel = share.channel
    }
}

/// Pairs each share at the ref with its successor in the working tree. A share is the same
/// when it stays in its file; else when it carries the old slug, current or rotated away
/// (a renamed file); else when it keeps its (project, channel, visibility), which a site
/// holds only once. Shares never change channel: a share moved to another channel is a
/// removal and an addition, since every URL of it changes.
private struct Matching {
    var pairs: [(old: Share, new: Share)] = []
    var removed: [Share]
    var added: [Share] = []

    private static let rules: [@Sendable (_ old: Share, _ new: Share) -> Bool] = [
        { old, new in old.sourceFile == new.sourceFile },
        { old, new in old.project == new.project && (new.slug == old.slug || new.previousSlugs.contains { $0.slug == old.slug }) },
        { old, new in old.project == new.project && old.video.visibility == new.video.visibility },
    ]

    init(old: [Share], new: [Share]) {
        removed = old
        var unmatched = new
        for rule in Matching.rules {
            var stillUnmatched: [Share] = []
            for share in unmatched {
                if let index = removed.firstIndex(where: { $0.channel == share.channel && rule($0, share) }) {
                    pairs.append((removed.remove(at: index), share))
                } else {
                    stillUnmatched.append(share)
                }
            }
            unmatched = stillUnmatched
        }
        added = unmatched
        // The passes found pairs out of order; list them as the site lists shares.
        pairs.sort { ($0.new.channel, $0.new.project, $0.new.slug) < ($1.new.channel, $1.new.project, $1.new.slug) }
    }
}

/// One run of the comparison, accumulating the report.
private struct Comparison {
    let base: SiteVersion
    let head: SiteVersion
    let options: DiffOptions
    var report: DiffReport

    /// The fields whose old and new values a reviewer sees, in output order.
    private static let fields: [(name: String, value: @Sendable (Share) -> String?)] = [
        ("publicTitle", { $0.publicTitle }),
        ("publicSubtitle", { $0.publicSubtitle }),
        ("ctaLabel", { $0.ctaLabel }),
        ("ctaUrl", { $0.ctaUrl }),
        ("locale", { $0.locale }),
        ("apiCredentialId", { $0.apiCredentialId }),
        ("video.id", { $0.video.id }),
        ("video.segment", { $0.video.segment.map(describe) }),
        ("video.visibility", { $0.video.visibility.rawValue }),
        ("video.status", { $0.video.status.rawValue }),
        ("video.hlsUrl", { $0.video.hlsUrl }),
        ("video.mp4Url", { $0.video.mp4Url }),
        ("video.embedUrl", { $0.video.embedUrl }),
        ("video.thumbnailUrl", { $0.video.thumbnailUrl }),
    ]

    mutating func run() {
        report.baseErrorCount = base.validation.diagnostics.filter {
            // A ref from before the site existed has nothing to compare, which is not an error.
            $0.severity == .error && $0.rule != "site.content-missing"
        }.count
        for channel in report.channels { compareURLs(in: channel) }

        let matching = Matching(old: base.site.shares, new: head.site.shares)
        for share in matching.added where selected(share.channel) {
            report.shareChanges.append(ShareChange(kind: .added, share: summary(share, in: head)))
        }
        for share in matching.removed where selected(share.channel) { removed(share) }
        for (old, new) in matching.pairs where selected(new.channel) { compare(old, new) }
        checkSlugReuse(matching)
        compareCredentials()

        report.shareChanges.sort {
            ($0.share.channel, $0.share.project, $0.share.slug, $0.kind.rawValue) < ($1.share.channel, $1.share.project, $1.share.slug, $1.kind.rawValue)
        }
        report.credentialChanges.sort { ($0.project, $0.id, $0.kind.rawValue) < ($1.project, $1.id, $1.kind.rawValue) }
        report.diagnostics = report.diagnostics.sortedForOutput()
    }

    private func selected(_ channels: Channel...) -> Bool {
        guard let only = options.channel else { return true }
        return channels.contains(only)
    }

    private func summary(_ share: Share, in version: SiteVersion) -> ShareSummary {
        ShareSummary(share, url: version.site.config.pageURL(of: share.slug, in: share.channel))
    }

    /// Every URL of the channel that answered something at the ref and answers otherwise now.
    private mutating func compareURLs(in channel: Channel) {
        let before = base.site.urlAnswers(in: channel)
        let after = head.site.urlAnswers(in: channel)
        for (slug, answer) in before.sorted(by: { $0.key < $1.key }) {
            let now = after[slug] ?? .unknown
            if now != answer {
                report.urlChanges.append(URLChange(
                    channel: channel, slug: slug, url: base.site.config.pageURL(of: slug, in: channel), before: answer, after: now))
            }
        }
    }

    private mutating func removed(_ share: Share) {
        report.shareChanges.append(ShareChange(kind: .removed, share: summary(share, in: base)))
        guard !options.allowRemoval else { return }
        let consequence = share.status == .enabled
            ? "its page \(base.site.config.pageURL(of: share.slug, in: share.channel)) would answer 404 instead of 200"
            : "its slugs would be forgotten, answer 404 and become free for reuse"
        report.diagnostics.append(.error(
            "diff.share-removed",
            "the \(share.channel.rawValue) share of project \(share.project) (slug \(share.slug)) was deleted: \(consequence); keep the file and run `sharegen disable \(share.project) \(share.channel.rawValue)`, or pass --allow-removal",
            at: SourceLocation(file: share.sourceFile)))
    }

    private mutating func compare(_ old: Share, _ new: Share) {
        let share = summary(new, in: head)
        switch (old.status, new.status) {
        case (.enabled, .disabled): report.shareChanges.append(ShareChange(kind: .disabled, share: share))
        case (.disabled, .enabled): report.shareChanges.append(ShareChange(kind: .restored, share: share))
        default: break
        }

        // Rotations append to previousSlugs; each new entry gave way to the next, the last to the current slug.
        let known = Set(old.previousSlugs.map(\.slug))
        for (index, previous) in new.previousSlugs.enumerated() where !known.contains(previous.slug) {
            let to = index + 1 < new.previousSlugs.count ? new.previousSlugs[index + 1].slug : new.slug
            report.rotations.append(SlugRotation(
                share: share, from: previous.slug, to: to, mode: previous.mode,
                fromURL: head.site.config.pageURL(of: previous.slug, in: new.channel), toURL: head.site.config.pageURL(of: to, in: new.channel)))
        }
        if old.slug != new.slug, !new.previousSlugs.contains(where: { $0.slug == old.slug }) {
            // Edited by hand instead of rotated: the old URL would be forgotten and its slug free for reuse.
            report.fieldChanges.append(FieldChange(share: share, field: "slug", before: old.slug, after: new.slug))
            report.diagnostics.append(.error(
                "diff.slug-edited",
                "slug changed by hand from \"\(old.slug)\" to \"\(new.slug)\" on a published share: \(head.site.config.pageURL(of: old.slug, in: new.channel)) would stop answering and \"\(old.slug)\" is not in previousSlugs; put the old slug back and run `sharegen rotate-slug \(new.project) \(new.channel.rawValue)` (add --redirect to keep the old URL working)",
                at: SourceLocation(file: new.sourceFile, position: head.position(in: new.sourceFile, ["slug"]))))
        }
        for field in Comparison.fields {
            let before = field.value(old), after = field.value(new)
            if before != after { report.fieldChanges.append(FieldChange(share: share, field: field.name, before: before, after: after)) }
        }

        if old.video.visibility != new.video.visibility {
            report.diagnostics.append(.error(
                "diff.visibility-changed",
                "video.visibility changed from \(old.video.visibility.rawValue) to \(new.video.visibility.rawValue) on a published share; visibility never changes once published: disable this share and create a new one",
                at: SourceLocation(file: new.sourceFile, position: head.position(in: new.sourceFile, ["video", "visibility"]))))
        }
    }

    /// A slug that existed at the ref, current or rotated away, belongs to its share forever:
    /// no other share may take it, and its own share may not make a rotated one current again.
    private mutating func checkSlugReuse(_ matching: Matching) {
        var holders: [String: (share: Share, current: Bool)] = [:]
        for share in base.site.shares {
            holders[share.slug] = (share, true)
            for previous in share.previousSlugs { holders[previous.slug] = (share, false) }
        }
        let successors = Dictionary(matching.pairs.map { (ShareKey($0.old), ShareKey($0.new)) }, uniquingKeysWith: { first, _ in first })

        for share in head.site.shares {
            let uses = [(share.slug, true, [PathStep.key("slug")])]
                + share.previousSlugs.enumerated().map { ($1.slug, false, ["previousSlugs", .index($0), "slug"]) }
            for (slug, isCurrent, steps) in uses {
                guard let holder = holders[slug], selected(share.channel, holder.share.channel) else { continue }
                let place = SourceLocation(file: share.sourceFile, position: head.position(in: share.sourceFile, steps))
                if successors[ShareKey(holder.share)] != ShareKey(share) {
                    report.diagnostics.append(.error(
                        "diff.slug-reused",
                        "slug \"\(slug)\" belonged to the \(holder.share.channel.rawValue) share of project \(holder.share.project) (\(holder.share.sourceFile)) at \(report.ref); a slug once used is never reused: run `sharegen rotate-slug` for a new one",
                        at: place))
                } else if isCurrent && !holder.current {
                    report.diagnostics.append(.error(
                        "diff.slug-reused",
                        "slug \"\(slug)\" was rotated away at \(report.ref) and is current again; a rotated slug is never reused: run `sharegen rotate-slug` for a new one",
                        at: place))
                }
            }
        }
    }

    /// Credentials belong to projects, not channels: they are compared whatever `--channel` says.
    private mutating func compareCredentials() {
        let before = Dictionary(base.site.credentials.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(head.site.credentials.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for credential in head.site.credentials {
            if let old = before[credential.id] {
                if old.status == .active && credential.status == .revoked { append(.revoked, credential) }
            } else {
                append(.created, credential)
            }
        }
        for credential in base.site.credentials where after[credential.id] == nil {
            append(.removed, credential)
            let message: String
            if credential.status == .active {
                message = "active credential \(credential.id) (\(credential.name)) was deleted; run `sharegen credentials revoke \(credential.id)` instead, so that the signer answers 403 and its key is never reused"
            } else if !options.allowRemoval {
                message = "revoked credential \(credential.id) (\(credential.name)) was deleted; keep the file so that its id and key are never reused, or pass --allow-removal"
            } else {
                continue
            }
            report.diagnostics.append(.error("diff.credential-removed", message, at: SourceLocation(file: credential.sourceFile)))
        }
    }

    private mutating func append(_ kind: CredentialChange.Kind, _ credential: Credential) {
        report.credentialChanges.append(CredentialChange(
            kind: kind, id: credential.id, project: credential.project, name: credential.name, file: credential.sourceFile))
    }
}

/// `start-end s`, with the segment's id first when it has one.
private func describe(_ segment: Segment) -> String {
    let bounds = "\(JSONValue.number(segment.start).serialized())-\(JSONValue.number(segment.end).serialized()) s"
    return segment.id.map { "\($0) (\(bounds))" } ?? bounds
}

extension Site {
    /// What each slug known to the channel answers once built, read from the build's own
    /// route table (`SiteRoutes`): an Enabled share's slug its page, and the table's rules
    /// (a Disabled share's 404 stub, a slug rotated away 410 or a 301 to its share's current
    /// slug). Slugs not listed answer 404.
    public func urlAnswers(in channel: Channel) -> [String: URLAnswer] {
        var answers: [String: URLAnswer] = [:]
        for share in shares(in: channel) where share.status == .enabled { answers[share.slug] = .page }
        let routes = SiteRoutes(site: self, channel: channel)
        // The origin: the base URL without its path, before a rule's site path.
        let origin = config.baseURL(for: channel).dropLast(routes.basePath.count)
        for rule in routes.rules {
            switch (rule.status, rule.to) {
            case (301, let to?): answers[rule.slug] = .redirect(origin + to)
            case (410, _): answers[rule.slug] = .gone
            default: answers[rule.slug] = .disabled
            }
        }
        return answers
    }
}
