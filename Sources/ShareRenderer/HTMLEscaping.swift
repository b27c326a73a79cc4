import Mustache

/// HTML escaping by Unicode scalar. swift-mustache's default escaper compares whole
/// grapheme clusters, so a quote followed by a combining mark (`"\u{301}`) would slip
/// through unescaped and break out of an attribute; this one cannot be fooled that way.
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        var needsWork = false
        for byte in text.utf8 where byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0x22 || byte == 0x27 {
            needsWork = true
            break
        }
        if !needsWork { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The name of the content type every template is rendered with.
    static let contentTypeName = "SHAREGEN_HTML"
    /// Prepended to every template (defaults and site overrides alike).
    static let pragma = "{{% CONTENT_TYPE: \(contentTypeName)}}"

    struct ContentType: MustacheContentType {
        func escapeText(_ text: String) -> String { HTMLEscaping.escape(text) }
    }

    /// Registers the content type once per process.
    static let registered: Void = {
        MustacheContentTypes.register(ContentType(), named: contentTypeName)
    }()
}
