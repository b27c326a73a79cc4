import ShareLoader
import ShareModel

/// A share that passed its own field rules, with the positions cross-file rules cite.
/// Immutable and shared by reference: every cross-file rule and the validation memo pass
/// thousands of these around, and copying a struct this size retains every string in it.
final class CheckedShare: Sendable {
    let share: Share
    let documentPosition: SourcePosition
    let slugPosition: SourcePosition
    let previousSlugPositions: [SourcePosition]
    let videoPosition: SourcePosition
    let credentialPosition: SourcePosition?

    init(
        share: Share, documentPosition: SourcePosition, slugPosition: SourcePosition, previousSlugPositions: [SourcePosition],
        videoPosition: SourcePosition, credentialPosition: SourcePosition?
    ) {
        self.share = share
        self.documentPosition = documentPosition
        self.slugPosition = slugPosition
        self.previousSlugPositions = previousSlugPositions
        self.videoPosition = videoPosition
        self.credentialPosition = credentialPosition
    }
}

/// The field rules of one share definition (SPEC §2).
enum ShareRules {
    static let keys = [
        "channel", "slug", "status", "publicTitle", "publicSubtitle", "locale", "ctaLabel", "ctaUrl",
        "personalizationData", "apiCredentialId", "metadata", "description", "video", "previousSlugs", "audit",
    ]
    static let videoKeys = [
        "id", "segment", "visibility", "status", "hlsUrl", "mp4Url", "embedUrl", "thumbnailUrl", "captions",
        "width", "height", "durationSeconds",
    ]
    static let maxTitle = 160
    static let maxSubtitle = 280
    static let maxCTALabel = 60
    static let maxPersonalizationBytes = 16 * 1024

    struct Context {
        var config: SiteConfig
        var project: String
    }

    static func validate(_ document: SourceDocument, context: Context) -> (CheckedShare?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard let value = document.value,
              var reader = FieldReader(file: document.path, value: value, what: "a share definition", diagnostics: &diagnostics) else {
            return (nil, diagnostics)
        }
        reader.rejectUnknownKeys(keys, in: "a share definition")

        let channel = reader.enumeration("channel", Channel.self, required: true)
        let allowHTTP = channel == .DEV
        let slug = reader.string("slug", required: true)
        if let (text, position) = slug {
            checkSlug(text, at: position, &reader)
        }
        let status = reader.present("status") == nil ? .enabled : reader.enumeration("status", ShareStatus.self)
        let title = reader.string("publicTitle", required: true)
        if let (text, position) = title {
            if text.trimmingWhitespace.isEmpty {
                reader.error("title.length", "publicTitle must not be blank", at: position)
            } else if text.count > maxTitle {
                reader.error("title.length", "publicTitle is \(text.count) characters; the limit is \(maxTitle)", at: position)
            }
        }
        let subtitle = reader.string("publicSubtitle")
        if let (text, position) = subtitle, text.count > maxSubtitle {
            reader.error("subtitle.length", "publicSubtitle is \(text.count) characters; the limit is \(maxSubtitle)", at: position)
        }
        var locale = context.config.defaultLocale
        if let (text, position) = reader.string("locale") {
            if let problem = Formats.localeProblem(text) {
                reader.error("locale.format", "locale \"\(text)\" is not a well-formed BCP 47 tag: \(problem)", at: position)
            } else {
                locale = text
            }
        }
        let (ctaLabel, ctaUrl) = checkCTA(&reader, allowHTTP: allowHTTP)
        var personalization: JSONValue?
        if let data = reader.object("personalizationData") {
            let json = data.json
            let size = json.serialized().utf8.count
            if size > maxPersonalizationBytes {
                reader.error("personalization.size", "personalizationData is \(size) bytes serialized; the limit is \(maxPersonalizationBytes)", at: data.position)
            }
            personalization = json
        }
        let metadata = reader.object("metadata")?.json
        let credential = reader.string("apiCredentialId")
        if let (text, position) = credential, !Formats.isUUID(text) {
            reader.error("credential.id", "apiCredentialId \"\(text)\" is not a UUID", at: position)
        }
        var description = ""
        if document.format == .markdown {
            if let member = reader.members.first(where: { $0.key == "description" }) {
                reader.error("description.markdown", "a Markdown share's description is its body; remove the description field", at: member.keyPosition)
            }
            description = document.body ?? ""
        } else if let (text, _) = reader.string("description") {
            description = text
        }
        let video = reader.object("video", required: true).flatMap { checkVideo($0, context: context, allowHTTP: allowHTTP, &reader) }
        let previousSlugs = checkPreviousSlugs(&reader, currentStatus: status)
        let audit = checkAudit(&reader)
        // The created entry dates the page (JSON-LD uploadDate) and the signer's createdAt.
        if status == .enabled, let audit, !audit.contains(where: { $0.action == .created }) {
            let position = reader.members.first { $0.key == "audit" }?.keyPosition ?? value.position
            reader.warning("audit.created", "an Enabled share has no \"created\" audit entry, so its page has no uploadDate; add {\"action\": \"created\", \"at\": …, \"by\": …} to audit", at: position)
        }

        guard let channel, let slug, let status, let title, let video, let previousSlugs, let audit,
              !reader.diagnostics.hasErrors else {
            reader.flush(into: &diagnostics)
            return (nil, diagnostics)
        }
        reader.flush(into: &diagnostics)
        let share = Share(
            project: context.project, channel: channel, slug: slug.value, status: status, publicTitle: title.value,
            publicSubtitle: subtitle?.value, locale: locale, ctaLabel: ctaLabel, ctaUrl: ctaUrl,
            personalizationData: personalization, apiCredentialId: credential?.value.lowercased(), metadata: metadata,
            description: description, video: video.0, previousSlugs: previousSlugs.map(\.0), audit: audit,
            sourceFile: document.path, format: document.format)
        let checked = CheckedShare(
            share: share, documentPosition: value.position, slugPosition: slug.position,
            previousSlugPositions: previousSlugs.map(\.1), videoPosition: video.1, credentialPosition: credential?.position)
        return (checked, diagnostics)
    }

