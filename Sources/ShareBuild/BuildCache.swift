#if canImport(Glibc)
import Glibc
#endif
import ShareLoader
import ShareModel

/// What the last successful build of one output folder was made from. It lets the next
/// build skip everything when no input changed, and re-render only the shares whose
/// source files changed otherwise. It lives beside the output
/// (`.sharegen-cache/<output name>-<channel>`), so the output itself stays byte-identical
/// to a clean build; a missing, stale or damaged cache only costs a full build.
struct BuildCache {
    static let formatLine = "sharegen-cache 3"

    /// Identity of the sharegen binary: a new binary renders from scratch.
    var tool: String
    var channel: Channel
    /// Hash of the name and `stat` facts of every input file and every folder listed to
    /// find them (see `watchListPath`).
    var inputs: UInt64
    /// Hash of what every page depends on besides its own share: configuration,
    /// templates, channel and tool.
    var global: UInt64
    /// The output's `manifest.json` (inode and modification time) when the cache was
    /// written: anything else means the output was replaced since.
    var outputMarker: String
    /// Warnings the build reported. A build after one with warnings never stops at "up to
    /// date": it validates again, so the warnings show (and fail `--strict`) every time.
    var warnings: Int
    /// The stamp of the standby's `manifest.json` (see `standbyPath`) when the cache was
    /// written, or nil when no standby was kept.
    var standbyMarker: String?
    /// What the build recorded of its output. Read from the file only when asked for: a
    /// no-op build needs the header alone.
    /// Nil when the lines do not match the digest the header gives for them (a damaged
    /// or truncated file): nothing recorded of the output can then be trusted.
    var body: Body? { parsedBody ?? (fnv1a(bodyLines.utf8) == bodyDigest ? Self.parseBody(bodyLines) : nil) }
    private var parsedBody: Body?
    private var bodyLines: Substring = ""
    private var bodyDigest: UInt64 = 0
    /// The `stat` facts of every folder of the output when the cache was written, hashed
    /// (`SiteBuild.outputFolderStamps`): a file added, removed or renamed in the output
    /// by hand changes them, and then nothing recorded of the output is trusted.
    var outputFolders: UInt64 = 0

    struct Body: Equatable {
        /// Per share source file: the digest of its bytes and the files rendered from it.
        var shares: [String: Share] = [:]
        /// Output files rendered from no one share (manifest, maps, assets, 404 page).
        var otherOutputs: [String] = []
        /// Where the standby differs from the output.
        var standbyDiffering: [String] = []

        /// Every file of the output.
        var allFiles: Set<String> { Set(shares.values.flatMap(\.outputs)).union(otherOutputs) }
    }

    struct Share: Equatable {
        var digest: UInt64
        var outputs: [String]
        /// Where the share's entry lies in the output's `manifest.json`.
        var manifestEntry: Range<Int>?
    }

    /// The outputs of the shares (by source file) whose files are byte for byte those
    /// `previous` rendered from: files to carry over instead of rendering. The caller checks
    /// first that nothing global changed.
    static func reusable(_ sources: [String], digests: [String: UInt64], previous: [String: Share]) -> [String: [String]] {
        var reusable: [String: [String]] = [:]
        for source in sources {
            if let cached = previous[source], cached.digest == digests[source] {
                reusable[source] = cached.outputs
            }
        }
        return reusable
    }

    /// The entries after a build that rendered `rendered` and carried over `reused`, its
    /// manifest holding each share's entry at `manifestEntries`.
    static func entries(
        _ sources: [String], digests: [String: UInt64], rendered: [String: [String]], reused: [String: [String]],
        manifestEntries: [String: Range<Int>] = [:]
    ) -> [String: Share] {
        var entries: [String: Share] = [:]
        entries.reserveCapacity(sources.count)
        for source in sources {
            guard let outputs = rendered[source] ?? reused[source], let digest = digests[source] else { continue }
            entries[source] = Share(digest: digest, outputs: outputs, manifestEntry: manifestEntries[source])
        }
        return entries
    }

    /// Beside the cache: the paths (NUL-separated) whose facts make its `inputs`, so an
    /// unchanged site is recognized by `stat` alone, without walking or reading.
    static func watchListPath(_ cachePath: String) -> String { cachePath + ".watch" }

    /// Beside the cache: the warnings of the build that wrote it (binary `Diagnostic`s).
    static func warningsPath(_ cachePath: String) -> String { cachePath + ".warnings" }

    /// Beside the cache: the kind, stamp and digest of each watched path (`WatchStamps`).
    static func stampsPath(_ cachePath: String) -> String { cachePath + ".stamps" }

    /// Beside the cache: the last build's per-file validation outcomes (`ShareOutcomes`).
    static func outcomesPath(_ cachePath: String) -> String { cachePath + ".outcomes" }

    /// Where the tree that the last build of `output` replaced is kept (for any channel):
    /// the next build makes its tree from it, touching only what changed.
    static func standbyPath(for output: String) -> String {
        let (parent, name) = splitPath(output)
        return joinPath(parent, ".sharegen-cache", "\(name).standby")
    }

    /// The cache file of an output folder, e.g. `site/.sharegen-cache/dist-PROD`.
    static func path(for output: String, channel: Channel) -> String {
        let (parent, name) = splitPath(output)
        return joinPath(parent, ".sharegen-cache", "\(name)-\(channel.rawValue)")
    }

