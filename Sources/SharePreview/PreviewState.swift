import ShareBuild
import ShareLoader
import ShareModel
import ShareSigner
import Synchronization

/// What the preview answers with at one moment. Replaced whole after each build, so that a
/// request sees one build from start to end.
struct Snapshot: Sendable {
    enum Content: Sendable {
        case site(PreviewSite)
        /// The overlay page listing the diagnostics of a failed build.
        case failed(overlay: [UInt8])
    }

    /// Changes with every build; a page carries the version it was served at.
    var version: String
    var content: Content
    /// The signer's view of the last successful build.
    var catalog: LazyCatalog
}

/// The preview's shared state: the current snapshot, and the pages listening for reloads.
/// The signer's routes read their catalog from it, so they answer from the current build.
final class PreviewState: SignerCatalogProvider {
    let channel: Channel
    let events = ReloadEvents()
    private let instance: String
    private let state: Mutex<(snapshot: Snapshot, generation: Int)>

    init(channel: Channel, first outcome: LiveBuild.Outcome, sourceLines: DiagnosticFormatter.SourceLines?) {
        self.channel = channel
        // Versions differ across server restarts, so a page reconnecting to a new server reloads.
        instance = String(UInt32.random(in: .min ... .max), radix: 36)
        let empty = LazyCatalog(nil, channel: channel, version: "")
        state = Mutex((PreviewState.snapshot(outcome, version: "\(instance)-1", previous: empty, channel: channel, sourceLines: sourceLines), 1))
    }

    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    var catalog: SignerCatalog { snapshot.catalog.value }

    /// Serves `outcome` from now on and tells every open page to reload.
    func publish(_ outcome: LiveBuild.Outcome, sourceLines: DiagnosticFormatter.SourceLines?) {
        let version = state.withLock { state in
            state.generation += 1
            let version = "\(instance)-\(state.generation)"
            state.snapshot = PreviewState.snapshot(outcome, version: version, previous: state.snapshot.catalog, channel: channel, sourceLines: sourceLines)
            return version
        }
        events.send(.reload(version))
    }

    private static func snapshot(
        _ outcome: LiveBuild.Outcome, version: String, previous: LazyCatalog, channel: Channel, sourceLines: DiagnosticFormatter.SourceLines?
    ) -> Snapshot {
        switch outcome {
        case .built(let output, _):
            return Snapshot(version: version, content: .site(PreviewSite(output)), catalog: LazyCatalog(output, channel: channel, version: version))
        case .failed(let diagnostics, _):
            return Snapshot(version: version, content: .failed(overlay: PreviewMarkup.overlay(diagnostics, sourceLines: sourceLines, version: version)), catalog: previous)
        }
    }
}

/// The signer catalog of one build, made when first asked for: most builds are never asked
/// to sign, and making a large site's manifest is not free.
final class LazyCatalog: Sendable {
    private let output: LiveBuild.Output?
    private let channel: Channel
    private let version: String
    private let made = Mutex<SignerCatalog?>(nil)

    init(_ output: LiveBuild.Output?, channel: Channel, version: String) {
        self.output = output
        self.channel = channel
        self.version = version
    }

    var value: SignerCatalog {
        made.withLock { made in
            if let made { return made }
            // No manifest file exists: the build's version stands for its digest in `/healthz`.
            let catalog = output.flatMap { try? SignerCatalog(manifest: $0.manifest(), digest: version) } ?? LazyCatalog.empty(channel)
            made = catalog
            return catalog
        }
    }

    /// No shares and no credentials: before the first successful build, every call is refused.
    private static func empty(_ channel: Channel) -> SignerCatalog {
        let manifest = Manifest(
            channel: channel, baseURL: "", siteName: "", signing: Manifest.Signing(SigningConfig()), shares: [], redirects: [], gone: [], credentials: [])
        // An empty manifest of the current version always validates.
        return try! SignerCatalog(manifest: manifest, digest: "")
    }
}

/// The open `/__sharegen/events` streams.
final class ReloadEvents: Sendable {
    enum Event: Sendable, Equatable {
        /// The site was rebuilt; the new version.
        case reload(String)
        /// Nothing happened: a comment that lets a stream notice its page has gone.
        case keepAlive
    }

    private struct Listeners {
        var streams: [Int: AsyncStream<Event>.Continuation] = [:]
        var next = 0
    }

    private let listeners = Mutex(Listeners())

    /// A new stream of events, and its continuation, to end it.
    func subscribe() -> (events: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4))
        let id = listeners.withLock { listeners in
            defer { listeners.next += 1 }
            listeners.streams[listeners.next] = continuation
            return listeners.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.streams.removeValue(forKey: id) }
        }
        return (stream, continuation)
    }

    /// How many streams are open.
    var count: Int { listeners.withLock { $0.streams.count } }

    func send(_ event: Event) {
        for stream in listeners.withLock({ Array($0.streams.values) }) { stream.yield(event) }
    }
}
