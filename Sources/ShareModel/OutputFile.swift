import Synchronization

/// One file of build output, with its path relative to the output folder
/// (`site/<slug>/index.html`, `redirects/nginx.conf`, `manifest.json`).
public struct OutputFile: Sendable, Equatable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

/// Where rendered files go, from any thread: each whole, or one too large to hold
/// whole (a 100,000-share `manifest.json` is 200 MB) in pieces.
public protocol OutputSink: Sendable {
    func write(_ file: OutputFile)
    /// Writes the file at `path` from the pieces `produce` hands to its `write`, in order.
    func write(path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void)
}

extension OutputSink {
    /// For sinks that keep files in memory anyway: the pieces joined.
    public func write(path: String, streaming produce: (_ write: ([UInt8]) -> Void) -> Void) {
        write(OutputFile(path: path, bytes: [UInt8](joiningPieces: produce)))
    }
}

extension Array where Element == UInt8 {
    /// The pieces `produce` hands to its `write`, joined in order: a streamed file, whole.
    public init(joiningPieces produce: (_ write: ([UInt8]) -> Void) -> Void) {
        var bytes: [UInt8] = []
        produce { bytes += $0 }
        self = bytes
    }
}

/// A sink that keeps every file in memory, in the order they were written.
public final class OutputCollector: OutputSink {
    private let files = Mutex<[OutputFile]>([])

    public init() {}

    public func write(_ file: OutputFile) {
        files.withLock { $0.append(file) }
    }

    /// Every file written so far.
    public var collected: [OutputFile] { files.withLock { $0 } }
}
