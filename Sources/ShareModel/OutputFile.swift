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
