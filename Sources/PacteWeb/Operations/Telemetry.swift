import Foundation
import PacteCore
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// What `/metrics` shows: one Prometheus registry per application (not the process-wide
/// swift-metrics system), so that several applications in one test process keep their own figures.
public final class Telemetry: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Names this process in the logs and the metrics (`PACTE_INSTANCE`, by default host and port).
    public let instance: String

    /// Latency buckets from a cached page (a millisecond) to a slow export (ten seconds).
    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                             .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                             .seconds(1), .seconds(2), .seconds(5), .seconds(10)]

    public init(instance: String) {
        self.instance = instance
    }

    /// One request answered: counted by method, route template and status, timed by route template.
    func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    /// A page served from the rendered-page cache (`hit`) or rendered (`miss`).
    func recordPageCache(hit: Bool) {
        registry.makeCounter(descriptor: Self.pageCache, labels: [("result", hit ? "hit" : "miss")]).increment()
    }

    /// A commitment (or a service's acceptance) refused by an envelope or by the de minimis ceiling.
    func recordRefusal(_ reason: RefusalReason) {
        registry.makeCounter(descriptor: Self.refusals, labels: [("reason", reason.rawValue)]).increment()
    }

    enum RefusalReason: String { case envelope, deMinimis = "de_minimis" }

    /// The database connections of this instance, read from the server at scrape time.
    func recordDatabase(_ connections: DatabaseConnections) {
        registry.makeGauge(descriptor: Self.poolLimit).set(to: Double(connections.limit))
        if let open = connections.open { registry.makeGauge(descriptor: Self.poolOpen).set(to: Double(open)) }
        if let busy = connections.busy { registry.makeGauge(descriptor: Self.poolBusy).set(to: Double(busy)) }
        registry.makeGauge(descriptor: Self.databaseUp).set(to: connections.reachable ? 1 : 0)
    }

    /// The text exposition format (version 0.0.4).
    public func exposition() -> String { registry.emitToString() }

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "http_requests", unitName: "total",
                                               helpText: "Requêtes servies, par méthode, modèle de route et statut.") }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "http_request_duration", unitName: "seconds",
                                              helpText: "Durée des requêtes, de l'arrivée à la réponse, par modèle de route.") }
    static var pageCache: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "page_cache_lookups", unitName: "total",
                                                helpText: "Pages de convention et d'exécution servies depuis le cache (hit) ou rendues (miss).") }
    static var refusals: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "commitments_refused", unitName: "total",
                                               helpText: "Engagements refusés : enveloppe dépassée (envelope) ou plafond de minimis (de_minimis).") }
    static var poolLimit: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "database_connections_limit", unitName: "",
                                                helpText: "Connexions que l'instance peut ouvrir (taille du pool de toutes ses boucles).") }
    static var poolOpen: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "database_connections_open", unitName: "",
                                               helpText: "Connexions de l'instance ouvertes sur PostgreSQL (pg_stat_activity).") }
    static var poolBusy: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "database_connections_busy", unitName: "",
                                               helpText: "Connexions de l'instance occupées par une requête ou une transaction, hors celle de la mesure.") }
    static var databaseUp: MetricNameDescriptor { MetricNameDescriptor(namespace: "pacte", metricName: "database_up", unitName: "",
                                                 helpText: "1 si la base répond, 0 sinon.") }
}

/// The database connections of one instance, as the database server sees them.
struct DatabaseConnections: Sendable {
    var reachable: Bool
    var limit: Int
    /// Open and busy connections: known on PostgreSQL (by `application_name`), not on SQLite.
    var open: Int?
    var busy: Int?
}

struct TelemetryKey: StorageKey { typealias Value = Telemetry }

extension Application {
    /// The metrics of this application (`/metrics`).
    public var telemetry: Telemetry {
        get {
            if let existing = storage[TelemetryKey.self] { return existing }
            let made = Telemetry(instance: pacteSettings.instance ?? "pacte")
            storage[TelemetryKey.self] = made
            return made
        }
        set { storage[TelemetryKey.self] = newValue }
    }
}

extension Request {
    /// Counts the refusals of `body` (envelope passed, de minimis ceiling passed) and lets them through.
    func countingRefusals<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as EnvelopeRefusal {
            application.telemetry.recordRefusal(.envelope)
            throw refusal
        } catch let refusal as DeMinimisRefusal {
            application.telemetry.recordRefusal(.deMinimis)
            throw refusal
        }
    }
}