    static func checkSlug(_ slug: String, at position: SourcePosition, _ reader: inout FieldReader, field: String = "slug") {
        if let problem = Formats.slugProblem(slug) {
            reader.error("slug.format", "\(field) \"\(slug)\" \(problem)", at: position)
        } else if Formats.reservedSlugs.contains(slug) {
            reader.error("slug.reserved", "\(field) \"\(slug)\" is reserved (\(Formats.reservedSlugs.sorted().joined(separator: ", ")))", at: position)
        }
    }

    static func checkCTA(_ reader: inout FieldReader, allowHTTP: Bool) -> (String?, String?) {
        let label = reader.string("ctaLabel")
        let url = reader.string("ctaUrl")
        if let (text, position) = label {
            if text.trimmingWhitespace.isEmpty {
                reader.error("cta.label", "ctaLabel must not be blank", at: position)
            } else if text.count > maxCTALabel {
                reader.error("cta.label", "ctaLabel is \(text.count) characters; the limit is \(maxCTALabel)", at: position)
            }
            if url == nil { reader.error("cta.pair", "ctaLabel is set but ctaUrl is missing", at: position) }
        }
        if let (text, position) = url {
            if let problem = Formats.urlProblem(text, allowHTTP: allowHTTP) {
                reader.error("cta.url", "ctaUrl \(problem)", at: position)
            }
            if label == nil { reader.error("cta.pair", "ctaUrl is set but ctaLabel is missing", at: position) }
        }
        return (label?.value, url?.value)
    }

