import ShareModel

/// Syntax checks for the value formats of SPEC §2. Each returns a reason when the
/// value is not acceptable, so messages can say what exactly is wrong.
public enum Formats {
    public static let reservedSlugs: Set<String> = ["assets", "embed", "oembed", "healthz", "static", "media"]

    /// `^[a-z0-9][a-z0-9-]{2,62}[a-z0-9]$`
    public static func slugProblem(_ slug: String) -> String? {
        let bytes = Array(slug.utf8)
        guard bytes.count >= 4, bytes.count <= 64 else {
            return "must be 4 to 64 characters long (found \(slug.count))"
        }
        let isAlnum: (UInt8) -> Bool = { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        guard bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") }) else {
            return "may contain only lowercase letters a-z, digits and '-'"
        }
        guard isAlnum(bytes.first!), isAlnum(bytes.last!) else {
            return "must start and end with a letter or digit"
        }
        return nil
    }

    /// Words that make a slug easy to guess when they appear in it.
    static let guessableWords: [String] = [
        "about", "access", "account", "annual", "april", "august", "banking", "basic", "bonus", "brand", "campaign",
        "card", "careers", "client", "company", "contact", "customer", "december", "default", "demo", "event",
        "example", "february", "final", "first", "follow", "free", "friday", "hello", "holiday", "intro", "invite",
        "january", "july", "june", "launch", "march", "meeting", "member", "monday", "news", "november", "october",
        "offer", "onboard", "online", "preview", "private", "product", "promo", "public", "release", "sample",
        "september", "share", "special", "spring", "summer", "sunday", "support", "team", "test", "thanks",
        "training", "update", "video", "webinar", "weekly", "welcome", "winter", "autumn", "secret", "trial",
    ]

    /// Why a slug could be guessed, or nil. Slugs from `put`/`rotate-slug` (16 random
    /// characters of `[a-z2-7]`, 80 bits) never match.
    public static func guessableReason(_ slug: String) -> String? {
        if slug.count < 16 { return "it is shorter than 16 characters" }
        if slug.utf8.contains(UInt8(ascii: "-")) { return "it is made of words joined by '-'" }
        let bytes = Array(slug.utf8)
        if let word = guessableWords.first(where: { $0.utf8.count >= 5 && bytes.firstIndex(ofRun: Array($0.utf8)) != nil }) {
            return "it contains the word \"\(word)\""
        }
        return nil
    }

