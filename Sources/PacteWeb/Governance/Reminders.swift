import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// The reminders of a day: for each user, the deadlines and meetings of the conventions they see
/// that fall due (`ReminderSchedule`), sent once by e-mail when a relay is configured.
public enum Reminders {
    public struct Report: Sendable, Equatable {
        public var users = 0
        public var items = 0
        public var messages = 0
        public var skippedAlreadySent = 0
    }

    public static func run(on db: any Database, today: CivilDate, base: String, smtp: SMTPConfiguration?, dryRun: Bool) async throws -> Report {
        var report = Report()
        var messages: [MailMessage] = []
        var sent: [ReminderSentModel] = []
        for user in try await UserModel.query(on: db).sort(\.$email).all() {
            guard let principal = try await PrincipalMiddleware.load(userID: try user.requireID(), viaSession: false, on: db) else { continue }
            let already = Set(try await ReminderSentModel.query(on: db).filter(\.$user.$id == user.requireID()).all().map(\.reminderKey))
            var lines: [String] = []
            for event in try await CalendarPages.events(for: principal, base: base, on: db) {
                guard let days = ReminderSchedule.due(event.date, today: today) else { continue }
                let key = "\(event.uid)#\(days)"
                if already.contains(key) { report.skippedAlreadySent += 1; continue }
                lines.append("- \(FrenchFormat.date(event.date)) (\(ReminderSchedule.label(days))) : \(event.summary)"
                             + (event.url.map { "\n  \($0)" } ?? ""))
                sent.append(ReminderSentModel(id: UUID(), userID: try user.requireID(), reminderKey: key, sentOn: today))
            }
            guard !lines.isEmpty else { continue }
            report.users += 1
            report.items += lines.count
            messages.append(MailMessage(to: user.email, subject: "Pacte — \(lines.count == 1 ? "1 échéance" : "\(lines.count) échéances") à venir",
                                        body: "Bonjour,\n\nÉchéances et réunions de vos conventions :\n\n" + lines.joined(separator: "\n")
                                            + "\n\nVotre calendrier : \(base)/calendrier\n\n— Pacte"))
        }
        guard !dryRun, let smtp else { return report }
        try await SMTPClient.send(messages, using: smtp)
        report.messages = messages.count
        // Recorded once sent: a failed sending is tried again on the next run.
        let records = sent
        try await Store.write(on: db) { tx in
            for record in records { try await record.create(on: tx) }
        }
        return report
    }
}
