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
                try await BenchData.generate(dataset, app: app, csv: csv)
            }
        }
    }
}

/// Steps shared by `bench generate` and the benchmarks that generate their own dataset.
enum BenchData {
    static func say(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func generate(_ dataset: SyntheticDataset, app: Application, csv: String?) async throws {
        guard try await ConventionModel.query(on: app.db).count() == 0 else {
            throw ValidationError("La base contient déjà des conventions : le jeu synthétique se crée dans une base vide (indiquez-en une autre avec --database-url).")
        }
        if !(try await ReferenceData.hasCommunes(on: app.db)) {
            say("Chargement des données de référence…")
            _ = try await ReferenceData.load(on: app.db)
        }
        let password = "bench-" + UUID().uuidString.prefix(13).lowercased()
        let hash = try await app.password.async.hash(password)
        say("Jeu synthétique « \(dataset.scale.name) », graine \(dataset.seed) :")
        let report = try await app.db.transaction { tx in
            try await dataset.generate(on: tx, passwordHash: hash) { say($0) }
        }
        print("""
        Jeu « \(dataset.scale.name) » (graine \(dataset.seed)) créé en \(report.duration.secondsFR) s :
          \(report.organisations) organisations, \(report.accounts) comptes (administrateur \(SyntheticDataset.adminEmail), mot de passe \(password)),
          \(report.conventions) conventions, \(report.actions) actions, \(report.costLines) lignes de coût, \(report.shares) parts de financement,
          \(report.envelopes) enveloppes, \(report.companies) entreprises, \(report.interventions) prestations, \(report.commitments) engagements.
        """)
        if let csv {
            let clock = ContinuousClock()
            let start = clock.now
            let companies = try await dataset.companies(on: app.db)
            let rows = try SireneFileWriter.writeEstablishments(companies, count: dataset.scale.companies, to: csv)
            print("Fichier SIRENE écrit : \(csv) (\(rows) établissements, \(FileSize.french(path: csv)), \((clock.now - start).secondsFR) s).")
        }
    }
}

extension Duration {
    /// Seconds with one decimal and a French comma.
    var secondsFR: String {
        let tenths = (components.seconds * 10 + components.attoseconds / 100_000_000_000_000_000)
        return "\(tenths / 10),\(tenths % 10)"
    }
}

enum FileSize {
    static func french(path: String) -> String {
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        let tenths = bytes * 10 / 1_048_576
        return "\(tenths / 10),\(tenths % 10) Mio"
    }
}
