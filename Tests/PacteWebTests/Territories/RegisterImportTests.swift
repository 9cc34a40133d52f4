import Fluent
import Foundation
import PacteCore
import PacteStore
import SQLKit
import Testing
import Vapor

/// `RegisterImport`: SIRENE stock files into the company register, on both engines.
@Suite struct RegisterImportTests {
    static func luhnCompleted(_ prefix: String) -> String { CheckDigits.luhnCompleted(prefix) }

    static func siret(_ number: Int) -> String {
        luhnCompleted(luhnCompleted(String(format: "%08d", 10_000_000 + number / 3)) + String(format: "%04d", number % 3 + 1))
    }

    /// A `StockEtablissement` file of establishments `numbers` (the Nth one's values derive from N);
    /// `bad` numbers get an invalid creation date.
    static func establishmentFile(_ numbers: [Int], bad: Set<Int> = [], name: String = "StockEtablissement_utf8.csv") throws -> String {
        let header = SireneLayout.establishmentHeader
        let position = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var text = header.joined(separator: ",") + "\n"
        for number in numbers {
            var fields = [String](repeating: "", count: header.count)
            func set(_ column: String, _ value: String) { fields[position[column]!] = value }
            let siret = siret(number)
            set("siren", String(siret.prefix(9)))
            set("nic", String(siret.suffix(5)))
            set("siret", siret)
            set("dateCreationEtablissement", bad.contains(number) ? "2023-02-30" : "20\(10 + number % 15)-0\(1 + number % 9)-1\(number % 10)")
            set("trancheEffectifsEtablissement", ["", "NN", "01", "11", "21", "32"][number % 6])
            set("anneeEffectifsEtablissement", number % 6 == 0 ? "" : "2023")
            set("dateDernierTraitementEtablissement", "2025-10-31T08:12:45")
            set("etablissementSiege", number % 3 == 0 ? "true" : "false")
            set("numeroVoieEtablissement", String(number % 90 + 1))
            set("typeVoieEtablissement", "RUE")
            set("libelleVoieEtablissement", number % 50 == 0 ? "\"DES \"\"TROIS\"\", PONTS\"" : "DU COMMERCE")
            set("codePostalEtablissement", "51120")
            set("libelleCommuneEtablissement", "SEZANNE")
            set("codeCommuneEtablissement", ["51535", "51454", "51108"][number % 3])
            set("dateDebut", number % 4 == 0 ? "2024-06-30" : "2015-01-01")
            set("etatAdministratifEtablissement", number % 4 == 0 ? "F" : "A")
            set("denominationUsuelleEtablissement", "ETABLISSEMENT \(number)")
            set("activitePrincipaleEtablissement", "47.11D")
            text += fields.joined(separator: ",") + "\n"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-register-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func counts(_ db: any Database) async throws -> (rows: Int, distinct: Int, runs: Int, unfinished: Int) {
        let sql = db as! any SQLDatabase
        let row = try await sql.raw("SELECT COUNT(*) AS n, COUNT(DISTINCT siret) AS d FROM register_establishments").first()!
        let runs = try await sql.raw("SELECT COUNT(*) AS n, COUNT(*) - COUNT(finished_at) AS u FROM register_import_runs").first()!
        return (try row.decode(column: "n", as: Int.self), try row.decode(column: "d", as: Int.self),
                try runs.decode(column: "n", as: Int.self), try runs.decode(column: "u", as: Int.self))
    }

    /// Collects the progress reports (the callback is `@Sendable`).
    actor Reports {
        var all: [RegisterImport.Progress] = []
        func add(_ progress: RegisterImport.Progress) { all.append(progress) }
    }

    struct Interrupted: Error {}

    @Test("Import in batches split under the bind limits: every row once, values mapped, a SIRET repeated in a batch kept once; reimport does nothing, --restart and a changed file are new runs", arguments: Engine.available)
    func importAndReimport(engine: Engine) async throws {
        // A batch of 5 000 rows: 60 000 values, over SQLite's 32 766 binds per statement (PostgreSQL
        // sends them as one array per column).
        let numbers = Array(0..<6_000) + [42, 5_999]
        let path = try Self.establishmentFile(numbers)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let reports = Reports()
                let first = try await RegisterImport.run(path: path, on: app.db, batchSize: 5_000, startedBy: "test") { await reports.add($0) }
                #expect(first.outcome == .imported && first.layout == .establishments)
                #expect(first.rowsImported == 6_002 && first.rowsRejected == 0 && first.rejectsPath == nil)
                var counts = try await Self.counts(app.db)
                #expect(counts.rows == 6_000 && counts.distinct == 6_000 && counts.runs == 1 && counts.unfinished == 0)
                let progress = await reports.all
                #expect(progress.count == 3)
                #expect(progress.map(\.rowsImported) == [0, 5_000, 6_002])
                #expect(progress.last?.bytesDone == progress.last?.bytesTotal && progress.last?.fraction == 1)

                let sql = app.db as! any SQLDatabase
                let row = try #require(try await sql.raw("SELECT * FROM register_establishments WHERE siret = \(bind: Self.siret(100))").first())
                #expect(try row.decode(column: "siren", as: String.self) == String(Self.siret(100).prefix(9)))
                #expect(try row.decode(column: "name", as: String?.self) == "ETABLISSEMENT 100")
                #expect(try row.decode(column: "address", as: String?.self) == "11 RUE DES \"TROIS\", PONTS 51120 SEZANNE")
                #expect(try row.decode(column: "workforce_band", as: String?.self) == "21")
                #expect(try row.decode(column: "workforce_year", as: Int?.self) == 2023)
                #expect(try row.decode(column: "commune_code", as: String?.self) == "51454")
                #expect(try row.decode(column: "created_on", as: String?.self) == "2020-02-10")
                #expect(try row.decode(column: "closed_on", as: String?.self) == "2024-06-30")
                #expect(try row.decode(column: "is_head_office", as: Bool.self) == false)
                #expect(try row.decode(column: "updated_at_source", as: String?.self) == "2025-10-31T08:12:45")
                let noBand = try #require(try await sql.raw("SELECT workforce_band, workforce_year, closed_on, is_head_office FROM register_establishments WHERE siret = \(bind: Self.siret(6))").first())
                #expect(try noBand.decode(column: "workforce_band", as: String?.self) == nil)
                #expect(try noBand.decode(column: "workforce_year", as: Int?.self) == nil)
                #expect(try noBand.decode(column: "closed_on", as: String?.self) == nil)
                #expect(try noBand.decode(column: "is_head_office", as: Bool.self) == true)

                let again = try await RegisterImport.run(path: path, on: app.db, startedBy: "test")
                guard case .alreadyFinished = again.outcome else { Issue.record("\(again.outcome)"); return }
                #expect(again.runID == first.runID && again.sessionRows == 0 && again.rowsImported == 6_002)
                counts = try await Self.counts(app.db)
                #expect(counts.rows == 6_000 && counts.runs == 1)

                let restarted = try await RegisterImport.run(path: path, on: app.db, restart: true, startedBy: "test")
                #expect(restarted.outcome == .imported && restarted.runID != first.runID && restarted.rowsImported == 6_002)
                counts = try await Self.counts(app.db)
                #expect(counts.rows == 6_000 && counts.distinct == 6_000 && counts.runs == 2 && counts.unfinished == 0)

                let appended = try Self.establishmentFile([6_000, 6_001])
                let extra = try String(contentsOfFile: appended, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).dropFirst()
                try FileManager.default.removeItem(atPath: (appended as NSString).deletingLastPathComponent)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((extra.joined(separator: "\n") + "\n").utf8))
                try handle.close()
                let changed = try await RegisterImport.run(path: path, on: app.db, startedBy: "test")
                #expect(changed.outcome == .imported && changed.rowsImported == 6_004)
                counts = try await Self.counts(app.db)
                #expect(counts.rows == 6_002 && counts.distinct == 6_002 && counts.runs == 3 && counts.unfinished == 0)
            }
        }
    }

    @Test("Rejected rows are counted, never stop the import, and are written to FILE.rejets.csv with their line and reason", arguments: Engine.available)
    func rejectedRows(engine: Engine) async throws {
        let path = try Self.establishmentFile(Array(0..<300), bad: [3, 150, 299], name: "StockEtablissement.csv")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let summary = try await RegisterImport.run(path: path, on: app.db, batchSize: 100, startedBy: "test")
                #expect(summary.rowsImported == 297 && summary.rowsRejected == 3)
                let rejectsPath = try #require(summary.rejectsPath)
                #expect(rejectsPath == (path as NSString).deletingLastPathComponent + "/StockEtablissement.rejets.csv")
                let lines = try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n").map(String.init)
                #expect(lines.count == 4)
                #expect(lines[0] == "ligne,motif," + SireneLayout.establishmentHeader.joined(separator: ","))
                #expect(lines[1].hasPrefix("5,dateCreationEtablissement « 2023-02-30 » n'est pas une date AAAA-MM-JJ valide,"))
                #expect(lines[1].contains(Self.siret(3)))
                #expect(lines.dropFirst().map { $0.prefix(while: { $0 != "," }) } == ["5", "152", "301"])
                let counts = try await Self.counts(app.db)
                #expect(counts.rows == 297 && counts.unfinished == 0)
            }
        }
    }

    @Test("An import stopped after a committed batch resumes there: no row twice, each rejected line once in the rejects file", arguments: Engine.available)
    func resumeAfterInterruption(engine: Engine) async throws {
        let path = try Self.establishmentFile(Array(0..<1_000), bad: [10, 520, 990])
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let reports = Reports()
                await #expect(throws: Interrupted.self) {
                    try await RegisterImport.run(path: path, on: app.db, batchSize: 250, startedBy: "test") { progress in
                        await reports.add(progress)
                        if progress.rowsImported + progress.rowsRejected >= 500 { throw Interrupted() }
                    }
                }
                var counts = try await Self.counts(app.db)
                #expect(counts.rows == 499 && counts.runs == 1 && counts.unfinished == 1)
                let stoppedAt = try #require(await reports.all.last)
                #expect(stoppedAt.bytesDone > 0 && stoppedAt.bytesDone < stoppedAt.bytesTotal)

                // As if the process had died after writing a batch's rejects but before its commit.
                let rejectsPath = RegisterImport.rejectsFilePath(for: path)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: rejectsPath))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("522,rejet d'un lot jamais enregistré,x\n".utf8))
                try handle.close()

                let resumed = try await RegisterImport.run(path: path, on: app.db, batchSize: 250, startedBy: "test")
                guard case .resumed(let offset, let before, _) = resumed.outcome else { Issue.record("\(resumed.outcome)"); return }
                #expect(offset == stoppedAt.bytesDone && before == 500)
                #expect(resumed.sessionRows == 500 && resumed.rowsImported == 997 && resumed.rowsRejected == 3)
                counts = try await Self.counts(app.db)
                #expect(counts.rows == 997 && counts.distinct == 997 && counts.runs == 1 && counts.unfinished == 0)
                let rejects = try String(contentsOfFile: try #require(resumed.rejectsPath), encoding: .utf8).split(separator: "\n")
                #expect(rejects.dropFirst().map { $0.prefix(while: { $0 != "," }) } == ["12", "522", "992"])
            }
        }
    }

    @Test("A StockUniteLegale file fills register_units", arguments: Engine.available)
    func units(engine: Engine) async throws {
        let header = SireneLayout.unitHeader
        let position = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var text = header.joined(separator: ",") + "\n"
        for number in 0..<120 {
            var fields = [String](repeating: "", count: header.count)
            fields[position["siren"]!] = Self.luhnCompleted(String(format: "%08d", 20_000_000 + number))
            fields[position["dateCreationUniteLegale"]!] = "2001-05-17"
            fields[position["trancheEffectifsUniteLegale"]!] = "12"
            fields[position["anneeEffectifsUniteLegale"]!] = "2023"
            fields[position["dateDebut"]!] = "2022-12-31"
            fields[position["etatAdministratifUniteLegale"]!] = number % 2 == 0 ? "A" : "C"
            fields[position["denominationUniteLegale"]!] = number % 3 == 0 ? "" : "SOCIETE \(number)"
            fields[position["prenom1UniteLegale"]!] = "JEANNE"
            fields[position["nomUniteLegale"]!] = "DURAND"
            fields[position["categorieJuridiqueUniteLegale"]!] = "5710"
            fields[position["activitePrincipaleUniteLegale"]!] = "62.01Z"
            fields[position["nicSiegeUniteLegale"]!] = "00017"
            text += fields.joined(separator: ",") + "\r\n"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-register-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("StockUniteLegale_utf8.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let summary = try await RegisterImport.run(path: path, on: app.db, batchSize: 50, startedBy: "test")
                #expect(summary.layout == .units && summary.rowsImported == 120 && summary.rowsRejected == 0)
                let sql = app.db as! any SQLDatabase
                let rows = try await sql.raw("SELECT siren, name, closed_on, head_office_nic FROM register_units ORDER BY siren").all()
                #expect(rows.count == 120)
                #expect(try rows[0].decode(column: "name", as: String?.self) == "JEANNE DURAND")
                #expect(try rows[1].decode(column: "name", as: String?.self) == "SOCIETE 1")
                #expect(try rows[1].decode(column: "closed_on", as: String?.self) == "2022-12-31")
                #expect(try rows[0].decode(column: "closed_on", as: String?.self) == nil)
                #expect(try rows[0].decode(column: "head_office_nic", as: String?.self) == "00017")
            }
        }
    }
}
