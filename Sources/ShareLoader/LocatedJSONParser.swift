import ShareModel

/// A strict RFC 8259 parser that records the position of every value and key.
/// It reports duplicate keys, trailing commas, comments and nesting deeper than
/// `maxDepth` as located diagnostics; it never recurses deeper than `maxDepth`.
public enum LocatedJSONParser {
    public static let maxDepth = 200

    /// Parses a whole document. Returns the value when the text is well formed
    /// (duplicate keys still yield a value, with the first occurrence kept).
    public static func parse(_ bytes: [UInt8], file: String) -> (value: SourceValue?, diagnostics: [Diagnostic]) {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer, file: file)
            return parser.parseDocument()
        }
    }

    private struct SyntaxError: Error {
        var offset: Int
        var rule: String
        var message: String
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let file: String
        var index = 0
        var positions: TextPositions
        var diagnostics: [Diagnostic] = []

        init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
            self.bytes = bytes
            self.file = file
            positions = TextPositions(bytes)
        }

        mutating func location(_ offset: Int) -> SourceLocation {
            SourceLocation(file: file, position: positions.position(at: offset))
        }

        mutating func parseDocument() -> (SourceValue?, [Diagnostic]) {
            if let bad = firstInvalidUTF8Offset(bytes) {
                let byte = String(bytes[bad], radix: 16, uppercase: true)
                return (nil, [.error("source.encoding", "file is not valid UTF-8 (byte 0x\(byte)); save it as UTF-8", at: location(bad))])
            }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                diagnostics.append(.error("source.bom", "file starts with a byte order mark; save it as UTF-8 without BOM", at: location(0)))
                index = 3
            }
            skipWhitespace()
            if index == bytes.count {
                diagnostics.append(.error("source.empty", "file is empty; expected a JSON object", at: location(0)))
                return (nil, diagnostics)
            }
            do throws(SyntaxError) {
                let value = try parseValue(depth: 0)
                skipWhitespace()
                if index < bytes.count {
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)) after the end of the JSON value")
                }
                return (value, diagnostics)
            } catch {
                diagnostics.append(.error(error.rule, error.message, at: location(error.offset)))
                return (nil, diagnostics)
            }
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        func describe(_ offset: Int) -> String {
            guard offset < bytes.count else { return "end of file" }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "/") { return "'/' (JSON has no comments)" }
            if byte == UInt8(ascii: "'") { return "\"'\" (JSON strings use double quotes)" }
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            var end = offset + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
            return byte < 0x20 ? "control character U+\(String(byte, radix: 16, uppercase: true))" : "'\(text)'"
        }

        mutating func parseValue(depth: Int) throws(SyntaxError) -> SourceValue {
            guard index < bytes.count else {
                throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected end of file; expected a value")
            }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return SourceValue(.string(try parseString()), at: positions.position(at: start))
            case UInt8(ascii: "t"): try expectLiteral("true"); return SourceValue(.bool(true), at: positions.position(at: start))
            case UInt8(ascii: "f"): try expectLiteral("false"); return SourceValue(.bool(false), at: positions.position(at: start))
            case UInt8(ascii: "n"): try expectLiteral("null"); return SourceValue(.null, at: positions.position(at: start))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return SourceValue(.number(try parseNumber()), at: positions.position(at: start))
            default:
                throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)); expected a value")
            }
        }

        mutating func checkDepth(_ depth: Int) throws(SyntaxError) {
            if depth > LocatedJSONParser.maxDepth {
                throw SyntaxError(offset: index, rule: "json.too-deep", message: "values are nested more than \(LocatedJSONParser.maxDepth) levels deep")
            }
        }

        mutating func parseObject(depth: Int) throws(SyntaxError) -> SourceValue {
            try checkDepth(depth)
            let position = positions.position(at: index)
            index += 1
            var members: [SourceMember] = []
            var seen: [String: SourcePosition] = [:]
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return SourceValue(.object(members), at: position)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    if index < bytes.count && bytes[index] == UInt8(ascii: "}") && !members.isEmpty {
                        throw SyntaxError(offset: index, rule: "json.trailing-comma", message: "trailing comma before '}'")
                    }
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)); expected a member name in double quotes")
                }
                let keyOffset = index
                let key = try parseString()
                let keyPosition = positions.position(at: keyOffset)
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)); expected ':' after member name")
                }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                if let first = seen[key] {
                    diagnostics.append(.error(
                        "json.duplicate-key",
                        "duplicate key \"\(key)\" (first defined at line \(first.line), column \(first.column))",
                        at: SourceLocation(file: file, position: keyPosition)))
                } else {
                    seen[key] = keyPosition
                    members.append(SourceMember(key: key, keyPosition: keyPosition, value: value))
                }
                skipWhitespace()
                guard index < bytes.count else {
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected end of file; expected ',' or '}'")
                }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return SourceValue(.object(members), at: position) }
                throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)); expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(SyntaxError) -> SourceValue {
            try checkDepth(depth)
            let position = positions.position(at: index)
            index += 1
            var elements: [SourceValue] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return SourceValue(.array(elements), at: position)
            }
            while true {
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "]") && !elements.isEmpty {
                    throw SyntaxError(offset: index, rule: "json.trailing-comma", message: "trailing comma before ']'")
                }
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else {
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected end of file; expected ',' or ']'")
                }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return SourceValue(.array(elements), at: position) }
                throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)); expected ',' or ']'")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
            let count = literal.utf8CodeUnitCount
            let matches = index + count <= bytes.count && (0..<count).allSatisfy { bytes[index + $0] == literal.utf8Start[$0] }
            guard matches else {
                throw SyntaxError(offset: index, rule: "json.syntax", message: "unexpected \(describe(index)); expected a value")
            }
            index += count
        }

        mutating func parseNumber() throws(SyntaxError) -> String {
            let start = index
            func isDigit(_ offset: Int) -> Bool {
                offset < bytes.count && bytes[offset] >= UInt8(ascii: "0") && bytes[offset] <= UInt8(ascii: "9")
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else {
                throw SyntaxError(offset: index, rule: "json.syntax", message: "invalid number: expected a digit")
            }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if isDigit(index) {
                    throw SyntaxError(offset: start, rule: "json.syntax", message: "invalid number: leading zeros are not allowed")
                }
            } else {
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard isDigit(index) else {
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "invalid number: expected a digit after '.'")
                }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                index += 1
                if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
                guard isDigit(index) else {
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "invalid number: expected a digit in the exponent")
                }
                while isDigit(index) { index += 1 }
            }
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            // Every consumer (the signer's JSONDecoder included) reads numbers as doubles.
            guard let value = Double(literal), value.isFinite else {
                throw SyntaxError(offset: start, rule: "json.syntax", message: "number \(literal) is out of range (beyond ±1.8e308)")
            }
            return literal
        }

        /// Parses a string starting at the opening quote; the text was validated as UTF-8.
        mutating func parseString() throws(SyntaxError) -> String {
            let open = index
            index += 1
            var runStart = index
            var scalars: String?
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let run = String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                    index += 1
                    if var built = scalars { built += run; return built }
                    return run
                }
                if byte < 0x20 {
                    let what = byte == 0x0A ? "a line break" : byte == 0x09 ? "a tab" : "control character U+\(String(byte, radix: 16, uppercase: true))"
                    throw SyntaxError(offset: index, rule: "json.syntax", message: "\(what) inside a string must be escaped")
                }
                if byte == UInt8(ascii: "\\") {
                    var built = scalars ?? ""
                    built += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                    built.unicodeScalars.append(try parseEscape())
                    scalars = built
                    runStart = index
                    continue
                }
                index += 1
            }
            throw SyntaxError(offset: open, rule: "json.syntax", message: "unterminated string")
        }

        mutating func parseEscape() throws(SyntaxError) -> Unicode.Scalar {
            let start = index
            index += 1
            guard index < bytes.count else { throw SyntaxError(offset: start, rule: "json.syntax", message: "unterminated escape") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try parseHex4(escapeStart: start)
                if (0xD800...0xDBFF).contains(high) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw SyntaxError(offset: start, rule: "json.syntax", message: "unpaired surrogate in \\u escape")
                    }
                    index += 2
                    let low = try parseHex4(escapeStart: start)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw SyntaxError(offset: start, rule: "json.syntax", message: "unpaired surrogate in \\u escape")
                    }
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                }
                guard let scalar = Unicode.Scalar(high) else {
                    throw SyntaxError(offset: start, rule: "json.syntax", message: "unpaired surrogate in \\u escape")
                }
                return scalar
            default:
                throw SyntaxError(offset: start, rule: "json.syntax", message: "invalid escape sequence '\\\(describe(index - 1).trimmingQuotes)'")
            }
        }

        mutating func parseHex4(escapeStart: Int) throws(SyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count, let digit = hexDigitValue(bytes[index]) else {
                    throw SyntaxError(offset: escapeStart, rule: "json.syntax", message: "invalid \\u escape: expected four hex digits")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}

private extension String {
    var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
