import ArgumentParser
import Foundation
import PacteBench
import PacteCore
import PacteWeb
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

            let run = ScaleRun(samples: samples, seconds: seconds, connections: connections, clients: clients, port: port,
                               executable: Bundle.main.executablePath ?? CommandLine.arguments[0]) { url in
                var options = DatabaseOptions()
                options.databaseURL = url
                return try await options.application()
            }
            var results: [ScaleResult] = []
            for engine in engines {
                DatasetLoader.say("== \(engine.name) ==")
                do {
                    results.append(try await run.measure(engine: engine.name, url: engine.url, dataset: dataset, csv: csv, directory: directory))
                } catch let failure as BenchFailure {
                    throw ValidationError(failure.message)
                }
            }
            print(ScaleReport.text(results, scale: dataset.scale, seed: seed, samples: samples, seconds: seconds,
                                   connections: connections, build: BenchCommand.Pages.buildKindLabel))
        }
    }
}
