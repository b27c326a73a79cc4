import Logging
import ServiceLifecycle
import ShareModel
import Synchronization
import UnixSignals

/// `manifest.json` as the signer serves it. A reload reads and validates the file beside the
/// catalog in use, then swaps the new catalog in whole: requests already running keep the
/// one they started with, and a file that fails validation is logged and ignored.
public final class ManifestStore: SignerCatalogProvider {
    /// What a reload did.
    public enum ReloadOutcome: Equatable, Sendable {
        /// The file is the one already loaded (or already rejected).
        case unchanged
        /// A new catalog serves, from a file with this digest.
        case reloaded(digest: String)
        /// The file cannot be served; the previous catalog still is.
        case rejected(reason: String)
    }

    public let path: String
    private let logger: Logger
    private let current: Mutex<SignerCatalog>
    /// The file last read, whether it loaded or not; held while reloading, so that two
    /// reloads (a signal and a file change) never interleave.
    private let lastRead: Mutex<FileStamp?>

    /// Loads the manifest at `path`; throws when it cannot be read or is invalid.
    public init(path: String, logger: Logger) throws(ManifestError) {
        self.path = path
        self.logger = logger
        let identity = FileStamp(path: path)
        current = Mutex(try ManifestStore.read(path))
        lastRead = Mutex(identity)
    }

    public var catalog: SignerCatalog { current.withLock { $0 } }

    /// Reloads the manifest if the file changed since it was last read, or always when
    /// `force` is set (SIGHUP). Logs what happened, with the reason when the file is rejected.
    @discardableResult
    public func reload(force: Bool = false) -> ReloadOutcome {
        lastRead.withLock { lastRead in
            let identity = FileStamp(path: path)
            guard force || identity != lastRead else { return .unchanged }
            lastRead = identity
            do throws(ManifestError) {
                let catalog = try ManifestStore.read(path)
                current.withLock { $0 = catalog }
                logger.info("manifest loaded", metadata: [
                    "path": "\(path)", "digest": "\(catalog.digest)", "shares": "\(catalog.shareCount)",
                ])
                return .reloaded(digest: catalog.digest)
            } catch {
                logger.error("manifest rejected; the previous one keeps serving", metadata: [
                    "path": "\(path)", "reason": "\(error.message)", "serving": "\(catalog.digest)",
                ])
                return .rejected(reason: error.message)
            }
        }
    }

    private static func read(_ path: String) throws(ManifestError) -> SignerCatalog {
        let bytes: [UInt8]
        do { bytes = try LocalFileSystem().readFile(path) } catch { throw ManifestError("cannot read \(error)") }
        do { return try SignerCatalog(bytes: bytes) } catch { throw ManifestError("\(path): \(error.message)") }
    }
}

/// Reloads a ``ManifestStore`` on SIGHUP and when its file changes (a stat poll: it works on
/// every file system and catches a replaced file or symlink, which inotify on the old inode
/// would miss), and a ``SigningKeyStore`` on SIGHUP. Stops at graceful shutdown.
public struct ManifestWatcher: Service {
    private let store: ManifestStore
    private let keys: SigningKeyStore?
    private let interval: Duration
    private let hangups: UnixSignalsSequence

    /// Traps SIGHUP from now on: create the watcher before the server starts, so that a SIGHUP
    /// sent once the server answers reloads rather than terminates the process.
    public init(store: ManifestStore, keys: SigningKeyStore? = nil, pollInterval: Duration = .seconds(1)) async {
        self.store = store
        self.keys = keys
        interval = pollInterval
        hangups = await UnixSignalsSequence(trapping: .sighup)
    }

    public func run() async throws {
        let store = store
        let keys = keys
        let interval = interval
        let hangups = hangups
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in hangups {
                        // Keys first: a rollout that adds a key and a manifest together verifies at once.
                        keys?.reload()
                        store.reload(force: true)
                    }
                }
                group.addTask {
                    while (try? await Task.sleep(for: interval)) != nil { store.reload() }
                }
            }
        }
    }
}
