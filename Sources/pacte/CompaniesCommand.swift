import ArgumentParser
import Foundation
import PacteCore
import PacteStore

/// `pacte companies`: the company register, filled from INSEE's SIRENE stock files.
struct CompaniesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "companies",
        abstract: "Registre des entreprises, alimenté par les fichiers stock SIRENE de l'INSEE.",
        subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Importe un fichier StockEtablissement ou StockUniteLegale de l'INSEE dans le registre.",
            discussion: """
            Le fichier est lu en flux, par lots : chaque lot est enregistré en une transaction avec \
            l'avancement de l'import, si bien qu'un import interrompu reprend, à la relance de la même \
            commande, après le dernier lot enregistré. Un fichier déjà importé entièrement n'est pas \
            relu (--restart pour le réimporter) ; un fichier modifié est un nouvel import. Les lignes \
            invalides sont écartées et recopiées dans FICHIER.rejets.csv (ligne, motif, valeurs lues). \
            Code de sortie : 0 import complet, 1 des lignes ont été rejetées, 2 fichier illisible ou \
            qui n'est pas un fichier SIRENE.
            """)

        @ArgumentParser.Argument(help: "Le fichier CSV de l'INSEE (StockEtablissement_utf8.csv ou StockUniteLegale_utf8.csv).")
        var file: String

        @ArgumentParser.Option(name: .customLong("batch-size"), help: "Lignes par transaction.")
        var batchSize = 20_000

        @ArgumentParser.Flag(help: "Réimporte depuis le début, même un fichier déjà importé ou dont l'import a été interrompu.")
        var restart = false

        @ArgumentParser.OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...1_000_000).contains(batchSize) else { throw ValidationError("--batch-size : entre 1 et 1 000 000 lignes.") }
        }

        func run() async throws {
            // Test hook: a pause after each committed batch, so that a test can kill the process half-way.
            let pause = Int(ProcessInfo.processInfo.environment["PACTE_IMPORT_BATCH_PAUSE_MS"] ?? "") ?? 0
            let display = ImportProgressDisplay(terminal: isatty(STDERR_FILENO) == 1, fileName: (file as NSString).lastPathComponent)
            let who = ProcessInfo.processInfo.environment["USER"].map { "pacte companies import (\($0))" } ?? "pacte companies import"
            let summary: RegisterImport.Summary
            do {
                summary = try await withApplication(database) { app in
                    try await RegisterImport.run(path: file, on: app.db, batchSize: batchSize, restart: restart, startedBy: who) { progress in
                        await display.show(progress)
                        if pause > 0 { try? await Task.sleep(for: .milliseconds(pause)) }
                    }
                }
            } catch let error as SireneFileError {
                await display.finish()
                printError(error.message)
                throw ExitCode(2)
            }
            await display.finish()
            print(Self.report(summary))
            if case .alreadyFinished = summary.outcome { return }
            if summary.rowsRejected > 0 { throw ExitCode(1) }
        }

        static func report(_ summary: RegisterImport.Summary) -> String {
            let rejected = summary.rowsRejected == 0 ? "aucune ligne rejetée"
                : "\(frenchCount(summary.rowsRejected, "ligne rejetée", "lignes rejetées")) : voir \(summary.rejectsPath ?? "") (ligne, motif, valeurs lues)"
            switch summary.outcome {
            case .alreadyFinished(let finishedAt):
                return "Ce fichier a déjà été importé entièrement le \(frenchMoment(finishedAt)) (\(frenchCount(summary.rowsImported, "ligne importée", "lignes importées")), "
                    + "\(rejected)) : rien à refaire. Ajoutez --restart pour le réimporter."
            case .imported, .resumed:
                var lines: [String] = []
                if case .resumed(_, let before, _) = summary.outcome {
                    lines.append("Import repris : \(frenchCount(summary.sessionRows, "ligne lue", "lignes lues")) lors de cette reprise, "
                                 + "après \(frenchCount(before, "ligne", "lignes")) lors des passages précédents.")
                }
                lines.append("Import terminé (\(summary.layout.label)) : \(frenchCount(summary.rowsImported, "ligne importée", "lignes importées")), \(rejected).")
                lines.append("Durée : \(frenchDuration(summary.duration)), soit \(FrenchFormat.grouped(Int(summary.rowsPerSecond.rounded()))) lignes par seconde.")
                return lines.joined(separator: "\n")
            }
        }
    }
}

