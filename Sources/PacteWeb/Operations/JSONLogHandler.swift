import Foundation
import Logging
import NIOConcurrencyHelpers

/// One JSON object per line on standard output (`PACTE_LOG_FORMAT=json`), for a log collector:
/// `time`, `level`, `label`, `message`, `source`, then every metadata key (`request-id` among them).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let output: @Sendable (Data) -> Void

    /// `output` receives each line, newline included; standard output by default.
    public init(label: String, level: Logger.Level, output: @escaping @Sendable (Data) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public static let standardOutput: @Sendable (Data) -> Void = { line in
        lock.withLockedValue { _ in FileHandle.standardOutput.write(line) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadataProvider?.get() ?? [:] { fields[key] = Self.flat(value) }
        for (key, value) in metadata { fields[key] = Self.flat(value) }
        for (key, value) in event.metadata ?? [:] { fields[key] = Self.flat(value) }
        if let error = event.error { fields["error"] = String(describing: error) }
        fields["time"] = Self.timestamp(Date())
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = event.message.description
        fields["source"] = event.source
        guard var line = try? Self.encoder.encode(fields) else { return }
        line.append(UInt8(ascii: "\n"))
        output(line)
    }

    private static let lock = NIOLockedValueBox(())
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func flat(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary: value.description
        }
    }

    /// ISO 8601 in UTC with milliseconds, as log collectors sort them.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
