import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The key that seals the audit trail (`PACTE_AUDIT_KEY`), held outside the database: whoever can
/// write to the database but not read the servers' environment can neither forge an event nor a
/// checkpoint, because both carry an HMAC-SHA256 only the key gives.
public struct AuditKey: Sendable {
    let key: SymmetricKey

    /// 32 characters at least (`openssl rand -hex 32`); French refusal otherwise.
    public init(_ text: String) throws(AuditKeyError) {
        guard text.count >= 32 else {
            throw AuditKeyError("PACTE_AUDIT_KEY est trop courte (\(text.count) caractères) : 32 au moins, par exemple `openssl rand -hex 32`.")
        }
        key = SymmetricKey(data: Data(text.utf8))
    }

    /// The key of this process's environment, nil when `PACTE_AUDIT_KEY` is unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(AuditKeyError) -> AuditKey? {
        guard let text = environment["PACTE_AUDIT_KEY"], !text.isEmpty else { return nil }
        return try AuditKey(text)
    }

    func seal(_ text: String) -> String {
        hexString(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    func verifies(_ seal: String?, of text: String) -> Bool {
        guard let seal else { return false }
        return seal == self.seal(text)
    }

    /// The key events are sealed with: a task's own (tests, tools) before the process's (`pacte`
    /// sets it once at start from `PACTE_AUDIT_KEY`).
    @TaskLocal public static var current: AuditKey?
    private static let process = NIOLockedValueBox<AuditKey?>(nil)
    public static var processKey: AuditKey? {
        get { process.withLockedValue { $0 } }
        set { process.withLockedValue { $0 = newValue } }
    }
    static var sealing: AuditKey? { current ?? processKey }
}

public struct AuditKeyError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The head of the trail at a moment, kept outside the database (a file next to each backup, a line
/// of the daily reminders' log): an event deleted from the end of the chain leaves the chain whole,
/// but no longer reaches the head a checkpoint saw.
public struct AuditCheckpoint: Codable, Sendable, Equatable {
    /// Events up to and including `lastID`.
    public var count: Int
    public var lastID: Int64
    public var lastHash: String
    /// ISO 8601, UTC.
    public var writtenAt: String
    /// HMAC of the three figures with `PACTE_AUDIT_KEY`, when the key is set: a checkpoint file
    /// rewritten by whoever also truncated the trail no longer verifies.
    public var seal: String?

    var sealedText: String { "\(count)|\(lastID)|\(lastHash)" }

    /// One checkpoint per line (JSON Lines): the daily log, or a single backup's file.
    public static func read(_ url: URL) throws -> [AuditCheckpoint] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).enumerated().map { index, line in
            do { return try JSONDecoder().decode(AuditCheckpoint.self, from: Data(line.utf8)) } catch {
                throw AuditCheckpointError("\(url.path), ligne \(index + 1) : point de contrôle illisible.")
            }
        }
    }

    /// Appends this checkpoint to `url` (created when missing), as one line.
    public func append(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = try encoder.encode(self) + Data("\n".utf8)
        if FileManager.default.fileExists(atPath: url.path) {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try line.write(to: url)
        }
    }
}

public struct AuditCheckpointError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
