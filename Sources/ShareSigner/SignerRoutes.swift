import Foundation
import Hummingbird
import Logging
import ShareModel

/// Where the routes get the manifest to answer with: a ``ManifestStore`` for the signer, or
/// whatever the preview server keeps its freshly built manifest in.
public protocol SignerCatalogProvider: Sendable {
    /// The catalog to answer the next request with; a request reads it once.
    var catalog: SignerCatalog { get }
}

/// The signer's HTTP routes (SPEC §5), mountable on any Hummingbird router.
public struct SignerRoutes: Sendable {
    /// Limits and clocks of the routes.
    public struct Options: Sendable {
        /// Largest accepted request body, in bytes (413 beyond).
        public var bodyLimit: Int
        /// How long a request body may take to arrive (408 beyond).
        public var bodyTimeout: Duration
        /// Seconds a token keeps verifying after it expires, for clocks that run apart.
        public var clockSkewLeeway: Int64
        /// The current Unix time in seconds.
        public var now: @Sendable () -> Int64

        public init(
            bodyLimit: Int = 16 * 1024, bodyTimeout: Duration = .seconds(10), clockSkewLeeway: Int64 = 30,
            now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
        ) {
            self.bodyLimit = bodyLimit
            self.bodyTimeout = bodyTimeout
            self.clockSkewLeeway = clockSkewLeeway
            self.now = now
        }
    }

    static let originalURIHeader = HTTPFields.Element.Name("x-original-uri")!

    private let provider: any SignerCatalogProvider
    private let keyProvider: any SigningKeyProvider
    private let options: Options

    /// The routes' paths, as the router spells them.
    static let paths = ["/v1/shares/:slug", "/v1/video/share", "/v1/verify", "/healthz"]

