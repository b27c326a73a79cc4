extension SiteConfig {
    /// The absolute URL of a share's page: the channel's base URL, then `/<slug>/`. What
    /// the manifest, the pages' canonical links, `list`, `put` and `diff` all show.
    public func pageURL(of slug: String, in channel: Channel) -> String {
        SiteConfig.page(of: slug, under: baseURL(for: channel))
    }

    /// Where the page of `slug` lies under `base`, a channel's base URL or its path ("" or
    /// "/watch"): `<base>/<slug>/`. The one spelling of a page's address, for the renderer,
    /// which holds both bases already and asks for thousands of pages.
    public static func page(of slug: String, under base: String) -> String {
        "\(base)/\(slug)/"
    }
}
