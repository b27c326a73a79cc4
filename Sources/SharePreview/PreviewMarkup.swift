import Foundation
import ShareLoader
import ShareModel
import ShareRenderer

/// What the preview adds to the site's HTML, and its own pages and assets. None of it is ever
/// part of `sharegen build` output: it is spliced into responses as they leave the preview.
enum PreviewMarkup {
    static let prefix = "/__sharegen/"
    static let eventsPath = prefix + "events"
    static let scriptPath = prefix + "reload.js"
    static let stylesheetPath = prefix + "preview.css"

    /// Reloads the page when the site was rebuilt since the page was served. The page's
    /// version rides along, so a rebuild that lands between serving the page and opening the
    /// stream still reloads it.
    static let script = """
        // Injected by `sharegen serve` only: reloads this page when the site is rebuilt.
        (function () {
          "use strict";
          var script = document.currentScript;
          var version = (script && script.getAttribute("data-version")) || "";
          var events = new EventSource("\(eventsPath)?since=" + encodeURIComponent(version));
          events.addEventListener("reload", function () {
            events.close();
            window.location.reload();
          });
          // share.js reads signed media links from the fragment only when the page loads.
          window.addEventListener("hashchange", function () { window.location.reload(); });
        })();

        """

    /// The banner and the error overlay. A stylesheet rather than inline styles, which the
    /// pages' Content-Security-Policy forbids.
    static let stylesheet = """
        .sharegen-preview-banner { position: sticky; top: 0; z-index: 2147483647; margin: 0; padding: 0.6rem 1rem;
          background: #ffd400; color: #1a1a1a; font: 600 0.95rem/1.4 system-ui, sans-serif; text-align: center; }
        .sharegen-preview-banner a { color: inherit; text-decoration: underline; }
        body.sharegen-overlay { margin: 0; padding: 2rem; background: #1e1e1e; color: #f0f0f0; font: 1rem/1.5 system-ui, sans-serif; }
        .sharegen-overlay h1 { margin-top: 0; color: #ff6b6b; font-size: 1.4rem; }
        .sharegen-overlay pre { padding: 1rem; overflow-x: auto; background: #2a2a2a; border-left: 4px solid #ff6b6b;
          font: 0.9rem/1.45 ui-monospace, monospace; white-space: pre-wrap; }
        .sharegen-overlay pre.warning { border-left-color: #ffd400; }

        """

    /// `html` with the reload script before `</body>`, a Content-Security-Policy that lets
    /// it open its event stream, and for a private share's page the preview banner.
    static func inject(into html: [UInt8], version: String, banner: String?) -> [UInt8] {
        var text = String(decoding: html, as: UTF8.self)
        if let policy = metaPolicyRange(in: text) {
            text.replaceSubrange(policy, with: HTMLEscaping.escape(previewPolicy(unescape(String(text[policy])))))
        }
        let script = "<script src=\"\(scriptPath)\" data-version=\"\(HTMLEscaping.escape(version))\"></script>\n"
        insert(script, before: "</body>", orAtEnd: true, in: &text)
        if let banner {
            insert("<link rel=\"stylesheet\" href=\"\(stylesheetPath)\">\n", before: "</head>", orAtEnd: false, in: &text)
            if let body = text.range(of: "<body"), let end = text[body.upperBound...].firstIndex(of: ">") {
                text.insert(contentsOf: "\n" + banner, at: text.index(after: end))
            }
        }
        return Array(text.utf8)
    }

    /// The banner of a private share's page: the link carries media signed with the preview's
    /// throwaway key in its fragment, as a signed share URL would.
    static func privateBanner(channel: Channel, fragment: String) -> String {
        """
        <p class="sharegen-preview-banner" role="note">Preview (\(channel.rawValue)) — not the published site. \
        This private video plays only from a signed link: <a href="\(HTMLEscaping.escape(fragment))">play it with a preview link</a> \
        (signed with a throwaway key).</p>
        """
    }

    /// The page every path answers while the site does not build.
    static func overlay(_ diagnostics: [Diagnostic], sourceLines: DiagnosticFormatter.SourceLines?, version: String) -> [UInt8] {
        let formatter = DiagnosticFormatter(format: .text, sourceLines: sourceLines)
        let items = diagnostics.map { diagnostic in
            "<pre class=\"\(diagnostic.severity.rawValue)\">\(HTMLEscaping.escape(formatter.text(diagnostic)))</pre>"
        }
        let page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;self&#39;">
            <meta name="robots" content="noindex">
            <title>Build failed · sharegen serve</title>
            <link rel="stylesheet" href="\(stylesheetPath)">
            </head>
            <body class="sharegen-overlay">
            <h1>The site does not build: \(DiagnosticFormatter.summary(diagnostics))</h1>
            <p>Fix the files below and save: this page reloads by itself.</p>
            \(items.joined(separator: "\n"))
            </body>
            </html>

            """
        return inject(into: Array(page.utf8), version: version, banner: nil)
    }

    /// The policy with `script-src` and `connect-src` allowing the page's own origin, so
    /// that the reload script loads and opens its stream; the rest is untouched.
    static func previewPolicy(_ policy: String) -> String {
        var directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in ["script-src", "connect-src"] {
            if let index = directives.firstIndex(where: { $0 == name || $0.hasPrefix(name + " ") }) {
                let sources = directives[index].split(separator: " ").dropFirst().filter { $0 != "'none'" }
                directives[index] = ([name] + sources.map(String.init) + (sources.contains("'self'") ? [] : ["'self'"])).joined(separator: " ")
            } else {
                directives.append("\(name) 'self'")
            }
        }
        return directives.joined(separator: "; ")
    }

    /// The value of `<meta http-equiv="Content-Security-Policy" content="…">`.
    private static func metaPolicyRange(in text: String) -> Range<String.Index>? {
        guard let meta = text.range(of: "http-equiv=\"Content-Security-Policy\""),
              let tagEnd = text[meta.upperBound...].firstIndex(of: ">"),
              let open = text[meta.upperBound..<tagEnd].range(of: "content=\""),
              let close = text[open.upperBound..<tagEnd].firstIndex(of: "\"") else { return nil }
        return open.upperBound..<close
    }

    private static func insert(_ fragment: String, before marker: String, orAtEnd: Bool, in text: inout String) {
        if let range = text.range(of: marker, options: .backwards) {
            text.insert(contentsOf: fragment, at: range.lowerBound)
        } else if orAtEnd {
            text += fragment
        }
    }

    /// Undoes `HTMLEscaping.escape`, the only escaping the templates apply.
    private static func unescape(_ text: String) -> String {
        var out = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacing(entity, with: character)
        }
        return out
    }
}
