import ArgumentParser
import Fluent
import Foundation
import PacteBench
import PacteCore
import PacteStore
import PacteWeb
import SQLKit
import Vapor

extension BenchCommand {
    /// `pacte bench scale`: the national-scale benchmarks of issue 9, on SQLite and on PostgreSQL.
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mesures à l'échelle nationale sur SQLite et PostgreSQL : pages, débit HTTP, import SIRENE, engagements concurrents, mémoire.",
            discussion: """
            Crée au besoin le jeu synthétique (comme « pacte bench generate ») dans --data-dir (SQLite) et dans la base
            --postgres-url (vide, ou contenant déjà le même jeu), puis, pour chaque moteur :
              – import SIRENE du fichier du jeu, comparé à sqlite3 .import et à COPY de PostgreSQL (même fichier, même table) ;
              – plans de toutes les requêtes des pages mesurées (aucune lecture complète d'une grande table) ;
              – serveur démarré comme en production : latences p50/p99 des pages convention et suivi mensuel, synthèse
                départementale, débit wrk d'une page convention en rapport de /health, engagements concurrents sur une
                enveloppe (32 clients), pic de mémoire du serveur.
            Affiche des chiffres ; n'échoue jamais sur un temps. Demande wrk, sqlite3 et psql (Debian : wrk, sqlite3, postgresql-client).
            """)

        @ArgumentParser.Option(help: "Échelle : national, regional, small ou tiny.")
        var scale: String = "national"

        @ArgumentParser.Option(help: "Graine du jeu synthétique.")
        var seed: UInt64 = 2026

        @ArgumentParser.Option(name: .customLong("data-dir"), help: "Dossier des bases SQLite et du fichier SIRENE du banc (réutilisés d'une fois sur l'autre).")
        var dataDirectory: String = "pacte-bench"

        @ArgumentParser.Option(name: .customLong("postgres-url"), help: "Base PostgreSQL du banc (vide ou contenant le même jeu) ; sans elle, SQLite seul.")
        var postgresURL: String?

        @ArgumentParser.Flag(name: .customLong("skip-sqlite"), help: "Ne mesure que PostgreSQL.")
        var skipSQLite = false

        @ArgumentParser.Option(help: "Conventions tirées au sort pour les latences (une requête par page et par convention).")
        var samples: Int = 300

        @ArgumentParser.Option(help: "Durée de chaque mesure wrk, en secondes.")
        var seconds: Int = 10

        @ArgumentParser.Option(help: "Connexions simultanées de wrk.")
        var connections: Int = 32

        @ArgumentParser.Option(help: "Clients simultanés qui engagent des fonds sur la même enveloppe.")
        var clients: Int = 32

        @ArgumentParser.Option(help: "Port du serveur mesuré.")
        var port: Int = 18_080

        func validate() throws {
            guard DatasetScale.named(scale) != nil else {
                throw ValidationError("--scale : « \(scale) » inconnue ; échelles possibles : \(DatasetScale.all.map(\.name).joined(separator: ", ")).")
            }
            guard (10...100_000).contains(samples) else { throw ValidationError("--samples : entre 10 et 100 000.") }
            guard (1...600).contains(seconds) else { throw ValidationError("--seconds : entre 1 et 600.") }
            guard (1...1_000).contains(connections), (1...1_000).contains(clients) else { throw ValidationError("--connections et --clients : entre 1 et 1 000.") }
            guard !skipSQLite || postgresURL != nil else { throw ValidationError("--skip-sqlite demande --postgres-url.") }
        }

        func run() async throws {
            for tool in ["wrk", "sqlite3"] + (postgresURL == nil ? [] : ["psql"]) where BenchTools.which(tool) == nil {
                throw ValidationError("« \(tool) » est introuvable : installez-le (Debian : apt-get install wrk sqlite3 postgresql-client).")
            }
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            let directory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
            let dataset = SyntheticDataset(scale: DatasetScale.named(scale)!, seed: seed)
            let csv = "\(directory)/sirene-\(scale)-\(seed).csv"
            var engines: [(name: String, url: String)] = []
            if !skipSQLite { engines.append(("SQLite", "sqlite://\(directory)/\(scale)-\(seed).sqlite")) }
            if let postgresURL { engines.append(("PostgreSQL", postgresURL)) }

            var results: [ScaleResult] = []
            for engine in engines {
                BenchData.say("== \(engine.name) ==")
                results.append(try await measure(engine: engine.name, url: engine.url, dataset: dataset, csv: csv, directory: directory))
            }
            print(ScaleReport.text(results, scale: dataset.scale, seed: seed, samples: samples, seconds: seconds,
                                   connections: connections, build: BenchCommand.Pages.buildKindLabel))
        }

        func measure(engine: String, url: String, dataset: SyntheticDataset, csv: String, directory: String) async throws -> ScaleResult {
            var options = DatabaseOptions()
            options.databaseURL = url
            var result = ScaleResult(engine: engine)
            let prepared = try await withApplication(options) { app in
                app.logger.logLevel = .warning
                let conventions = try await ConventionModel.query(on: app.db).count()
                if conventions == 0 {
                    try await BenchData.generate(dataset, app: app, csv: FileManager.default.fileExists(atPath: csv) ? nil : csv)
                } else if conventions != dataset.scale.conventions {
                    throw ValidationError("\(engine) : la base contient \(conventions) conventions, pas le jeu « \(dataset.scale.name) » ; videz-la ou indiquez-en une autre.")
                } else {
                    BenchData.say("Jeu « \(dataset.scale.name) » déjà présent : réutilisé.")
                }
                if !FileManager.default.fileExists(atPath: csv) {
                    BenchData.say("Écriture du fichier SIRENE \(csv)…")
                    _ = try SireneFileWriter.writeEstablishments(try await dataset.companies(on: app.db), count: dataset.scale.companies, to: csv)
                }
                result.importRun = try await importBenchmark(app: app, csv: csv, directory: directory, url: url, engine: engine)
                return try await ScalePreparation.prepare(app: app, samples: samples, clients: clients)
            }
            result.preparation = prepared

            BenchData.say("Plans des requêtes des pages mesurées…")
            result.plans = try await withApplication(options, migrate: false) { app in
                app.logger.logLevel = .warning
                return try await ScalePreparation.checkPlans(app: app, paths: prepared.planPaths, token: prepared.token)
            }

            BenchData.say("Démarrage du serveur (comme en production)…")
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            let server = try ServerProcess(executable: executable, databaseURL: url, port: port, logPath: "\(directory)/serveur-\(engine).log")
            defer { server.stop() }
            try await server.waitUntilReady()
            BenchData.say("Latences des pages (\(prepared.conventionPaths.count) conventions)…")
            result.latencies = [
                try await LoadBenchmark.latencies("Page convention", paths: prepared.conventionPaths, server: server.base, token: prepared.token),
                try await LoadBenchmark.latencies("Exécution et suivi mensuel", paths: prepared.executionPaths, server: server.base, token: prepared.token),
                try await LoadBenchmark.latencies("Fiche-action", paths: prepared.actionPaths, server: server.base, token: prepared.token),
                try await LoadBenchmark.latencies("Synthèse départementale", paths: prepared.rollupPaths, server: server.base, token: prepared.token, warmup: 2),
            ]
            BenchData.say("Débit HTTP (wrk, \(connections) connexions, \(seconds) s par mesure)…")
            result.health = try LoadBenchmark.wrk(server: server.base, paths: ["/health"], token: prepared.token, seconds: seconds,
                                                  connections: connections, scriptDirectory: directory)
            result.page = try LoadBenchmark.wrk(server: server.base, paths: prepared.conventionPaths, token: prepared.token, seconds: seconds,
                                                connections: connections, scriptDirectory: directory)
            BenchData.say("Engagements concurrents (\(clients) clients, une enveloppe)…")
            result.commitments = try await LoadBenchmark.commitments(
                server: server.base, token: prepared.token, conventionID: prepared.envelope.conventionID, funderID: prepared.envelope.funderID,
                amount: prepared.envelope.unit, available: prepared.envelope.available, clients: clients)
            result.peakMemoryKiB = BenchTools.peakMemoryKiB(pid: server.pid)
            server.stop()

            result.envelopeAfter = try await withApplication(options, migrate: false) { app in
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
            BenchData.say("Import SIRENE par Pacte…")
            let summary = try await RegisterImport.run(path: csv, on: app.db, startedBy: "pacte bench scale")
            BenchData.say("Chargement de référence (\(engine == "SQLite" ? "sqlite3 .import" : "COPY"))…")
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
}
