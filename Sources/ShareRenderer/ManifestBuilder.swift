import Crypto
import ShareModel

/// Builds `manifest.json`, the signer's only input.
enum ManifestBuilder {
    static func build(site: Site, shares: [Share], context: ChannelContext) -> [UInt8] {
        var bytes = manifest(site: site, shares: shares, context: context).json.serializedBytes(pretty: true)
        bytes.append(0x0A)
        return bytes
    }

    static func manifest(site: Site, shares: [Share], context: ChannelContext) -> Manifest {
        var redirects: [Manifest.Redirect] = []
        var gone: [Manifest.Gone] = []
        let entries = shares.map { share -> Manifest.Share in
            for previous in share.previousSlugs {
                switch previous.mode {
                case .redirect: redirects.append(Manifest.Redirect(from: previous.slug, to: share.slug, project: share.project))
                case .gone: gone.append(Manifest.Gone(slug: previous.slug, project: share.project))
                }
            }
            let video = share.video
            return Manifest.Share(
                id: shareID(share), project: share.project, slug: share.slug, path: context.path(of: share.slug),
                url: context.url(of: share.slug), status: share.status, visibility: video.visibility,
                video: Manifest.Video(
                    id: video.id, segment: video.segment.map { Manifest.Segment(id: $0.id, start: $0.start, end: $0.end) },
                    status: video.status, hlsUrl: video.hlsUrl, mp4Url: video.mp4Url, embedUrl: video.embedUrl,
                    thumbnailUrl: video.thumbnailUrl, durationSeconds: video.durationSeconds, width: video.width, height: video.height),
                apiCredentialId: share.apiCredentialId, locale: share.locale, title: share.publicTitle,
                subtitle: share.publicSubtitle, description: share.description, metadata: share.metadata,
                personalizationData: share.personalizationData, createdAt: share.createdAt, sourceFile: share.sourceFile)
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

    /// Stable across slug rotations and edits: one share per project, channel and visibility.
    static func shareID(_ share: Share) -> String {
        let key = "\(share.project)\u{0}\(share.channel.rawValue)\u{0}\(share.video.visibility.rawValue)"
        let hex = SHA256.hash(data: Array(key.utf8)).prefix(16).map { String($0, radix: 16).leftPadded(2) }.joined()
        // Shaped like a UUID for clients that expect one.
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
