import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Catalogue des prestations")
struct CatalogueTests {
    @Test("Les catalogues des seeds 000 et 001 ; une chambre écrit le sien et seulement le sien", arguments: Engine.available)
    func catalogue(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let ville = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let all = try #require(try json(try await app.call(.GET, "/api/v1/services", token: ville)) as? [[String: Any]])
            let prices = Dictionary(all.map { ($0["name"] as? String ?? "", "\($0["unitPrice"] ?? "") \($0["taxRegime"] ?? "")") }, uniquingKeysWith: { a, _ in a })
            #expect(prices["Diagnostic Digipilote (maturité digitale)"] == "650.00 HT")
            #expect(prices["CCI Market — potentiel commercial d'un emplacement"] == "500.00 HT")
            #expect(prices["Parcours digital individuel forfaitaire"] == "6000.00 HT")
            #expect(prices["Le 360° Relance — analyse globale de l'entreprise"] == "1625.00 HT")
            #expect(prices["Accompagnement des entreprises en difficulté et prévention"] == "1400.00 HT")
            #expect(prices["Coaching Rebond — relancer l'activité économique des TPE"] == "300.00 net de taxes")
            #expect(prices["Coaching Rebond — accélérer la transformation digitale des TPE"] == "1200.00 net de taxes")
            #expect(prices["Mise en réseau et promotion des circuits courts"] == "600.00 net de taxes")

            let ccim = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCIM").first()?.id)
            let body = #"{"providerID":"\#(ccim)","name":"Atelier export","unitPrice":"1 400,00 €","taxRegime":"HT","validFrom":"2026-01-01","validTo":"2026-12-31"}"#
            #expect(try await app.call(.POST, "/api/v1/services", token: ville, json: body).status == .forbidden, "the Ville does not write the CCIM's catalogue")

            let agent = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let created = try await app.call(.POST, "/api/v1/services", token: agent, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
            let inverted = try await app.call(.PATCH, "/api/v1/services/\(id)", token: agent, json: #"{"validTo":"2025-01-01"}"#)
            #expect(inverted.status == .unprocessableEntity)
            #expect(try problemDetail(inverted).field == "validTo")
            let negative = try await app.call(.PATCH, "/api/v1/services/\(id)", token: agent, json: #"{"unitPrice":"-5"}"#)
            #expect(try problemDetail(negative).detail == "Un prix ne peut pas être négatif.")
            let offered = try #require(try json(try await app.call(.GET, "/api/v1/services?providerID=\(ccim)&validOn=2027-02-01", token: agent)) as? [[String: Any]])
            #expect(!offered.contains { $0["name"] as? String == "Atelier export" }, "out of its validity dates")
            #expect(offered.count == 5)
        }
    }
}
