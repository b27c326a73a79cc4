#if canImport(Glibc)
import Glibc
#endif
import CShims
import ShareLoader
import ShareModel
import ShareValidator

/// Everything a build of one output folder keeps for the next, in one versioned file
/// beside the output (`.sharegen-cache/<output name>-<channel>`), so the output itself
/// stays byte-identical to a clean build. It is written whole, under a temporary name
/// renamed into place; a missing, stale or damaged store only costs a full build.
///
/// Layout: `sharegen-store 3`; the file memo, written while the build renders (it is as
/// large as the site's share files, and is freed once written); the warnings, the watched
/// paths, their stamps and the output ledger; the header (the fields below, and where each part lies
/// with its digest); and the header's offset in the last 8 bytes. A part is read, checked
/// and decoded only when asked for: a build that finds nothing changed never reads the
/// memo.
struct BuildStore {
    static let magic = Array("sharegen-store 3\n".utf8)

    /// Identity of the sharegen binary: a new binary renders from scratch.
    var tool: String
    var channel: Channel
    /// `InputStamps.combine` of the watched paths' hashes.
    var inputs: UInt64
    /// What every page depends on besides its own share: configuration, brands,
    /// templates, channel and tool.
    var global: UInt64
    /// The stamp of the output's `manifest.json` when the store was written: anything
    /// else means the output was replaced since.
    var outputMarker: String
    /// `InputStamps.outputFolders` of the output when the store was written.
    var outputFolders: UInt64
    /// The same of the standby without its root, when known: the folders of the output
    /// it replaced, as the build that replaced it found them.
    var standbyFolders: UInt64?
    /// The stamp of the standby's `manifest.json`, or nil when no standby was kept.
    var standbyMarker: String?
    /// What the build made: its pages and stubs, and how many share files it read.
    var counts: Counts

    struct Counts: Equatable {
        var pages: Int
        var stubs: Int
        var shareFiles: Int
    }

    enum Part: Int, CaseIterable {
        /// Checked by the digests of its own parts, as it is written in pieces.
        case memo
        case warnings
        /// The watched paths alone: all a build that finds nothing changed needs of them.
        case watchList
        case watchStamps
        case ledger
    }

    /// Where the parts lie in the file, with their digests (0 for the memo).
    private var parts: [(range: Range<Int>, digest: UInt64)] = []
    private let path: String

    /// The header of the store at `path`; nil when there is none, or it is of another
    /// format or damaged. Its parts are read later, from the same file.
    init?(at path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var facts = stat()
        guard fstat(descriptor, &facts) == 0 else { return nil }
        let size = Int(facts.st_size)
        guard size >= Self.magic.count + 8, let magic = Self.read(descriptor, at: 0, count: Self.magic.count), magic == Self.magic,
              let tail = Self.read(descriptor, at: size - 8, count: 8) else { return nil }
        let offset = tail.reduce(0) { $0 << 8 | Int($1) }
        guard offset >= Self.magic.count, offset < size - 8, let header = Self.read(descriptor, at: offset, count: size - 8 - offset) else { return nil }
        var reader = ByteReader(header)
        do throws(ByteReader.Damaged) {
            tool = try reader.read()
            guard let channel = Channel(rawValue: try reader.read()) else { return nil }
            self.channel = channel
            inputs = try reader.read()
            global = try reader.read()
            outputMarker = try reader.read()
            outputFolders = try reader.read()
            standbyFolders = try reader.read() as Int == 1 ? try reader.read() as UInt64 : nil
            standbyMarker = try reader.read()
            counts = Counts(pages: try reader.read(), stubs: try reader.read(), shareFiles: try reader.read())
            var start = Self.magic.count
            for _ in Part.allCases {
                let count: Int = try reader.read()
                guard count >= 0, start + count <= offset else { return nil }
                parts.append((start..<(start + count), try reader.read()))
                start += count
            }
            guard reader.isAtEnd, start == offset else { return nil }
        } catch {
            return nil
        }
        self.path = path
    }

    /// A part's bytes, checked against its digest; nil when the file changed or was
    /// damaged since its header was read.
    func bytes(of part: Part) -> [UInt8]? {
        let (range, digest) = parts[part.rawValue]
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard let bytes = Self.read(descriptor, at: range.lowerBound, count: range.count),
              part == .memo || contentDigest(bytes[...]) == digest else { return nil }
        return bytes
    }

    var warnings: [Diagnostic]? { keptWarnings?.diagnostics }

    /// The last build's warnings, each with the source line its excerpt shows (nil when
    /// none was read): an edit or an up-to-date build reports them without reading the
    /// files again, which have not changed.
    var keptWarnings: Excerpted? {
        bytes(of: .warnings).flatMap { bytes in
            var reader = ByteReader(bytes)
            guard let diagnostics = try? reader.read() as [Diagnostic], let count = try? reader.read() as Int, count == diagnostics.count else { return nil }
            var lines: [String?] = []
            do throws(ByteReader.Damaged) {
                for _ in 0..<count { lines.append(try reader.read() as String?) }
            } catch {
                return nil
            }
            return reader.isAtEnd ? Excerpted(diagnostics: diagnostics, lines: lines) : nil
        }
    }

