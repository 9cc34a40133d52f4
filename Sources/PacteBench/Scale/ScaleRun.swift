import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import SQLKit
import Vapor

/// One run of `pacte bench scale` on one engine: the dataset made or reused, the SIRENE import
/// against the engine's loader, the query plans, then a server started as in production and
/// measured over HTTP.
public struct ScaleRun: Sendable {
    /// A configured application (not started, not migrated) on a database address; the run shuts it down.
    public typealias ApplicationMaker = @Sendable (_ databaseURL: String) async throws -> Application

    public var samples: Int
    public var seconds: Int
    public var connections: Int
    public var clients: Int
    public var port: Int
    /// The `pacte` executable, started as the measured server.
    public var executable: String
    public var makeApplication: ApplicationMaker

    public init(samples: Int, seconds: Int, connections: Int, clients: Int, port: Int, executable: String,
                makeApplication: @escaping ApplicationMaker) {
        self.samples = samples
        self.seconds = seconds
        self.connections = connections
        self.clients = clients
        self.port = port
        self.executable = executable
        self.makeApplication = makeApplication
    }

    static func say(_ text: String) { DatasetLoader.say(text) }

    /// Runs `body` with an application on `url` (migrated unless told), and always shuts it down.
    func withApplication<T>(_ url: String, migrate: Bool = true, _ body: (Application) async throws -> T) async throws -> T {
        let app = try await makeApplication(url)
        app.logger.logLevel = .warning
        return try await PacteApp.run(app, migrate: migrate, body)
    }

    public func measure(engine: String, url: String, dataset: SyntheticDataset, csv: String, directory: String) async throws -> ScaleResult {
        var result = ScaleResult(engine: engine)
        let prepared = try await withApplication(url) { app in
            let conventions = try await ConventionModel.query(on: app.db).count()
            if conventions == 0 {
                try await DatasetLoader.generate(dataset, app: app, csv: FileManager.default.fileExists(atPath: csv) ? nil : csv)
            } else if conventions != dataset.scale.conventions {
                throw BenchFailure("\(engine) : la base contient \(conventions) conventions, pas le jeu « \(dataset.scale.name) » ; videz-la ou indiquez-en une autre.")
            } else {
                Self.say("Jeu « \(dataset.scale.name) » déjà présent : réutilisé.")
            }
            if !FileManager.default.fileExists(atPath: csv) {
                Self.say("Écriture du fichier SIRENE \(csv)…")
                _ = try SireneFileWriter.writeEstablishments(try await dataset.companies(on: app.db), count: dataset.scale.companies, to: csv)
            }
            result.importRun = try await importBenchmark(app: app, csv: csv, directory: directory, url: url, engine: engine)
            return try await ScalePreparation.prepare(app: app, samples: samples, clients: clients)
        }
        result.preparation = prepared

        Self.say("Plans des requêtes des pages mesurées…")
        result.plans = try await withApplication(url, migrate: false) { app in
            try await ScalePreparation.checkPlans(app: app, paths: prepared.planPaths, token: prepared.token)
        }

        Self.say("Démarrage du serveur (comme en production)…")
        let server = try ServerProcess(executable: executable, databaseURL: url, port: port, logPath: "\(directory)/serveur-\(engine).log")
        defer { server.stop() }
        try await server.waitUntilReady()
        Self.say("Latences des pages (\(prepared.conventionPaths.count) conventions)…")
        result.latencies = [
            try await LoadBenchmark.latencies("Page convention", paths: prepared.conventionPaths, server: server.base, token: prepared.token),
            try await LoadBenchmark.latencies("Exécution et suivi mensuel", paths: prepared.executionPaths, server: server.base, token: prepared.token),
            try await LoadBenchmark.latencies("Fiche-action", paths: prepared.actionPaths, server: server.base, token: prepared.token),
            try await LoadBenchmark.latencies("Synthèse départementale", paths: prepared.rollupPaths, server: server.base, token: prepared.token, warmup: 2),
        ]
        Self.say("Débit HTTP (wrk, \(connections) connexions, \(seconds) s par mesure)…")
        result.health = try LoadBenchmark.wrk(server: server.base, paths: ["/health"], token: prepared.token, seconds: seconds,
                                              connections: connections, scriptDirectory: directory)
        result.page = try LoadBenchmark.wrk(server: server.base, paths: prepared.conventionPaths, token: prepared.token, seconds: seconds,
                                            connections: connections, scriptDirectory: directory)
        Self.say("Engagements concurrents (\(clients) clients, une enveloppe)…")
        result.commitments = try await LoadBenchmark.commitments(
            server: server.base, token: prepared.token, conventionID: prepared.envelope.conventionID, funderID: prepared.envelope.funderID,
            amount: prepared.envelope.unit, available: prepared.envelope.available, clients: clients)
        result.peakMemoryKiB = BenchTools.peakMemoryKiB(pid: server.pid)
        server.stop()

        result.envelopeAfter = try await withApplication(url, migrate: false) { app in
            try await ScalePreparation.envelopeState(app: app, envelopeID: prepared.envelope.envelopeID)
        }
        return result
    }

    func importBenchmark(app: Application, csv: String, directory: String, url: String, engine: String) async throws -> ScaleResult.ImportRun {
        let sql = app.db as! any SQLDatabase
        // Emptied as the reference's table is new: PostgreSQL's DELETE would leave a million dead
        // index entries for the import to step over (SQLite's DELETE without WHERE truncates).
        let empty = sql.dialect.name == "postgresql" ? "TRUNCATE" : "DELETE FROM"
        try await sql.raw("\(unsafeRaw: empty) \(unsafeRaw: RegisterTables.establishments)").run()
        try await sql.raw("DELETE FROM \(unsafeRaw: RegisterTables.runs)").run()
        Self.say("Import SIRENE par Pacte…")
        let summary = try await RegisterImport.run(path: csv, on: app.db, startedBy: "pacte bench scale")
        Self.say("Chargement de référence (\(engine == "SQLite" ? "sqlite3 .import" : "COPY"))…")
        let reference: ImportReference.Timing
        if engine == "SQLite" {
            let ddl = try await sql.raw("SELECT sql FROM sqlite_master WHERE tbl_name = \(bind: RegisterTables.establishments) AND sql IS NOT NULL ORDER BY type DESC")
                .all().map { try $0.decode(column: "sql", as: String.self) }
            reference = try ImportReference.sqlite(csv: csv, ddl: ddl, directory: directory)
        } else {
            reference = try ImportReference.postgres(csv: csv, url: url, header: SireneLayout.establishmentHeader)
        }
        return .init(rows: Int(summary.rowsImported), seconds: summary.duration, reference: reference)
    }
}
