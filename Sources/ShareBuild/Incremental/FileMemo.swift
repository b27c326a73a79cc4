import ShareLoader
import ShareModel
import ShareValidator

/// What the rules of one share file made of each share file, by path: the one memo of
/// `build` (kept in its store between runs) and `serve` (kept in memory between edits).
/// An outcome is pure in the file's bytes, its project and the configuration, so it is
/// recalled only when all three are unchanged; the project is the folder in the file's
/// path, which keys the memo. Only files that read and parsed without a
/// diagnostic are kept, so recalling one reports exactly what checking it again would.
struct FileMemo: Sendable {
    struct Entry: Sendable {
        var digest: UInt64
        var outcome: SiteValidator.ShareOutcome
    }

    /// Of `sharegen.json`'s bytes (0 without one): every per-file rule reads it.
    var configDigest: UInt64
    var entries: [String: Entry] = [:]

    /// A memo that holds nothing: every file is read and checked.
    static let empty = FileMemo(configDigest: 0)

    /// The outcome kept for a file of these bytes.
    func outcome(_ path: String, digest: UInt64) -> SiteValidator.ShareOutcome? {
        guard digest != 0, let entry = entries[path], entry.digest == digest else { return nil }
        return entry.outcome
    }

    /// What still holds under a configuration of `digest`: nothing if it changed.
    func under(configDigest digest: UInt64) -> FileMemo {
        digest == configDigest ? self : FileMemo(configDigest: digest)
    }

    /// A validation made through a memo, and the memo for the next one.
    struct Validated {
        var loaded: LoadedSite
        var result: ValidationResult
        var memo: FileMemo
        /// Share files whose outcome was recalled rather than checked.
        var recalled: Int
    }

    /// Reads and validates `discovery` in one pass: each share file is checked in the task
    /// that parsed it and its tree dropped there, so the parsed trees of every share never
    /// exist together. Files this memo holds with the same bytes, project and
    /// configuration are not parsed or checked, and those whose digest `unchanged` gives
    /// (their stamp says they did not change) are not even read. The loaded site's shares
    /// carry no values.
    func loadAndValidate(_ discovery: SiteLoader.Discovery, with loader: SiteLoader, unchanged: [String: UInt64] = [:]) -> Validated {
        var checked = SiteValidator.CheckedConfig(config: .default, diagnostics: [])
        var known = self
        let (loaded, entries) = loader.load(discovery) { document in
            checked = SiteValidator.checkConfig(document)
            known = under(configDigest: document?.digest ?? 0)
            let (config, known) = (checked.config, known)
            return { file in
                if let digest = unchanged[file.path], let outcome = known.outcome(file.path, digest: digest) {
                    return SiteLoader.Summarized(digest: digest, diagnostics: [], summary: Entry(digest: digest, outcome: outcome))
                }
                let input = file.read()
                if case .success(let read) = input, let outcome = known.outcome(file.path, digest: read.digest) {
                    return SiteLoader.Summarized(digest: read.digest, diagnostics: [], summary: Entry(digest: read.digest, outcome: outcome))
                }
                let (document, found) = file.parse(input)
                let outcome = SiteValidator.checkShare(document, config: config, project: file.project)
                return SiteLoader.Summarized(digest: document.digest, diagnostics: found, summary: Entry(digest: document.digest, outcome: outcome))
            }
        }
        // A file is recalled exactly when the memo holds its digest.
        let recalled = entries.count { path, entry in known.outcome(path, digest: entry.digest) != nil }
        let (result, memo) = known.validate(loaded, checked, entries)
        return Validated(loaded: loaded, result: result, memo: memo, recalled: recalled)
    }

    /// Validates a site held in memory (`sharegen serve`): only the share files whose
    /// bytes, project or configuration changed are checked again.
    func validate(_ loaded: LoadedSite) -> (result: ValidationResult, memo: FileMemo) {
        let checked = SiteValidator.checkConfig(loaded.config)
        let known = under(configDigest: loaded.config?.digest ?? 0)
        let files = loaded.projects.flatMap { project in project.shares.map { (project.id, $0) } }
        let entries = files.parallelMap { project, document in
            Entry(
                digest: document.digest,
                outcome: known.outcome(document.path, digest: document.digest)
                    ?? SiteValidator.checkShare(document, config: checked.config, project: project))
        }
        return known.validate(loaded, checked, Dictionary(zip(files.map(\.1.path), entries)) { first, _ in first })
    }

