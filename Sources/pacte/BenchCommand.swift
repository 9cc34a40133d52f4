import ArgumentParser
import Foundation
import PacteAudit
import PacteBench
import PacteCore
import PacteStore
import PacteWeb
import Vapor

/// `pacte bench pages`: server-side time of every page on a throw-away database holding the demo data.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Mesures de performance (affiche des chiffres, n'échoue jamais sur un temps).",
        subcommands: [Generate.self, Scale.self, Cluster.self, Pages.self, Audit.self])

    struct Pages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Temps de rendu de chaque page côté serveur avec les données de démonstration, comparé à /ready.")

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
            "debug : lancez la même commande par « swift run -c release pacte bench … » pour des chiffres de production"
            #else
            "release"
            #endif
        }
    }

    /// `pacte bench audit` (`AuditBenchmark`).
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Temps de « pacte audit » sur des documents (par défaut les cinq documents sources), comparé à la simple lecture du texte.",
            discussion: """
            Avec --corpus, mesure plutôt la justesse des lecteurs sur le corpus de documents publics \
            (Tests/PacteAuditTests/Corpus) : nombres des en-têtes et des votes lus exactement, montants \
            lus, fausses erreurs, pour le texte et, avec --formats (par défaut .build/corpus-formats, \
            écrit par scripts/test), pour leurs copies PDF, DOCX, ODT et PDF scanné ; et le temps de \
            lecture par page de chaque format, rapporté à celui du texte.
            """)

        @ArgumentParser.Option(help: "Le dossier du corpus (sous-dossiers council et conventions) ; active la mesure de justesse.")
        var corpus: String?

        @ArgumentParser.Option(help: "Le dossier des copies PDF, DOCX, ODT et scannées du corpus (scripts/corpus-formats.py).")
        var formats: String = ".build/corpus-formats"

        @ArgumentParser.Argument(help: "Les fichiers texte (défaut : examples/documents/*.txt).")
        var files: [String] = []

        @ArgumentParser.Option(help: "Passes mesurées (après 3 passes de chauffe).")
        var iterations: Int = 50

        func validate() throws {
            guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations : entre 1 et 100 000.") }
        }

        func run() async throws {
            if let corpus {
                let formatsDirectory = FileManager.default.fileExists(atPath: formats) ? URL(fileURLWithPath: formats) : nil
                let rows = try await AuditCorpusBenchmark.measure(corpus: URL(fileURLWithPath: corpus), formats: formatsDirectory)
                print(AuditCorpusBenchmark.report(rows, build: Pages.buildKindLabel))
                if formatsDirectory == nil { print("\nCopies PDF, DOCX, ODT et scannées absentes de \(formats) : lancez scripts/test, ou scripts/corpus-formats.py.") }
                return
            }
            var paths = files
            if paths.isEmpty {
                let directory = "examples/documents"
                paths = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".txt") }.sorted().map { "\(directory)/\($0)" }
            }
            guard !paths.isEmpty else { throw ValidationError("Aucun document : indiquez des fichiers texte ou lancez la commande depuis la racine du dépôt.") }
            let texts = try paths.map { path in
                try DocumentAudit.decode(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
            }
            print(try AuditBenchmark.run(texts: texts, iterations: iterations, build: Pages.buildKindLabel))
        }
    }
}
