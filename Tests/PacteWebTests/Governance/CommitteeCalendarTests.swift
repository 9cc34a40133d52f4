import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Comités, réunions et calendrier iCalendar de chaque utilisateur")
struct CommitteeCalendarTests {
    @Test("Comité de pilotage de seed 002 à égalité de voix, une réunion et ses décisions ; le flux .ics privé de l'agent", arguments: Engine.available)
    func committeeAndFeed(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.ardennes.cd08@demo.pacte.fr")
            let ardennes = try await app.conventionID(titled: "seed 002")
            let base = "/conventions/\(ardennes)"
            let bad = try await app.call(.POST, base + "/comites/nouveau", token: agent,
                                         form: ["name": "Comité de pilotage", "kind": "steering", "equalColleges": "oui", "members": "Département des Ardennes"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Ligne 1 : écrivez « Nom ; collège »."))
            let members = ["Département des Ardennes ; Département", "Ardenne Métropole ; Partenaires", "Argonne Ardennaise ; Partenaires",
                           "Pays Rethélois ; Partenaires"].joined(separator: "\n")
            #expect(try await app.call(.POST, base + "/comites/nouveau", token: agent,
                                       form: ["name": "Comité de pilotage", "kind": "steering", "equalColleges": "oui", "members": members]).status == .seeOther)
            let committee = try #require(try await CommitteeModel.query(on: app.db).first())
            let meetingPath = base + "/comites/\(try committee.requireID())/reunions/nouvelle"
            var meeting = ["title": "Réunion annuelle de bilan", "date": "17/12/2021", "time": "14:30", "place": "Charleville-Mézières, salle du conseil",
                           "present": "Département des Ardennes\nArdenne Métropole\nArgonne Ardennaise",
                           "decisions": "Reconduire la convention ; pour : Département des Ardennes, Ardenne Métropole ; contre : Argonne Ardennaise\nBaisser le budget ; pour : Argonne Ardennaise ; contre : Département des Ardennes"]
            meeting["present"] = "Département des Ardennes\nInconnu"
            let stranger = try await app.call(.POST, meetingPath, token: agent, form: meeting)
            #expect(stranger.status == .unprocessableEntity)
            #expect(stranger.body.string.contains("« Inconnu » n&#39;est pas membre") || stranger.body.string.contains("« Inconnu » n'est pas membre"))
            meeting["present"] = "Département des Ardennes\nArdenne Métropole\nArgonne Ardennaise"
            #expect(try await app.call(.POST, meetingPath, token: agent, form: meeting).status == .seeOther)

            let committees = try #require(try json(try await app.call(.GET, "/api/v1" + base + "/committees", token: agent)) as? [[String: Any]])
            let decisions = try #require(((committees.first?["meetings"] as? [[String: Any]])?.first?["decisions"]) as? [[String: Any]])
            #expect(decisions.map { $0["adopted"] as? Bool } == [true, false])
            #expect(decisions.first?["weightFor"] as? String == "3/4", "the département's half plus half of the partners' half")
            #expect(decisions.last?["weightFor"] as? String == "1/4")

            // A partner's withdrawal: its effective day is in the feed, with the partner's name.
            let argonne = try #require(try await OrganisationModel.query(on: app.db).filter(\.$siren == (try Siren("240800920"))).first()?.id)
            let admin = try await app.token("admin@demo.pacte.fr")
            #expect(try await app.call(.POST, "/api/v1" + base + "/ending", token: admin,
                                       json: #"{"kind":"withdrawal","organisationID":"\#(argonne)","notifiedOn":"2021-10-15","noticeMonths":2}"#).status == .created)

            // The agent's private calendar address; the feed needs no session, only the address.
            let created = try await app.call(.POST, "/calendrier", token: agent, form: [:])
            let address = try #require(created.body.string.range(of: #"/calendrier/cal_[A-Za-z0-9_-]+\.ics"#, options: .regularExpression)
                .map { String(created.body.string[$0]) })
            let feed = try await app.call(.GET, address)
            #expect(feed.status == .ok)
            #expect(feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let text = feed.body.string
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("DTSTART:20211217T143000"))
            #expect(unfolded.contains("SUMMARY:Comité de pilotage — Réunion annuelle de bilan"))
            #expect(unfolded.contains("LOCATION:Charleville-Mézières\\, salle du conseil"), "commas are escaped")
            #expect(unfolded.contains("DTSTART;VALUE=DATE:20211215\r\nDTEND;VALUE=DATE:20211216\r\nTRANSP:TRANSPARENT\r\nSUMMARY:Retrait effectif de Communauté de communes de l'Argonne Ardennaise"))
            #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "lines are folded at 75 octets")
            #expect(try await app.call(.GET, "/calendrier/cal_inconnu.ics").status == .notFound)
            _ = try await app.call(.POST, "/calendrier", token: agent, form: [:])
            #expect(try await app.call(.GET, address).status == .notFound, "a new address disables the old one")
        }
    }
}
