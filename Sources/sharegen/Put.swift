import ArgumentParser
import Foundation
import ShareLifecycle
import ShareLoader
import ShareModel

struct Put: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update a project's share for a channel (idempotent).",
        discussion: """
            A new share is written to content/<project>/shares/<channel>[-private].json with a random \
            slug; an update edits the existing file in place and keeps its slug. The body (--file) and \
            the field options are applied as a merge patch: fields not named stay as they are.
            """)

    @OptionGroup var options: LifecycleOptions

    @Argument(help: "The project id: its folder under content/ (not with --batch).")
    var project: String?

    @Argument(help: "The channel: DEV, STAGING or PROD (not with --batch).")
    var channel: Channel?

    @Option(help: "public or private: which share, when the project has both in the channel.")
    var visibility: Visibility?

    @Option(help: "A campaign: one share per JSON line or CSV row, all applied or none; - reads standard input.")
    var batch: String?

    @Option(help: "The --batch format: jsonl or csv (default: from the file name, else jsonl).")
    var format: BatchFormat?

    @Flag(help: "With --batch: print one result per record, in input order, as JSON.")
    var json = false

    @Option(help: "A JSON body as for PUT …/public-video-shares/{channel}; null removes a field; - reads standard input.")
    var file: String?

    @Option(help: "publicTitle") var title: String?
    @Option(help: "publicSubtitle") var subtitle: String?
    @Option(help: "locale, a BCP 47 tag such as es-CL") var locale: String?
    @Option(help: "ctaLabel") var ctaLabel: String?
    @Option(help: "ctaUrl") var ctaUrl: String?
    @Option(help: "apiCredentialId") var credential: String?
    @Option(help: "status: Enabled or Disabled") var status: ShareStatus?
    @Option(help: "video.id") var videoId: String?
    @Option(help: "video.status: pending, processing, completed or failed") var videoStatus: VideoStatus?
    @Option(help: "video.hlsUrl") var hlsUrl: String?
    @Option(help: "video.mp4Url") var mp4Url: String?
    @Option(help: "video.embedUrl") var embedUrl: String?
    @Option(help: "video.thumbnailUrl") var thumbnailUrl: String?

    @Option(help: ArgumentHelp("Remove a field, e.g. publicSubtitle or video.thumbnailUrl (repeatable).", valueName: "field"))
    var unset: [String] = []

    func validate() throws {
        if batch != nil {
            guard project == nil, channel == nil, visibility == nil, file == nil, fieldValues.allSatisfy({ $0.1 == nil }), unset.isEmpty else {
                throw ValidationError("--batch takes no project, channel or field options: each record names its own")
            }
        } else {
            guard project != nil, channel != nil else { throw ValidationError("name the share: sharegen put <project> <channel>, or use --batch") }
            if format != nil || json { throw ValidationError("--format and --json go with --batch") }
        }
    }

    private var fieldValues: [(String, String?)] {
        [
            ("publicTitle", title), ("publicSubtitle", subtitle), ("locale", locale), ("ctaLabel", ctaLabel), ("ctaUrl", ctaUrl),
            ("apiCredentialId", credential), ("status", status?.rawValue), ("video.id", videoId), ("video.status", videoStatus?.rawValue),
            ("video.hlsUrl", hlsUrl), ("video.mp4Url", mp4Url), ("video.embedUrl", embedUrl), ("video.thumbnailUrl", thumbnailUrl),
        ]
    }

    func run() async throws {
        let lifecycle = try options.lifecycle()
        if let batch { return try runBatch(batch, lifecycle) }
        guard let project, let channel else { return }
        var patch = SharePatch()
        if let file {
            let bytes = file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : try readBody(file)
            patch = try runLifecycle(root: options.site.root) { () throws(LifecycleError) in try SharePatch(json: bytes, file: file) }
        }
        for (field, value) in fieldValues {
            if let value { patch.set(field, to: .string(value)) }
        }
        for field in unset { patch.set(field, to: .null) }
        let change = try runLifecycle(root: options.site.root, flags: ["publicTitle": "title", "video.id": "video-id"]) { () throws(LifecycleError) in
            try lifecycle.put(ShareSelector(project: project, channel: channel, visibility: visibility), patch: patch)
        }
        report(change, verb: "updated", root: options.site.root)
    }

    private func runBatch(_ batch: String, _ lifecycle: SiteLifecycle) throws {
        let bytes = batch == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : try readBody(batch)
        let name = batch == "-" ? "<stdin>" : batch
        let format = format ?? (batch.lowercased().hasSuffix(".csv") ? .csv : .jsonl)
        let (records, problems) = BatchReader.read(bytes, format: format, file: name)
        let sourceLines: [String: [UInt8]] = [name: bytes]
        guard problems.isEmpty else {
            printDiagnostics(problems.sortedForOutput(), root: options.site.root, proposed: sourceLines)
            printError("error: refused: \(name) has \(DiagnosticFormatter.counted(problems.count, "problem")); nothing was written")
            throw Exit.invalidContent
        }
        let results = try runLifecycle(root: options.site.root, sourceLines: sourceLines) { () throws(LifecycleError) in
            try lifecycle.putBatch(records, file: name)
        }
        printDiagnostics(results.flatMap(\.change.warnings), root: options.site.root, toOutput: !json)
        if json {
            printOutput(JSONValue.array(results.map { result in
                JSONValue.object([
                    ("line", .number(result.record.line)), ("project", .string(result.record.selector.project)),
                    ("channel", .string(result.record.selector.channel.rawValue)),
                    ("visibility", .string(result.visibility.rawValue)),
                    ("slug", .string(result.change.slug)), ("url", result.change.url.map(JSONValue.string) ?? .null),
                    ("result", .string(result.change.kind.word)),
                ])
            }).serialized(pretty: true))
        }
        let count = { (kind: ShareChange.Kind) in results.count { $0.change.kind == kind } }
        let created = Set(results.compactMap(\.change.createdProject)).sorted()
        let summary = "\(count(.created)) created, \(count(.updated)) updated, \(count(.unchanged)) unchanged"
            + (created.isEmpty ? "" : "; \(DiagnosticFormatter.counted(created.count, "new project")): \(created.map { $0 + "/" }.joined(separator: ", "))")
            + (count(.unchanged) == results.count ? "; nothing written" : "")
        if json { printError(summary) } else { printOutput(summary) }
    }

    private func readBody(_ path: String) throws -> [UInt8] {
        do {
            return try LocalFileSystem().readFile(path)
        } catch {
            printError("error: cannot read \(path): \(error)")
            throw Exit.badUsage
        }
    }
}

extension BatchFormat: ExpressibleByArgument {}

extension ShareChange.Kind {
    /// The word `put --batch --json` reports.
    var word: String {
        switch self {
        case .created: return "created"
        case .updated: return "updated"
        case .unchanged: return "unchanged"
        }
    }
}
