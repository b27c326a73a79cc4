import ShareLoader
import ShareModel

/// Rules for `sharegen.json`; a missing file means all defaults.
enum ConfigRules {
    /// `brand` is read by `BrandRules`, once the root's `assets/` are loaded.
    static let topKeys = ["channels", "defaultLocale", "siteName", "signing", "brand"]
    static let signingKeys = ["endpoint", "mediaBaseURL", "defaultTTLSeconds", "maxTTLSeconds"]

    static func validate(_ document: SourceDocument?, into diagnostics: inout [Diagnostic]) -> SiteConfig {
        var config = SiteConfig.default
        guard let document, let value = document.value else { return config }
        guard var reader = FieldReader(file: document.path, value: value, what: "sharegen.json", diagnostics: &diagnostics) else {
            return config
        }
        reader.rejectUnknownKeys(topKeys, in: "sharegen.json")
        if let channels = reader.object("channels"), let members = channels.members {
            for member in members {
                guard let channel = Channel(rawValue: member.key) else {
                    var message = "unknown channel \"\(member.key)\"; channels are DEV, STAGING and PROD"
                    if let suggestion = closestMatch(member.key, among: Channel.allCases.map(\.rawValue)) {
                        message += "; did you mean \"\(suggestion)\"?"
                    }
                    reader.error("field.enum", message, at: member.keyPosition)
                    continue
                }
                guard var channelReader = FieldReader(file: document.path, value: member.value, what: "channel \(channel.rawValue)", diagnostics: &reader.diagnostics) else { continue }
                channelReader.rejectUnknownKeys(["baseURL"], in: "channel \(channel.rawValue)")
                if let (url, position) = channelReader.string("baseURL", required: true) {
                    if let problem = Formats.urlProblem(url, allowHTTP: true) ?? Formats.basePathProblem(url) {
                        channelReader.error("config.base-url", "baseURL \(problem)", at: position)
                    } else if url.utf8.contains(UInt8(ascii: "?")) || url.utf8.contains(UInt8(ascii: "#")) {
                        channelReader.error("config.base-url", "baseURL must not have a query or fragment", at: position)
                    } else {
                        if channel != .DEV, url.lowercased().hasPrefix("http:") {
                            channelReader.warning("config.base-url-http", "\(channel.rawValue) is served over plain http; use https", at: position)
                        }
                        config.baseURLs[channel] = url
                    }
                }
                channelReader.flush(into: &reader.diagnostics)
            }
        }
        if let (locale, position) = reader.string("defaultLocale") {
            if let problem = Formats.localeProblem(locale) {
                reader.error("locale.format", "defaultLocale \"\(locale)\" is not a well-formed BCP 47 tag: \(problem)", at: position)
            } else {
                config.defaultLocale = locale
            }
        }
        if let (name, position) = reader.string("siteName") {
            if name.trimmingWhitespace.isEmpty || name.count > 80 {
                reader.error("config.site-name", "siteName must be 1 to 80 characters", at: position)
            } else {
                config.siteName = name
            }
        }
        if let signing = reader.object("signing") {
            config.signing = signingConfig(signing, file: document.path, into: &reader.diagnostics)
        }
        reader.flush(into: &diagnostics)
        return config
    }

    /// Pages would carry the placeholder URLs of `SiteConfig.default` without a word.
    static func defaultBaseURLs(at location: SourceLocation, _ reason: String) -> Diagnostic {
        let urls = Channel.allCases.map { "\($0.rawValue) \(SiteConfig.default.baseURL(for: $0))" }.joined(separator: ", ")
        return .warning(
            "config.default-base-url",
            "\(reason), so pages use the default base URLs (\(urls)); set channels.<channel>.baseURL in sharegen.json",
            at: location)
    }

    private static func signingConfig(_ value: SourceValue, file: String, into diagnostics: inout [Diagnostic]) -> SigningConfig {
        var signing = SigningConfig()
        guard var reader = FieldReader(file: file, value: value, what: "signing", diagnostics: &diagnostics) else { return signing }
        reader.rejectUnknownKeys(signingKeys, in: "signing")
        for key in ["endpoint", "mediaBaseURL"] {
            guard let (url, position) = reader.string(key) else { continue }
            if let problem = Formats.urlProblem(url, allowHTTP: true) {
                reader.error("config.signing", "\(key) \(problem)", at: position)
                continue
            }
            if url.utf8.contains(UInt8(ascii: "?")) || url.utf8.contains(UInt8(ascii: "#")) {
                reader.error("config.signing", "\(key) must not have a query or fragment: signed paths are appended to it", at: position)
                continue
            }
            var trimmed = url
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            if key == "endpoint" { signing.endpoint = trimmed } else { signing.mediaBaseURL = trimmed }
        }
        var ttls: [String: (Int, SourcePosition)] = [:]
        for key in ["defaultTTLSeconds", "maxTTLSeconds"] {
            guard let (number, position) = reader.number(key) else { continue }
            guard number.rounded() == number, number >= 1, number <= 86_400 * 7 else {
                reader.error("config.signing", "\(key) must be a whole number of seconds from 1 to 604800", at: position)
                continue
            }
            ttls[key] = (Int(number), position)
        }
        if let (value, _) = ttls["defaultTTLSeconds"] { signing.defaultTTLSeconds = value }
        if let (value, _) = ttls["maxTTLSeconds"] { signing.maxTTLSeconds = value }
        if signing.defaultTTLSeconds > signing.maxTTLSeconds {
            let position = ttls["defaultTTLSeconds"]?.1 ?? ttls["maxTTLSeconds"]?.1 ?? value.position
            reader.error("config.signing", "defaultTTLSeconds (\(signing.defaultTTLSeconds)) is larger than maxTTLSeconds (\(signing.maxTTLSeconds))", at: position)
        }
        reader.flush(into: &diagnostics)
        return signing
    }
}

/// A warning when the site names no base URLs (no `sharegen.json`, or one without
/// `channels`), so its pages would carry the placeholder `watch.example.com` URLs.
/// `check` and `build` report it; library callers that build throwaway sites do not.
public func defaultBaseURLWarning(root: String, fileSystem: any FileSystem) -> Diagnostic? {
    let path = joinPath(root, SiteLoader.configFile)
    guard let bytes = try? fileSystem.readFile(path) else {
        return fileSystem.kind(at: path) == nil
            ? ConfigRules.defaultBaseURLs(at: SourceLocation(file: SiteLoader.configFile), "there is no sharegen.json") : nil
    }
    guard let value = LocatedJSONParser.parse(bytes, file: SiteLoader.configFile).0, value.members != nil, value["channels"] == nil else { return nil }
    return ConfigRules.defaultBaseURLs(at: SourceLocation(file: SiteLoader.configFile, position: value.position), "sharegen.json names no channels")
}
