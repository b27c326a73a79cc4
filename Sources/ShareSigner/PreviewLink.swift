extension SignerCatalog {
    /// The fragment (`#hls=…&mp4=…`) of the signed share URL of `slug`, as
    /// `GET /v1/shares/{slug}` would answer it with the default TTL, or nil unless `slug` is an
    /// Enabled, playable private share. For the preview server, which signs for its author
    /// without an API credential.
    public func signedFragment(slug: String, keys: SigningKeySet, now: Int64) -> String? {
        guard let share = shares[slug], share.status == .enabled, share.visibility == .private, share.videoStatus == .completed else {
            return nil
        }
        let url = share.document.shareURLJSON(keys: keys, expires: now + defaultTTL)
        return url.firstIndex(of: "#").map { String(url[$0...]) }
    }
}
