import Foundation
import Hummingbird
import Logging
import NIOCore

/// `sharegen signer`: the signer's routes and manifest watcher in one Hummingbird application.
public enum SignerServer {
    /// Where the signer listens and how it guards itself.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; ``makeApplication(store:keys:configuration:logger:onServerRunning:)`` reports it.
        public var port: Int
        /// How often the manifest file is checked for changes.
        public var pollInterval: Duration
        /// Seconds after which an idle keep-alive connection is closed.
        public var idleTimeoutSeconds: Int64
        public var routes: SignerRoutes.Options

        public init(
            host: String = "127.0.0.1", port: Int = 8081, pollInterval: Duration = .seconds(1), idleTimeoutSeconds: Int64 = 30,
            routes: SignerRoutes.Options = SignerRoutes.Options()
        ) {
            self.host = host
            self.port = port
            self.pollInterval = pollInterval
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.routes = routes
        }
    }

    /// Header limits well above any real API call, far below the HTTP parser's defaults: the
    /// signer reads one credential header and, from nginx, one URI.
    private static let maxHeaderFieldSize = 8 * 1024
    private static let maxHeaderListSize = 32 * 1024
    private static let maxHeaderFieldCount = 100

    /// The application, ready to run as a service. SIGHUP is trapped from the moment this returns,
    /// and reloads the manifest and, when `keys` is a ``SigningKeyStore``, the key file. Every
    /// request gets an access-log line; `middleware` runs after it and before every route
    /// (metrics, tests); `onServerRunning` receives the port once the server accepts connections.
    public static func makeApplication(
        store: ManifestStore, keys: some SigningKeyProvider, configuration: Configuration, logger: Logger,
        middleware: [any MiddlewareProtocol<Request, Response, BasicRequestContext>] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async -> some ApplicationProtocol {
        let router = Router()
        // A router wraps only the routes added after a middleware, and the not-found answer.
        router.add(middleware: AccessLogMiddleware())
        for layer in middleware { router.add(middleware: layer) }
        SignerRoutes.add(to: router, catalog: store, keys: keys, options: configuration.routes)
        router.add(middleware: UnknownRouteMiddleware())
        let watcher = await ManifestWatcher(store: store, keys: keys as? SigningKeyStore, pollInterval: configuration.pollInterval)
        let catalog = store.catalog
        let signing = keys.signingKeys
        return Application(
            router: router,
            server: .http1(configuration: .init(
                idleTimeout: .seconds(configuration.idleTimeoutSeconds),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: maxHeaderFieldSize, maxHeaderListSize: maxHeaderListSize, maxHeaderFieldCount: maxHeaderFieldCount))),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            services: [watcher],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("signer listening", metadata: [
                    "host": "\(configuration.host)", "port": "\(port)", "manifest": "\(store.path)", "digest": "\(catalog.digest)",
                    "shares": "\(catalog.shareCount)", "activeKey": "\(signing.activeKeyID)", "keys": "\(signing.keyIDs.joined(separator: ","))",
                ])
                await onServerRunning(port)
            },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, lets the requests in
    /// flight finish, and returns. Throws ``ListenError`` when the address cannot be bound.
    public static func run(
        store: ManifestStore, keys: some SigningKeyProvider, configuration: Configuration, logger: Logger,
        middleware: [any MiddlewareProtocol<Request, Response, BasicRequestContext>] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let application = await makeApplication(
            store: store, keys: keys, configuration: configuration, logger: logger, middleware: middleware, onServerRunning: onServerRunning)
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw ListenError(error, host: configuration.host, port: configuration.port) ?? error
        }
        logger.info("signer stopped")
    }
}

/// The listening socket could not be set up: the address is taken, not this machine's, or
/// not allowed.
public struct ListenError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The `errno` of the failed call.
    public var reason: Int32

    public init(host: String, port: Int, reason: Int32) {
        self.host = host
        self.port = port
        self.reason = reason
    }

    /// `error` as a ListenError when it is the socket's (NIO's `IOError`), else nil: what a
    /// Hummingbird application's run throws when it cannot bind.
    public init?(_ error: any Error, host: String, port: Int) {
        guard let error = error as? IOError else { return nil }
        self.init(host: host, port: port, reason: error.errnoCode)
    }

    public var description: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let detail: String
        switch reason {
        case EADDRINUSE: detail = "the address is already in use (another process listens there)"
        case EADDRNOTAVAIL: detail = "the address is not one of this machine's"
        case EACCES: detail = "permission denied (ports below 1024 need privileges)"
        default: detail = String(cString: strerror(reason))
        }
        return "cannot listen on \(address): \(detail)"
    }
}
