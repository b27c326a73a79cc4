import Dispatch
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ShareBuild
import ShareLoader
import ShareModel
import ShareRenderer
import ShareSigner

/// `sharegen serve` (SPEC §6): one channel built into memory and served with production's
/// status codes, rebuilt when its files change, with open pages reloaded over Server-Sent
/// Events and the signer's routes mounted with a throwaway key or the `--keys` file's.
public enum PreviewServer {
    public struct Configuration: Sendable {
        /// The site root.
        public var root: String
        public var channel: Channel
        public var host: String
        /// 0 picks a free port; the `serving` line says which.
        public var port: Int
        /// How long file events must pause before a rebuild starts.
        public var debounce: Duration
        /// How often an idle event stream gets a comment, so a closed page is noticed.
        public var keepAlive: Duration
        /// The keys the signer's routes sign with (`serve --keys`); nil for a throwaway key.
        public var keys: SigningKeySet?

        public init(
            root: String, channel: Channel = .DEV, host: String = "127.0.0.1", port: Int = 8080,
            debounce: Duration = .milliseconds(30), keepAlive: Duration = .seconds(15), keys: SigningKeySet? = nil
        ) {
            self.keys = keys
            self.root = root
            self.channel = channel
            self.host = host
            self.port = port
            self.debounce = debounce
            self.keepAlive = keepAlive
        }
    }

    /// A built preview, not yet listening.
    public struct Preview {
        /// Answers requests: the site, the preview's own `/__sharegen/` routes and the signer's.
        public let router: Router<BasicRequestContext>
        /// Rebuilds after each batch of changes and tells open pages; ends at graceful shutdown.
        public let rebuilds: any Service
        let state: PreviewState
    }

    /// Builds the site once and starts watching it, so that no change made from now on is missed.
    public static func prepare(configuration: Configuration, reporter: BuildReporter) async throws -> Preview {
        let sourceLines = SiteLoader(fileSystem: LocalFileSystem(), root: configuration.root).sourceLines
        let watcher = try FileWatcher(root: configuration.root, quiet: configuration.debounce) { reporter.warn($0) }
        watcher.start()
        let builder = Rebuilder(channel: configuration.channel, reporter: reporter, sourceLines: sourceLines)
        let (build, outcome) = await builder.update(LiveBuild(root: configuration.root, channel: configuration.channel), changes: nil)
        let state = PreviewState(channel: configuration.channel, first: outcome, sourceLines: sourceLines)
        let keys = configuration.keys ?? SigningKeySet.throwaway()
        let router = Router()
        addRoutes(to: router, state: state, keepAlive: configuration.keepAlive)
        SignerRoutes.add(to: router, catalog: state, keys: keys)
        // Added after every route, the site middleware wraps only the router's not-found answer.
        router.add(middleware: SiteMiddleware(state: state, keys: keys))
        let rebuilds = RebuildService(watcher: watcher, first: build, state: state, builder: builder)
        return Preview(router: router, rebuilds: rebuilds, state: state)
    }

    /// The prepared preview as an application, ready to run as a service.
    public static func makeApplication(
        configuration: Configuration, reporter: BuildReporter, logger: Logger
    ) async throws -> some ApplicationProtocol {
        let preview = try await prepare(configuration: configuration, reporter: reporter)
        let state = preview.state
        return Application(
            router: preview.router,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            services: [preview.rebuilds],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                var example: String?
                if case .site(let site) = state.snapshot.content { example = site.examplePage }
                reporter.serving(configuration.channel, url: "http://\(host):\(port)", example: example)
            },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT. Throws ``ListenError`` when the address cannot be bound.
    public static func run(configuration: Configuration, reporter: BuildReporter, logger: Logger) async throws {
        let application = try await makeApplication(configuration: configuration, reporter: reporter, logger: logger)
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw ListenError(error, host: configuration.host, port: configuration.port) ?? error
        }
    }

