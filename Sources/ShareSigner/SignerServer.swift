import Hummingbird
import Logging

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

    /// The application, ready to run as a service. SIGHUP is trapped from the moment this returns.
    /// `middleware` runs before every route (access logs, metrics); `onServerRunning` receives
    /// the port once the server accepts connections.
    public static func makeApplication(
        store: ManifestStore, keys: SigningKeySet, configuration: Configuration, logger: Logger,
        middleware: [any MiddlewareProtocol<Request, Response, BasicRequestContext>] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async -> some ApplicationProtocol {
        let router = Router()
        // A router wraps only the routes added after a middleware.
        for layer in middleware { router.add(middleware: layer) }
        SignerRoutes.add(to: router, catalog: store, keys: keys, options: configuration.routes)
        let watcher = await ManifestWatcher(store: store, pollInterval: configuration.pollInterval)
        let catalog = store.catalog
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
                    "shares": "\(catalog.shareCount)", "activeKey": "\(keys.activeKeyID)", "keys": "\(keys.keyIDs.joined(separator: ","))",
                ])
                await onServerRunning(port)
            },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, lets the requests in
    /// flight finish, and returns.
    public static func run(
        store: ManifestStore, keys: SigningKeySet, configuration: Configuration, logger: Logger,
        middleware: [any MiddlewareProtocol<Request, Response, BasicRequestContext>] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let application = await makeApplication(
            store: store, keys: keys, configuration: configuration, logger: logger, middleware: middleware, onServerRunning: onServerRunning)
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("signer stopped")
    }
}
