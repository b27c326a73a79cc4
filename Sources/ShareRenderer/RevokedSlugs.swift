import ShareModel

extension RedirectMaps {
    /// `redirects/revoked.json`: every slug whose media tokens no longer open anything — each
    /// Disabled share's and each rotated-away slug — as a sorted JSON array of strings, for the
    /// edge verifiers (`edge/`). No media path, no secret.
    func revokedJSON() -> String {
        JSONValue.array(revokedSlugs.map(JSONValue.string)).serialized(pretty: true) + "\n"
    }
}
