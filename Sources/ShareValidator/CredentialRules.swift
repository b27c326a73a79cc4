import ShareLoader
import ShareModel

/// A credential that passed its own rules, with the positions cross-file rules cite.
/// Immutable and shared by reference, like `CheckedShare`.
final class CheckedCredential: Sendable {
    let credential: Credential
    let idPosition: SourcePosition
    let apiKeyPosition: SourcePosition
    let statusPosition: SourcePosition

    init(credential: Credential, idPosition: SourcePosition, apiKeyPosition: SourcePosition, statusPosition: SourcePosition) {
        self.credential = credential
        self.idPosition = idPosition
        self.apiKeyPosition = apiKeyPosition
        self.statusPosition = statusPosition
    }

    func location(_ position: SourcePosition) -> SourceLocation {
        SourceLocation(file: credential.sourceFile, position: position)
    }
}

/// Rules for `content/<project>/credentials/<id>.json`.
enum CredentialRules {
    static let keys = ["id", "name", "apiKey", "secretHash", "createdAt", "status", "revokedAt", "revokedBy"]

    static func validate(_ document: SourceDocument, project: String, into diagnostics: inout [Diagnostic]) -> CheckedCredential? {
        guard let value = document.value,
              var reader = FieldReader(file: document.path, value: value, what: "a credential file", diagnostics: &diagnostics) else { return nil }
        defer { reader.flush(into: &diagnostics) }
        reader.rejectUnknownKeys(keys, in: "a credential file")
        if reader.value("apiSecret") != nil || reader.value("secret") != nil {
            // Checked by name too: the unknown-field error alone would not say why.
            let position = reader.members.first { $0.key == "apiSecret" || $0.key == "secret" }!.keyPosition
            reader.error("credential.secret-stored", "a credential file must never hold the secret, only its secretHash", at: position)
        }
        let id = reader.string("id", required: true)
        let name = reader.string("name", required: true)
        let apiKey = reader.string("apiKey", required: true)
        let secretHash = reader.string("secretHash", required: true)
        let createdAt = reader.string("createdAt", required: true)
        let status = reader.enumeration("status", CredentialStatus.self, required: true)
        let revokedAt = reader.string("revokedAt")
        let revokedBy = reader.string("revokedBy")

        if let (text, position) = id {
            if !Formats.isUUID(text) {
                reader.error("credential.id", "credential id \"\(text)\" is not a UUID", at: position)
            } else if !document.path.hasSuffix("/\(text).json") {
                reader.error("credential.file-name", "credential file must be named \(text).json after its id", at: position)
            }
        }
        if let (text, position) = apiKey, !text.hasPrefix("pk_") || text.count < 8 {
            reader.error("credential.api-key", "apiKey must start with \"pk_\"", at: position)
        }
        if let (text, position) = apiKey, text.hasPrefix("sk_") {
            reader.error("credential.secret-stored", "apiKey holds a secret (sk_…); store only secretHash", at: position)
        }
        if let (text, position) = secretHash, !Formats.isSecretHash(text) {
            reader.error("credential.secret-hash", "secretHash must be \"sha256:\" followed by 64 lowercase hex digits", at: position)
        }
        for (field, entry) in [("createdAt", createdAt), ("revokedAt", revokedAt)] {
            if let (text, position) = entry, !Formats.isTimestamp(text) {
                reader.error("field.timestamp", "\(field) must be an ISO 8601 UTC time such as 2024-05-01T10:00:00Z", at: position)
            }
        }
        if status == .active, let (_, position) = revokedAt {
            reader.error("credential.status", "an active credential has no revokedAt; set status to \"revoked\" or remove it", at: position)
        }
        guard let id, let name, let apiKey, let secretHash, let createdAt, let status, !reader.diagnostics.hasErrors else { return nil }
        let credential = Credential(
            id: id.value.lowercased(), project: project, name: name.value, apiKey: apiKey.value, secretHash: secretHash.value,
            createdAt: createdAt.value, status: status, revokedAt: revokedAt?.value, revokedBy: revokedBy?.value,
            sourceFile: document.path)
        return CheckedCredential(
            credential: credential, idPosition: id.position, apiKeyPosition: apiKey.position,
            statusPosition: reader.value("status")!.position)
    }
}
