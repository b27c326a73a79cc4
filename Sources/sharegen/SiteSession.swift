import ArgumentParser
import ShareLoader
import ShareModel
import ShareValidator
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

    /// Loads and validates in one pass (no parsed tree outlives its file's checks).
    func validate() -> ValidationResult {
        let loader = SiteLoader(fileSystem: fileSystem, root: root)
        let (loaded, result, outcomes) = SiteValidator().load(loader.discover(), with: loader)
        releaseInBackground((consume loaded, consume outcomes))
        return result
    }

    /// Reads source lines for the excerpts under text diagnostics.
    var sourceLines: DiagnosticFormatter.SourceLines {
        SiteLoader(fileSystem: fileSystem, root: root).sourceLines
    }
}

func printError(_ message: String, terminator: String = "\n") {
    var standardError = StandardError()
    print(message, terminator: terminator, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        // Unbuffered write(2) avoids touching libc's global `stderr` stream object.
        var bytes = Array(string.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
