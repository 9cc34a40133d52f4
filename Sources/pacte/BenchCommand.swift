import ArgumentParser
import Foundation
import PacteBench
import PacteAudit
import PacteCore
import PacteStore
import PacteWeb
import Vapor

/// `pacte bench pages`: server-side time of every page on a throw-away database holding the demo data.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Mesures de performance (affiche des chiffres, n'échoue jamais sur un temps).",
        subcommands: [Generate.self, Scale.self, Pages.self, Audit.self])

    struct Pages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Temps de rendu de chaque page côté serveur avec les données de démonstration, comparé à /health.")

        @ArgumentParser.Option(help: "Mesures par page (après 5 tours de chauffe).")
        var iterations: Int = 200

        @ArgumentParser.Option(name: .customLong("database-url"),
                               help: "Base à utiliser (vidée puis remplie) ; défaut : un fichier SQLite temporaire.")
        var databaseURL: String?

        func validate() throws {
            guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations : entre 1 et 100 000.") }
        }

        func run() async throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-bench-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            var options = DatabaseOptions()
            options.databaseURL = databaseURL ?? "sqlite://\(path)"
            try await withApplication(options) { app in
                app.logger.logLevel = .warning
                let password = "bench-" + UUID().uuidString.prefix(13).lowercased()
                _ = try await DemoData.load(on: app.db, password: password, hash: try await app.password.async.hash(password))
                let token = try await PageBenchmark.adminToken(on: app.db)
                let engine = try options.location.description
                print("Pacte — temps de rendu des pages côté serveur (\(iterations) mesures par page, base \(engine), compilation \(buildKind))")
                let rows = try await PageBenchmark.run(app, token: token, iterations: iterations) { label in
                    FileHandle.standardError.write(Data("  mesure : \(label)…\n".utf8))
                }
                print(PageBenchmark.report(rows))
            }
        }

        var buildKind: String { Self.buildKindLabel }

        static var buildKindLabel: String {
            #if DEBUG
            "debug : lancez « swift run -c release pacte bench pages » pour des chiffres de production"
            #else
            "release"
            #endif
        }
    }

    /// `pacte bench audit`: the time to audit documents, against the time to read and clean their
    /// text (the reference, measured in the same run).
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Temps de « pacte audit » sur des documents (par défaut les cinq documents sources), comparé à la simple lecture du texte.")

        @ArgumentParser.Argument(help: "Les fichiers texte (défaut : examples/documents/*.txt).")
        var files: [String] = []

        @ArgumentParser.Option(help: "Passes mesurées (après 3 passes de chauffe).")
        var iterations: Int = 50

        func validate() throws {
            guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations : entre 1 et 100 000.") }
        }

        func run() throws {
            var paths = files
            if paths.isEmpty {
                let directory = "examples/documents"
                paths = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".txt") }.sorted().map { "\(directory)/\($0)" }
            }
            guard !paths.isEmpty else { throw ValidationError("Aucun document : indiquez des fichiers texte ou lancez la commande depuis la racine du dépôt.") }
            let texts = try paths.map { path in
                try DocumentAudit.decode(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
            }
            func median(_ body: () -> Void) -> Double {
                for _ in 0..<3 { body() }
                var times: [Double] = []
                for _ in 0..<iterations {
                    let start = DispatchTime.now().uptimeNanoseconds
                    body()
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                }
                return times.sorted()[times.count / 2]
            }
            let reference = median { for text in texts { _ = DocumentText(text).lines.count } }
            var findings = 0
            let audit = median { findings = texts.map { DocumentAudit.audit(text: $0, file: "bench").findings.count }.reduce(0, +) }
            let lines = texts.map { DocumentText($0).lines.count }.reduce(0, +)
            print("Pacte — audit de \(texts.count) documents (\(lines) lignes, \(findings) constats), médiane de \(iterations) passes, compilation \(Pages.buildKindLabel)")
            print("Référence : lecture et nettoyage du texte   \(FrenchFormat.decimal(try Fraction(Int64(reference * 1000), 1000), maxFractionDigits: 3)) ms  (1,0)")
            print("Audit complet                               \(FrenchFormat.decimal(try Fraction(Int64(audit * 1000), 1000), maxFractionDigits: 3)) ms  (\(FrenchFormat.decimal(try Fraction(Int64(audit / max(reference, 0.001) * 10), 10), maxFractionDigits: 1)))")
        }
    }
}
