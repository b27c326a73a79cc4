import Foundation
import Logging
import ShareModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each log event as one JSON object on a line of standard error, for log shippers:
/// `{"time":"…","level":"info","logger":"sharegen.signer","message":"…",<metadata>…}`.
///
/// A line is rendered only when it is written. swift-log's `StreamLogHandler` re-renders all
/// of its metadata whenever a key is set, which Hummingbird does for every request's id: a
/// measurable share of a signed answer's cost.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let output: @Sendable (inout String) -> Void

    /// `output` receives each line, newline included; by default it goes to standard error.
    public init(
        label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        output: @escaping @Sendable (inout String) -> Void = JSONLogHandler.standardError
    ) {
        self.label = label
        logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output
    }

    /// One write(2) per line, so that lines from several threads do not interleave.
    public static func standardError(_ line: inout String) {
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let attached = event.metadata { fields.merge(attached) { $1 } }
        let now = Date().timeIntervalSince1970
        let members: [(String, JSONValue)] = [
            ("time", .string(UTCTimestamp.iso8601(Int64(now.rounded(.down)), milliseconds: Int(now.truncatingRemainder(dividingBy: 1) * 1000)))),
            ("level", .string(event.level.rawValue)), ("logger", .string(label)), ("message", .string(event.message.description)),
        ]
        var line = JSONValue.object(members + fields.sorted { $0.key < $1.key }.map { ($0.key, JSONLogHandler.json($0.value)) }).serialized()
        line += "\n"
        output(&line)
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}
