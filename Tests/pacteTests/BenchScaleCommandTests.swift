import Foundation
import Testing

/// The scale benchmark end to end on the tiny dataset: it must run and report every figure. No
/// time is asserted (figures depend on the machine); the envelope's invariants and the query plans are.
@Suite struct BenchScaleCommandTests {
    @Test("pacte bench generate: the same seed gives the same dataset and the same SIRENE file, another seed another one")
    func deterministic() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [Data] = []
        var sums: [String] = []
        for (name, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
            let database = folder.appendingPathComponent("\(name).sqlite").path
            let csv = folder.appendingPathComponent("\(name).csv").path
            let result = try await Self.runAside(["bench", "generate", "--scale", "tiny", "--seed", seed,
                                                   "--database-url", "sqlite://" + database, "--csv", csv])
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.contains("20 conventions, 80 actions"), "\(result.output)")
            #expect(result.output.contains("1000 entreprises, 1000 prestations"), "\(result.output)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: csv)))
            sums.append(try CompaniesImportCommandTests.shell("sqlite3", [database, """
                SELECT count(*), sum(quote_cents), min(hex(id)), max(status) FROM interventions;
                SELECT count(*), sum(amount_cents) FROM commitments;
                SELECT group_concat(title, '|') FROM (SELECT title FROM conventions ORDER BY reference);
                """]))
        }
        #expect(files[0] == files[1])
        #expect(sums[0] == sums[1])
        #expect(files[0] != files[2])
        #expect(sums[0] != sums[2])
        let header = String(decoding: files[0].prefix(200), as: UTF8.self)
        #expect(header.hasPrefix("siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement"))
        #expect(String(decoding: files[0], as: UTF8.self).split(separator: "\n").count == 1_001)
        // A second generation into a database that already holds a dataset is refused, in French.
        let again = try await Self.runAside(["bench", "generate", "--scale", "tiny", "--database-url",
                                              "sqlite://" + folder.appendingPathComponent("a.sqlite").path])
        #expect(again.status != 0)
        #expect(again.error.contains("La base contient déjà des conventions"), "\(again.error)")
    }

    /// Runs the executable on a dispatch thread: the tests' cooperative threads stay free for the
    /// others (the import test polls a process's progress while this one runs for half a minute).
    static func runAside(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try PlanCommandTests.run(arguments)) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    @Test("pacte bench scale on the tiny dataset reports pages, plans, throughput, import, commitments and memory on every engine")
    func scale() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = ["bench", "scale", "--scale", "tiny", "--data-dir", folder.path, "--samples", "20", "--seconds", "1",
                         "--connections", "8", "--clients", "8", "--port", String(18_100 + Int.random(in: 0..<800))]
        var engines = ["SQLite"]
        var drop: () -> Void = {}
        if let base = ProcessInfo.processInfo.environment["PACTE_TEST_POSTGRES_URL"], !base.isEmpty,
           var components = URLComponents(string: base) {
            let name = "pacte_scale_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try CompaniesImportCommandTests.shell("psql", [base, "-v", "ON_ERROR_STOP=1", "-qtAc", "CREATE DATABASE \(name)"])
            drop = { _ = try? CompaniesImportCommandTests.shell("psql", [base, "-qtAc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
            components.path = "/" + name
            arguments += ["--postgres-url", components.string!]
            engines.append("PostgreSQL")
        }
        defer { drop() }
        let result = try await Self.runAside(arguments)
        #expect(result.status == 0, "\(result.error)")
        let report = result.output
        for engine in engines {
            let section = report.components(separatedBy: "── \(engine) ──").dropFirst().first?.components(separatedBy: "── ").first ?? ""
            #expect(!section.isEmpty, "no \(engine) section in:\n\(report)")
            // On the tiny dataset PostgreSQL's generic plans may hash-join a whole small index; the
            // national run is where its plans count (README « Performance »).
            #expect(section.contains("Plans des requêtes des pages :"), "\(section)")
            if engine == "SQLite" { #expect(section.contains("aucune lecture complète"), "\(section)") }
            for label in ["Page convention : p50", "Exécution et suivi mensuel : p50", "Fiche-action : p50", "Synthèse départementale : p50",
                          "Débit wrk", "de /health", "Import SIRENE : Pacte 1 000 lignes", "Pic de mémoire du serveur"] {
                #expect(section.contains(label), "\(label) missing from \(engine):\n\(section)")
            }
            // 8 clients × 25 commitments of 10 € fill the envelope exactly, and never more.
            #expect(section.contains("200 acceptés, 8 refusés (409), 0 autres erreurs"), "\(section)")
            #expect(section.contains("dépassement 0,00"), "\(section)")
            #expect(section.contains("(enveloppe pleine, jamais dépassée)"), "\(section)")
        }
    }
}
