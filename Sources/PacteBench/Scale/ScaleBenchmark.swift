import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import SQLKit
import Vapor

/// What the scale benchmark measures on one engine.
public struct ScaleResult: Sendable {
    public struct ImportRun: Sendable {
        public var rows: Int
        public var seconds: Double
        public var reference: ImportReference.Timing

        public init(rows: Int, seconds: Double, reference: ImportReference.Timing) {
            self.rows = rows
            self.seconds = seconds
            self.reference = reference
        }
    }

    public var engine: String
    public var importRun: ImportRun?
    public var preparation: ScalePreparation?
    public var plans: QueryPlans.Report?
    public var latencies: [LoadBenchmark.Latencies] = []
    public var health: LoadBenchmark.Throughput?
    public var page: LoadBenchmark.Throughput?
    public var commitments: LoadBenchmark.CommitmentRun?
    public var envelopeAfter: ScalePreparation.EnvelopeState?
    public var peakMemoryKiB: Int?

    public init(engine: String) { self.engine = engine }
}

/// The pages, the account and the envelope the measures use, chosen deterministically.
public struct ScalePreparation: Sendable {
    public struct Envelope: Sendable {
        public var envelopeID: UUID
        public var conventionID: UUID
        public var funderID: UUID
        /// Each commitment's amount.
        public var unit: Money
        /// What is left in the envelope before the run: exactly `unit` × a whole number.
        public var available: Money
    }

    public struct EnvelopeState: Sendable {
        public var cap: Money
        public var committed: Money
        public var over: Money { committed.cents > cap.cents ? Money(cents: committed.cents - cap.cents) : .zero }
    }

    public var token: String
    public var conventionPaths: [String]
    public var executionPaths: [String]
    public var actionPaths: [String]
    public var rollupPaths: [String]
    public var envelope: Envelope

    /// A few of each kind: the statements behind them are explained.
    public var planPaths: [String] {
        Array(conventionPaths.prefix(3)) + Array(executionPaths.prefix(3)) + Array(actionPaths.prefix(3)) + Array(rollupPaths.prefix(2))
    }

    /// The path of a département's roll-up page.
    public static func rollupPath(_ departement: String) -> String { "/territoires/departements/\(departement)" }

    public static func prepare(app: Application, samples: Int, clients: Int) async throws -> ScalePreparation {
        let sql = app.db as! any SQLDatabase
        let token = try await PageBenchmark.adminToken(on: app.db, email: SyntheticDataset.adminEmail)
        let ids = try await sql.raw("SELECT id FROM conventions ORDER BY reference").all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { throw Problem(.notFound, "Aucune convention dans la base du banc.") }
        var rng = SplitMix64(seed: 9)
        let sample = (0..<samples).map { _ in ids[Int(rng.next(below: UInt64(ids.count)))] }
        var firstAction: [UUID: UUID] = [:]
        for action in try await ActionModel.query(on: app.db).filter(\.$convention.$id ~~ Array(Set(sample))).filter(\.$position == 0).all() {
            firstAction[action.$convention.id] = try action.requireID()
        }
        let departements = try await sql.raw("""
            SELECT o.departement_code AS code, COUNT(DISTINCT p.convention_id) AS conventions
            FROM convention_parties p JOIN organisations o ON o.id = p.organisation_id
            WHERE o.departement_code IS NOT NULL GROUP BY o.departement_code ORDER BY conventions DESC, code LIMIT 10
            """).all().map { try $0.decode(column: "code", as: String.self) }

        // The envelope of the first sampled convention's first funder, topped up to hold exactly
        // what `clients` × 25 commitments of 10 € need.
        guard let envelope = try await EnvelopeModel.query(on: app.db).filter(\.$convention.$id == sample[0]).sort(\.$name).first() else {
            throw Problem(.notFound, "La convention \(sample[0]) n'a pas d'enveloppe.")
        }
        // The commitments of earlier runs go: otherwise every run would check each commitment
        // against a longer list than the last, and measure a convention that grows run after run.
        try await sql.raw("""
            DELETE FROM commitments WHERE convention_id = \(bind: sample[0]) AND label = \(bind: LoadBenchmark.commitmentLabel)
            """).run()
        let unit = Money(cents: 1_000)
        let available = Money(cents: unit.cents * Int64(clients * 25))
        let committed = try await committedCents(sql, conventionID: sample[0], funderID: envelope.$funder.id)
        envelope.capCents = committed + available.cents
        try await envelope.save(on: app.db)
        return ScalePreparation(
            token: token,
            conventionPaths: sample.map { "/conventions/\($0)" },
            executionPaths: sample.map { "/conventions/\($0)/execution" },
            actionPaths: sample.compactMap { id in firstAction[id].map { "/conventions/\(id)/actions/\($0)" } },
            rollupPaths: departements.map(rollupPath),
            envelope: Envelope(envelopeID: try envelope.requireID(), conventionID: sample[0], funderID: envelope.$funder.id,
                               unit: unit, available: available))
    }

