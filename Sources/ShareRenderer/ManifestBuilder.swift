import Crypto
import ShareModel

/// Builds `manifest.json`, the signer's only input.
enum ManifestBuilder {
    /// Writes `manifest.json` to `sink` in pieces and returns where each share's entry lies
    /// in it (by source file). An entry `given` holds for a share is spliced in as it is:
    /// an entry depends on its share and the channel alone, so a caller that has it need
    /// not make it again. Entries are made `chunk` at a time per core, and written 16
    /// chunks at a time.
    static func write(
        to sink: any OutputSink, site: Site, shares: ArraySlice<Share>, context: ChannelContext,
        given: (@Sendable (Share) -> ArraySlice<UInt8>?)? = nil, chunk: Int = 256
    ) -> [String: Range<Int>] {
        // The document without its shares, then the entries spliced into its empty array:
        // a top-level key's line can only appear once (strings escape their newlines).
        var document = manifest(site: site, shares: shares, context: context, entries: []).json.serializedBytes(pretty: true)
        let marker = Array("\n  \"shares\": []".utf8)
        guard !shares.isEmpty, let start = document.firstIndex(ofRun: marker) else {
            document.append(0x0A)
            sink.write(OutputFile(path: path, bytes: document))
            return [:]
        }
        var entries: [String: Range<Int>] = [:]
        entries.reserveCapacity(shares.count)
        sink.write(path: path) { write in
            // Entries are made on all cores a wave at a time and written in order, so that
            // only one wave's parts are in memory, never the whole (at 100,000 shares it
            // is 200 MB).
            // Up to the array's `[`; its `]` and the rest follow the entries.
            let end = start + marker.count
            var bytes = Array(document[..<(end - 1)])
            var offset = 0
            let chunks = stride(from: shares.startIndex, to: shares.endIndex, by: chunk).map { $0..<min($0 + chunk, shares.endIndex) }
            for wave in stride(from: 0, to: chunks.count, by: 16).map({ chunks[$0..<min($0 + 16, chunks.count)] }) {
                let parts = Array(wave).parallelMap { range -> [ArraySlice<UInt8>] in
                    range.map { index in given?(shares[index]) ?? entryBytes(shares[index], context)[...] }
                }
                for (range, part) in zip(wave, parts) {
                    for (index, entry) in zip(range, part) {
                        bytes += (index > shares.startIndex ? ",\n    " : "\n    ").utf8
                        entries[shares[index].sourceFile] = (offset + bytes.count)..<(offset + bytes.count + entry.count)
                        bytes += entry
                    }
                }
                offset += bytes.count
                write(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
            bytes += "\n  ]".utf8
            bytes += document[end...]
            bytes.append(0x0A)
            write(bytes)
        }
        return entries
    }

    static let path = "manifest.json"

    static func manifest(site: Site, shares: ArraySlice<Share>, context: ChannelContext) -> Manifest {
        manifest(site: site, shares: shares, context: context, entries: Array(shares).parallelMap { entry($0, context) })
    }

    /// The manifest of `shares` with `entries` as its share list.
    private static func manifest(site: Site, shares: ArraySlice<Share>, context: ChannelContext, entries: [Manifest.Share]) -> Manifest {
        var redirects: [Manifest.Redirect] = []
        var gone: [Manifest.Gone] = []
        for share in shares {
            for previous in share.previousSlugs {
                switch previous.mode {
                case .redirect: redirects.append(Manifest.Redirect(from: previous.slug, to: share.slug, project: share.project))
                case .gone: gone.append(Manifest.Gone(slug: previous.slug, project: share.project))
                }
            }
        }
        let credentials = site.credentials.map {
            Manifest.Credential(id: $0.id, project: $0.project, apiKey: $0.apiKey, secretHash: $0.secretHash, status: $0.status)
        }
        return Manifest(
            channel: context.channel, baseURL: context.baseURL, siteName: context.siteName,
            signing: Manifest.Signing(site.config.signing), shares: entries,
            redirects: redirects.sorted { $0.from < $1.from }, gone: gone.sorted { $0.slug < $1.slug },
            credentials: credentials)
    }

    /// One share's entry as `write` puts it in the document.
    static func entryBytes(_ share: Share, _ context: ChannelContext) -> [UInt8] {
        var bytes: [UInt8] = []
        entry(share, context).json.write(to: &bytes, pretty: true, indent: 2)
        return bytes
    }

    /// One share's entry.
    static func entry(_ share: Share, _ context: ChannelContext) -> Manifest.Share {
        let video = share.video
        return Manifest.Share(
            id: shareID(share), project: share.project, slug: share.slug, path: context.path(of: share.slug),
            url: context.url(of: share.slug), status: share.status, visibility: video.visibility,
            video: Manifest.Video(
                id: video.id, segment: video.segment.map { Manifest.Segment(id: $0.id, start: $0.start, end: $0.end) },
                status: video.status, hlsUrl: video.hlsUrl, mp4Url: video.mp4Url, embedUrl: video.embedUrl,
                thumbnailUrl: video.thumbnailUrl,
                captions: video.captions.isEmpty ? nil : video.captions,
                durationSeconds: video.durationSeconds, width: video.width, height: video.height),
            apiCredentialId: share.apiCredentialId, locale: share.locale, title: share.publicTitle,
            subtitle: share.publicSubtitle, description: share.description, metadata: share.metadata,
            personalizationData: share.personalizationData, createdAt: share.createdAt, sourceFile: share.sourceFile)
    }

    /// Stable across slug rotations and edits: one share per project, channel and visibility.
    static func shareID(_ share: Share) -> String {
        let key = "\(share.project)\u{0}\(share.channel.rawValue)\u{0}\(share.video.visibility.rawValue)"
        // Shaped like a UUID for clients that expect one.
        return uuidShaped(Array(SHA256.hash(data: Array(key.utf8)).prefix(16)))
    }
}
