import CCMark
#if canImport(Glibc)
import Glibc
#endif

/// CommonMark to HTML through libcmark. cmark's default (safe) mode replaces raw HTML
/// with a comment and drops `javascript:`, `vbscript:`, `file:` and most `data:` links.
public enum Markdown {
    public static func html(_ markdown: String) -> String {
        if markdown.isEmpty { return "" }
        var source = markdown
        return source.withUTF8 { buffer in
            guard let rendered = buffer.withMemoryRebound(to: CChar.self, { cmark_markdown_to_html($0.baseAddress, $0.count, CMARK_OPT_DEFAULT) }) else {
                return ""
            }
            defer { free(rendered) }
            return String(cString: rendered)
        }
    }
}