/// `1 ligne importée`, `12 345 lignes importées`.
func frenchCount(_ value: Int64, _ singular: String, _ plural: String) -> String {
    "\(FrenchFormat.grouped(value)) \(value > 1 ? plural : singular)"
}

/// `0,8 s`, `42 s`, `3 min 05 s`, `1 h 02 min`.
func frenchDuration(_ seconds: Double) -> String {
    if seconds < 10 {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10),\(tenths % 10)\u{00A0}s"
    }
    let whole = Int(seconds.rounded())
    if whole < 60 { return "\(whole)\u{00A0}s" }
    if whole < 3_600 { return "\(whole / 60)\u{00A0}min \(String(format: "%02d", whole % 60))\u{00A0}s" }
    return "\(whole / 3_600)\u{00A0}h \(String(format: "%02d", whole % 3_600 / 60))\u{00A0}min"
}

/// `24/11/2025 à 10:12`, in the machine's time zone.
func frenchMoment(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "fr_FR")
    formatter.dateFormat = "dd/MM/yyyy 'à' HH:mm"
    return formatter.string(from: date)
}

/// The import's progress on standard error: a bar redrawn in place on a terminal; otherwise (a log,
/// a pipe) a plain line at every tenth of the file and at least every five seconds.
actor ImportProgressDisplay {
    let terminal: Bool
    let fileName: String
    private var started = false
    private var drawn = false
    private var lastDraw = ContinuousClock.now
    private var lastTenth = -1

    init(terminal: Bool, fileName: String) {
        self.terminal = terminal
        self.fileName = fileName
    }

    func show(_ progress: RegisterImport.Progress) {
        if !started {
            started = true
            lastTenth = Int(progress.fraction * 10)
            var line = "Import de \(fileName) (\(megabytes(progress.bytesTotal)))"
            if case .resumed(_, let before, let startedAt) = progress.outcome {
                line = "Reprise de l'import de \(fileName) commencé le \(frenchMoment(startedAt)) : \(frenchCount(before, "ligne déjà lue", "lignes déjà lues")), "
                    + "\(percent(progress.fraction)) du fichier ; la lecture reprend au premier lot non enregistré."
            }
            write(line + "\n")
        }
        let now = ContinuousClock.now
        let tenth = Int(progress.fraction * 10)
        if terminal {
            guard now - lastDraw >= .milliseconds(100) || progress.fraction >= 1 || !drawn else { return }
            write("\r" + bar(progress) + "\u{1B}[K")
            drawn = true
        } else {
            guard tenth > lastTenth || now - lastDraw >= .seconds(5) else { return }
            write("Import : " + figures(progress) + "\n")
            lastTenth = tenth
        }
        lastDraw = now
    }

    func finish() {
        if terminal && drawn { write("\n") }
        drawn = false
    }

    private func bar(_ progress: RegisterImport.Progress) -> String {
        let width = 24
        let filled = min(width, Int(progress.fraction * Double(width)))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] " + figures(progress)
    }

    /// `42 % enregistrés · 123 456 lignes · 45 678 lignes/s · reste 12 s`
    private func figures(_ progress: RegisterImport.Progress) -> String {
        var parts = ["\(percent(progress.fraction)) enregistrés", frenchCount(progress.rowsImported + progress.rowsRejected, "ligne", "lignes")]
        if progress.sessionRows > 0 { parts.append("\(FrenchFormat.grouped(Int(progress.rowsPerSecond.rounded()))) lignes/s") }
        if progress.rowsRejected > 0 { parts.append(frenchCount(progress.rowsRejected, "rejetée", "rejetées")) }
        if let left = progress.secondsLeft, progress.fraction < 1 { parts.append("reste \(frenchDuration(left))") }
        return parts.joined(separator: " · ")
    }

    private func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded(.down)))\u{00A0}%" }

    private func megabytes(_ bytes: Int64) -> String {
        bytes < 1_000_000 ? "\(FrenchFormat.grouped(bytes)) octets" : "\(FrenchFormat.grouped(bytes / 1_000_000))\u{00A0}Mo"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