    /// The rules of the whole site, with the outcome of each share file from `entries`,
    /// and the memo of the entries worth keeping.
    private func validate(
        _ loaded: LoadedSite, _ checked: SiteValidator.CheckedConfig, _ entries: consuming [String: Entry]
    ) -> (ValidationResult, FileMemo) {
        let entries = consume entries
        // The loader gives every share file an entry.
        let result = SiteValidator().validate(loaded, config: checked) { document, _, _ in entries[document.path]!.outcome }
        // Taken over, not copied, when the entries of files with a diagnostic are dropped.
        var next = FileMemo(configDigest: configDigest, entries: consume entries)
        for file in Set(loaded.diagnostics.map(\.file)) { next.entries[file] = nil }
        return (result, next)
    }
}

extension FileMemo {
    private static let format = "sharegen-memo 3"

    /// Writes the memo in parts of about 256 KiB, each given to `write` as it is made (the
    /// whole is as large as the site's share files) and each read back on its own core: a
    /// part is its entry count, byte length and digest, then its entries (path, digest and
    /// the outcome, length first, so that `tools/inspect-store.py` can pass over it); a part
    /// of no entries ends the list, with the digest of the format and configuration digest.
    func serialize(to write: ([UInt8]) -> Void) {
        let header = Self.header(configDigest)
        write(header)
        var part = ByteWriter()
        var count = 0
        // The paths sorted, not the entries: a sorted copy of every entry was 50 MB at 100,000.
        for path in entries.keys.sorted() {
            Self.encode(path, entries[path]!, into: &part)
            count += 1
            if part.bytes.count >= 1 << 18 {
                write(Self.part(count, part.bytes))
                (part, count) = (ByteWriter(), 0)
            }
        }
        if count > 0 { write(Self.part(count, part.bytes)) }
        write(Self.end(header))
    }

    private static func header(_ configDigest: UInt64) -> [UInt8] {
        var header = ByteWriter()
        header.write(format)
        header.write(configDigest)
        return header.bytes
    }

    private static func encode(_ path: String, _ entry: Entry, into part: inout ByteWriter) {
        part.write(path)
        part.write(entry.digest)
        var outcome = ByteWriter()
        entry.outcome.encode(to: &outcome)
        part.write(sized: outcome)
    }

    private static func head(count: Int, length: Int, digest: UInt64) -> [UInt8] {
        var head = ByteWriter()
        head.write(count)
        head.write(length)
        head.write(digest)
        return head.bytes
    }

    /// A part's head, then its entries.
    private static func part(_ count: Int, _ bytes: [UInt8]) -> [UInt8] {
        head(count: count, length: bytes.count, digest: contentDigest(bytes[...])) + bytes
    }

    /// The part of no entries that ends the list.
    private static func end(_ header: [UInt8]) -> [UInt8] {
        head(count: 0, length: 0, digest: contentDigest(header[...]))
    }

    /// Nil for bytes of another format, or damaged ones.
    init?(_ bytes: [UInt8]) {
        self.init(Stored(length: bytes.count, read: { bytes.count >= $0.upperBound ? Array(bytes[$0]) : nil }))
    }

    /// Every entry of `stored`, its parts decoded on all cores; nil when one is damaged.
    init?(_ stored: Stored?) {
        guard let stored else { return nil }
        let decoded = Array(stored.parts.indices).parallelMap { stored.entries(ofPart: $0) }
        configDigest = stored.configDigest
        entries.reserveCapacity(stored.parts.reduce(0) { $0 + $1.count })
        for part in decoded {
            guard let part else { return nil }
            for (path, entry) in part { entries[path] = entry }
        }
    }

    /// A memo as the store holds it, read part by part: an edit needs the outcomes of the
    /// files it changed, not all of them, and writes the other parts back as they are,
    /// copied by the kernel from the store file (the memo is as large as the share files).
    struct Stored: Sendable {
        /// The bytes at a range of the memo; nil when they cannot all be read.
        let read: @Sendable (Range<Int>) -> [UInt8]?
        /// Writes a range of the memo to a descriptor without reading it, when the memo
        /// lies in a file; false when that failed.
        let copy: (@Sendable (Range<Int>, Int32) -> Bool)?
        let configDigest: UInt64
        /// Where each part's entries lie, how many there are, their digest and the first path.
        fileprivate private(set) var parts: [(range: Range<Int>, count: Int, digest: UInt64, first: String)] = []
        /// The format and configuration digest before the first part.
        private let header: [UInt8]

