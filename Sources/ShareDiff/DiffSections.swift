import ShareModel

/// A table cell; `url` makes it a link where the format has links.
struct Cell: Sendable {
    var text: String
    var url: String?

    init(_ text: String, url: String? = nil) {
        self.text = text
        self.url = url
    }
}

/// One titled table of the report, shared by the text and Markdown formats so that both
/// always show the same facts in the same order.
struct Section: Sendable {
    var title: String
    var columns: [String]
    var rows: [[Cell]]
}

extension URLAnswer {
    /// "301 redirect", "404 disabled stub", ...
    var label: String {
        switch self {
        case .page: return "200 page"
        case .disabled: return "404 disabled stub"
        case .redirect: return "301 redirect"
        case .gone: return "410 gone"
        case .unknown: return "404 unknown"
        }
    }
}

extension DiffReport {
    /// The non-empty tables, in output order: first the URLs that stop answering 200.
    var sections: [Section] {
        let none = "—"
        let stopped = stoppedURLs
        let otherURLs = urlChanges.filter { $0.before != .page }
        let candidates = [
            Section(
                title: "URLs that stop answering 200", columns: ["Channel", "URL", "Will answer", "Location"],
                rows: stopped.map { [Cell($0.channel.rawValue), Cell($0.url, url: $0.url), Cell($0.after.label), location($0.after)] }),
            Section(
                title: "Other URL changes", columns: ["Channel", "URL", "Before", "After", "Location"],
                rows: otherURLs.map { [Cell($0.channel.rawValue), Cell($0.url, url: $0.url), Cell($0.before.label), Cell($0.after.label), location($0.after)] }),
            Section(
                title: "Shares", columns: ["Change", "Channel", "Project", "Visibility", "Page", "Title", "File"],
                rows: shareChanges.map { change in
                    let share = change.share
                    return [Cell(change.kind.rawValue), Cell(share.channel.rawValue), Cell(share.project), Cell(share.visibility.rawValue),
                            Cell(share.slug, url: share.url), Cell(share.title), Cell(share.file)]
                }),
            Section(
                title: "Slug rotations", columns: ["Channel", "Project", "From", "To", "Mode"],
                rows: rotations.map { [Cell($0.share.channel.rawValue), Cell($0.share.project), Cell($0.from, url: $0.fromURL), Cell($0.to, url: $0.toURL), Cell($0.mode.rawValue)] }),
            Section(
                title: "Field changes", columns: ["Channel", "Project", "Page", "Field", "Before", "After"],
                rows: fieldChanges.map {
                    [Cell($0.share.channel.rawValue), Cell($0.share.project), Cell($0.share.slug, url: $0.share.url), Cell($0.field),
                     Cell($0.before ?? none), Cell($0.after ?? none)]
                }),
            Section(
                title: "Credentials", columns: ["Change", "Project", "Id", "Name", "File"],
                rows: credentialChanges.map { [Cell($0.kind.rawValue), Cell($0.project), Cell($0.id), Cell($0.name), Cell($0.file)] }),
        ]
        return candidates.filter { !$0.rows.isEmpty }
    }

    private func location(_ answer: URLAnswer) -> Cell {
        answer.location.map { Cell($0, url: $0) } ?? Cell("")
    }

    /// "2 URLs stop answering 200", "1 share added", ...: the counts that are not zero.
    var summaryParts: [String] {
        func count(_ number: Int, _ one: String, _ many: String) -> String? {
            number == 0 ? nil : "\(number) \(number == 1 ? one : many)"
        }
        func shares(_ kind: ShareChange.Kind) -> Int { shareChanges.filter { $0.kind == kind }.count }
        func credentials(_ kind: CredentialChange.Kind) -> Int { credentialChanges.filter { $0.kind == kind }.count }
        return [
            count(stoppedURLs.count, "URL stops answering 200", "URLs stop answering 200"),
            count(urlChanges.count - stoppedURLs.count, "other URL change", "other URL changes"),
            count(shares(.added), "share added", "shares added"),
            count(shares(.removed), "share removed", "shares removed"),
            count(shares(.disabled), "share disabled", "shares disabled"),
            count(shares(.restored), "share restored", "shares restored"),
            count(rotations.count, "slug rotated", "slugs rotated"),
            count(fieldChanges.count, "field changed", "fields changed"),
            count(credentials(.created), "credential created", "credentials created"),
            count(credentials(.revoked), "credential revoked", "credentials revoked"),
            count(credentials(.removed), "credential removed", "credentials removed"),
        ].compactMap { $0 }
    }

    /// "all channels" or the one channel compared.
    var channelScope: String {
        channels.count == Channel.allCases.count ? "all channels" : channels.map(\.rawValue).joined(separator: ", ")
    }

    /// The note shown when the site at the ref is itself invalid.
    var baseNote: String? {
        guard baseErrorCount > 0 else { return nil }
        return "the site at \(ref) has \(baseErrorCount) error\(baseErrorCount == 1 ? "" : "s"); shares and credentials it rejects are compared as if they did not exist there"
    }
}