    /// The watched paths, NUL-separated.
    var watchList: [UInt8]? { bytes(of: .watchList) }

    /// The stamps recorded for `list`, this store's watch list as read already.
    func watch(of list: [UInt8]) -> WatchStamps? {
        bytes(of: .watchStamps).flatMap { Self.watch(list, $0) }
    }
    var ledger: OutputLedger? { bytes(of: .ledger).flatMap(Self.ledger) }
    var memo: FileMemo? { FileMemo(storedMemo) }

    /// The memo undecoded, read from the store file as its parts are asked for. The file
    /// stays open while the value lives, so a part can be read or copied after the store
    /// is set aside (`Incremental.forget`).
    var storedMemo: FileMemo.Stored? {
        let range = parts[Part.memo.rawValue].range
        guard let file = OpenFile(path) else { return nil }
        return FileMemo.Stored(
            length: range.count,
            read: { file.read(at: range.lowerBound + $0.lowerBound, count: $0.count) },
            copy: { part, descriptor in sharegen_copy_range(file.descriptor, Int64(range.lowerBound + part.lowerBound), descriptor, Int64(part.count)) == 0 })
    }

    /// A file open for reading until the value is released.
    final class OpenFile: Sendable {
        let descriptor: Int32

        init?(_ path: String) {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
        }

        deinit { close(descriptor) }

        func read(at offset: Int, count: Int) -> [UInt8]? { BuildStore.read(descriptor, at: offset, count: count) }
    }

    /// A store being written: the memo first, while the build renders, then the rest.
    final class Writer: @unchecked Sendable {
        private let path: String
        private let temporary: String
        private var descriptor: Int32
        private var written = 0
        private var memoLength = 0
        private var failed = false

        /// Nil when the file cannot be made: a store that cannot be written only makes the
        /// next build slower.
        init?(path: String, fileSystem: LocalFileSystem) {
            self.path = path
            temporary = path + ".tmp"
            let (parent, _) = splitPath(path)
            if !parent.isEmpty { try? fileSystem.createDirectory(parent) }
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return nil }
            append(BuildStore.magic)
        }

        func append(memo: FileMemo) {
            memo.serialize { append($0) }
            memoLength = written - BuildStore.magic.count
        }

        /// A memo made of new bytes and of ranges of `source`.
        func append(memo pieces: [FileMemo.Stored.Piece], from source: FileMemo.Stored) {
            for piece in pieces {
                switch piece {
                case .bytes(let bytes): append(bytes)
                case .copy(let range):
                    if let copy = source.copy {
                        if !failed, !copy(range, descriptor) { failed = true }
                        written += range.count
                    } else if let bytes = source.read(range) {
                        append(bytes)
                    } else {
                        failed = true
                    }
                }
            }
            memoLength = written - BuildStore.magic.count
        }

        /// Writes the rest and puts the store in place.
        func finish(_ store: BuildStore, warnings: Excerpted, watch: WatchStamps, ledger: OutputLedger) {
            var parts = [ByteWriter](repeating: ByteWriter(), count: 2)
            parts[0].write(warnings.diagnostics)
            parts[0].write(warnings.lines.count)
            for line in warnings.lines { parts[0].write(line) }
            BuildStore.encode(watch, into: &parts[1])
            var ledgerPart = ByteWriter()
            BuildStore.encode(ledger, into: &ledgerPart)
            let encoded = [parts[0].bytes, watch.list, parts[1].bytes, ledgerPart.bytes]
            var header = ByteWriter()
            header.write(store.tool)
            header.write(store.channel.rawValue)
            header.write(store.inputs)
            header.write(store.global)
            header.write(store.outputMarker)
            header.write(store.outputFolders)
            header.write(store.standbyFolders == nil ? 0 : 1)
            if let folders = store.standbyFolders { header.write(folders) }
            header.write(store.standbyMarker)
            header.write(store.counts.pages)
            header.write(store.counts.stubs)
            header.write(store.counts.shareFiles)
            header.write(memoLength)
            header.write(0 as UInt64)
            for part in encoded {
                header.write(part.count)
                header.write(contentDigest(part[...]))
                append(part)
            }
            let offset = written
            append(header.bytes + (0..<8).reversed().map { UInt8(truncatingIfNeeded: offset >> ($0 * 8)) })
            close(descriptor)
            descriptor = -1
            if failed || rename(temporary, path) != 0 { abandon() }
        }

