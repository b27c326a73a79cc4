import Glibc
import ShareBuild
import ShareLoader
import ShareModel

/// The preview's terminal output: a progress line when a build starts, and one summary line
/// when it ends (pages, stubs, time), with the diagnostics of a failed build. Colour only on a
/// terminal, and never when `NO_COLOR` is set (https://no-color.org).
public struct BuildReporter: Sendable {
    /// Whether lines are coloured with ANSI escapes.
    public let colour: Bool
    /// Whether each build also prints how long its stages took.
    public let timings: Bool
    private let write: @Sendable (String) -> Void

    /// A reporter that hands its text to `write`.
    public init(colour: Bool, timings: Bool = false, write: @escaping @Sendable (String) -> Void) {
        self.colour = colour
        self.timings = timings
        self.write = write
    }

    /// Standard output, coloured when it is a terminal and `NO_COLOR` is unset or empty.
    public static func standardOutput(environment: [String: String], timings: Bool = false) -> BuildReporter {
        let colour = isatty(1) == 1 && (environment["NO_COLOR"] ?? "").isEmpty
        return BuildReporter(colour: colour, timings: timings) { text in
            var bytes = Array(text.utf8)
            _ = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress, $0.count) }
        }
    }

    private enum Style: String {
        case dim = "2", bold = "1", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    private func styled(_ text: String, _ style: Style) -> String {
        colour && !text.isEmpty ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A problem that does not stop the preview.
    public func warn(_ line: String) {
        write(styled("warning: ", .yellow) + line + "\n")
    }

    /// The progress line of a build; nil `changes` for the first one.
    public func building(_ channel: Channel, changes: SiteChanges?) {
        let what: String
        switch changes {
        case nil: what = "building \(channel.rawValue)…"
        case .everything: what = "rebuilding \(channel.rawValue): changes were missed, reading everything…"
        case .files(let paths) where paths.count == 1: what = "rebuilding \(channel.rawValue): \(paths.first!) changed…"
        case .files(let paths): what = "rebuilding \(channel.rawValue): \(paths.count) files changed…"
        }
        write(styled(what, .dim) + "\n")
    }

    /// The summary line of a build, after its diagnostics. `seconds` of wall time;
    /// `cpuSeconds`, the process's processor time meanwhile, on all cores (with `timings`).
    public func finished(
        _ outcome: LiveBuild.Outcome, channel: Channel, seconds: Double, cpuSeconds: Double, sourceLines: DiagnosticFormatter.SourceLines?
    ) {
        let time = seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : "\(Double(Int(seconds * 100)) / 100) s"
        if timings {
            let report: LiveBuild.Report
            switch outcome {
            case .built(_, let built): report = built
            case .failed(_, let failed): report = failed
            }
            let stages = report.timings.map { "\($0.stage): \(Int(($0.seconds * 1000).rounded())) ms" }.joined(separator: ", ")
            write(styled(stages + "; processor time: \(Int((cpuSeconds * 1000).rounded())) ms", .dim) + "\n")
        }
        switch outcome {
        case .built(let output, let report):
            if !output.warnings.isEmpty { write(DiagnosticFormatter(format: .text, sourceLines: sourceLines).render(output.warnings)) }
            let reuse = report.reusedShares > 0 ? " (\(report.renderedShares) rendered, \(report.reusedShares) unchanged)" : ""
            let warnings = output.warnings.isEmpty ? "" : styled(", \(DiagnosticFormatter.summary(output.warnings))", .yellow)
            write(styled("✓", .green) + " built \(styled(channel.rawValue, .bold)): \(DiagnosticFormatter.counted(output.pageCount, "page")), \(DiagnosticFormatter.counted(output.stubCount, "stub"))\(warnings) in \(time)\(styled(reuse, .dim))\n")
        case .failed(let diagnostics, _):
            write(DiagnosticFormatter(format: .text, sourceLines: sourceLines).render(diagnostics))
            write(styled("✗ build failed", .red) + ": \(DiagnosticFormatter.summary(diagnostics)) in \(time); the browser shows them until they are fixed\n")
        }
    }

    /// The line that says where to look.
    public func serving(_ channel: Channel, url: String, example: String?) {
        let sample = example.map { " — e.g. " + styled(url + $0, .cyan) } ?? ""
        write("serving \(channel.rawValue) at \(styled(url + "/", .cyan))\(sample)\n")
        write(styled("watching content/, templates/ and sharegen.json; Ctrl-C stops", .dim) + "\n")
    }
}