    static func checkVideo(_ value: SourceValue, context: Context, allowHTTP: Bool, _ parent: inout FieldReader) -> (Video, SourcePosition)? {
        guard var reader = FieldReader(file: parent.file, value: value, what: "video", diagnostics: &parent.diagnostics) else { return nil }
        defer { reader.flush(into: &parent.diagnostics) }
        reader.rejectUnknownKeys(videoKeys, in: "video")
        let id = reader.string("id", required: true)
        if let (text, position) = id, text.trimmingWhitespace.isEmpty || text.count > 200 {
            reader.error("video.id", "video id must be 1 to 200 characters", at: position)
        }
        let visibility = reader.present("visibility") == nil ? .public : reader.enumeration("visibility", Visibility.self)
        let status = reader.present("status") == nil ? .completed : reader.enumeration("status", VideoStatus.self)
        var urls: [String: (String, SourcePosition)] = [:]
        for key in ["hlsUrl", "mp4Url", "embedUrl", "thumbnailUrl"] {
            guard let (text, position) = reader.string(key) else { continue }
            if let problem = Formats.urlProblem(text, allowHTTP: allowHTTP && key != "embedUrl") {
                reader.error("video.url", "\(key) \(problem)", at: position)
            } else {
                urls[key] = (text, position)
            }
        }
        if status == .completed, urls["hlsUrl"] == nil, urls["mp4Url"] == nil, urls["embedUrl"] == nil,
           reader.present("hlsUrl") == nil, reader.present("mp4Url") == nil, reader.present("embedUrl") == nil {
            reader.error("video.sources", "a completed video needs hlsUrl or mp4Url (or embedUrl)", at: value.position)
        }
        if visibility == .private {
            if let (_, position) = urls["embedUrl"] {
                reader.error("video.private-embed", "a private video plays only from signed links; remove embedUrl", at: position)
            }
            for key in ["hlsUrl", "mp4Url"] {
                guard let (url, position) = urls[key] else { continue }
                if let base = context.config.signing.mediaBaseURL {
                    if !url.hasPrefix(base + "/") {
                        reader.error("video.private-media", "a private video's \(key) must lie under signing.mediaBaseURL (\(base)/)", at: position)
                    }
                } else {
                    reader.error("video.private-media", "a private video needs signing.mediaBaseURL in sharegen.json", at: position)
                }
            }
        }
        let segment = reader.object("segment").flatMap { checkSegment($0, &reader) }
        let captions = (reader.array("captions") ?? []).compactMap { checkCaption($0, allowHTTP: allowHTTP, &reader) }
        var dimensions: [String: Double] = [:]
        for key in ["width", "height", "durationSeconds"] {
            guard let (number, position) = reader.number(key) else { continue }
            if number <= 0 || number > 1_000_000 {
                reader.error("video.dimension", "\(key) must be a positive number", at: position)
            } else {
                dimensions[key] = number
            }
        }
        if let segment, let duration = dimensions["durationSeconds"], segment.end > duration {
            reader.error("video.segment", "segment ends at \(segment.end) s, after the video's durationSeconds (\(duration))", at: reader.value("segment")!.position)
        }
        guard let id, let visibility, let status else { return nil }
        let video = Video(
            id: id.value, segment: segment, visibility: visibility, status: status, hlsUrl: urls["hlsUrl"]?.0,
            mp4Url: urls["mp4Url"]?.0, embedUrl: urls["embedUrl"]?.0, thumbnailUrl: urls["thumbnailUrl"]?.0,
            captions: captions, width: dimensions["width"], height: dimensions["height"],
            durationSeconds: dimensions["durationSeconds"])
        return (video, id.position)
    }

    static func checkSegment(_ value: SourceValue, _ parent: inout FieldReader) -> Segment? {
        guard var reader = FieldReader(file: parent.file, value: value, what: "segment", diagnostics: &parent.diagnostics) else { return nil }
        defer { reader.flush(into: &parent.diagnostics) }
        reader.rejectUnknownKeys(["id", "start", "end"], in: "segment")
        let id = reader.string("id")
        let start = reader.number("start", required: true)
        let end = reader.number("end", required: true)
        guard let start, let end else { return nil }
        if start.value < 0 {
            reader.error("video.segment", "segment start must be 0 or more", at: start.position)
            return nil
        }
        if end.value <= start.value {
            reader.error("video.segment", "segment end (\(end.value)) must be after its start (\(start.value))", at: end.position)
            return nil
        }
        return Segment(id: id?.value, start: start.value, end: end.value)
    }

