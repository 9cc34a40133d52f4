import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Écrans de gouvernance : délibérations, export SCDL, étapes, fin et retrait par formulaire")
struct GovernanceScreenTests {
    @Test("Les délibérations des seeds à l'écran et en SCDL ; une délibération saisie avec sa liste d'émargement", arguments: Engine.available)
    func deliberationScreens(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let ardennes = try await app.conventionID(titled: "seed 002")
            let sud = try await app.conventionID(titled: "seed 001")
            let page002 = try await app.call(.GET, "/conventions/\(ardennes)/gouvernance", token: admin).body.string
            #expect(page002.contains("Délibération adoptée, quorum atteint (81 présents pour 41 requis)."), "one third of 122 under the health regime")
            #expect(page002.contains("Aucun constat : les décomptes concordent."))
            #expect(page002.contains("008-240800920-20201217-DC2020_114-DE"))
            let page001 = try await app.call(.GET, "/conventions/\(sud)/gouvernance", token: admin).body.string
            #expect(page001.contains("Le registre compte 37 votants, mais 31 présents + 7 représentés = 38."))
            #expect(page001.contains("Loi n° 2020-1379"))

            let csv = try await app.call(.GET, "/conventions/\(ardennes)/deliberations.csv", token: admin)
            #expect(csv.status == .ok)
            let lines = csv.body.string.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == ScdlExport.header.joined(separator: ","))
            #expect(lines.count == 2)
            #expect(lines.last?.hasPrefix("Communauté de communes de l'Argonne Ardennaise,,DC2020/114,2020-12-17,7.5,Subventions,") == true, "\(lines)")
            #expect(lines.last?.hasSuffix(",008-240800920-20201217-DC2020_114-DE,2020-12-24,122,100,82,8,10,") == true, "\(lines)")

            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
            var form = ["organisationID": ccst.uuidString, "body": "council", "sessionDate": "17/12/2019", "itemNumber": "2019-08-04",
                        "subject": "Convention de partenariat", "membersInOffice": "50", "present": "30", "votants": "32", "votesFor": "32",
                        "secretBallot": "non", "departement": "090",
                        "attendance": "Thomas BIETRY ; présent\nGilles COURGEY ; représenté ; Thomas BIETRY\nVirginie REY ; représenté ; Thomas BIETRY\nJean DUPONT ; endormi"]
            let bad = try await app.call(.POST, "/conventions/\(sud)/deliberations/nouvelle", token: admin, form: form)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("ligne 4 : statut « endormi » inconnu"))
            #expect(bad.body.string.contains("Gilles COURGEY ; représenté ; Thomas BIETRY"), "what was typed comes back")
            form["attendance"] = "Thomas BIETRY ; présent\nGilles COURGEY ; représenté ; Thomas BIETRY\nVirginie REY ; représenté ; Thomas BIETRY"
            #expect(try await app.call(.POST, "/conventions/\(sud)/deliberations/nouvelle", token: admin, form: form).status == .seeOther)
            let after = try await app.call(.GET, "/conventions/\(sud)/gouvernance", token: admin).body.string
            #expect(after.contains("Thomas BIETRY porte 2 pouvoirs"))
            #expect(after.contains("090-249000241-20191217-2019_08_04-DE"))
        }
    }

    @Test("Étape, résiliation pour manquement et retrait par formulaire ; les erreurs reviennent en français", arguments: Engine.available)
    func lifeForms(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let base = "/conventions/\(sezanne)"
            let wrong = try await app.call(.POST, base + "/etape", token: admin, form: ["status": "ended", "date": "01/07/2020"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("ne peut pas passer à « Échue »"))
            #expect(try await app.call(.POST, base + "/etape", token: admin, form: ["status": "inForce", "date": "01/07/2020"]).status == .seeOther)

            let noPartner = try await app.call(.POST, base + "/fin", token: admin, form: ["kind": "withdrawal", "notifiedOn": "15/10/2021", "noticeMonths": "2"])
            #expect(noPartner.status == .unprocessableEntity)
            #expect(noPartner.body.string.contains("Choisissez « Partenaire qui se retire »"))
            let ville = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first()?.id)
            #expect(try await app.call(.POST, base + "/fin", token: admin,
                                       form: ["kind": "withdrawal", "organisationID": ville.uuidString, "notifiedOn": "15/10/2021", "noticeMonths": "2"]).status == .seeOther)
            #expect(try await app.call(.POST, base + "/fin", token: admin,
                                       form: ["kind": "breach", "notifiedOn": "31/01/2021", "noticeMonths": "3", "reason": "engagements non tenus"]).status == .seeOther)
            let page = try await app.call(.GET, base + "/gouvernance", token: admin).body.string
            #expect(page.contains("15/12/2021"), "the withdrawal takes effect two months later")
            #expect(page.contains("30/04/2021"), "the breach takes effect three months after the formal notice")
            #expect(page.contains("Résiliée"))
            #expect(try await ConventionModel.find(sezanne, on: app.db)?.status == .terminated)
        }
    }
}
