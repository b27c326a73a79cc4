import ShareModel
import Testing

@Suite struct SiteTests {
    private static func share(_ channel: Channel, _ slug: String) -> Share {
        Share(
            project: "p", channel: channel, slug: slug, status: .enabled, publicTitle: slug, publicSubtitle: nil, locale: "en-US",
            ctaLabel: nil, ctaUrl: nil, personalizationData: nil, apiCredentialId: nil, metadata: nil, description: "",
            video: Video(id: slug), previousSlugs: [], audit: [], sourceFile: slug, format: .json)
    }

    @Test("a channel's shares are those of the channel in order, whether or not the site's shares are sorted")
    func sharesInChannel() {
        let sorted = [Self.share(.DEV, "d1"), Self.share(.STAGING, "s1"), Self.share(.STAGING, "s2"), Self.share(.PROD, "p1")]
        let unsorted = [Self.share(.STAGING, "s1"), Self.share(.PROD, "p1"), Self.share(.STAGING, "s2"), Self.share(.DEV, "d1")]
        // Sorted as documented, a channel's shares are a slice of the site's, not a copy.
        #expect(Site(config: .default, projects: [], shares: sorted, credentials: []).shares(in: .STAGING).indices == 1..<3)
        for shares in [sorted, unsorted, [], sorted.filter { $0.channel == .PROD }] {
            let site = Site(config: .default, projects: [], shares: shares, credentials: [])
            for channel in Channel.allCases {
                #expect(site.shares(in: channel).map(\.slug) == shares.filter { $0.channel == channel }.map(\.slug))
            }
        }
    }

    @Test("a copy of a share is a value: writing either leaves the other as it was")
    func shareIsAValue() {
        let original = Self.share(.PROD, "p1")
        var copy = original
        copy.publicTitle = "Changed"
        copy.video.visibility = .private
        copy.previousSlugs.append(PreviousSlug(slug: "old", rotatedAt: "2024-01-01T00:00:00Z", rotatedBy: "a@example.com", mode: .gone))
        #expect(original.publicTitle == "p1" && original.video.visibility == .public && original.previousSlugs.isEmpty)
        #expect(copy.publicTitle == "Changed" && copy.video.visibility == .private && copy.previousSlugs.map(\.slug) == ["old"])
        var again = copy
        again.slug = "p2"
        #expect(copy.slug == "p1" && again.slug == "p2" && again.publicTitle == "Changed")
    }
}
