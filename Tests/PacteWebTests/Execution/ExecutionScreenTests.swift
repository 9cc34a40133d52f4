import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Écrans d'exécution : enveloppes, prestations, entreprises, catalogue, registre et paramètres par formulaire")
struct ExecutionScreenTests {
    @Test("Seed 001 au guichet : enveloppe, entreprise, prestation, acceptation refusée puis acceptée, avis, relevé, registre", arguments: Engine.available)
    func seed001ThroughForms(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let cma = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            let convention = try await app.conventionID(titled: "seed 001")
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
            let base = "/conventions/\(convention)"
            func post(_ path: String, _ form: [String: String], token: String? = nil) async throws -> TestingHTTPResponse {
                try await app.call(.POST, path, token: token ?? cma, form: form)
            }
            func page(_ path: String, token: String? = nil) async throws -> String {
                let response = try await app.call(.GET, path, token: token ?? cma)
                #expect(response.status == .ok, "\(path): \(response.status)")
                return response.body.string
            }
            #expect(try await page(base + "/execution").contains("Aucune enveloppe"))

            // Envelope: an unreadable cap comes back in French with what was typed; a good one is saved.
            let badCap = try await post(base + "/enveloppes/nouvelle", ["name": "CCST — prestations CMA", "funderID": ccst.uuidString, "cap": "mille"])
            #expect(badCap.status == .unprocessableEntity)
            #expect(badCap.body.string.contains("Rien n&#39;a été enregistré") || badCap.body.string.contains("Rien n'a été enregistré"))
            #expect(badCap.body.string.contains("CCST — prestations CMA"), "the name typed is kept")
            #expect(try await EnvelopeModel.query(on: app.db).count() == 0)
            let envelope = try await post(base + "/enveloppes/nouvelle", ["name": "CCST — prestations CMA", "funderID": ccst.uuidString, "cap": "1 000 €"])
            #expect(envelope.status == .seeOther)

            // Company: a SIRET whose key is wrong is refused next to its field; the right one is saved.
            let badSiret = try await post("/entreprises/nouvelle", ["siret": "123 456 782 00011", "name": "Boulangerie Martin"])
            #expect(badSiret.status == .unprocessableEntity)
            #expect(badSiret.body.string.contains("SIRET invalide"))
            let created = try await post("/entreprises/nouvelle", ["siret": "123 456 782 00010", "name": "Boulangerie Martin", "workforceBand": "01"])
            #expect(created.status == .seeOther)
            let company = try #require(try await CompanyModel.query(on: app.db).filter(\.$name == "Boulangerie Martin").first())
            #expect(company.workforceBand?.code == "01")
            #expect(try await EstablishmentModel.query(on: app.db).filter(\.$siret == (try Siret("12345678200010"))).count() == 1)

            let actions = try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention).all()
            let services = try await ServiceModel.query(on: app.db).all()
            func action(_ code: String) throws -> String { try #require(actions.first { $0.code == code }?.id?.uuidString) }
            func service(_ euros: Int64) throws -> String { try #require(services.first { $0.unitPriceCents == euros * 100 }?.id?.uuidString) }

            // Prescriptions: neither a catalogue service nor an amount is refused; the 1 200 € coaching and the 600 € one are quoted.
            let empty = try await post(base + "/prestations/nouvelle", ["actionID": try action("FA2"), "companyID": company.id!.uuidString])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("Indiquez le montant du devis"))
            for (code, euros) in [("FA2", 1_200), ("FA3", 600)] as [(String, Int64)] {
                let quoted = try await post(base + "/prestations/nouvelle", ["actionID": try action(code), "companyID": company.id!.uuidString,
                                                                             "serviceID": try service(euros), "programme": "Deux rendez-vous"])
                #expect(quoted.status == .seeOther)
            }
            let coaching = try #require(try await InterventionModel.query(on: app.db).filter(\.$quoteCents == 1_200_00).first()?.id)
            let circuits = try #require(try await InterventionModel.query(on: app.db).filter(\.$quoteCents == 600_00).first()?.id)

            // Accepting 1 200 € against a 1 000 € envelope is refused on the form, naming the envelope and what is left; nothing moves.
            let refused = try await post(base + "/prestations/\(coaching)/accepter", ["date": "01/03/2021"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("CCST — prestations CMA"))
            #expect(refused.body.string.contains("n'a plus que \(FrenchFormat.money(Money(cents: 1_000_00)))")
                    || refused.body.string.contains("n&#39;a plus que \(FrenchFormat.money(Money(cents: 1_000_00)))"))
            #expect(try await InterventionModel.find(coaching, on: app.db)?.status == .quoted)
            #expect(try await CommitmentModel.query(on: app.db).count() == 0)

            // The 600 € one fits; paying it before delivery is refused with the transition's message.
            #expect(try await post(base + "/prestations/\(circuits)/accepter", ["date": "01/03/2021"]).status == .seeOther)
            let early = try await post(base + "/prestations/\(circuits)/payer", ["date": "02/03/2021"])
            #expect(early.status == .unprocessableEntity || early.status == .conflict)
            #expect(early.body.string.contains("ne peut pas devenir"))
            #expect(try await post(base + "/prestations/\(circuits)/realiser", ["date": "15/03/2021", "deliverable": "Diagnostic remis"]).status == .seeOther)
            // An invoice above the quote must be covered by the envelope: 1 100 € needs 500 € more where 400 € are left.
            let overInvoice = try await post(base + "/prestations/\(circuits)/facturer", ["invoiceNumber": "F-7", "date": "20/03/2021", "amount": "1 100"])
            #expect(overInvoice.status == .unprocessableEntity)
            #expect(overInvoice.body.string.contains("\(FrenchFormat.money(Money(cents: 400_00)))"))
            #expect(try await InterventionModel.find(circuits, on: app.db)?.status == .delivered)
            #expect(try await post(base + "/prestations/\(circuits)/facturer", ["invoiceNumber": "F-7", "date": "20/03/2021", "amount": "650"]).status == .seeOther)

            let execution = try await page(base + "/execution")
            #expect(execution.contains("facturée"))
            #expect(execution.contains("graphique-suivi"), "the tracking chart is drawn")
            #expect(execution.contains("mars 2021"))
            #expect(execution.contains("350,00"), "the envelope has 1 000 − 650 = 350 € left")

            // Funds committed by hand (an event): refused past the envelope, accepted within it, then released.
            let salon = ["label": "Salon de l'artisanat", "funderID": ccst.uuidString, "year": "2021", "amount": "400"]
            let tooBig = try await post(base + "/engagements/nouveau", salon)
            #expect(tooBig.status == .unprocessableEntity)
            #expect(tooBig.body.string.contains(FrenchFormat.money(Money(cents: 350_00))), "the refusal names what is left")
            var smaller = salon
            smaller["amount"] = "300"
            #expect(try await post(base + "/engagements/nouveau", smaller).status == .seeOther)
            let manual = try #require(try await CommitmentModel.query(on: app.db).filter(\.$label == "Salon de l'artisanat").first())
            let withSalon = try await page(base + "/execution")
            #expect(withSalon.contains("Salon de l&#39;artisanat") || withSalon.contains("Salon de l'artisanat"))
            #expect(try await post(base + "/engagements/\(manual.id!)/liberer", [:]).status == .seeOther)
            #expect(try await CommitmentModel.find(manual.id, on: app.db)?.status == .released)
            let serviceCommitment = try #require(try await CommitmentModel.query(on: app.db).filter(\.$interventionID == circuits).first())
            let refusedRelease = try await app.call(.POST, "/api/v1/conventions/\(convention)/commitments/\(serviceCommitment.id!)/release", token: cma)
            #expect(refusedRelease.status == .conflict, "a service's commitment is released by cancelling the service")

            // The funding notice names who pays what, and the regulation in force on the acceptance date.
            let notice = try await page(base + "/prestations/\(circuits)/avis")
            #expect(notice.contains("Avis de financement"))
            #expect(notice.contains("Communauté de Communes du Sud Territoire"))
            #expect(notice.contains("650,00"))
            #expect(notice.contains("1407/2013 de la Commission du 18 décembre 2013"))

            // The de minimis statement and the register hold the aid of 650 €.
            let statement = try await page("/entreprises/\(company.id!)/attestation-de-minimis?date=2021-12-31")
            #expect(statement.contains("Relevé des aides de minimis"))
            #expect(statement.contains("650,00"))
            let register = try await page("/aides-de-minimis?du=01/01/2021&au=31/12/2021")
            #expect(register.contains("Boulangerie Martin"))
            let csv = try await app.call(.GET, "/aides-de-minimis/registre.csv?du=01/01/2021&au=31/12/2021", token: cma)
            #expect(csv.status == .ok)
            let lines = String(decoding: Array(csv.body.readableBytesView).dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first?.hasPrefix("Date d'octroi;SIREN;Bénéficiaire") == true)
            // The quote's aid and the invoice's extra 50 €, both granted on the acceptance date.
            #expect(lines.contains { $0.hasPrefix("01/03/2021;123456782;Boulangerie Martin;") && $0.contains(";600,00;") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("01/03/2021;123456782;Boulangerie Martin;") && $0.contains(";50,00;") }, "\(lines)")
        }
    }

    @Test("Le seuil d'alerte de minimis se règle par l'administrateur et change le verdict", arguments: Engine.available)
    func warningThresholdIsConfigurable(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            let admin = try await app.token("admin@demo.pacte.fr")
            let created = try await app.call(.POST, "/api/v1/companies", token: agent, json: #"{"siret":"12345678200010","name":"Martin"}"#)
            let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
            #expect(try await app.call(.POST, "/api/v1/companies/\(id)/de-minimis-grants", token: agent,
                                       json: #"{"grantedOn":"2025-02-01","amount":"200000","grantor":"Région"}"#).status == .created)
            func verdict() async throws -> String? {
                let ledger = try json(try await app.call(.GET, "/api/v1/companies/\(id)/de-minimis?on=2025-03-01", token: agent)) as? [String: Any]
                return (ledger?["assessment"] as? [String: Any])?["verdict"] as? String
            }
            #expect(try await verdict() == "within", "200 000 € of 300 000 € stays under the default 80 % threshold")

            #expect(try await app.call(.GET, "/parametres", token: agent).status == .forbidden)
            #expect(try await app.call(.PUT, "/api/v1/settings", token: agent, json: #"{"deMinimisWarning":"50 %"}"#).status == .forbidden)
            let tooHigh = try await app.call(.POST, "/parametres", token: admin, form: ["deMinimisWarning": "120 %"])
            #expect(tooHigh.status == .unprocessableEntity)
            #expect(tooHigh.body.string.contains("entre 1 % et 100 %"))
            let events = try await app.auditCount()
            #expect(try await app.call(.POST, "/parametres", token: admin, form: ["deMinimisWarning": "50 %"]).status == .seeOther)
            #expect(try await app.auditCount() == events + 1, "the change is in the audit trail")
            #expect(try await verdict() == "nearCeiling", "200 000 € of 300 000 € passes a 50 % threshold")
            let settings = try #require(try json(try await app.call(.GET, "/api/v1/settings", token: agent)) as? [String: Any])
            #expect(settings["deMinimisWarning"] as? String == "1/2")
        }
    }

    @Test("Catalogue : ajout et modification par formulaire, dates de validité contrôlées", arguments: Engine.available)
    func catalogueForms(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let cma = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            let form = try await app.call(.GET, "/prestations/nouvelle", token: cma)
            #expect(form.status == .ok)
            let provider = try #require(try await OrganisationModel.query(on: app.db).all().first { form.body.string.contains($0.id!.uuidString) }?.id)
            var fields = ["providerID": provider.uuidString, "name": "Diagnostic export", "unitPrice": "450", "taxRegime": "HT", "unit": "perCompany",
                          "validFrom": "01/01/2027", "validTo": "31/12/2026"]
            let backwards = try await app.call(.POST, "/prestations/nouvelle", token: cma, form: fields)
            #expect(backwards.status == .unprocessableEntity)
            #expect(backwards.body.string.contains("Diagnostic export"), "what was typed comes back")
            #expect(try await ServiceModel.query(on: app.db).filter(\.$name == "Diagnostic export").count() == 0)
            fields["validTo"] = "31/12/2027"
            #expect(try await app.call(.POST, "/prestations/nouvelle", token: cma, form: fields).status == .seeOther)
            let service = try #require(try await ServiceModel.query(on: app.db).filter(\.$name == "Diagnostic export").first())
            fields["unitPrice"] = "480,50"
            fields["validTo"] = ""
            #expect(try await app.call(.POST, "/prestations/\(service.id!)/modifier", token: cma, form: fields).status == .seeOther)
            let changed = try #require(try await ServiceModel.find(service.id, on: app.db))
            #expect(changed.unitPriceCents == 480_50)
            #expect(changed.validTo == nil, "an emptied field clears the date")
            #expect(try await app.call(.GET, "/prestations", token: cma).body.string.contains("480,50"))
        }
    }
}
