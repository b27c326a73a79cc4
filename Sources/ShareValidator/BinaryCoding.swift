import ShareModel

/// A compact binary form of model values, for what a build keeps between runs (the
/// validated shares of the last build). Reading it back must cost far less than parsing
/// and checking the source files again. A file written by another version is rejected by
/// its header, not decoded. `tools/inspect-store.py` reads the store's framing (not the
/// outcomes): a change to how a part is laid out must be made there too, which
/// `BuildStoreTests` checks.
protocol BinaryCodable {
    func encode(to writer: inout ByteWriter)
    init(from reader: inout ByteReader) throws(ByteReader.Damaged)
}

/// Appends values to a byte buffer: unsigned LEB128 integers, length-prefixed strings.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    public mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }
    mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func write(_ value: Double) { write(value.bitPattern) }

    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func write<Value: BinaryCodable>(_ value: Value) { value.encode(to: &self) }

    /// Bytes of another writer, length first: a reader that does not know what they hold
    /// can pass over them.
    public mutating func write(sized other: ByteWriter) {
        write(other.bytes.count)
        bytes += other.bytes
    }

    mutating func write<Value: BinaryCodable>(_ value: Value?) {
        write(value != nil)
        value?.encode(to: &self)
    }

    public mutating func write(_ value: String?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func write(_ value: Double?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func write<Value: BinaryCodable>(_ values: [Value]) { writeArray(values) }

    /// An enumeration by its raw value.
    mutating func write<Value: RawRepresentable>(_ value: Value) where Value.RawValue == String { write(value.rawValue) }

    /// A build's warnings, which ShareBuild keeps in its store (the same bytes as the
    /// generic array form).
    public mutating func write(_ diagnostics: [Diagnostic]) { writeArray(diagnostics) }

    public mutating func write(_ strings: [String]) { writeArray(strings) }


    private mutating func writeArray<Value: BinaryCodable>(_ values: [Value]) {
        write(values.count)
        for value in values { value.encode(to: &self) }
    }
}

/// Reads what a `ByteWriter` wrote, in the same order; anything out of place throws.
public struct ByteReader {
    /// The bytes end early or hold something no writer writes.
    public struct Damaged: Error, Sendable {}

    private let bytes: [UInt8]
    private var offset: Int

    public init(_ bytes: [UInt8], from offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset == bytes.count }
    /// Where the next read starts.
    public var position: Int { offset }

    /// Passes over `count` bytes (a part to be read by another reader).
    public mutating func skip(_ count: Int) throws(Damaged) {
        guard count >= 0, count <= bytes.count - offset else { throw Damaged() }
        offset += count
    }

    public mutating func read() throws(Damaged) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Damaged() }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    public mutating func read() throws(Damaged) -> Int { Int(Int64(bitPattern: try read() as UInt64)) }
    mutating func read() throws(Damaged) -> Double { Double(bitPattern: try read()) }

    mutating func read() throws(Damaged) -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw Damaged() }
        offset += 1
        return bytes[offset - 1] == 1
    }

    public mutating func read() throws(Damaged) -> String {
        let count: Int = try read()
        guard count >= 0, count <= bytes.count - offset else { throw Damaged() }
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    mutating func read<Value: BinaryCodable>() throws(Damaged) -> Value { try Value(from: &self) }

    mutating func read<Value: BinaryCodable>() throws(Damaged) -> Value? {
        try read() ? try Value(from: &self) : nil
    }

    public mutating func read() throws(Damaged) -> String? { try read() ? try read() as String : nil }
    mutating func read() throws(Damaged) -> Double? { try read() ? try read() as Double : nil }

    mutating func read<Value: BinaryCodable>() throws(Damaged) -> [Value] { try readArray() }

    /// A build's warnings, which ShareBuild keeps in its store.
    public mutating func read() throws(Damaged) -> [Diagnostic] { try readArray() }

    public mutating func read() throws(Damaged) -> [String] { try readArray() }

    private mutating func readArray<Value: BinaryCodable>() throws(Damaged) -> [Value] {
        let count: Int = try read()
        // Every value takes at least one byte: a larger count is damage, not a huge allocation.
        guard count >= 0, count <= bytes.count - offset else { throw Damaged() }
        var values: [Value] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try Value(from: &self)) }
        return values
    }

    mutating func read<Value: RawRepresentable>() throws(Damaged) -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: try read()) else { throw Damaged() }
        return value
    }
}

extension String: BinaryCodable {
    func encode(to writer: inout ByteWriter) { writer.write(self) }
    init(from reader: inout ByteReader) throws(ByteReader.Damaged) { self = try reader.read() }
}

extension SourcePosition: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(line)
        writer.write(column)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(line: try reader.read(), column: try reader.read())
    }
}

