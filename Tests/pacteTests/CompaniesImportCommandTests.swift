import Foundation
import PacteCore
import Testing

/// `pacte companies import` as an operator runs it, killed half-way and started again.
@Suite struct CompaniesImportCommandTests {
    static func luhnCompleted(_ prefix: String) -> String { CheckDigits.luhnCompleted(prefix) }

    /// INSEE's `StockEtablissement` header (54 columns), written out here so the test reads the
    /// file as INSEE publishes it, independently of the code under test.
    static let header = "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
        + "anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
        + "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,numeroVoieEtablissement,"
        + "indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,indiceRepetitionDernierNumeroVoieEtablissement,"
        + "typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
        + "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,codeCommuneEtablissement,codeCedexEtablissement,"
        + "libelleCedexEtablissement,codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,identifiantAdresseEtablissement,"
        + "coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,"
        + "numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,libelleVoie2Etablissement,"
        + "codePostal2Etablissement,libelleCommune2Etablissement,libelleCommuneEtranger2Etablissement,"
        + "distributionSpeciale2Etablissement,codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
        + "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,etatAdministratifEtablissement,"
        + "enseigne1Etablissement,enseigne2Etablissement,enseigne3Etablissement,denominationUsuelleEtablissement,"
        + "activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement,"
        + "activitePrincipaleNAF25Etablissement"

