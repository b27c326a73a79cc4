import Foundation
import Logging
import Synchronization

/// Where the routes get their signing keys: a fixed ``SigningKeySet``, or a ``SigningKeyStore``
/// that SIGHUP reloads.
public protocol SigningKeyProvider: Sendable {
    /// The keys to answer the next request with; a request reads them once.
    var signingKeys: SigningKeySet { get }
}

extension SigningKeySet: SigningKeyProvider {
    public var signingKeys: SigningKeySet { self }
}

/// The signer's key file, reloaded on SIGHUP: a file that fails to parse is logged and the
/// keys in use keep serving, as with the manifest. Keys from `SHAREGEN_SIGNING_KEYS` cannot
/// change while the process runs, so a reload keeps them.
public final class SigningKeyStore: SigningKeyProvider {
    /// The key file, or nil for keys from the environment.
    public let path: String?
    private let logger: Logger
    private let current: Mutex<SigningKeySet>

    /// Reads the key file at `path`, or else the JSON in `SHAREGEN_SIGNING_KEYS`.
    public init(path: String?, environment: [String: String], logger: Logger) throws(SigningKeyError) {
        self.path = path
        self.logger = logger
        current = Mutex(try SigningKeySet.load(path: path, environment: environment))
    }

    public var signingKeys: SigningKeySet { current.withLock { $0 } }

    /// Reads the key file again; returns why it was refused, or nil when the new keys serve.
    @discardableResult
    public func reload() -> SigningKeyError? {
        guard let path else { return nil }
        do throws(SigningKeyError) {
            let keys = try SigningKeySet.load(path: path, environment: [:])
            current.withLock { $0 = keys }
            logger.info("keys loaded", metadata: ["path": "\(path)", "activeKey": "\(keys.activeKeyID)", "keys": "\(keys.keyIDs.joined(separator: ","))"])
            return nil
        } catch {
            logger.error("keys rejected; the previous ones keep serving", metadata: ["reason": "\(error.message)"])
            return error
        }
    }
}