        /// What the memo of `length` bytes that `read` gives is made of: only each part's
        /// head and first path are read. Nil for another format or a damaged layout; a
        /// part's digest is checked when it is read.
        init?(length: Int, read: @escaping @Sendable (Range<Int>) -> [UInt8]?, copy: (@Sendable (Range<Int>, Int32) -> Bool)? = nil) {
            self.read = read
            self.copy = copy
            /// A reader of the bytes from `offset`, as many as a head or a path needs.
            func reader(at offset: Int, _ count: Int = 64) -> ByteReader? {
                read(offset..<min(length, offset + count)).map { ByteReader($0) }
            }
            do throws(ByteReader.Damaged) {
                guard var start = reader(at: 0, 256) else { return nil }
                guard try start.read() as String == FileMemo.format else { return nil }
                configDigest = try start.read()
                guard let header = read(0..<start.position) else { return nil }
                self.header = header
                var offset = start.position
                while true {
                    guard var head = reader(at: offset) else { return nil }
                    let count: Int = try head.read()
                    let partLength: Int = try head.read()
                    let digest: UInt64 = try head.read()
                    offset += head.position
                    // A damaged length is refused before it is added to a position.
                    guard count >= 0, count <= partLength, partLength <= length - offset else { return nil }
                    if count == 0 {
                        guard partLength == 0, contentDigest(header[...]) == digest else { return nil }
                        break
                    }
                    guard var first = reader(at: offset, min(partLength, 4096)) else { return nil }
                    parts.append((offset..<(offset + partLength), count, digest, try first.read()))
                    offset += partLength
                }
                guard offset == length else { return nil }
            } catch {
                return nil
            }
        }

        /// The entries of part `index`; nil when it is damaged.
        fileprivate func entries(ofPart index: Int) -> [(String, Entry)]? {
            let part = parts[index]
            guard let bytes = read(part.range), contentDigest(bytes[...]) == part.digest else { return nil }
            var reader = ByteReader(bytes)
            var entries: [(String, Entry)] = []
            entries.reserveCapacity(part.count)
            do throws(ByteReader.Damaged) {
                for _ in 0..<part.count {
                    let path: String = try reader.read()
                    let digest: UInt64 = try reader.read()
                    let length: Int = try reader.read()
                    guard length >= 0, length <= bytes.count - reader.position else { return nil }
                    let end = reader.position + length
                    let outcome = try SiteValidator.ShareOutcome(from: &reader)
                    guard reader.position == end else { return nil }
                    entries.append((path, Entry(digest: digest, outcome: outcome)))
                }
            } catch {
                return nil
            }
            return reader.isAtEnd ? entries : nil
        }

        /// The part a path sorts into: the last whose first path is not after it.
        private func part(of path: String) -> Int? {
            parts.lastIndex { $0.first <= path } ?? (parts.isEmpty ? nil : 0)
        }

        /// The entries kept for `paths`, found by reading only the parts they sort into;
        /// nil when one of those is damaged.
        func entries(of paths: some Sequence<String>) -> [String: Entry]? {
            var found: [String: Entry] = [:]
            for index in Set(paths.compactMap(part(of:))) {
                guard let entries = entries(ofPart: index) else { return nil }
                for (path, entry) in entries { found[path] = entry }
            }
            return found
        }

        /// A piece of a memo being written: new bytes, or a range of this one's.
        enum Piece {
            case bytes([UInt8])
            case copy(Range<Int>)
        }

        /// The memo with `changes` made (nil removes an entry), as `serialize` writes it:
        /// parts without a change are copied as they are. Nil when a part to change is damaged.
        func replacing(_ changes: [String: Entry?]) -> [Piece]? {
            var byPart: [Int: [String: Entry?]] = [:]
            for (path, change) in changes { byPart[part(of: path) ?? -1, default: [:]][path] = change }
            var pieces: [Piece] = [.bytes(header)]
            func add(_ entries: [String: Entry]) {
                guard !entries.isEmpty else { return }
                var part = ByteWriter()
                for path in entries.keys.sorted() { FileMemo.encode(path, entries[path]!, into: &part) }
                pieces.append(.bytes(FileMemo.part(entries.count, part.bytes)))
            }
            // A memo without parts: the new entries are its one part.
            add(byPart[-1]?.compactMapValues { $0 } ?? [:])
            for index in parts.indices {
                guard let changes = byPart[index] else {
                    let part = parts[index]
                    pieces.append(.bytes(FileMemo.head(count: part.count, length: part.range.count, digest: part.digest)))
                    pieces.append(.copy(part.range))
                    continue
                }
                guard let kept = entries(ofPart: index) else { return nil }
                var entries = Dictionary(kept) { first, _ in first }
                for (path, change) in changes { entries[path] = change }
                add(entries)
            }
            pieces.append(.bytes(FileMemo.end(header)))
            return pieces
        }
    }
}
