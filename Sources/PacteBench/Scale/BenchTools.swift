import Foundation
import PacteCore
import PacteStore
import PacteWeb
import Vapor

/// Programs the scale benchmark drives: the Pacte server itself, `wrk`, `sqlite3`, `psql`.
public enum BenchTools {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var duration: Duration
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path of `name` on PATH (or in the system folders root's PATH has), or nil.
    public static func which(_ name: String) -> String? {
        let path: [String] = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in path + ["/usr/sbin", "/sbin"] {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program to its end and times it (wall clock, process start included).
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> Output {
        guard let path = executable.hasPrefix("/") ? executable : which(executable) else {
            throw Failure(description: "« \(executable) » est introuvable : installez-le (Debian : apt-get install \(executable == "psql" ? "postgresql-client" : executable)).")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        // Read both pipes while the program runs, so that a chatty one cannot block on a full pipe.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isError) in [(out, false), (err, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isError: isError)
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Output(status: process.terminationStatus, stdout: collected.text(isError: false), stderr: collected.text(isError: true),
                      duration: clock.now - start)
    }

    final class OutputCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func set(_ data: Data, isError: Bool) { lock.withLock { if isError { err = data } else { out = data } } }
        func text(isError: Bool) -> String { lock.withLock { String(decoding: isError ? err : out, as: UTF8.self) } }
    }

    /// Peak resident memory of a process (`VmHWM`), in kibibytes.
    public static func peakMemoryKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}

/// A Pacte server started as its own process, as in production, so that its memory is its own.
public final class ServerProcess: @unchecked Sendable {
    public let port: Int
    public let process: Process
    public let logPath: String

    /// `environment` adds to (or overrides) this process's variables; the log is appended to, so
    /// that a server restarted on the same port keeps one log.
    public init(executable: String, databaseURL: String, port: Int, logPath: String, environment extra: [String: String] = [:]) throws {
        self.port = port
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--database-url", databaseURL, "--port", String(port), "--no-migrate"]
        var environment = ProcessInfo.processInfo.environment
        environment["PACTE_ENV"] = "production"
        environment["LOG_LEVEL"] = "warning"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var base: String { "http://127.0.0.1:\(port)" }

    /// Waits for `/health` to answer 200.
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            guard process.isRunning else {
                throw BenchTools.Failure(description: "Le serveur s'est arrêté au démarrage ; voir \(logPath).")
            }
            if let response = try? await LoadBenchmark.get(base + "/health", token: nil), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchTools.Failure(description: "Le serveur ne répond pas sur \(base)/health après \(timeout) ; voir \(logPath).")
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// SIGKILL: the process dies at once, its requests in flight with it, as in a crash.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
