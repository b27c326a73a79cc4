import Foundation

// Usage: EmbedTemplatesTool TEMPLATES_DIR OUTPUT_SWIFT_FILE
// Writes a Swift dictionary of every file under TEMPLATES_DIR (path → text).
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedTemplatesTool TEMPLATES_DIR OUTPUT\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL
var files: [(String, String)] = []
if let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
    for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
        files.append((relative, try String(contentsOf: url, encoding: .utf8)))
    }
}
files.sort { $0.0 < $1.0 }

/// A raw string literal whose delimiter cannot occur in the text.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    // The newline before a closing delimiter is not part of a multi-line literal, so the
    // text's own final newline survives.
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

var source = "// Generated at build time from templates/ by the EmbedTemplates plugin.\n\n"
source += "/// The default templates, assets and locale strings, by path under templates/.\n"
source += "enum EmbeddedTemplates {\n    static let files: [String: String] = [\n"
for (path, text) in files {
    source += "        \"\(path)\": \(literal(text)),\n"
}
source += "    ]\n}\n"
try source.write(to: URL(fileURLWithPath: arguments[2]), atomically: true, encoding: .utf8)
