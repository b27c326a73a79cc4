import ArgumentParser
import ShareLoader
import ShareModel

#if canImport(Glibc)
import Glibc
#endif

/// Loads and validates a site root for a command, and maps outcomes to exit codes.
struct SiteSession {
    let root: String
    let fileSystem = LocalFileSystem()

    init(root: String) throws {
        self.root = root
        let kind = fileSystem.resolvedKind(at: root)
        guard kind == .directory else {
            printError("error: --root \(root) is not a directory")
            throw Exit.badUsage
        }
        guard fileSystem.kind(at: joinPath(root, SiteLoader.contentDirectory)) != nil
            || fileSystem.kind(at: joinPath(root, SiteLoader.configFile)) != nil else {
            printError("error: \(root) is not a sharegen site (no content/ folder and no sharegen.json)")
            throw Exit.badUsage
        }
    }

    /// Exit 2 for configuration errors, 1 for content errors, 1 for warnings under --strict.
    func exit(for diagnostics: [Diagnostic], strict: Bool) throws {
        let errors = diagnostics.filter { $0.severity == .error }
        if errors.contains(where: { $0.file == SiteLoader.configFile }) { throw Exit.badUsage }
        if !errors.isEmpty || (strict && !diagnostics.isEmpty) { throw Exit.invalidContent }
    }

    /// Reads source lines for the excerpts under text diagnostics.
    var sourceLines: DiagnosticFormatter.SourceLines {
        SiteLoader(fileSystem: fileSystem, root: root).sourceLines
    }
}

/// Writes `message` whole to standard error (see `Console`).
func printError(_ message: String, terminator: String = "\n") {
    Console.write(message + terminator, to: 2)
}

/// Writes `message` whole to standard output (see `Console`).
func printOutput(_ message: String, terminator: String = "\n") {
    Console.write(message + terminator, to: 1)
}

/// Unbuffered, whole writes: with libc's buffered standard output, a `2>&1` pipe got the
/// stderr summary in the middle of a 4 KiB stdout block (splitting a UTF-8 character).
enum Console {
    static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