    public static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !isHex(byte) {
                return false
            }
        }
        return true
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    /// Project folder names: `[a-z0-9][a-z0-9-]{0,62}` or a UUID.
    public static func isProjectID(_ text: String) -> Bool {
        if isUUID(text) { return true }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        let isAlnum: (UInt8) -> Bool = { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        return isAlnum(bytes[0]) && bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// Well-formedness of a BCP 47 language tag (RFC 5646 §2.1, without the
    /// grandfathered irregular tags). Returns a reason when malformed.
    public static func localeProblem(_ tag: String) -> String? {
        if tag.utf8.contains(UInt8(ascii: "_")) { return "BCP 47 uses '-', not '_' (write \"\(tag.replacingUnderscores)\")" }
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        func isAlpha(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A } }
        func isDigit(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        func isAlnum(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) } }
        guard let language = subtags.first, isAlpha(language), (2...3).contains(language.count) || (5...8).contains(language.count) else {
            if subtags.first?.lowercased() == "x" { return nil }
            return "the language subtag must be 2-3 or 5-8 letters"
        }
        var index = 1
        var extlangs = 0
        while index < subtags.count, subtags[index].count == 3, isAlpha(subtags[index]), language.count <= 3, extlangs < 3 {
            index += 1; extlangs += 1
        }
        if index < subtags.count, subtags[index].count == 4, isAlpha(subtags[index]) { index += 1 }
        if index < subtags.count, (subtags[index].count == 2 && isAlpha(subtags[index])) || (subtags[index].count == 3 && isDigit(subtags[index])) { index += 1 }
        var variants = Set<String>()
        while index < subtags.count {
            let subtag = subtags[index]
            let isVariant = isAlnum(subtag) && ((5...8).contains(subtag.count) || (subtag.count == 4 && isDigit(String(subtag.prefix(1)))))
            guard isVariant else { break }
            guard variants.insert(subtag.lowercased()).inserted else { return "variant \"\(subtag)\" appears twice" }
            index += 1
        }
        var singletons = Set<String>()
        while index < subtags.count {
            let singleton = subtags[index].lowercased()
            guard singleton.count == 1, isAlnum(singleton) else {
                return subtags[index].isEmpty ? "empty subtag" : "unexpected subtag \"\(subtags[index])\""
            }
            guard singletons.insert(singleton).inserted else { return "extension \"\(singleton)\" appears twice" }
            index += 1
            let range = singleton == "x" ? 1...8 : 2...8
            var count = 0
            while index < subtags.count, isAlnum(subtags[index]), range.contains(subtags[index].count), subtags[index].count > 1 || singleton == "x" {
                index += 1; count += 1
            }
            if count == 0 { return "extension \"\(singleton)\" has no subtags" }
            if singleton == "x" { break }
        }
        return index == subtags.count ? nil : "unexpected subtag \"\(subtags[index])\""
    }

    /// Checks an absolute URL with scheme `https` (or `http` where allowed). Rejects
    /// user info, white space, control characters and characters that break HTML.
    public static func urlProblem(_ url: String, allowHTTP: Bool) -> String? {
        isPlainValidURL(url, allowHTTP: allowHTTP) ? nil : explainedURLProblem(url, allowHTTP: allowHTTP)
    }

    /// `urlProblem` by Characters, with the reason.
    static func explainedURLProblem(_ url: String, allowHTTP: Bool) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return "must be an absolute URL (https://…)" }
        let scheme = url[..<colon].lowercased()
        if scheme == "javascript" || scheme == "data" || scheme == "vbscript" || scheme == "file" {
            return "\(scheme): URLs are not allowed"
        }
        guard scheme == "https" || (scheme == "http" && allowHTTP) else {
            if scheme == "http" { return "must use https (http is allowed only for DEV)" }
            return scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) && !scheme.isEmpty
                ? "scheme \"\(scheme)\" is not allowed; use https" : "must be an absolute URL (https://…)"
        }
        guard url[colon...].hasPrefix("://") else { return "must be an absolute URL (https://host/…)" }
        if let problem = characterProblem(url) { return problem }
        let afterScheme = url[url.index(colon, offsetBy: 3)...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.utf8.contains(UInt8(ascii: "@")) { return "must not contain user info (\"user@\")" }
        let host = authority.hasPrefix("[") ? authority : authority.split(separator: ":", maxSplits: 1).first ?? ""
        if host.isEmpty { return "has no host" }
        // Origins are copied into Content-Security-Policy lists, where ';' or ',' would start
        // another directive or policy (found by the hardening injection tests).
        if !authority.hasPrefix("["), let bad = host.unicodeScalars.first(where: { $0.isASCII && !isHostCharacter($0) }) {
            return "has the character '\(bad)' in its host name (use letters, digits, '-' and '.')"
        }
        if authority.hasPrefix("[") == false, let port = authority.split(separator: ":", maxSplits: 1).dropFirst().first {
            guard let number = Int(port), (1...65535).contains(number) else { return "has an invalid port" }
        }
        return nil
    }

    /// Whether `url` is an all-ASCII `https://` (or allowed `http://`) URL that passes every
    /// check of `urlProblem`, decided on bytes alone: nearly every URL of a site, checked
    /// at a fraction of the cost of the Character-based checks, which explain the rest.
    static func isPlainValidURL(_ url: String, allowHTTP: Bool) -> Bool {
        var url = url
        return url.withUTF8 { bytes -> Bool in
            // "http", then "s://" or (where allowed) "://", compared byte by byte.
            let scheme: [UInt8] = [0x68, 0x74, 0x74, 0x70]
            guard bytes.count > 8, (0..<4).allSatisfy({ bytes[$0] == scheme[$0] }) else { return false }
            let https = bytes[4] == UInt8(ascii: "s")
            let separator = https ? 5 : 4
            guard https || allowHTTP, bytes[separator] == UInt8(ascii: ":"), bytes[separator + 1] == UInt8(ascii: "/"),
                  bytes[separator + 2] == UInt8(ascii: "/") else { return false }
            var index = separator + 3
            let hostStart = index
            var portStart: Int?
            // Authority: host and optional port, up to the path, query or fragment.
            while index < bytes.count, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?"), bytes[index] != UInt8(ascii: "#") {
                let byte = bytes[index]
                if byte == UInt8(ascii: ":"), portStart == nil {
                    portStart = index + 1
                } else if portStart != nil {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
                } else if !isHostByte(byte) {
                    return false
                }
                index += 1
            }
            let hostEnd = portStart.map { $0 - 1 } ?? index
            guard hostEnd > hostStart else { return false }
            if let portStart {
                guard index > portStart, index - portStart <= 5 else { return false }
                let port = bytes[portStart..<index].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                guard (1...65535).contains(port) else { return false }
            }
            // The rest: printable ASCII other than the characters that break HTML.
            while index < bytes.count {
                guard (0x21...0x7E).contains(bytes[index]), !breaksHTML(bytes[index]) else { return false }
                index += 1
            }
            return true
        }
    }

    /// ASCII characters a URL must not hold unencoded: they break HTML attributes and
    /// are not valid in URLs.
    private static func breaksHTML(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "\\"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "^"):
            true
        default:
            false
        }
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// The first character a URL must not contain, by UTF-8 byte: URLs are checked for
    /// every share, and this loop is a tenth of the cost of a scalar-by-scalar one.
    static func characterProblem(_ url: String) -> String? {
        var url = url
        return url.withUTF8 { bytes -> String? in
            for index in bytes.indices {
                switch bytes[index] {
                case 0...0x20, 0x7F:
                    return "must not contain spaces or control characters"
                case let byte where breaksHTML(byte):
                    return "must not contain the character '\(Unicode.Scalar(bytes[index]))' (percent-encode it)"
                case 0xE2 where index + 2 < bytes.count:
                    // U+202A…U+202E and U+2066…U+2069 are E2 80 AA…AE and E2 81 A6…A9.
                    let (second, third) = (bytes[index + 1], bytes[index + 2])
                    if (second == 0x80 && (0xAA...0xAE).contains(third)) || (second == 0x81 && (0xA6...0xA9).contains(third)) {
                        return "must not contain Unicode direction controls"
                    }
                default:
                    continue
                }
            }
            return nil
        }
    }

    /// ASCII characters of DNS host names (`_` too, which some CDN names use).
    static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && isHostByte(UInt8(scalar.value))
    }

    /// Why a base URL's path cannot prefix every link of a page and be written into the
    /// generated server configuration, or nil. Found by the hardening injection tests: a
    /// path starting `//` made asset links protocol-relative (`//evil.test/assets/share.js`),
    /// and nginx reads `;` as the end of a directive and `$` as a variable.
    public static func basePathProblem(_ url: String) -> String? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        let afterScheme = url[scheme.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
        let path = afterScheme[slash...].prefix { $0 != "?" && $0 != "#" }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.last == "" { segments.removeLast() }
        if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "has an empty, '.' or '..' segment in its path"
        }
        var rest = path.unicodeScalars[...]
        while let scalar = rest.popFirst() {
            if scalar == "%", rest.count >= 2, rest.prefix(2).allSatisfy({ $0.properties.isASCIIHexDigit }) {
                rest = rest.dropFirst(2)
            } else if !(isHostCharacter(scalar) || scalar == "~" || scalar == "/") {
                return "has the character '\(scalar)' in its path (use letters, digits, '-', '.', '_', '~', '/' and %XX escapes)"
            }
        }
        return nil
    }

    /// ISO 8601 date-time with a time zone, e.g. `2024-05-01T10:00:00Z`.
    public static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30 && bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard digits(0..<4) != nil, bytes[4] == UInt8(ascii: "-"), let month = digits(5..<7), bytes[7] == UInt8(ascii: "-"),
              let day = digits(8..<10), bytes[10] == UInt8(ascii: "T"), let hour = digits(11..<13), bytes[13] == UInt8(ascii: ":"),
              let minute = digits(14..<16), bytes[16] == UInt8(ascii: ":"), let second = digits(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            if index == start { return false }
        }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "Z") { return index + 1 == bytes.count }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
              digits(index + 1..<index + 3) != nil, bytes[index + 3] == UInt8(ascii: ":"), digits(index + 4..<index + 6) != nil else { return false }
        return true
    }

    /// `sha256:` followed by 64 lowercase hex digits.
    public static func isSecretHash(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.utf8.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}

private extension String {
    var replacingUnderscores: String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
