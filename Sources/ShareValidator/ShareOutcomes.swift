import ShareLoader
import ShareModel

/// What the per-file rules made of each share file in one build, kept between builds:
/// the next build skips parsing and checking every file whose bytes, project and
/// configuration are unchanged (a one-share edit of a large site checks one file).
/// Only files that parsed without a diagnostic are kept, so recalling one reports
/// exactly what parsing and checking it again would.
public struct ShareOutcomes: Sendable {
    struct Entry: Sendable {
        var digest: UInt64
        var project: String
        var outcome: SiteValidator.ShareOutcome
    }

    /// Digest of `sharegen.json`'s bytes (0 without one): every per-file rule reads it.
    let configDigest: UInt64
    var entries: [String: Entry]
    /// How many of these were recalled rather than made by parsing and checking a file.
    public private(set) var recalled = 0
    /// True when these are exactly the outcomes recalled: nothing new to keep.
    public private(set) var sameAsRecalled = false
    /// How many share files these hold outcomes for.
    public var count: Int { entries.count }

    /// The entry for a file, unless its bytes or project changed.
    func recall(_ path: String, digest: UInt64, project: String) -> Entry? {
        guard let entry = entries[path], entry.digest == digest, entry.project == project else { return nil }
        return entry
    }

    /// `version` names the rules that made these outcomes (the binary): `init(_:version:)`
    /// rejects bytes written under another. The entries are written in parts of about
    /// 256 KiB, each given to `write` as it is made (the whole would be as large as the
    /// site's share files) and each read back on its own core: a part is its entry count
    /// and byte length, then its entries; a part of no entries ends the list.
    public func serialize(version: String, to write: ([UInt8]) -> Void) {
        var header = ByteWriter()
        header.write(Self.format)
        header.write(version)
        header.write(configDigest)
        write(header.bytes)
        var part = ByteWriter()
        var count = 0
        func flush() {
            var head = ByteWriter()
            head.write(count)
            head.write(part.bytes.count)
            write(head.bytes)
            write(part.bytes)
            part = ByteWriter()
            count = 0
        }
        // The paths sorted, not the entries: a sorted copy of every entry was 50 MB at 100,000.
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            part.write(path)
            part.write(entry.digest)
            part.write(entry.project)
            entry.outcome.encode(to: &part)
            count += 1
            if part.bytes.count >= 1 << 18 { flush() }
        }
        if count > 0 { flush() }
        flush()
    }

    /// Nil for bytes of another format or version, or damaged ones: the next build then
    /// checks every file, which is only slower.
    public init?(_ bytes: [UInt8], version: String) {
        var reader = ByteReader(bytes)
        var parts: [(start: Int, end: Int, count: Int)] = []
        do throws(ByteReader.Damaged) {
            guard try reader.read() as String == Self.format, try reader.read() as String == version else { return nil }
            configDigest = try reader.read()
            while true {
                let count: Int = try reader.read()
                let length: Int = try reader.read()
                guard count >= 0, count <= length else { return nil }
                if count == 0 { break }
                parts.append((reader.position, reader.position + length, count))
                try reader.skip(length)
            }
            guard reader.isAtEnd else { return nil }
        } catch {
            return nil
        }
        let decoded = parts.parallelMap { part -> [(String, Entry)]? in
            var reader = ByteReader(bytes, from: part.start)
            var entries: [(String, Entry)] = []
            entries.reserveCapacity(part.count)
            do throws(ByteReader.Damaged) {
                for _ in 0..<part.count {
                    let path: String = try reader.read()
                    entries.append((path, Entry(digest: try reader.read(), project: try reader.read(), outcome: try SiteValidator.ShareOutcome(from: &reader))))
                }
            } catch {
                return nil
            }
            return reader.position == part.end ? entries : nil
        }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in decoded {
            guard let part else { return nil }
            for (path, entry) in part { entries[path] = entry }
        }
        self.entries = entries
    }

    init(configDigest: UInt64, entries: [String: Entry], recalled: Int, sameAsRecalled: Bool) {
        self.configDigest = configDigest
        self.entries = entries
        self.recalled = recalled
        self.sameAsRecalled = sameAsRecalled
    }

    private static let format = "sharegen-outcomes 2"
}

extension SiteValidator.ShareOutcome: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(diagnostics)
        writer.write(channel?.rawValue)
        writer.write(share != nil)
        guard let share else { return }
        writer.write(share.share)
        for position in [share.documentPosition, share.slugPosition, share.videoPosition] { writer.write(position) }
        writer.write(share.previousSlugPositions)
        writer.write(share.credentialPosition)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        diagnostics = try reader.read()
        let channel: String? = try reader.read()
        self.channel = channel.flatMap(Channel.init(rawValue:))
        guard try reader.read() as Bool else {
            share = nil
            return
        }
        let value: Share = try reader.read()
        let document: SourcePosition = try reader.read()
        let slug: SourcePosition = try reader.read()
        let video: SourcePosition = try reader.read()
        share = CheckedShare(
            share: value, documentPosition: document, slugPosition: slug, previousSlugPositions: try reader.read(),
            videoPosition: video, credentialPosition: try reader.read())
    }
}