    /// Line-based text: reading it must cost far less than the build it saves. Written
    /// into one byte buffer (string interpolation per line was most of its cost).
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        let body = parsedBody ?? Body()
        for (prefix, paths) in [("other", body.otherOutputs), ("differing", body.standbyDiffering)] {
            out += prefix.utf8
            for path in paths {
                out.append(UInt8(ascii: "\t"))
                out += path.utf8
            }
            out.append(0x0A)
        }
        for (source, share) in body.shares.sorted(by: { $0.key < $1.key }) {
            out += "share ".utf8
            out += String(share.digest).utf8
            if let entry = share.manifestEntry { out += " \(entry.lowerBound) \(entry.upperBound)".utf8 }
            out.append(UInt8(ascii: "\t"))
            out += source.utf8
            out.append(UInt8(ascii: "\t"))
            for (index, output) in share.outputs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "\t")) }
                out += output.utf8
            }
            out.append(0x0A)
        }
        var header = "\(BuildCache.formatLine)\ntool \(tool)\nchannel \(channel.rawValue)\ninputs \(inputs)\nglobal \(global)\n"
        header += "output \(outputMarker)\nfolders \(outputFolders)\nwarnings \(warnings)\nbody \(fnv1a(out))\n"
        if let standbyMarker { header += "standby \(standbyMarker)\n" }
        return Array(header.utf8) + out
    }

    init(
        tool: String, channel: Channel, inputs: UInt64, global: UInt64, outputMarker: String, warnings: Int, standbyMarker: String?,
        body: Body
    ) {
        self.tool = tool
        self.channel = channel
        self.inputs = inputs
        self.global = global
        self.outputMarker = outputMarker
        self.warnings = warnings
        self.standbyMarker = standbyMarker
        parsedBody = body
    }

    /// Parses a cache file's header; nil for anything unexpected. The lines that follow
    /// it are parsed by `body`.
    init?(text: String) {
        var header: [String: String] = [:]
        var rest = text[...]
        guard let first = rest.firstIndex(of: "\n"), rest[..<first] == BuildCache.formatLine else { return nil }
        rest = rest[rest.index(after: first)...]
        while !rest.hasPrefix("other"), let end = rest.firstIndex(of: "\n") {
            let line = rest[..<end]
            rest = rest[rest.index(after: end)...]
            guard let space = line.firstIndex(of: " ") else { return nil }
            header[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        guard let tool = header["tool"], let channel = header["channel"].flatMap(Channel.init(rawValue:)),
              let inputs = header["inputs"].flatMap(UInt64.init), let global = header["global"].flatMap(UInt64.init),
              let marker = header["output"], let warnings = header["warnings"].flatMap(Int.init),
              let folders = header["folders"].flatMap(UInt64.init), let bodyDigest = header["body"].flatMap(UInt64.init) else { return nil }
        self.init(
            tool: tool, channel: channel, inputs: inputs, global: global, outputMarker: marker, warnings: warnings,
            standbyMarker: header["standby"], body: Body())
        parsedBody = nil
        bodyLines = rest
        self.bodyDigest = bodyDigest
        outputFolders = folders
    }

    /// An `other\t<path>…` line, a `differing\t<path>…` line, then `share
    /// <digest>\t<source>\t<output>…` lines; nil for anything else, which only means
    /// rendering every share again and writing a fresh tree.
    private static func parseBody(_ text: Substring) -> Body? {
        // Split on bytes: `Character`-level splitting of thousands of lines was a tenth of
        // a one-share rebuild.
        let lines = text.utf8.split(separator: 0x0A)
        guard lines.count >= 2 else { return nil }
        func fields(_ line: Substring.UTF8View.SubSequence) -> [String] {
            line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        let other = fields(lines[0]), differing = fields(lines[1])
        guard other.first == "other", differing.first == "differing" else { return nil }
        var body = Body(otherOutputs: other.dropFirst().filter { !$0.isEmpty }, standbyDiffering: differing.dropFirst().filter { !$0.isEmpty })
        body.shares.reserveCapacity(lines.count - 2)
        for line in lines.dropFirst(2) {
            let fields = fields(line)
            // `share <digest>[ <entry start> <entry end>]`, then the source and the outputs.
            let head = fields.isEmpty ? [] : fields[0].split(separator: " ")
            guard fields.count >= 2, head.first == "share", head.count == 2 || head.count == 4, let digest = UInt64(head[1]) else {
                return nil
            }
            var entry: Range<Int>?
            if head.count == 4, let start = Int(head[2]), let end = Int(head[3]), 0 <= start, start <= end { entry = start..<end }
            body.shares[fields[1]] = Share(digest: digest, outputs: fields.dropFirst(2).filter { !$0.isEmpty }, manifestEntry: entry)
        }
        return body
    }
}

extension BuildCache {
    /// A file changed this close to a build's start may share its time stamp with a later
    /// change (coarse file-system clocks), so its stamp cannot vouch for it: git's "racily
    /// clean" rule.
    static let racyWindow = 2.0

    /// The running binary, so that rebuilding sharegen invalidates every cache.
    static let tool: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        return "\(SiteBuild.version)/\(FileStamp(path: path)?.description ?? "unknown")"
    }()
}

/// Wall-clock laps of the build stages.
struct StageClock {
    private(set) var laps: [(stage: String, seconds: Double)] = []
    private var last = ContinuousClock.now
    /// Told what starts next, for a progress line.
    var report: (@Sendable (String) -> Void)?

    func begin(_ what: String) {
        report?(what)
    }

    mutating func lap(_ stage: String) {
        let now = ContinuousClock.now
        laps.append((stage, (now - last) / .seconds(1)))
        last = now
    }
}
