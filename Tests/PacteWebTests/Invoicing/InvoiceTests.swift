import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Factures EN 16931 : la CMA facture à la CCST les prestations réalisées d'une période")
struct InvoiceTests {
    @Test("Seed 001 : facture de mars 2021, nette de taxes, validée par un contrôleur indépendant ; une prestation n'est facturée qu'une fois",
          arguments: Engine.available)
    func seed001Invoice(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, cma, _) = try await playSeed001(app)
            let admin = try await app.token("admin@demo.pacte.fr")
            let api = "/api/v1/conventions/\(convention)"
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first())
            let parties = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == convention).all()
            let sellerID = try #require(parties.first { $0.roles.contains(.operator) }?.$organisation.id)
            // Two more services delivered in March, one in April (outside the period).
            let accepted = try await InterventionModel.query(on: app.db).filter(\.$convention.$id == convention).filter(\.$status == .accepted)
                .sort(\.$quoteCents, .descending).all()
            try #require(accepted.count >= 3)
            for (intervention, day) in zip(accepted.prefix(3), ["2021-03-15", "2021-03-31", "2021-04-02"]) {
                #expect(try await app.call(.POST, api + "/interventions/\(intervention.id!)/deliver", token: cma,
                                           json: #"{"date":"\#(day)","deliverable":"compte rendu"}"#).status == .ok)
            }
            let issue = #"{"buyerID":"\#(ccst.id!)","periodStart":"2021-03-01","periodEnd":"2021-03-31","issuedOn":"2021-04-05","buyerReference":"EJ-2021-0042"}"#

            // No SIRET yet: refused in French, nothing issued.
            let missing = try await app.call(.POST, api + "/invoices", token: cma, json: issue)
            #expect(missing.status == .unprocessableEntity)
            #expect(try problemDetail(missing).detail.contains("SIRET du vendeur"), "\(missing.body.string)")
            #expect(try await InvoiceModel.query(on: app.db).count() == 0)

            let badIBAN = try await app.call(.PATCH, "/api/v1/organisations/\(sellerID)", token: admin, json: #"{"iban":"FR76 3000 6000 0112 3456 7890 188"}"#)
            #expect(badIBAN.status == .unprocessableEntity || badIBAN.status == .badRequest, "\(badIBAN.body.string)")
            #expect(try await app.call(.PATCH, "/api/v1/organisations/\(sellerID)", token: admin,
                                       json: #"{"siret":"13002798000007","iban":"FR76 3000 6000 0112 3456 7890 189","address":"65-69 rue Daubenton, 21000 Dijon"}"#).status == .ok)
            #expect(try await app.call(.PATCH, "/api/v1/organisations/\(ccst.id!)", token: admin, json: #"{"siret":"24900024100003"}"#).status == .ok)

            // The preview lists the three services delivered in March: 250 € (invoiced below its quote), 1 200 € and 1 200 €.
            let preview = try #require(try json(try await app.call(.GET, api + "/invoices/preview?buyerID=\(ccst.id!)&from=2021-03-01&to=2021-03-31",
                                                                   token: cma)) as? [String: Any])
            let previewLines = try #require(preview["lines"] as? [[String: Any]])
            #expect(previewLines.compactMap { $0["amount"] as? String }.sorted() == ["1200.00", "1200.00", "250.00"])
            #expect(preview["total"] as? String == "2650.00")

            let noReference = try await app.call(.POST, api + "/invoices", token: cma, json: issue.replacingOccurrences(of: "EJ-2021-0042", with: " "))
            let noReferenceField = try problemDetail(noReference).field
            #expect(noReference.status == .unprocessableEntity && noReferenceField == "buyerReference")

            let audits = try await app.auditCount()
            let created = try await app.call(.POST, api + "/invoices", token: cma, json: issue)
            #expect(created.status == .created, "\(created.body.string)")
            let invoice = try #require(try json(created) as? [String: Any])
            #expect(invoice["number"] as? String == "F2021-0001")
            #expect(invoice["total"] as? String == "2650.00" && invoice["vat"] as? String == "0.00")
            #expect(invoice["dueOn"] as? String == "2021-05-05")
            #expect((invoice["lines"] as? [Any])?.count == 3)
            #expect(try await app.auditCount() == audits + 1, "the invoice is in the audit trail")

            // Issued once: the same period again has nothing left, and a second period numbers on.
            let again = try await app.call(.POST, api + "/invoices", token: cma, json: issue)
            #expect(again.status == .unprocessableEntity)
            #expect(try problemDetail(again).detail.contains("Aucune prestation"), "\(again.body.string)")
            let april = try await app.call(.POST, api + "/invoices", token: cma,
                                           json: #"{"buyerID":"\#(ccst.id!)","periodStart":"2021-04-01","periodEnd":"2021-04-30","issuedOn":"2021-05-03","buyerReference":"EJ-2021-0042"}"#)
            #expect(april.status == .created)
            #expect((try json(april) as? [String: Any])?["number"] as? String == "F2021-0002")

            let id = try #require(invoice["id"] as? String)
            let xmlResponse = try await app.call(.GET, api + "/invoices/\(id)/cii", token: cma)
            #expect(xmlResponse.status == .ok)
            #expect(xmlResponse.headers.contentType?.subType == "xml")
            let xml = xmlResponse.body.string
            for fragment in ["<ram:IssuerAssignedID>EJ-2021-0042</ram:IssuerAssignedID>", #"<ram:GlobalID schemeID="0009">13002798000007</ram:GlobalID>"#,
                             #"<ram:GlobalID schemeID="0009">24900024100003</ram:GlobalID>"#, "<ram:CategoryCode>O</ram:CategoryCode>",
                             "<ram:ExemptionReason>Non soumis à la TVA</ram:ExemptionReason>", "<ram:IBANID>FR7630006000011234567890189</ram:IBANID>",
                             "<ram:DuePayableAmount>2650.00</ram:DuePayableAmount>"] {
                #expect(xml.contains(fragment), "\(fragment)")
            }
            // Another convention's agent does not see it.
            let outsider = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            #expect(try await app.call(.GET, api + "/invoices/\(id)/cii", token: outsider).status == .notFound)

            if InvoiceValidator.available() {
                let aprilID = try #require((try json(april) as? [String: Any])?["id"] as? String)
                let aprilXML = try await app.call(.GET, api + "/invoices/\(aprilID)/cii", token: cma).body.string
                let report = try InvoiceValidator.validate([("F2021-0001.xml", Data(xml.utf8)), ("F2021-0002.xml", Data(aprilXML.utf8))])
                #expect(report.components(separatedBy: "conforme").count == 3, "\(report)")
            }
        }
    }

    @Test("Écrans : identités de facturation, formulaire d'émission avec erreurs en français, facture imprimable et son XML", arguments: Engine.available)
    func screens(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, cma, _) = try await playSeed001(app)
            let admin = try await app.token("admin@demo.pacte.fr")
            let base = "/conventions/\(convention)"
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first())
            let parties = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == convention).all()
            let sellerID = try #require(parties.first { $0.roles.contains(.operator) }?.$organisation.id)

            let list = try await app.call(.GET, base + "/factures", token: cma).body.string
            #expect(list.contains("Factures aux financeurs") && list.contains("manquant : facture impossible"))
            #expect(list.contains("À facturer") && list.contains(FrenchFormat.money(Money(cents: 250_00))), "the 250 € service delivered in March waits for its invoice")

            // The billing identity form: a wrong IBAN comes back in French with what was typed; a right one is saved.
            let wrong = try await app.call(.POST, "/organisations/\(sellerID)/facturation", token: admin,
                                           form: ["siret": "130 027 980 00007", "address": "65-69 rue Daubenton, 21000 Dijon", "iban": "FR76 3000 6000 0112 3456 7890 188", "retour": base + "/factures"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("clé de contrôle") && wrong.body.string.contains("65-69 rue Daubenton"))
            #expect(try await OrganisationModel.find(sellerID, on: app.db)?.siret == nil, "nothing saved")
            let saved = try await app.call(.POST, "/organisations/\(sellerID)/facturation", token: admin,
                                           form: ["siret": "130 027 980 00007", "address": "65-69 rue Daubenton, 21000 Dijon", "iban": "FR76 3000 6000 0112 3456 7890 189", "retour": base + "/factures"])
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == base + "/factures")
            #expect(try await app.call(.POST, "/organisations/\(ccst.id!)/facturation", token: admin, form: ["siret": "24900024100003"]).status == .seeOther)

            // The issue form: a missing reference and a reversed period are reported next to their fields.
            let form = try await app.call(.GET, base + "/factures/nouvelle?acheteur=\(ccst.id!)", token: cma).body.string
            #expect(form.contains("Référence d'engagement de l'acheteur") && form.contains("selected"))
            let refused = try await app.call(.POST, base + "/factures/nouvelle", token: cma,
                                             form: ["buyerID": ccst.id!.uuidString, "periodStart": "31/03/2021", "periodEnd": "01/03/2021", "buyerReference": ""])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Renseignez « Référence d'engagement de l'acheteur »"))
            let reversed = try await app.call(.POST, base + "/factures/nouvelle", token: cma,
                                              form: ["buyerID": ccst.id!.uuidString, "periodStart": "31/03/2021", "periodEnd": "01/03/2021", "buyerReference": "EJ-42"])
            #expect(reversed.body.string.contains("après sa fin"), "\(reversed.body.string.prefix(300))")
            let issued = try await app.call(.POST, base + "/factures/nouvelle", token: cma,
                                            form: ["buyerID": ccst.id!.uuidString, "periodStart": "01/03/2021", "periodEnd": "31/03/2021", "issuedOn": "05/04/2021",
                                                   "buyerReference": "EJ-42", "note": "Prestations de mars"])
            #expect(issued.status == .seeOther)
            let location = try #require(issued.headers.first(name: .location))
            #expect(location.contains("/factures/") && location.hasSuffix("?ok=facture"))
            let printed = try await app.call(.GET, location, token: cma).body.string
            for fragment in ["Facture n° F2021-0001", "Facture émise.", "SIRET 130 027 980 00007", "SIRET 249 000 241 00003", "EJ-42", "05/04/2021", "05/05/2021",
                             "non soumis à la TVA", "Net à payer", FrenchFormat.money(Money(cents: 250_00)), "FR76 3000 6000 0112 3456 7890 189", "40 €"] {
                #expect(printed.contains(fragment), "\(fragment)")
            }
            let xmlPath = String(location.prefix { $0 != "?" }) + "/xml"
            let xml = try await app.call(.GET, xmlPath, token: cma)
            #expect(xml.status == .ok && xml.body.string.contains("<ram:Content>Prestations de mars</ram:Content>"))
            #expect(try await app.call(.GET, base + "/factures", token: cma).body.string.contains("F2021-0001"))
        }
    }

    @Test("Les trois régimes (net de taxes, HT, TTC) passent le contrôleur indépendant : XSD Factur-X, règles EN 16931 et règles françaises")
    func everyRegimeValidates() throws {
        guard InvoiceValidator.available() else { return }
        let seller = EInvoice.Party(name: "CCI Marne en Champagne", siret: try Siret("13002798000007"), address: "2 avenue Leclerc & Cie <51000>")
        let buyer = EInvoice.Party(name: "Ville de Sézanne", siret: try Siret("24900024100003"))
        let day = try CivilDate.parse("2020-12-31")
        var documents: [(String, Data)] = []
        for (regime, amounts) in [(TaxRegime.netDeTaxes, [300_00, 1_200_00, 600_00]), (.ht, [650_00, 1_625_00, 3_350_00]), (.ttc, [21_000_00, 3_835_58, 19_308_00])] as [(TaxRegime, [Int64])] {
            let invoice = try EInvoice.make(number: "F2020-0001", issueDate: day, dueDate: day.adding(days: 30), periodStart: try CivilDate.parse("2020-01-01"),
                                            periodEnd: day, seller: seller, sellerIBAN: try Iban("FR1420041010050500013M02606"), buyer: buyer,
                                            buyerOrderReference: "BC 2020/117", contractReference: "Convention de partenariat 2020",
                                            regime: regime, lines: amounts.map { EInvoice.Line(label: "Diagnostic « 360° »", amount: Money(cents: $0), deliveredOn: day) },
                                            note: "Convention du 24/12/2020")
            documents.append(("\(regime.rawValue.replacingOccurrences(of: " ", with: "-")).xml", Data(CrossIndustryInvoice.xml(invoice).utf8)))
        }
        let report = try InvoiceValidator.validate(documents)
        #expect(report.components(separatedBy: "conforme").count == 4, "\(report)")
    }
}
