import ShareModel

/// What the cross-file rules read of one share file's share. Sites whose shares have
/// the same facts, and the same credentials, get the same cross-file diagnostics; those
/// are all errors, so a site that built has none. A rule that reads another field of a
/// share adds it here.
public struct CrossFileFacts: Hashable, Sendable {
    var slug: String
    var previousSlugs: [String]
    var project: String
    var channel: Channel
    var visibility: Visibility
    var status: ShareStatus
    var videoID: String
    var segment: Segment?
    var credential: String?

    init(_ share: Share) {
        slug = share.slug
        previousSlugs = share.previousSlugs.map(\.slug)
        project = share.project
        channel = share.channel
        visibility = share.video.visibility
        status = share.status
        videoID = share.video.id
        segment = share.video.segment
        credential = share.apiCredentialId
    }
}

extension SiteValidator.ShareOutcome {
    /// The share the file defines, when it passed its own rules.
    public var validShare: Share? { share?.share }

    /// What the cross-file rules read of it; nil when it defines no valid share.
    public var crossFileFacts: CrossFileFacts? { share.map { CrossFileFacts($0.share) } }
}

/// Rules that relate several files (SPEC §2); each diagnostic names every file involved.
enum CrossFileRules {
    /// The diagnostics of every cross-file rule, the slug rules on one core and the rest on
    /// the other.
    static func check(_ shares: [CheckedShare], credentials: [CheckedCredential]) -> [Diagnostic] {
        let (slugs, others) = concurrently({
            var found: [Diagnostic] = []
            checkSlugs(shares, into: &found)
            return found
        }) {
            var found: [Diagnostic] = []
            checkOnePerVisibility(shares, into: &found)
            checkVideoConflicts(shares, into: &found)
            checkCredentialReferences(shares, credentials: credentials, into: &found)
            return found
        }
        return slugs + others
    }

    static func location(_ share: CheckedShare, _ position: SourcePosition) -> SourceLocation {
        SourceLocation(file: share.share.sourceFile, position: position)
    }

    static func describe(_ locations: [SourceLocation]) -> String {
        locations.map { "\($0.file):\($0.line):\($0.column)" }.joined(separator: ", ")
    }

    /// A slug once used, current or previous, in any channel, is never used again.
    static func checkSlugs(_ shares: [CheckedShare], into diagnostics: inout [Diagnostic]) {
        // Counting first: locations are gathered only for the rare slugs used twice.
        var counts: [String: Int] = [:]
        counts.reserveCapacity(shares.count)
        for share in shares {
            counts[share.share.slug, default: 0] += 1
            for previous in share.share.previousSlugs { counts[previous.slug, default: 0] += 1 }
        }
        var uses: [String: [SourceLocation]] = [:]
        for share in shares {
            if counts[share.share.slug, default: 0] > 1 { uses[share.share.slug, default: []].append(location(share, share.slugPosition)) }
            for (previous, position) in zip(share.share.previousSlugs, share.previousSlugPositions) where counts[previous.slug, default: 0] > 1 {
                uses[previous.slug, default: []].append(location(share, position))
            }
        }
        for (slug, locations) in uses {
            let sorted = locations.sorted()
            for (index, place) in sorted.enumerated() {
                let others = sorted.enumerated().filter { $0.offset != index }.map(\.element)
                diagnostics.append(.error(
                    "slug.duplicate", "slug \"\(slug)\" is used \(sorted.count) times; a slug is never reused (also at \(describe(others)))",
                    at: place, related: others))
            }
        }
    }

    /// At most one share per (project, channel, visibility).
    static func checkOnePerVisibility(_ shares: [CheckedShare], into diagnostics: inout [Diagnostic]) {
        let groups = Dictionary(grouping: shares) { GroupKey(first: $0.share.project, channel: $0.share.channel, visibility: $0.share.video.visibility) }
        for group in groups.values where group.count > 1 {
            let locations = group.map { location($0, $0.documentPosition) }.sorted()
            let first = group[0].share
            for (index, place) in locations.enumerated() {
                let others = locations.enumerated().filter { $0.offset != index }.map(\.element)
                diagnostics.append(.error(
                    "share.duplicate",
                    "project \(first.project) has \(group.count) \(first.video.visibility.rawValue) shares in \(first.channel.rawValue); only one is allowed (also \(others.map(\.file).joined(separator: ", ")))",
                    at: place, related: others))
            }
        }
    }

