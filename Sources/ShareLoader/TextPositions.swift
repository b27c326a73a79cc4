import ShareModel

/// Maps byte offsets of a UTF-8 text to 1-based line and column (in Unicode scalars).
/// Queries that move forward are amortized O(1), so a parser can ask at every value.
struct TextPositions {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var line = 1
    private var lineStart = 0
    private var scannedTo = 0
    private var cachedOffset = 0
    private var cachedColumn = 1

    /// A byte order mark is not shown by editors, so the text after it starts at column 1.
    private let textStart: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        textStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        rewind()
    }

    mutating func position(at offset: Int) -> SourcePosition {
        if offset < scannedTo { rewind() }
        if offset < textStart { return SourcePosition(line: 1, column: 1) }
        // Advance line bookkeeping over any newlines before `offset`.
        while scannedTo < offset {
            if bytes[scannedTo] == UInt8(ascii: "\n") {
                line += 1
                lineStart = scannedTo + 1
                cachedOffset = lineStart
                cachedColumn = 1
            }
            scannedTo += 1
        }
        if cachedOffset < lineStart || cachedOffset > offset {
            cachedOffset = lineStart
            cachedColumn = 1
        }
        while cachedOffset < offset {
            if bytes[cachedOffset] & 0xC0 != 0x80 { cachedColumn += 1 }
            cachedOffset += 1
        }
        return SourcePosition(line: line, column: cachedColumn)
    }

    private mutating func rewind() {
        line = 1
        lineStart = textStart
        scannedTo = textStart
        cachedOffset = textStart
        cachedColumn = 1
    }
}

/// The value of one hexadecimal digit, either case, as `\u` escapes are written.
func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

/// Finds the first byte that is not well-formed UTF-8 (overlong forms, surrogates and
/// code points above U+10FFFF are rejected), or nil when the whole text is valid.
func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var index = 0
    let count = bytes.count
    let raw = UnsafeRawBufferPointer(bytes)
    while index < count {
        // Eight ASCII bytes at a time: most text is mostly ASCII.
        if index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index += 8
            continue
        }
        let lead = bytes[index]
        if lead < 0x80 { index += 1; continue }
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F
        default: return index
        }
        guard index + length <= count else { return index }
        let second = bytes[index + 1]
        guard second >= lowerBound && second <= upperBound else { return index }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return index }
        index += length
    }
    return nil
}
