import Crypto
import Foundation
import ShareLoader
import ShareModel
import ShareValidator

/// A credential as `credentials create` issues it. The secret exists only in this value:
/// the file holds its hash.
public struct IssuedCredential: Sendable {
    /// A version 4 UUID, also the file name.
    public var id: String
    public var project: String
    public var name: String
    /// `pk_` and 32 base62 characters: public, it identifies the credential.
    public var apiKey: String
    /// `sk_` and 43 base62 characters; shown once, never stored.
    public var apiSecret: String
    public var createdAt: String
    /// The credential file, relative to the site root.
    public var file: String
    /// Warnings about the new file.
    public var warnings: [Diagnostic]
    /// The project folder this command created (`content/<id>`), if it was new.
    public var createdProject: String?

    /// The Credentials API's response: `{id, apiKey, apiSecret, name, createdAt}`.
    public var response: JSONValue {
        .object([
            ("id", .string(id)), ("apiKey", .string(apiKey)), ("apiSecret", .string(apiSecret)),
            ("name", .string(name)), ("createdAt", .string(createdAt)),
        ])
    }
}

/// What `credentials revoke` did.
public struct CredentialRevocation: Sendable {
    /// False when the credential was already revoked; nothing was written then.
    public var changed: Bool
    public var file: String
    /// The errors the revocation makes `check` report: one per share that still
    /// references the credential (rule `credential.revoked`), plus warnings.
    public var warnings: [Diagnostic]

    /// The share files that still reference the credential.
    public var referencingShares: [String] {
        warnings.filter { $0.rule == "credential.revoked" }.map(\.file).sorted()
    }
}

extension SiteLifecycle {
    static let credentialFieldOrder: [[String]: [String]] = [[]: FieldOrder.credential]

    /// The secret hash as SPEC §2 stores it: `sha256:` and the lowercase hex digest of the
    /// whole secret string.
    public static func secretHash(_ secret: String) -> String {
        "sha256:" + SHA256.hash(data: Array(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// Issues a credential for `project`: a v4 UUID id, a `pk_` key and an `sk_` secret of
    /// 256 random bits. Only the secret's hash is written.
    public func createCredential(project: String, name: String) throws(LifecycleError) -> IssuedCredential {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .usage("the credential name must not be blank") }
        return try SiteEdit.locked(root: root) { site throws(LifecycleError) in
            let loaded = try SiteLifecycle.project(project, in: site, creating: true)
            let folder = loaded.path
            let id = RandomTokens.uuid(environment.randomBytes)
            let credential = IssuedCredential(
                id: id, project: project, name: trimmed,
                apiKey: "pk_" + RandomTokens.base62(length: RandomTokens.apiKeyLength, environment.randomBytes),
                apiSecret: "sk_" + RandomTokens.base62(length: RandomTokens.secretLength, environment.randomBytes),
                createdAt: environment.timestamp, file: joinPath(folder, "credentials", id + ".json"), warnings: [],
                createdProject: SiteLifecycle.createdFolder(loaded, in: site))
            let fields = JSONValue.object([
                ("id", .string(credential.id)), ("name", .string(credential.name)), ("apiKey", .string(credential.apiKey)),
                ("secretHash", .string(SiteLifecycle.secretHash(credential.apiSecret))), ("createdAt", .string(credential.createdAt)),
                ("status", .string(CredentialStatus.active.rawValue)),
            ])
            let bytes = Array((JSONLayout().render(fields, indent: "") + "\n").utf8)
            var issued = credential
            issued.warnings = try site.commit([FileChange(path: credential.file, bytes: bytes, isNew: true)]).warnings
            return issued
        }
    }

    /// Revokes a credential, recording who and when. Shares that still reference it make
    /// `check` fail from now on; they are returned so the caller can name them. Revoking
    /// is never refused for that reason: a leaked credential must stop working at once.
    public func revokeCredential(id: String) throws(LifecycleError) -> CredentialRevocation {
        try SiteEdit.locked(root: root) { site throws(LifecycleError) in
            let documents = site.loaded.projects.flatMap(\.credentials)
            guard let document = documents.first(where: { $0.value?["id"]?.string?.lowercased() == id.lowercased() }) else {
                throw .usage("no credential \(id) in content/*/credentials/ (sharegen credentials list shows them)")
            }
            let original = try site.read(document.path)
            let edited: DocumentEditor?
            do throws(EditError) {
                var editor = try DocumentEditor(file: document.path, format: .json, bytes: original, fieldOrder: Self.credentialFieldOrder)
                if editor.intended["status"]?.stringValue == CredentialStatus.revoked.rawValue {
                    edited = nil
                } else {
                    try editor.set(["status"], to: .string(CredentialStatus.revoked.rawValue))
                    try editor.set(["revokedAt"], to: .string(environment.timestamp))
                    try editor.set(["revokedBy"], to: .string(environment.actor))
                    try editor.verify()
                    edited = editor
                }
            } catch {
                throw .refused("cannot edit \(document.path) in place: \(error.reason); fix it by hand first (sharegen check)")
            }
            guard let edited else { return CredentialRevocation(changed: false, file: document.path, warnings: []) }
            let commit = try site.commit([FileChange(path: document.path, bytes: edited.bytes, isNew: false)], tolerating: ["credential.revoked"])
            return CredentialRevocation(changed: true, file: document.path, warnings: commit.warnings)
        }
    }
}