    /// At most one Enabled share per (video id, segment, visibility) in a channel, like HTTP 409.
    static func checkVideoConflicts(_ shares: [CheckedShare], into diagnostics: inout [Diagnostic]) {
        let enabled = shares.filter { $0.share.status == .enabled }
        let byVideo = Dictionary(grouping: enabled) { GroupKey(first: $0.share.video.id, channel: $0.share.channel, visibility: $0.share.video.visibility) }
        for group in byVideo.values where group.count > 1 {
            var clusters: [[CheckedShare]] = []
            for share in group {
                if let index = clusters.firstIndex(where: { sameSegment($0[0].share.video.segment, share.share.video.segment) }) {
                    clusters[index].append(share)
                } else {
                    clusters.append([share])
                }
            }
            for cluster in clusters where cluster.count > 1 {
                let locations = cluster.map { location($0, $0.videoPosition) }.sorted()
                let video = cluster[0].share.video
                let what = video.segment.map { " segment \($0.id ?? "\(formatSeconds($0.start))-\(formatSeconds($0.end)) s")" } ?? ""
                for (index, place) in locations.enumerated() {
                    let others = locations.enumerated().filter { $0.offset != index }.map(\.element)
                    diagnostics.append(.error(
                        "share.video-conflict",
                        "video \"\(video.id)\"\(what) already has an Enabled \(video.visibility.rawValue) share in \(cluster[0].share.channel.rawValue) (conflict, like HTTP 409) in \(others.map(\.file).joined(separator: ", "))",
                        at: place, related: others))
                }
            }
        }
    }

    /// A project or video id with a channel and visibility: hashing these is cheaper than
    /// building a string of them for every share.
    struct GroupKey: Hashable {
        var first: String
        var channel: Channel
        var visibility: Visibility
    }

    static func sameSegment(_ a: Segment?, _ b: Segment?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return a.isSame(as: b)
        default: return false
        }
    }

    static func formatSeconds(_ value: Double) -> String {
        JSONValue.number(value).serialized()
    }

    /// `apiCredentialId` names an active credential of the share's own project.
    static func checkCredentialReferences(_ shares: [CheckedShare], credentials: [CheckedCredential], into diagnostics: inout [Diagnostic]) {
        let byID = Dictionary(credentials.map { ($0.credential.id, $0) }, uniquingKeysWith: { first, _ in first })
        for share in shares {
            guard let id = share.share.apiCredentialId, let position = share.credentialPosition else { continue }
            let place = location(share, position)
            guard let checked = byID[id] else {
                diagnostics.append(.error("credential.unknown", "apiCredentialId \(id) names no credential in content/\(share.share.project)/credentials/", at: place))
                continue
            }
            let credential = checked.credential
            if credential.project != share.share.project {
                diagnostics.append(.error(
                    "credential.project", "apiCredentialId \(id) belongs to project \(credential.project) (\(credential.sourceFile)), not \(share.share.project)",
                    at: place, related: [checked.location(checked.idPosition)]))
            } else if credential.status != .active {
                diagnostics.append(.error(
                    "credential.revoked", "apiCredentialId \(id) was revoked (\(credential.sourceFile)); use an active credential",
                    at: place, related: [checked.location(checked.statusPosition)]))
            }
        }
    }

    /// Credential ids and API keys are unique across the site.
    static func checkCredentialUniqueness(_ credentials: [CheckedCredential], into diagnostics: inout [Diagnostic]) {
        let fields: [(String, KeyPath<Credential, String>, KeyPath<CheckedCredential, SourcePosition>)] = [
            ("id", \.id, \.idPosition), ("apiKey", \.apiKey, \.apiKeyPosition),
        ]
        for (field, key, position) in fields {
            let groups = Dictionary(grouping: credentials) { $0.credential[keyPath: key] }
            for (value, group) in groups where group.count > 1 {
                let locations = group.map { $0.location($0[keyPath: position]) }.sorted()
                let files = locations.map(\.file)
                for (index, place) in locations.enumerated() {
                    let others = locations.enumerated().filter { $0.offset != index }.map(\.element)
                    diagnostics.append(.error(
                        "credential.duplicate", "credential \(field) \(value) appears in \(files.count) files: \(files.joined(separator: ", "))",
                        at: place, related: others))
                }
            }
        }
    }
}
