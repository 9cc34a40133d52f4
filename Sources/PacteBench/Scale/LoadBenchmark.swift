import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import PacteCore
import PacteStore
import PacteWeb
import Vapor

/// Latencies, throughput and concurrent commitments measured against a running server over HTTP.
public enum LoadBenchmark {
    /// Sorted durations and their percentiles.
    public struct Latencies: Sendable {
        public var label: String
        public var samples: [Duration]

        public init(label: String, samples: [Duration]) {
            self.label = label
            self.samples = samples.sorted()
        }

        public func percentile(_ p: Int) -> Duration {
            guard !samples.isEmpty else { return .zero }
            let rank = Int((Double(p) / 100 * Double(samples.count)).rounded(.up)) - 1
            return samples[Swift.min(samples.count - 1, Swift.max(0, rank))]
        }

        public var p50: Duration { percentile(50) }
        public var p99: Duration { percentile(99) }
        public var max: Duration { samples.last ?? .zero }
    }

    /// One GET per path, in order, each timed from the request to the last byte of the body.
    public static func latencies(_ label: String, paths: [String], server: String, token: String,
                                 warmup: Int = 10) async throws -> Latencies {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for (index, path) in (Array(paths.prefix(warmup)) + paths).enumerated() {
            let start = clock.now
            let response = try await get(server + path, token: token)
            let elapsed = clock.now - start
            guard response.status == .ok else {
                throw BenchTools.Failure(description: "\(path) a répondu \(response.status.code) pendant la mesure.")
            }
            if index >= min(warmup, paths.count) { samples.append(elapsed) }
        }
        return Latencies(label: label, samples: samples)
    }

    /// A GET whose whole body is read, as a browser would.
    public static func get(_ url: String, token: String?) async throws -> (status: HTTPResponseStatus, bytes: Int) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status, body.readableBytes)
    }

    public struct Throughput: Sendable {
        public var requestsPerSecond: Double
        public var latencyP99: String
        public var errors: Int
    }

    /// `wrk` for `seconds` with `connections` connections over the given paths (rotated by a Lua script).
    public static func wrk(server: String, paths: [String], token: String, seconds: Int, connections: Int, threads: Int = 2,
                           scriptDirectory: String) throws -> Throughput {
        let script = scriptDirectory + "/wrk-\(UUID().uuidString.prefix(8)).lua"
        let list = paths.map { "\"\($0)\"" }.joined(separator: ",\n")
        try """
        local paths = {
        \(list)
        }
        local counter = 0
        request = function()
          counter = counter + 1
          return wrk.format("GET", paths[(counter % #paths) + 1], { ["Authorization"] = "Bearer \(token)" })
        end
        """.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let output = try BenchTools.run("wrk", ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script, server])
        guard output.status == 0 else { throw BenchTools.Failure(description: "wrk a échoué : \(output.stderr)") }
        func value(after prefix: String) -> String? {
            output.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }
                .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count).trimmingCharacters(in: .whitespaces) }
        }
        guard let rate = value(after: "Requests/sec:").flatMap(Double.init) else {
            throw BenchTools.Failure(description: "Sortie de wrk illisible :\n\(output.stdout)")
        }
        let errors = output.stdout.split(separator: "\n").filter { $0.contains("Non-2xx or 3xx responses:") || $0.contains("Socket errors:") }
            .compactMap { line in line.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +) as Int? }
            .reduce(0, +)
        return Throughput(requestsPerSecond: rate, latencyP99: value(after: "99%") ?? "?", errors: errors)
    }

    public struct CommitmentRun: Sendable {
        public var clients: Int
        public var accepted: Int
        public var refused: Int
        public var otherErrors: Int
        public var duration: Duration
        public var acceptedAmount: Money
        public var available: Money
        public var perSecond: Double { Double(accepted) / Swift.max(1e-9, Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }
    }

    /// The label of the commitments the load test makes (removed before the next run).
    public static let commitmentLabel = "Mesure de charge"

    /// `clients` concurrent clients commit `amount` each, again and again, on one envelope until it
    /// refuses them all (409): the envelope must end exactly full, never over.
    public static func commitments(server: String, token: String, conventionID: UUID, funderID: UUID, amount: Money,
                                   available: Money, clients: Int) async throws -> CommitmentRun {
        let url = "\(server)/api/v1/conventions/\(conventionID)/commitments"
        let body = "{\"funderID\":\"\(funderID)\",\"label\":\"\(commitmentLabel)\",\"amount\":\"\(amount.decimalString)\"}"
        let counts = NIOLockedValueBox((accepted: 0, refused: 0, other: 0))
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var otherInARow = 0
                    while true {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: body))
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        switch response.status {
                        case .created:
                            counts.withLockedValue { $0.accepted += 1 }
                            otherInARow = 0
                        case .conflict:
                            counts.withLockedValue { $0.refused += 1 }
                            return
                        default:
                            counts.withLockedValue { $0.other += 1 }
                            otherInARow += 1
                            if otherInARow >= 5 { return }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let duration = clock.now - start
        let result = counts.withLockedValue { $0 }
        return CommitmentRun(clients: clients, accepted: result.accepted, refused: result.refused, otherErrors: result.other,
                             duration: duration, acceptedAmount: Money(cents: amount.cents * Int64(result.accepted)), available: available)
    }
}