    /// The preview's own routes, under `/__sharegen/`.
    static func addRoutes(to router: Router<BasicRequestContext>, state: PreviewState, keepAlive: Duration) {
        router.get(RouterPath(PreviewMarkup.scriptPath)) { _, _ in
            asset(PreviewMarkup.script, type: "text/javascript; charset=utf-8")
        }
        router.get(RouterPath(PreviewMarkup.stylesheetPath)) { _, _ in
            asset(PreviewMarkup.stylesheet, type: "text/css; charset=utf-8")
        }
        router.get(RouterPath(PreviewMarkup.eventsPath)) { request, _ in
            // Subscribe before reading the version, so that no rebuild falls in between.
            let (events, continuation) = state.events.subscribe()
            let current = state.snapshot.version
            let since = request.uri.queryParameters["since"].map(String.init)
            var headers = previewHeaders
            headers[.contentType] = "text/event-stream"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                // One reload per stream: the page reloads and opens a new one.
                if let since, since != current {
                    try await writer.write(ByteBuffer(string: "retry: 1000\nevent: reload\ndata: \(current)\n\n"))
                    try await writer.finish(nil)
                    return
                }
                try await writer.write(ByteBuffer(string: "retry: 1000\n: waiting for changes\n\n"))
                let keepAliveTask = Task {
                    while (try? await Task.sleep(for: keepAlive)) != nil { continuation.yield(.keepAlive) }
                }
                defer { keepAliveTask.cancel() }
                // The server waits for open responses when it stops: end this one then.
                try await withGracefulShutdownHandler {
                    for await event in events {
                        switch event {
                        case .keepAlive:
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        case .reload(let version):
                            try await writer.write(ByteBuffer(string: "event: reload\ndata: \(version)\n\n"))
                            return
                        }
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
        }
    }

    /// Headers of every preview answer: nothing is cached, so a reload shows the new build.
    static let previewHeaders: HTTPFields = [
        .cacheControl: "no-store", .xContentTypeOptions: "nosniff", HTTPFields.Element.Name("Referrer-Policy")!: "no-referrer",
    ]

    private static func asset(_ text: String, type: String) -> Response {
        var headers = previewHeaders
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Answers every path no route matched — the site's — from the current snapshot. Added to
/// the router after all routes, it wraps only the router's not-found answer, which it replaces.
struct SiteMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let state: PreviewState
    let keys: SigningKeySet

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        site(request)
    }

    private func site(_ request: Request) -> Response {
        var headers = PreviewServer.previewHeaders
        guard request.method == .get || request.method == .head else {
            headers[.allow] = "GET, HEAD"
            return Response(status: .methodNotAllowed, headers: headers)
        }
        let snapshot = state.snapshot
        let status: Int
        var body: [UInt8]
        switch snapshot.content {
        case .failed(let overlay):
            status = 500
            body = overlay
            headers[.contentType] = "text/html; charset=utf-8"
        case .site(let site):
            let answer = site.answer(rawPath: request.uri.path, query: request.uri.query)
            status = answer.status
            headers = siteHeaders(site.fields(rawPath: request.uri.path, status: status))
            if let location = answer.location { headers[.location] = location }
            guard let file = answer.file else { return Response(status: .init(code: status), headers: headers) }
            let type = ContentType.of(file)
            headers[.contentType] = type
            body = site.body(answer)
            if type.hasPrefix("text/html") {
                body = PreviewMarkup.inject(into: body, version: snapshot.version, banner: status == 200 ? banner(file, site, snapshot) : nil)
            }
        }
        if request.method == .head { body = [] }
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The site's own headers, as the static hosts send them, except that nothing is cached
    /// and the policy lets the reload script open its event stream.
    private func siteHeaders(_ fields: [SiteRoutes.Field]) -> HTTPFields {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        for field in fields where field.name != "Cache-Control" {
            guard let name = HTTPFields.Element.Name(field.name) else { continue }
            headers[name] = field.name == "Content-Security-Policy" ? PreviewMarkup.previewPolicy(field.value) : field.value
        }
        return headers
    }

    /// The banner of a private share's page (`file` is `/<slug>/index.html`), whose link plays
    /// it with the throwaway key.
    private func banner(_ file: String, _ site: PreviewSite, _ snapshot: Snapshot) -> String? {
        let parts = file.split(separator: "/")
        guard parts.count == 2, parts[1] == "index.html", site.output.privateSlugs.contains(String(parts[0])),
              let fragment = snapshot.catalog.value.signedFragment(slug: String(parts[0]), keys: keys, now: Int64(Date().timeIntervalSince1970))
        else { return nil }
        return PreviewMarkup.privateBanner(channel: site.output.channel, fragment: fragment)
    }
}

/// Runs builds and reports them.
struct Rebuilder: Sendable {
    let channel: Channel
    let reporter: BuildReporter
    let sourceLines: DiagnosticFormatter.SourceLines

    /// `build` brought up to date, on a Dispatch thread: building is CPU-bound and synchronous,
    /// and Swift's cooperative pool, as wide as the machine, also answers requests.
    func update(_ build: LiveBuild, changes: SiteChanges?) async -> (LiveBuild, LiveBuild.Outcome) {
        reporter.building(channel, changes: changes)
        let start = ContinuousClock.now
        let startCPU = Rebuilder.processorSeconds()
        let (updated, outcome) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var build = build
                let outcome = build.update(changed: changes?.paths)
                continuation.resume(returning: (build, outcome))
            }
        }
        reporter.finished(
            outcome, channel: channel, seconds: (ContinuousClock.now - start) / .seconds(1), cpuSeconds: Rebuilder.processorSeconds() - startCPU,
            sourceLines: sourceLines)
        return (updated, outcome)
    }

    /// User and system time of the whole process: on a busy machine, wall time says more about
    /// the neighbours than about the build.
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let total = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
        return Double(total) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// Rebuilds after each batch of changes and publishes the result to open pages.
struct RebuildService: Service {
    let watcher: FileWatcher
    let first: LiveBuild
    let state: PreviewState
    let builder: Rebuilder

    func run() async {
        var build = first
        await withGracefulShutdownHandler {
            for await _ in watcher.batches {
                guard let changes = watcher.takeChanges() else { continue }
                let outcome: LiveBuild.Outcome
                (build, outcome) = await builder.update(build, changes: changes)
                state.publish(outcome, sourceLines: builder.sourceLines)
            }
        } onGracefulShutdown: {
            watcher.stop()
        }
    }
}