extension SourceLocation: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(file)
        writer.write(position)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(file: try reader.read(), position: try reader.read())
    }
}

extension Diagnostic: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(severity)
        writer.write(rule)
        writer.write(message)
        writer.write(location)
        writer.write(related)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        let severity: Severity = try reader.read()
        let rule: String = try reader.read()
        let message: String = try reader.read()
        self.init(severity, rule, message, at: try reader.read(), related: try reader.read())
    }
}

extension JSONValue: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        switch self {
        case .null: writer.write(0)
        case .bool(let value): writer.write(value ? 2 : 1)
        case .number(let literal):
            writer.write(3)
            writer.write(literal)
        case .string(let value):
            writer.write(4)
            writer.write(value)
        case .array(let elements):
            writer.write(5)
            writer.write(elements)
        case .object(let members):
            writer.write(6)
            writer.write(members.count)
            for (key, value) in members {
                writer.write(key)
                writer.write(value)
            }
        }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        switch try reader.read() as Int {
        case 0: self = .null
        case 1: self = .bool(false)
        case 2: self = .bool(true)
        case 3: self = .number(try reader.read() as String)
        case 4: self = .string(try reader.read() as String)
        case 5: self = .array(try reader.read())
        case 6:
            let count: Int = try reader.read()
            guard count >= 0 else { throw ByteReader.Damaged() }
            var members: [(String, JSONValue)] = []
            for _ in 0..<count { members.append((try reader.read() as String, try reader.read() as JSONValue)) }
            self = .object(members)
        default: throw ByteReader.Damaged()
        }
    }
}

extension Segment: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(id)
        writer.write(start)
        writer.write(end)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(id: try reader.read(), start: try reader.read(), end: try reader.read())
    }
}

extension Caption: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(locale)
        writer.write(label)
        writer.write(src)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(locale: try reader.read(), label: try reader.read(), src: try reader.read())
    }
}

extension Video: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(id)
        writer.write(segment)
        writer.write(visibility)
        writer.write(status)
        for url in [hlsUrl, mp4Url, embedUrl, thumbnailUrl] { writer.write(url) }
        writer.write(captions)
        for number in [width, height, durationSeconds] { writer.write(number) }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(
            id: try reader.read(), segment: try reader.read(), visibility: try reader.read(), status: try reader.read(),
            hlsUrl: try reader.read(), mp4Url: try reader.read(), embedUrl: try reader.read(), thumbnailUrl: try reader.read(),
            captions: try reader.read(), width: try reader.read(), height: try reader.read(), durationSeconds: try reader.read())
    }
}

extension PreviousSlug: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(slug)
        writer.write(rotatedAt)
        writer.write(rotatedBy)
        writer.write(mode)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(slug: try reader.read(), rotatedAt: try reader.read(), rotatedBy: try reader.read(), mode: try reader.read())
    }
}

extension AuditEntry: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(action)
        writer.write(at)
        writer.write(by)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(action: try reader.read(), at: try reader.read(), by: try reader.read())
    }
}

extension Share: BinaryCodable {
    func encode(to writer: inout ByteWriter) {
        writer.write(project)
        writer.write(channel)
        writer.write(slug)
        writer.write(status)
        writer.write(publicTitle)
        writer.write(publicSubtitle)
        writer.write(locale)
        writer.write(ctaLabel)
        writer.write(ctaUrl)
        writer.write(personalizationData)
        writer.write(apiCredentialId)
        writer.write(metadata)
        writer.write(description)
        writer.write(video)
        writer.write(previousSlugs)
        writer.write(audit)
        writer.write(sourceFile)
        writer.write(format)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
        self.init(
            project: try reader.read(), channel: try reader.read(), slug: try reader.read(), status: try reader.read(),
            publicTitle: try reader.read(), publicSubtitle: try reader.read(), locale: try reader.read(), ctaLabel: try reader.read(),
            ctaUrl: try reader.read(), personalizationData: try reader.read(), apiCredentialId: try reader.read(),
            metadata: try reader.read(), description: try reader.read(), video: try reader.read(), previousSlugs: try reader.read(),
            audit: try reader.read(), sourceFile: try reader.read(), format: try reader.read())
    }
}

extension SiteValidator.ShareOutcome: BinaryCodable {
    /// The outcome of one share file, as a build keeps it for the next one.
    public func encode(to writer: inout ByteWriter) {
        writer.write(diagnostics)
        writer.write(channel?.rawValue)
        writer.write(share != nil)
        guard let share else { return }
        writer.write(share.share)
        for position in [share.documentPosition, share.slugPosition, share.videoPosition] { writer.write(position) }
        writer.write(share.previousSlugPositions)
        writer.write(share.credentialPosition)
    }

    public init(from reader: inout ByteReader) throws(ByteReader.Damaged) {
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