    /// `rows` distinct, valid establishments in INSEE's layout.
    static func writeFile(rows: Int, to path: String) throws {
        var text = header + "\n"
        for number in 0..<rows {
            let siren = luhnCompleted(String(format: "%08d", 30_000_000 + number))
            let siret = luhnCompleted(siren + "0001")
            let closed = number % 5 == 0
            text += "\(siren),\(siret.suffix(5)),\(siret),O,20\(10 + number % 15)-03-1\(number % 10),\(["", "NN", "01", "12", "21"][number % 5]),"
                + "\(number % 5 == 0 ? "" : "2023"),,2025-10-31T08:12:45,true,1,,\(number % 200 + 1),,,,RUE,\"DE LA GARE, \"\"QUAI \(number % 7)\"\"\","
                + "51120,SEZANNE,,,51535,,,,,,,,,,,,,,,,,,,,,,\(closed ? "2024-01-31" : "2010-01-01"),\(closed ? "F" : "A"),,,,"
                + "ENTREPRISE \(number),47.11D,NAFRev2,O,47.11D\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Output collected from a running process, read on a thread of its own while it runs.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while true {
                    let more = handle.availableData
                    if more.isEmpty { break }
                    lock.withLock { data.append(more) }
                }
                done.signal()
            }
        }

        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

        /// Waits for the end of the output (the process has exited).
        func drain() { done.wait() }
    }

    struct Started {
        let process: Process
        let output: Collected
        let error: Collected

        func wait() {
            process.waitUntilExit()
            output.drain()
            error.drain()
        }
    }

    static func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Started {
        let process = Process()
        process.executableURL = PlanCommandTests.binary
        process.arguments = arguments
        process.currentDirectoryURL = PlanCommandTests.root
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Started(process: process, output: Collected(out.fileHandleForReading), error: Collected(err.fileHandleForReading))
    }

    /// The database a run uses and a way to query it (sqlite3 or psql, as an operator would).
    struct Target: CustomTestStringConvertible, Sendable {
        let name: String
        let url: String
        let query: @Sendable (String) throws -> String
        let drop: @Sendable () -> Void

        var testDescription: String { name }
    }

    static func shell(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(message: "\(executable) \(arguments.joined(separator: " ")): \(String(decoding: problem, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct CommandFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func targets(folder: URL) throws -> [Target] {
        let file = folder.appendingPathComponent("pacte.sqlite").path
        var targets = [Target(name: "sqlite", url: "sqlite://" + file, query: { try shell("sqlite3", [file, $0]) }, drop: {})]
        if let base = ProcessInfo.processInfo.environment["PACTE_TEST_POSTGRES_URL"], !base.isEmpty,
           var components = URLComponents(string: base) {
            // A database of its own: the integration tests of PacteWebTests wipe the shared one while they run.
            let name = "pacte_import_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try shell("psql", [base, "-v", "ON_ERROR_STOP=1", "-qtAc", "CREATE DATABASE \(name)"])
            components.path = "/" + name
            let url = components.string!
            targets.append(Target(name: "postgres", url: url, query: { try shell("psql", [url, "-v", "ON_ERROR_STOP=1", "-qtAc", $0]) },
                                  drop: { _ = try? shell("psql", [base, "-qtAc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }))
        }
        return targets
    }

    @Test("10 000 SIRENE rows, batches of 500, killed (SIGKILL) between 30 % and 70 %, started again: it resumes and ends with 10 000 establishments, no duplicate, the run finished")
    func killedAndResumed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-companies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("StockEtablissement_utf8.csv").path
        try Self.writeFile(rows: 10_000, to: csv)

        for target in try Self.targets(folder: folder) {
            defer { target.drop() }
            let first = try Self.start(["companies", "import", csv, "--batch-size", "500", "--database-url", target.url],
                                       environment: ["PACTE_IMPORT_BATCH_PAUSE_MS": "300"])
            var killedAt: Int?
            let deadline = Date().addingTimeInterval(180)
            while first.process.isRunning && killedAt == nil && Date() < deadline {
                let percents = first.error.text.split(separator: "\n").compactMap { line -> Int? in
                    guard line.hasPrefix("Import : ") else { return nil }
                    return Int(line.dropFirst("Import : ".count).prefix(while: \.isNumber))
                }
                if let reached = percents.last(where: { (30...70).contains($0) }) {
                    kill(first.process.processIdentifier, SIGKILL)
                    killedAt = reached
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            first.wait()
            let killed = try #require(killedAt, "[\(target.name)] never saw 30–70 % before the end:\n\(first.error.text)\n\(first.output.text)")
            #expect(first.process.terminationReason == .uncaughtSignal && first.process.terminationStatus == SIGKILL)
            let halfway = try Int(target.query("SELECT COUNT(*) FROM register_establishments")) ?? -1
            #expect(halfway >= 10_000 * killed / 100 - 500 && halfway < 10_000, "[\(target.name)] \(halfway) rows after a kill at \(killed) %")
            #expect(try target.query("SELECT COUNT(*) FROM register_import_runs WHERE finished_at IS NULL") == "1")

            let second = try Self.start(["companies", "import", csv, "--batch-size", "500", "--database-url", target.url])
            second.wait()
            #expect(second.process.terminationStatus == 0, "[\(target.name)] \(second.error.text)")
            #expect(second.error.text.contains("Reprise de l'import de StockEtablissement_utf8.csv commencé le "), "[\(target.name)] \(second.error.text)")
            #expect(second.output.text.contains("Import repris : "), "[\(target.name)] \(second.output.text)")
            #expect(second.output.text.contains("Import terminé (établissements (StockEtablissement)) : 10\u{202F}000 lignes importées, aucune ligne rejetée."),
                    "[\(target.name)] \(second.output.text)")
            #expect(try target.query("SELECT COUNT(*) FROM register_establishments") == "10000")
            #expect(try target.query("SELECT COUNT(DISTINCT siret) FROM register_establishments") == "10000")
            #expect(try target.query("SELECT COUNT(*) FROM register_import_runs") == "1")
            #expect(try target.query("SELECT rows_imported FROM register_import_runs WHERE finished_at IS NOT NULL") == "10000")

            let third = try Self.start(["companies", "import", csv, "--database-url", target.url])
            third.wait()
            #expect(third.process.terminationStatus == 0)
            #expect(third.output.text.contains("Ce fichier a déjà été importé entièrement le "), "[\(target.name)] \(third.output.text)")
            #expect(try target.query("SELECT COUNT(*) FROM register_establishments") == "10000")
        }
    }

    @Test("Exit 2 and a French message for a missing file or a file that is not SIRENE; exit 1 and the rejects file when rows are rejected")
    func exitStatuses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-companies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = "sqlite://" + folder.appendingPathComponent("pacte.sqlite").path

        let missing = try PlanCommandTests.run(["companies", "import", folder.appendingPathComponent("absent.csv").path, "--database-url", database])
        #expect(missing.status == 2 && missing.error.contains("Fichier introuvable ou illisible : absent.csv."), "\(missing.error)")

        let other = folder.appendingPathComponent("autre.csv")
        try Data("nom;adresse\nA;B\n".utf8).write(to: other)
        let notSirene = try PlanCommandTests.run(["companies", "import", other.path, "--database-url", database])
        #expect(notSirene.status == 2 && notSirene.error.contains("En-tête non reconnu"), "\(notSirene.error)")

        let csv = folder.appendingPathComponent("StockEtablissement.csv").path
        try Self.writeFile(rows: 30, to: csv)
        var text = try String(contentsOfFile: csv, encoding: .utf8)
        text += "123456789,00010,12345678900010" + String(repeating: ",", count: 51) + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: csv))
        let rejected = try PlanCommandTests.run(["companies", "import", csv, "--database-url", database])
        let rejects = folder.appendingPathComponent("StockEtablissement.rejets.csv").path
        #expect(rejected.status == 1, "\(rejected.error)")
        #expect(rejected.output.contains("30 lignes importées, 1 ligne rejetée : voir \(rejects)"), "\(rejected.output)")
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[1].hasPrefix("32,SIRET « 12345678900010 » : "), "\(lines)")
    }
}