        func abandon() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
            unlink(temporary)
        }

        private func append(_ bytes: [UInt8]) {
            var done = 0
            while !failed, done < bytes.count {
                let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, bytes.count - done) }
                if count <= 0 { failed = true } else { done += count }
            }
            written += bytes.count
        }
    }

    /// A store's fields, for a `Writer` to finish.
    init(
        tool: String, channel: Channel, inputs: UInt64, global: UInt64, outputMarker: String, outputFolders: UInt64, standbyMarker: String?,
        counts: Counts
    ) {
        self.tool = tool
        self.channel = channel
        self.inputs = inputs
        self.global = global
        self.outputMarker = outputMarker
        self.outputFolders = outputFolders
        standbyFolders = nil
        self.standbyMarker = standbyMarker
        self.counts = counts
        path = ""
    }

    fileprivate static func read(_ descriptor: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }

    fileprivate static func encode(_ watch: WatchStamps, into writer: inout ByteWriter) {
        writer.write(watch.kinds.count)
        for index in watch.kinds.indices {
            writer.write(watch.kinds[index].rawValue)
            writer.write(watch.hashes[index])
            writer.write(watch.digests[index])
        }
    }

    private static func watch(_ list: [UInt8], _ bytes: [UInt8]) -> WatchStamps? {
        var reader = ByteReader(bytes)
        do throws(ByteReader.Damaged) {
            let count: Int = try reader.read()
            guard count >= 0, count <= bytes.count else { return nil }
            var (kinds, hashes, digests) = ([WatchStamps.Kind](), [UInt64](), [UInt64]())
            for _ in 0..<count {
                guard let kind = WatchStamps.Kind(rawValue: try reader.read()) else { return nil }
                kinds.append(kind)
                hashes.append(try reader.read())
                digests.append(try reader.read())
            }
            return reader.isAtEnd ? WatchStamps(list: list, kinds: kinds, hashes: hashes, digests: digests) : nil
        } catch {
            return nil
        }
    }

    fileprivate static func encode(_ ledger: OutputLedger, into writer: inout ByteWriter) {
        writer.write(ledger.otherOutputs)
        writer.write(ledger.standbyDiffering)
        writer.write(ledger.shares.count)
        for (source, share) in ledger.shares.sorted(by: { $0.key < $1.key }) {
            writer.write(source)
            writer.write(share.digest)
            writer.write(share.outputs)
            let entry = share.manifestEntry ?? -1 ..< -1
            writer.write(entry.lowerBound)
            writer.write(entry.upperBound)
        }
        writer.write(String(decoding: ledger.folders, as: UTF8.self))
    }

    private static func ledger(_ bytes: [UInt8]) -> OutputLedger? {
        var reader = ByteReader(bytes)
        do throws(ByteReader.Damaged) {
            var ledger = OutputLedger(otherOutputs: try reader.read(), standbyDiffering: try reader.read())
            let count: Int = try reader.read()
            guard count >= 0, count <= bytes.count else { return nil }
            ledger.shares.reserveCapacity(count)
            for _ in 0..<count {
                let source: String = try reader.read()
                let digest: UInt64 = try reader.read()
                let outputs: [String] = try reader.read()
                let start: Int = try reader.read()
                let end: Int = try reader.read()
                ledger.shares[source] = OutputLedger.Share(digest: digest, outputs: outputs, manifestEntry: 0 <= start && start <= end ? start..<end : nil)
            }
            ledger.folders = Array((try reader.read() as String).utf8)
            return reader.isAtEnd ? ledger : nil
        } catch {
            return nil
        }
    }
}

/// Diagnostics with the source line each one's excerpt shows (nil when none was read).
struct Excerpted: Equatable {
    var diagnostics: [Diagnostic]
    var lines: [String?]

    /// The diagnostics with the lines `read` gives.
    init(_ diagnostics: [Diagnostic], read: @Sendable (Diagnostic) -> String?) {
        self.init(diagnostics: diagnostics, lines: diagnostics.parallelMap(read))
    }

    init(diagnostics: [Diagnostic], lines: [String?]) {
        self.diagnostics = diagnostics
        self.lines = lines
    }

    /// The lines by file and line number, for `DiagnosticFormatter`.
    var byLine: [String: [Int: String]] {
        var lines: [String: [Int: String]] = [:]
        for (diagnostic, line) in zip(diagnostics, self.lines) {
            if let line { lines[diagnostic.file, default: [:]][diagnostic.line] = line }
        }
        return lines
    }
}

extension BuildStore {
    /// The running binary, so that rebuilding sharegen invalidates every store.
    static let tool: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        return "\(SiteBuild.version)/\(FileStamp(path: path)?.description ?? "unknown")"
    }()

    /// Where the tree that the last build of `output` replaced is kept (for any channel):
    /// the next build makes its tree from it, touching only what changed.
    static func standbyPath(for output: String) -> String {
        let (parent, name) = splitPath(output)
        return joinPath(parent, ".sharegen-cache", "\(name).standby")
    }

    /// The store of an output folder, e.g. `site/.sharegen-cache/dist-PROD`.
    static func path(for output: String, channel: Channel) -> String {
        let (parent, name) = splitPath(output)
        return joinPath(parent, ".sharegen-cache", "\(name)-\(channel.rawValue)")
    }
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
