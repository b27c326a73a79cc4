import Foundation
import Hummingbird

/// Who calls: `Authorization: Basic base64(apiKey:apiSecret)` or `x-api-key: <apiSecret>`,
/// checked against the SHA-256 of the secret that the manifest stores.
enum Authentication {
    static let apiKeyHeader = HTTPFields.Element.Name("x-api-key")!

    /// The caller's active credential; 401 for a missing or wrong one, 403 for a revoked one.
    /// The secret is hashed before anything is looked up, so the time taken does not depend on
    /// whether an API key exists; the final comparison takes constant time. With `x-api-key`
    /// the digest itself is the lookup key: its timing can only reveal bits of a SHA-256 of
    /// the guess, which says nothing about the real secret.
    static func caller(_ headers: HTTPFields, in catalog: SignerCatalog) -> Result<CatalogCredential, SignerError> {
        let candidate: CatalogCredential?
        let secret: SecretDigest
        if let authorization = headers[.authorization] {
            guard let (apiKey, apiSecret) = basicCredentials(authorization) else { return .failure(.unauthorized) }
            secret = SecretDigest(secret: apiSecret)
            candidate = catalog.credentialsByAPIKey[apiKey]
        } else if let apiSecret = headers[apiKeyHeader] {
            secret = SecretDigest(secret: apiSecret)
            candidate = catalog.credentialsBySecret[secret]
        } else {
            return .failure(.unauthorized)
        }
        guard let credential = candidate, credential.secret.matches(secret) else { return .failure(.unauthorized) }
        // Revocation is told only to a caller who holds the secret.
        guard credential.status == .active else { return .failure(.revoked) }
        return .success(credential)
    }

    /// `apiKey` and `apiSecret` of a `Basic` authorization (RFC 7617; the scheme is case-insensitive).
    private static func basicCredentials(_ authorization: String) -> (String, String)? {
        let scheme = authorization.prefix { $0 != " " }
        guard scheme.lowercased() == "basic",
              let decoded = Data(base64Encoded: String(authorization.dropFirst(scheme.count).drop { $0 == " " })),
              let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
