import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// A benchmark that cannot go on, with a French message for the command line.
public struct BenchFailure: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Steps shared by `bench generate` and the benchmarks that generate their own dataset.
public enum DatasetLoader {
    /// Progress goes to standard error, so that standard output holds only the figures.
    public static func say(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    /// Fills an empty database with the dataset (and the reference data it needs), then writes its
    /// SIRENE file when `csv` is given. Prints what was made.
    public static func generate(_ dataset: SyntheticDataset, app: Application, csv: String?) async throws {
        guard try await ConventionModel.query(on: app.db).count() == 0 else {
            throw BenchFailure("La base contient déjà des conventions : le jeu synthétique se crée dans une base vide (indiquez-en une autre avec --database-url).")
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
