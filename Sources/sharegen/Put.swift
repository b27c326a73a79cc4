import ArgumentParser
import Foundation
import ShareLifecycle
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
    @OptionGroup var share: ShareArguments

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

    func run() async throws {
        let lifecycle = try options.lifecycle()
        var patch = SharePatch()
        if let file {
            let bytes = file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : try readBody(file)
            patch = try runLifecycle(root: options.site.root) { () throws(LifecycleError) in try SharePatch(json: bytes, file: file) }
        }
        let fields: [(String, String?)] = [
            ("publicTitle", title), ("publicSubtitle", subtitle), ("locale", locale), ("ctaLabel", ctaLabel), ("ctaUrl", ctaUrl),
            ("apiCredentialId", credential), ("status", status?.rawValue), ("video.id", videoId), ("video.status", videoStatus?.rawValue),
            ("video.hlsUrl", hlsUrl), ("video.mp4Url", mp4Url), ("video.embedUrl", embedUrl), ("video.thumbnailUrl", thumbnailUrl),
        ]
        for (field, value) in fields {
            if let value { patch.set(field, to: .string(value)) }
        }
        for field in unset { patch.set(field, to: .null) }
        let change = try runLifecycle(root: options.site.root, flags: ["publicTitle": "title", "video.id": "video-id"]) { () throws(LifecycleError) in
            try lifecycle.put(share.selector, patch: patch)
        }
        report(change, verb: "updated", root: options.site.root)
    }

    private func readBody(_ path: String) throws -> [UInt8] {
        do {
            return try LocalFileSystem().readFile(path)
        } catch {
            printError("error: cannot read --file \(error)")
            throw Exit.badUsage
        }
    }
}
