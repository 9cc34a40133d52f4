import ArgumentParser
import Foundation
import PacteBench
import PacteCore
import PacteWeb

extension BenchCommand {
    /// `pacte bench cluster`: several servers behind nginx on one PostgreSQL, under load and faults.
    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grappe sur la machine : PostgreSQL jetable, plusieurs serveurs Pacte derrière nginx, charge et pannes ; "
                + "affiche les chiffres et échoue seulement sur un contrôle (surengagement, écriture perdue, session, journal d'audit).")

        @ArgumentParser.Flag(help: "Forme courte (moins de 3 minutes) : la seule phase avec les pannes, 30 s.")
        var short = false
        @ArgumentParser.Option(help: "Serveurs Pacte derrière nginx.") var instances = 3
        @ArgumentParser.Option(help: "Clients simultanés.") var clients = 64
        @ArgumentParser.Option(help: "Durée de chaque phase mesurée, en secondes (défaut : 60, 30 en forme courte).") var seconds: Int?
        @ArgumentParser.Option(name: .customLong("health-seconds"), help: "Durée de la mesure de référence /health.") var healthSeconds: Int?
        @ArgumentParser.Option(name: .customLong("base-port"), help: "Premier port utilisé (PostgreSQL ; nginx et les serveurs suivent).")
        var basePort = 18_500
        @ArgumentParser.Option(name: .customLong("connections-per-loop"), help: "Connexions PostgreSQL par boucle d'événements de chaque serveur.")
        var connectionsPerLoop = 4
        @ArgumentParser.Option(help: "Plafond de l'enveloppe de chaque phase, en euros.") var budget: String?
        @ArgumentParser.Option(name: .customLong("work-dir"), help: "Dossier des journaux et de la base jetable (défaut : pacte-bench/grappe).")
        var workDirectory = "pacte-bench/grappe"

        func validate() throws {
            guard (1...8).contains(instances) else { throw ValidationError("--instances : entre 1 et 8.") }
            guard (1...512).contains(clients) else { throw ValidationError("--clients : entre 1 et 512.") }
            if let seconds, !(6...3_600).contains(seconds) { throw ValidationError("--seconds : entre 6 et 3 600.") }
            guard (1...64).contains(connectionsPerLoop) else { throw ValidationError("--connections-per-loop : entre 1 et 64.") }
            guard (1_024...65_000).contains(basePort) else { throw ValidationError("--base-port : entre 1 024 et 65 000.") }
            if let budget, (try? Money(parsing: budget)) == nil { throw ValidationError("--budget : un montant en euros, par exemple 90000.") }
        }

        func run() async throws {
            let directory = URL(fileURLWithPath: workDirectory).standardizedFileURL.path + "/" + ISO8601DateFormatter().string(from: Date())
                .replacingOccurrences(of: ":", with: "-")
            var bench = ClusterBenchmark(directory: directory, executable: Bundle.main.executablePath ?? CommandLine.arguments[0]) { url in
                var options = DatabaseOptions()
                options.databaseURL = url
                return try await options.application()
            }
            bench.short = short
            bench.instances = instances
            bench.clients = clients
            bench.seconds = seconds ?? (short ? 30 : 60)
            bench.healthSeconds = healthSeconds ?? (short ? 5 : 10)
            bench.basePort = basePort
            bench.connectionsPerLoop = connectionsPerLoop
            if let budget { bench.budget = try Money(parsing: budget) } else if short { bench.budget = Money(cents: 30_000_00) }
            let outcome = try await bench.run()
            print(outcome.lines.joined(separator: "\n"))
            print("Construction : \(BenchCommand.Pages.buildKindLabel).")
            if !outcome.failures.isEmpty { throw ExitCode(1) }
        }
    }
}
