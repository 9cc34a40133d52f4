import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Entreprises bénéficiaires, établissements, entreprise unique")
struct CompanyTests {
    @Test("SIRET validé, établissements de la même entreprise, doublons refusés, entreprises réunies en une entreprise unique", arguments: Engine.available)
    func companies(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            func post(_ path: String, _ body: String) async throws -> TestingHTTPResponse {
                try await app.call(.POST, "/api/v1" + path, token: token, json: body)
            }
            let before = try await CompanyModel.query(on: app.db).count()

            let badKey = try await post("/companies", #"{"siret":"12345678200011","name":"Boulangerie Martin"}"#)
            #expect(badKey.status == .unprocessableEntity)
            #expect(try problemDetail(badKey).field == "siret")
            #expect(try problemDetail(badKey).detail.contains("clé de contrôle"))
            let badBand = try await post("/companies", #"{"siret":"12345678200010","name":"Boulangerie Martin","workforceBand":"99"}"#)
            #expect(try problemDetail(badBand).detail.contains("tranche d'effectifs inconnue"))
            let badNaf = try await post("/companies", #"{"siret":"12345678200010","name":"Boulangerie Martin","naf":"99.99Z"}"#)
            #expect(try problemDetail(badNaf).field == "naf")
            #expect(try await CompanyModel.query(on: app.db).count() == before, "nothing saved by refused requests")

            let created = try await post("/companies", #"{"siret":"123 456 782 00010","name":"Boulangerie Martin","naf":"10.71C","workforceBand":"02","communeCode":"90010"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let martin = try #require(try json(created) as? [String: Any])
            #expect(martin["siren"] as? String == "123456782")
            #expect(martin["workforceBandLabel"] as? String == "3 à 5 salariés")
            #expect((martin["establishments"] as? [[String: Any]])?.first?["siret"] as? String == "12345678200010")
            let martinID = try #require(martin["id"] as? String)

            #expect(try await post("/companies", #"{"siren":"123456782","name":"Doublon"}"#).status == .conflict)
            let foreign = try await post("/companies/\(martinID)/establishments", #"{"siret":"12345679000013"}"#)
            #expect(foreign.status == .unprocessableEntity)
            #expect(try problemDetail(foreign).detail.contains("n'appartient pas"))
            #expect(try await post("/companies/\(martinID)/establishments", #"{"siret":"12345678200028","communeCode":"2A004"}"#).status == .created)
            let badCommune = try await post("/companies/\(martinID)/establishments", #"{"siret":"12345678200036","communeCode":"ABCDE"}"#)
            #expect(try problemDetail(badCommune).field == "communeCode")

            let second = try #require(try json(try await post("/companies", #"{"siret":"12345679000013","name":"Martin Traiteur"}"#)) as? [String: Any])
            let secondID = try #require(second["id"] as? String)
            let linked = try #require(try json(try await post("/companies/\(martinID)/undertaking", #"{"companyID":"\#(secondID)"}"#)) as? [[String: Any]])
            #expect(linked.count == 2)
            #expect(Set(linked.compactMap { $0["undertakingID"] as? String }).count == 1, "one single undertaking")

            let found = try #require(try json(try await app.call(.GET, "/api/v1/companies?q=12345678200028", token: token)) as? [String: Any])
            #expect((found["items"] as? [[String: Any]])?.first?["name"] as? String == "Boulangerie Martin")

            let reader = try await app.token("elu.sud-territoire.ccst@demo.pacte.fr")
            #expect(try await app.call(.POST, "/api/v1/companies", token: reader, json: #"{"siret":"12345678200036","name":"X"}"#).status == .forbidden)
        }
    }
}
