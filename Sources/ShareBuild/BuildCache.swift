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
    static let formatLine = "sharegen-cache 1"

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
    /// Per share source file: the digest of its bytes and the files rendered from it.
    /// Read from the file only when asked for: a no-op build needs the header alone.
    var shares: [String: Share] { parsedShares ?? Self.parseShares(shareLines) }
    private var parsedShares: [String: Share]?
    private var shareLines: Substring = ""

    struct Share: Equatable {
        var digest: UInt64
        var outputs: [String]
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

    /// The entries after a build that rendered `rendered` and carried over `reused`.
    static func entries(
        _ sources: [String], digests: [String: UInt64], rendered: [String: [String]], reused: [String: [String]]
    ) -> [String: Share] {
        var entries: [String: Share] = [:]
        entries.reserveCapacity(sources.count)
        for source in sources {
            guard let outputs = rendered[source] ?? reused[source], let digest = digests[source] else { continue }
            entries[source] = Share(digest: digest, outputs: outputs)
        }
        return entries
    }

    /// Beside the cache: the paths (NUL-separated) whose facts make its `inputs`, so an
    /// unchanged site is recognized by `stat` alone, without walking or reading.
    static func watchListPath(_ cachePath: String) -> String { cachePath + ".watch" }

    /// The cache file of an output folder, e.g. `site/.sharegen-cache/dist-PROD`.
    static func path(for output: String, channel: Channel) -> String {
        let trimmed = output.hasSuffix("/") ? String(output.dropLast()) : output
        let slash = trimmed.lastIndex(of: "/")
        let parent = slash.map { String(trimmed[..<$0]) } ?? ""
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        return joinPath(parent, ".sharegen-cache", "\(name)-\(channel.rawValue)")
    }

    /// Line-based text: reading it must cost far less than the build it saves. Written
    /// into one byte buffer (string interpolation per line was most of its cost).
    func serialized() -> [UInt8] {
        var out = Array("\(BuildCache.formatLine)\ntool \(tool)\nchannel \(channel.rawValue)\ninputs \(inputs)\nglobal \(global)\noutput \(outputMarker)\nwarnings \(warnings)\n".utf8)
        for (source, share) in shares.sorted(by: { $0.key < $1.key }) {
            out += "share ".utf8
            out += String(share.digest).utf8
            out.append(UInt8(ascii: "\t"))
            out += source.utf8
            out.append(UInt8(ascii: "\t"))
            for (index, output) in share.outputs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "\t")) }
                out += output.utf8
            }
            out.append(0x0A)
        }
        return out
    }

    init(tool: String, channel: Channel, inputs: UInt64, global: UInt64, outputMarker: String, warnings: Int, shares: [String: Share]) {
        self.tool = tool
        self.channel = channel
        self.inputs = inputs
        self.global = global
        self.outputMarker = outputMarker
        self.warnings = warnings
        parsedShares = shares
    }

    /// Parses a cache file's header; nil for anything unexpected. The share lines that
    /// follow it are parsed by `shares`.
    init?(text: String) {
        var header: [String: String] = [:]
        var rest = text[...]
        guard let first = rest.firstIndex(of: "\n"), rest[..<first] == BuildCache.formatLine else { return nil }
        rest = rest[rest.index(after: first)...]
        while !rest.hasPrefix("share "), let end = rest.firstIndex(of: "\n") {
            let line = rest[..<end]
            rest = rest[rest.index(after: end)...]
            guard let space = line.firstIndex(of: " ") else { return nil }
            header[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        guard let tool = header["tool"], let channel = header["channel"].flatMap(Channel.init(rawValue:)),
              let inputs = header["inputs"].flatMap(UInt64.init), let global = header["global"].flatMap(UInt64.init),
              let marker = header["output"], let warnings = header["warnings"].flatMap(Int.init) else { return nil }
        self.init(tool: tool, channel: channel, inputs: inputs, global: global, outputMarker: marker, warnings: warnings, shares: [:])
        parsedShares = nil
        shareLines = rest
    }

    /// `share <digest>\t<source>\t<output>…` lines; a damaged line drops them all, which
    /// only means rendering every share again.
    private static func parseShares(_ lines: Substring) -> [String: Share] {
        var shares: [String: Share] = [:]
        for line in lines.split(separator: "\n") {
            guard line.hasPrefix("share ") else { return [:] }
            let fields = line.dropFirst(6).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, let digest = UInt64(fields[0]) else { return [:] }
            shares[fields[1]] = Share(digest: digest, outputs: Array(fields.dropFirst(2)).filter { !$0.isEmpty })
        }
        return shares
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

    mutating func lap(_ stage: String) {
        let now = ContinuousClock.now
        laps.append((stage, (now - last) / .seconds(1)))
        last = now
    }
}
