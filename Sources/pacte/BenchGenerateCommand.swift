import ArgumentParser
import Foundation
import PacteBench
import PacteCore
import PacteStore
import Vapor

extension BenchCommand {
    /// `pacte bench generate`: a deterministic synthetic dataset at a chosen scale.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crée un jeu de données synthétique réaliste et reproductible (national : 10 000 conventions, 2 000 000 prestations, 1 000 000 d'entreprises).",
            discussion: """
            La base doit être vide (aucune convention) : le jeu s'ajoute aux données de référence, chargées au besoin.
            Échelles : national, regional (÷ 10), small (÷ 100), tiny (quelques conventions, pour les essais).
            --csv écrit aussi les entreprises au format SIRENE StockEtablissement (pour « pacte companies import »).
            """)

        @ArgumentParser.Option(help: "Échelle : national, regional, small ou tiny.")
        var scale: String = "national"

        @ArgumentParser.Option(help: "Graine du générateur : la même graine donne les mêmes données.")
        var seed: UInt64 = 2026

        @ArgumentParser.Option(help: "Fichier CSV au format SIRENE StockEtablissement à écrire avec les entreprises du jeu.")
        var csv: String?

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard DatasetScale.named(scale) != nil else {
                throw ValidationError("--scale : « \(scale) » inconnue ; échelles possibles : \(DatasetScale.all.map(\.name).joined(separator: ", ")).")
            }
        }

        func run() async throws {
            let dataset = SyntheticDataset(scale: DatasetScale.named(scale)!, seed: seed)
            try await withApplication(database) { app in
                app.logger.logLevel = .warning
                do {
                    try await DatasetLoader.generate(dataset, app: app, csv: csv)
                } catch let failure as BenchFailure {
                    throw ValidationError(failure.message)
                }
            }
        }
    }
}