    static func committedCents(_ sql: any SQLDatabase, conventionID: UUID, funderID: UUID) async throws -> Int64 {
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS total FROM commitments
            WHERE convention_id = \(bind: conventionID) AND funder_id = \(bind: funderID) AND status = 'committed'
            """).first()
        return try row?.decode(column: "total", as: Int64.self) ?? 0
    }

    /// The envelope after the concurrent run: what it allows and what was committed against it.
    public static func envelopeState(app: Application, envelopeID: UUID) async throws -> EnvelopeState {
        guard let envelope = try await EnvelopeModel.find(envelopeID, on: app.db) else { throw Problem(.notFound, "Enveloppe du banc introuvable.") }
        let committed = try await committedCents(app.db as! any SQLDatabase, conventionID: envelope.$convention.id, funderID: envelope.$funder.id)
        return EnvelopeState(cap: Money(cents: envelope.capCents), committed: Money(cents: committed))
    }

    /// Serves `paths` in-process while recording every statement, then explains each distinct one.
    public static func checkPlans(app: Application, paths: [String], token: String) async throws -> QueryPlans.Report {
        let log = StatementLog()
        try await log.recording(app) {
            for path in paths {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: token)
                let request = Request(application: app, method: .GET, url: URI(string: path), headers: headers, logger: app.logger,
                                      on: app.eventLoopGroup.next())
                let response = try await app.responder.respond(to: request).get()
                guard response.status == .ok else {
                    throw Problem(.internalServerError, "\(path) a répondu \(response.status.code) pendant la vérification des plans.")
                }
            }
        }
        return try await QueryPlans.check(log.statements, on: app.db)
    }
}

/// The French report of `pacte bench scale`.
public enum ScaleReport {
    static func ms(_ d: Duration) -> String { PageBenchmark.ms(d) + " ms" }

    /// « 12 345,6 »: a space between thousands, a decimal comma (Foundation's formatter ignores the
    /// digit limits on Linux).
    static func fr(_ value: Double, decimals: Int = 0) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = String(scaled / Int64(scale))
        var grouped = ""
        for (offset, character) in whole.enumerated() {
            if offset > 0, (whole.count - offset) % 3 == 0 { grouped.append(" ") }
            grouped.append(character)
        }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + grouped }
        let fraction = String(scaled % Int64(scale))
        return sign + grouped + "," + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    static func percent(_ ratio: Double) -> String { fr(ratio * 100, decimals: 0) + " %" }

    static func verdict(_ ok: Bool) -> String { ok ? "atteint" : "NON ATTEINT" }

    public static func text(_ results: [ScaleResult], scale: DatasetScale, seed: UInt64, samples: Int, seconds: Int,
                            connections: Int, build: String) -> String {
        var lines = [
            "Pacte — banc à l'échelle « \(scale.name) » (graine \(seed)) : \(fr(Double(scale.conventions))) conventions, "
                + "\(fr(Double(scale.conventions * scale.actionsPerConvention))) actions, \(fr(Double(scale.interventions))) prestations, "
                + "\(fr(Double(scale.companies))) entreprises ; compilation \(build) ; \(ProcessInfo.processInfo.activeProcessorCount) cœurs.",
        ]
        for result in results {
            lines.append("")
            lines.append("── \(result.engine) ──")
            if let plans = result.plans {
                lines.append("Plans des requêtes des pages : \(plans.explained) requêtes distinctes, \(plans.findings.count) lecture(s) complète(s) "
                    + "d'une grande table, \(plans.failures.count) non expliquée(s)\(plans.isClean ? " — aucune lecture complète" : "")")
                for finding in plans.findings { lines.append("  " + finding.description.replacingOccurrences(of: "\n", with: "\n  ")) }
            }
            for latency in result.latencies {
                let target = latency.label == "Synthèse départementale" ? Duration.milliseconds(500) : .milliseconds(50)
                let measured = latency.label == "Synthèse départementale" ? latency.max : latency.p99
                lines.append("\(latency.label) : p50 \(ms(latency.p50)), p99 \(ms(latency.p99)), max \(ms(latency.max)) "
                    + "(\(latency.samples.count) requêtes ; objectif \(latency.label == "Synthèse départementale" ? "max" : "p99") < \(ms(target)) : \(verdict(measured < target)))")
            }
            if let health = result.health, let page = result.page {
                let ratio = page.requestsPerSecond / max(health.requestsPerSecond, 1e-9)
                lines.append("Débit wrk (\(connections) connexions, \(seconds) s) : /health \(fr(health.requestsPerSecond)) req/s, page convention "
                    + "\(fr(page.requestsPerSecond)) req/s = \(percent(ratio)) de /health (objectif ≥ 50 % : \(verdict(ratio >= 0.5))) ; "
                    + "p99 wrk de la page \(page.latencyP99.replacingOccurrences(of: ".", with: ",")) ; erreurs \(health.errors + page.errors)")
            }
            if let run = result.importRun {
                let rate = Double(run.rows) / max(run.seconds, 1e-9)
                func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
                let loadRate = Double(run.reference.rows) / max(seconds(run.reference.load), 1e-9)
                let totalRate = Double(run.reference.rows) / max(seconds(run.reference.total), 1e-9)
                let tool = result.engine == "SQLite" ? "sqlite3 .import" : "COPY"
                lines.append("Import SIRENE : Pacte \(fr(Double(run.rows))) lignes en \(fr(run.seconds, decimals: 1)) s = \(fr(rate)) lignes/s ; "
                    + "\(tool) seul \(fr(loadRate)) lignes/s (Pacte = \(percent(rate / loadRate))) ; \(tool) puis INSERT … SELECT dans la même table "
                    + "\(fr(totalRate)) lignes/s (Pacte = \(percent(rate / totalRate))) — objectif ≥ 50 % de \(tool) : \(verdict(rate / totalRate >= 0.5))")
            }
            if let run = result.commitments {
                let over = result.envelopeAfter?.over ?? .zero
                lines.append("Engagements concurrents (\(run.clients) clients, une enveloppe de \(FrenchFormat.money(run.available)) disponibles) : "
                    + "\(run.accepted) acceptés, \(run.refused) refusés (409), \(run.otherErrors) autres erreurs, \(fr(run.perSecond, decimals: 1)) engagements/s ; "
                    + "engagé \(FrenchFormat.money(run.acceptedAmount)), dépassement \(FrenchFormat.money(over))"
                    + (over.cents == 0 && run.acceptedAmount.cents == run.available.cents ? " (enveloppe pleine, jamais dépassée)" : ""))
            }
            if let peak = result.peakMemoryKiB {
                lines.append("Pic de mémoire du serveur (VmHWM) : \(fr(Double(peak) / 1024, decimals: 1)) Mio (objectif < 300 Mio : \(verdict(peak < 300 * 1024)))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
