import ArgumentParser
import Foundation
import PacteCore
import PacteWeb

/// `pacte reminders`: e-mails each user the deadlines and meetings due today (30, 7 and 1 days
/// before, and on the day), once. Meant for a daily cron job.
struct RemindersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders",
        abstract: "Envoie par courriel les rappels du jour (échéances, préavis, réunions) ; à lancer chaque jour.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Jour des rappels, jj/mm/aaaa (défaut : aujourd'hui).")
    var date: String?

    @Flag(name: .customLong("dry-run"), help: "Calcule les rappels sans rien envoyer.")
    var dryRun = false

    func run() async throws {
        let today: CivilDate
        do { today = try date.map { try CivilDate.parse($0) } ?? .today() } catch {
            throw ValidationError("Date illisible : « \(date ?? "") » (jj/mm/aaaa).")
        }
        let smtp = try SMTPConfiguration.fromEnvironment()
        let base = ProcessInfo.processInfo.environment["PACTE_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        let (report, checkpoint) = try await withApplication(database) { app in
            let report = try await Reminders.run(on: app.db, today: today, base: base, smtp: smtp, dryRun: dryRun)
            // The daily run also notes the audit trail's head outside the database (pacte audit-log verify reads it).
            let checkpoint = dryRun ? nil : try await AuditLogCommand.writeCheckpoint(app, to: [AuditLogCommand.checkpointLog])
            return (report, checkpoint)
        }
        print("Rappels du \(FrenchFormat.date(today)) : \(report.items) pour \(report.users) utilisateur(s)"
              + (report.skippedAlreadySent > 0 ? ", \(report.skippedAlreadySent) déjà envoyé(s)" : "") + ".")
        if dryRun {
            print("Simulation : rien n'a été envoyé.")
        } else if let smtp {
            print("\(report.messages) courriel(s) envoyé(s) par smtp://\(smtp.host):\(smtp.port).")
        } else {
            print("PACTE_SMTP_URL n'est pas réglé : les rappels restent dans l'application (tableau de bord, calendrier).")
        }
        if let checkpoint {
            print("Point de contrôle du journal d'audit : \(checkpoint.count) événement(s), ajouté à \(AuditLogCommand.checkpointLog.path).")
        }
    }
}
