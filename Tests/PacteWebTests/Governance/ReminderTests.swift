import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor

@Suite("Rappels : par courriel à un serveur SMTP local, une seule fois")
struct ReminderTests {
    @Test("Une réunion dans sept jours : un courriel à chaque personne qui voit la convention, et rien la seconde fois", arguments: Engine.available)
    func remindersReachPeopleOnce(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let sink = SMTPSink()
            try await sink.start()
            defer { Task { await sink.stop() } }
            let ardennes = try await app.conventionID(titled: "seed 002")
            let committee = CommitteeModel(id: UUID(), conventionID: ardennes, name: "Comité de pilotage", kind: .steering, equalColleges: true,
                                           members: [CommitteeMember(name: "Département des Ardennes", college: "Département")])
            try await committee.create(on: app.db)
            let today = CivilDate.today()
            let meeting = MeetingModel(id: UUID(), committeeID: committee.id!, conventionID: ardennes, title: "Réunion annuelle de bilan",
                                       date: today.adding(days: 7))
            meeting.time = "14:30"
            try await meeting.create(on: app.db)

            let smtp = SMTPConfiguration(host: "127.0.0.1", port: await sink.port, from: "pacte@cd08.example.fr")
            let first = try await Reminders.run(on: app.db, today: today, base: "https://pacte.example.fr", smtp: smtp, dryRun: false)
            #expect(first.messages > 0 && first.messages == first.users)
            let messages = await sink.messages
            #expect(messages.count == first.messages)
            let agent = try #require(messages.first { $0.to.contains("<agent.ardennes.cd08@demo.pacte.fr>") })
            #expect(agent.from == "<pacte@cd08.example.fr>")
            let parts = agent.data.components(separatedBy: "\r\n\r\n")
            #expect(parts.first?.contains("Subject: =?UTF-8?B?") == true)
            let body = String(decoding: Data(base64Encoded: parts.dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")) ?? Data(), as: UTF8.self)
            #expect(body.contains("(dans 7 jours) : Comité de pilotage — Réunion annuelle de bilan"), "\(body)")
            #expect(body.contains("https://pacte.example.fr/conventions/\(ardennes)/gouvernance"))

            let second = try await Reminders.run(on: app.db, today: today, base: "https://pacte.example.fr", smtp: smtp, dryRun: false)
            #expect(second.messages == 0 && second.skippedAlreadySent == first.items, "each reminder goes out once")
            #expect(await sink.messages.count == messages.count)

            // Unreachable relay: a French error, and nothing recorded as sent.
            let dead = SMTPConfiguration(host: "127.0.0.1", port: 1, from: "pacte@cd08.example.fr")
            let dayBefore = today.adding(days: 6)
            await #expect(throws: (any Error).self) {
                try await Reminders.run(on: app.db, today: dayBefore, base: "https://pacte.example.fr", smtp: dead, dryRun: false)
            }
            #expect(try await ReminderSentModel.query(on: app.db).filter(\.$sentOn == dayBefore).count() == 0)
        }
    }
}