    /// Adds `GET /v1/shares/{slug}`, `POST /v1/video/share`, `GET /v1/verify` and `GET /healthz`
    /// to `router`, HEAD for each GET, and 405 with the JSON error body for the other common
    /// methods. Tokens are signed with the provider's active key and verified with all of them.
    public static func add<Context: RequestContext>(
        to router: Router<Context>, catalog provider: some SignerCatalogProvider, keys: some SigningKeyProvider, options: Options = Options()
    ) {
        let routes = SignerRoutes(provider: provider, keyProvider: keys, options: options)
        let gets: [(String, @Sendable (Request, Context) async -> Response)] = [
            ("/v1/shares/:slug", { request, context in routes.share(slug: context.parameters.get("slug") ?? "", request: request, logger: context.logger) }),
            ("/v1/verify", { request, context in routes.verify(request, logger: context.logger) }),
            ("/healthz", { _, _ in routes.health() }),
        ]
        for (path, handler) in gets {
            router.get(RouterPath(path)) { request, context in await handler(request, context) }
            // The GET's status and headers, its length included, without the body.
            router.head(RouterPath(path)) { request, context in await handler(request, context).createHeadResponse() }
        }
        router.post("/v1/video/share") { request, context in
            await routes.videoShare(request, logger: context.logger)
        }
        for path in paths {
            let allowed: [HTTPRequest.Method] = path == "/v1/video/share" ? [.post] : [.get, .head]
            for method in [HTTPRequest.Method.get, .head, .post, .put, .delete, .patch, .options] where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ in SignerError.methodNotAllowed(allowed).response }
            }
        }
    }

    private func health() -> Response {
        let catalog = provider.catalog
        return jsonResponse(
            #"{"status":"ok","manifestVersion":\#(catalog.manifestVersion),"manifestDigest":"\#(catalog.digest)","channel":"\#(catalog.channel.rawValue)","shares":\#(catalog.shareCount)}"#)
    }

    /// Logs a route's outcome at debug level: the route, the status and, for a refusal, why;
    /// never the request's credentials or URI.
    private static func log(_ logger: Logger, _ route: String, _ status: HTTPResponse.Status, refusal reason: String? = nil) {
        // Checked first: building the metadata would cost every request even when not written.
        guard logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = ["route": "\(route)", "status": "\(status.code)"]
        metadata["reason"] = reason.map { "\($0)" }
        logger.debug(reason == nil ? "answered" : "refused", metadata: metadata)
    }

    // MARK: GET /v1/shares/{slug}

    private func share(slug: String, request: Request, logger: Logger) -> Response {
        let catalog = provider.catalog
        do {
            let credential = try Authentication.caller(request.headers, in: catalog).get()
            let ttl = try self.ttl(request, catalog: catalog)
            let share = try self.share(slug: slug, of: credential.project, in: catalog)
            SignerRoutes.log(logger, "share", .ok)
            return jsonResponse(share.document.render(keys: keyProvider.signingKeys, expires: options.now() + ttl))
        } catch {
            SignerRoutes.log(logger, "share", error.status, refusal: error.code)
            return error.response
        }
    }

    /// `?ttl=S`: whole seconds from 1 to the manifest's maximum, else 400 — a caller that asks
    /// for more than the site allows is told so rather than silently given less.
    private func ttl(_ request: Request, catalog: SignerCatalog) throws(SignerError) -> Int64 {
        guard let text = request.uri.queryParameters["ttl"] else { return catalog.defaultTTL }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let ttl = Int64(text), (1...catalog.maxTTL).contains(ttl) else {
            throw .badRequest("ttl must be a whole number of seconds from 1 to \(catalog.maxTTL)")
        }
        return ttl
    }

    /// The Enabled share `slug` of `project`. Another project's share looks absent, so that a
    /// credential cannot probe which slugs exist.
    private func share(slug: String, of project: String, in catalog: SignerCatalog) throws(SignerError) -> CatalogShare {
        if let share = catalog.shares[slug], share.project == project {
            guard share.status == .enabled else { throw .notFound }
            guard share.videoStatus == .completed else { throw .videoNotReady(share.videoStatus.rawValue) }
            return share
        }
        if let rotation = catalog.rotatedSlugs[slug], rotation.project == project { throw .rotated(to: rotation.redirectsTo) }
        throw .notFound
    }

    // MARK: POST /v1/video/share

    private func videoShare(_ request: Request, logger: Logger) async -> Response {
        let catalog = provider.catalog
        do {
            let credential = try Authentication.caller(request.headers, in: catalog).get()
            let videoID = try parseVideoID(try await body(of: request))
            let share = try self.share(video: videoID, of: credential.project, in: catalog)
            let url = share.document.shareURLJSON(keys: keyProvider.signingKeys, expires: options.now() + catalog.defaultTTL)
            SignerRoutes.log(logger, "video_share", .ok)
            return jsonResponse(#"{"code":100,"data":"\#(url)","msg":null,"message":null}"#)
        } catch {
            SignerRoutes.log(logger, "video_share", error.status, refusal: error.code)
            return error.heyGenResponse
        }
    }

    /// The request body, within the size and time limits; reading stops as soon as the body
    /// passes the limit.
    private func body(of request: Request) async throws(SignerError) -> ByteBuffer {
        let limit = options.bodyLimit
        let timeout = options.bodyTimeout
        do {
            return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await request.body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let body = try await group.next() ?? nil else { throw SignerError.bodyTimeout }
                return body
            }
        } catch let error as SignerError {
            throw error
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw .bodyTooLarge
        } catch {
            throw .badRequest("the request body could not be read")
        }
    }

    private func parseVideoID(_ body: ByteBuffer) throws(SignerError) -> String {
        struct Body: Decodable {
            var videoID: String
            enum CodingKeys: String, CodingKey { case videoID = "video_id" }
        }
        guard let videoID = try? JSONDecoder().decode(Body.self, from: Data(body.readableBytesView)).videoID, !videoID.isEmpty else {
            throw .badRequest(#"the body must be a JSON object with a non-empty string "video_id""#)
        }
        return videoID
    }

    /// The project's Enabled share of a video: a public one when there is one (its link does not
    /// expire), else the private one, whose link carries signed media in its fragment.
    private func share(video videoID: String, of project: String, in catalog: SignerCatalog) throws(SignerError) -> CatalogShare {
        let shares = (catalog.sharesByVideo[videoID] ?? []).filter { $0.project == project && $0.status == .enabled }
        guard let first = shares.first else { throw .notFound }
        let ready = shares.filter { $0.videoStatus == .completed }
        guard let share = ready.first(where: { $0.visibility == .public }) ?? ready.first else {
            throw .videoNotReady(first.videoStatus.rawValue)
        }
        return share
    }

    // MARK: GET /v1/verify

    /// nginx `auth_request`: 204 when `X-Original-URI` carries a token that opens its file, else
    /// 403. The URI is never logged: it holds the token.
    private func verify(_ request: Request, logger: Logger) -> Response {
        let rejection = request.headers[SignerRoutes.originalURIHeader].map {
            provider.catalog.rejection(ofOriginalURI: $0, keys: keyProvider.signingKeys, now: options.now(), leeway: options.clockSkewLeeway)
        } ?? .malformed
        guard let rejection else {
            SignerRoutes.log(logger, "verify", .noContent)
            return Response(status: .noContent)
        }
        SignerRoutes.log(logger, "verify", .forbidden, refusal: rejection.rawValue)
        return SignerError.forbidden.response
    }
}

extension SignerCatalog {
    /// Why the media token in an original request URI (`[<media base path>]/t/<expires>/<keyId>/<slug>/<signature><mediaPath>[?query]`)
    /// does not open its file now, or nil when it does. Beyond the token itself, its slug must be
    /// an Enabled private share's current slug and the file must lie under one of that share's
    /// media folders, so that `disable` and `rotate-slug` revoke links once the manifest reloads.
    public func rejection(ofOriginalURI uri: String, keys: SigningKeySet, now: Int64, leeway: Int64) -> TokenRejection? {
        var path = uri.prefix { $0 != "?" && $0 != "#" }
        // An edge in front may or may not strip the media base's own path before asking.
        if let prefix = mediaBase?.pathPrefix, !prefix.isEmpty, path.hasPrefix(prefix + "/t/") { path = path.dropFirst(prefix.count) }
        guard let token = MediaToken(tokenPath: path) else { return .malformed }
        guard let share = shares[token.slug], share.status == .enabled, share.visibility == .private else { return .revoked }
        let directories = share.document.signedDirectories.filter { token.mediaPath.hasPrefix($0) }.map { $0[...] }
        guard !directories.isEmpty else { return .notShared }
        return keys.rejection(of: token, directories: directories, now: now, leeway: leeway)
    }
}
