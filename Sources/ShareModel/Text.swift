extension String {
    /// The text without leading and trailing whitespace (blank fields, template tag names).
    public var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}

extension Array where Element == UInt8 {
    /// Where `run` first occurs at or after `start`, byte by byte (Foundation's generic
    /// search was slow on a large manifest); nil for an empty run.
    public func firstIndex(ofRun run: [UInt8], from start: Int = 0) -> Int? {
        guard let first = run.first else { return nil }
        var index = start
        while index + run.count <= count {
            if self[index] == first, self[index..<index + run.count].elementsEqual(run) { return index }
            index += 1
        }
        return nil
    }
}

/// The digits of lowercase hexadecimal, as bytes.
let lowercaseHexDigits = Array("0123456789abcdef".utf8)

/// `bytes` in lowercase hexadecimal, two digits a byte.
public func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    var text: [UInt8] = []
    for byte in bytes {
        text.append(lowercaseHexDigits[Int(byte >> 4)])
        text.append(lowercaseHexDigits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// 16 bytes in lowercase hexadecimal, grouped 8-4-4-4-12 as a UUID is written.
public func uuidShaped(_ bytes: some Collection<UInt8>) -> String {
    precondition(bytes.count == 16, "a UUID has 16 bytes")
    let hex = Array(lowercaseHex(bytes).utf8)
    return [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]]
        .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
}