    static func checkCaption(_ value: SourceValue, allowHTTP: Bool, _ parent: inout FieldReader) -> Caption? {
        guard var reader = FieldReader(file: parent.file, value: value, what: "a caption", diagnostics: &parent.diagnostics) else { return nil }
        defer { reader.flush(into: &parent.diagnostics) }
        reader.rejectUnknownKeys(["locale", "label", "src"], in: "a caption")
        let locale = reader.string("locale", required: true)
        let label = reader.string("label", required: true)
        let src = reader.string("src", required: true)
        if let (text, position) = locale, let problem = Formats.localeProblem(text) {
            reader.error("locale.format", "caption locale \"\(text)\" is not a well-formed BCP 47 tag: \(problem)", at: position)
        }
        if let (text, position) = label, text.trimmingWhitespace.isEmpty || text.count > 60 {
            reader.error("video.captions", "caption label must be 1 to 60 characters", at: position)
        }
        if let (text, position) = src, let problem = Formats.urlProblem(text, allowHTTP: allowHTTP) {
            reader.error("video.url", "caption src \(problem)", at: position)
        }
        guard let locale, let label, let src, !reader.diagnostics.hasErrors else { return nil }
        return Caption(locale: locale.value, label: label.value, src: src.value)
    }

    static func checkPreviousSlugs(_ parent: inout FieldReader, currentStatus: ShareStatus?) -> [(PreviousSlug, SourcePosition)]? {
        guard let elements = parent.array("previousSlugs") else { return [] }
        var result: [(PreviousSlug, SourcePosition)] = []
        var failed = false
        for element in elements {
            guard var reader = FieldReader(file: parent.file, value: element, what: "a previousSlugs entry", diagnostics: &parent.diagnostics) else {
                failed = true
                continue
            }
            reader.rejectUnknownKeys(["slug", "rotatedAt", "rotatedBy", "mode"], in: "a previousSlugs entry")
            let slug = reader.string("slug", required: true)
            if let (text, position) = slug { checkSlug(text, at: position, &reader, field: "previous slug") }
            let rotatedAt = reader.string("rotatedAt", required: true)
            if let (text, position) = rotatedAt, !Formats.isTimestamp(text) {
                reader.error("field.timestamp", "rotatedAt must be an ISO 8601 UTC time such as 2024-05-01T10:00:00Z", at: position)
            }
            let rotatedBy = reader.string("rotatedBy", required: true)
            let mode = reader.present("mode") == nil ? .gone : reader.enumeration("mode", RotationMode.self)
            if let slug, let rotatedAt, let rotatedBy, let mode, !reader.diagnostics.hasErrors {
                result.append((PreviousSlug(slug: slug.value, rotatedAt: rotatedAt.value, rotatedBy: rotatedBy.value, mode: mode), slug.position))
            } else {
                failed = true
            }
            reader.flush(into: &parent.diagnostics)
        }
        return failed ? nil : result
    }

    static func checkAudit(_ parent: inout FieldReader) -> [AuditEntry]? {
        guard let elements = parent.array("audit") else { return [] }
        var result: [AuditEntry] = []
        var failed = false
        for element in elements {
            guard var reader = FieldReader(file: parent.file, value: element, what: "an audit entry", diagnostics: &parent.diagnostics) else {
                failed = true
                continue
            }
            reader.rejectUnknownKeys(["action", "at", "by"], in: "an audit entry")
            let action = reader.enumeration("action", AuditAction.self, required: true)
            let at = reader.string("at", required: true)
            if let (text, position) = at, !Formats.isTimestamp(text) {
                reader.error("field.timestamp", "audit \"at\" must be an ISO 8601 UTC time such as 2024-05-01T10:00:00Z", at: position)
            }
            let by = reader.string("by", required: true)
            if let action, let at, let by, !reader.diagnostics.hasErrors {
                result.append(AuditEntry(action: action, at: at.value, by: by.value))
            } else {
                failed = true
            }
            reader.flush(into: &parent.diagnostics)
        }
        return failed ? nil : result
    }
}
