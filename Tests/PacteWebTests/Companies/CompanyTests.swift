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

    @Test("De minimis : aides du 01/03/2022, du 01/06/2023 et du 01/02/2025 à une entreprise unique ; refus au-delà du plafond, dépassement par un administrateur seulement", arguments: Engine.available)
    func deMinimis(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            func post(_ path: String, _ body: String, token: String? = nil) async throws -> TestingHTTPResponse {
                try await app.call(.POST, "/api/v1" + path, token: token ?? agent, json: body)
            }
            let a = try #require((try json(try await post("/companies", #"{"siret":"12345678200010","name":"Boulangerie Martin"}"#)) as? [String: Any])?["id"] as? String)
            let b = try #require((try json(try await post("/companies", #"{"siret":"12345679000013","name":"Martin Traiteur"}"#)) as? [String: Any])?["id"] as? String)
            _ = try await post("/companies/\(a)/undertaking", #"{"companyID":"\#(b)"}"#)

            let first = try await post("/companies/\(a)/de-minimis-grants", #"{"grantedOn":"2022-03-01","amount":"150000","grantor":"Région"}"#)
            #expect(first.status == .created, "\(first.body.string)")
            #expect(((try json(first) as? [String: Any])?["assessment"] as? [String: Any])?["regulation"] as? String == "1407/2013")

            // Aid to the other company of the undertaking counts: 150 000 + 60 000 > 200 000 € (1407/2013).
            let refused = try await post("/companies/\(b)/de-minimis-grants", #"{"grantedOn":"2023-06-01","amount":"60000","grantor":"Département"}"#)
            #expect(refused.status == .conflict)
            #expect(try problemDetail(refused).detail.contains("il reste 50\u{202F}000,00\u{00A0}€"))
            let second = try await post("/companies/\(b)/de-minimis-grants", #"{"grantedOn":"2023-06-01","amount":"40000","grantor":"Département"}"#)
            #expect(((try json(second) as? [String: Any])?["assessment"] as? [String: Any])?["verdict"] as? String == "nearCeiling")

            let ledger = try #require(try json(try await app.call(.GET, "/api/v1/companies/\(a)/de-minimis?on=2025-02-01&amount=120000", token: agent)) as? [String: Any])
            let assessment = try #require(ledger["assessment"] as? [String: Any])
            #expect(assessment["regulation"] as? String == "2023/2831")
            #expect(assessment["windowStart"] as? String == "2022-02-02")
            #expect(assessment["received"] as? String == "190000.00")
            #expect(assessment["verdict"] as? String == "overCeiling")
            #expect((ledger["grants"] as? [Any])?.count == 2)

            let over = #"{"grantedOn":"2025-02-01","amount":"120000","grantor":"Métropole","overrideReason":"aide notifiée à la Commission"}"#
            #expect(try await post("/companies/\(a)/de-minimis-grants", over).status == .forbidden, "an agent may not override")
            let admin = try await app.token("admin@demo.pacte.fr")
            let events = try await app.auditCount()
            let overridden = try await post("/companies/\(a)/de-minimis-grants", over, token: admin)
            #expect(overridden.status == .created)
            #expect(((try json(overridden) as? [String: Any])?["grant"] as? [String: Any])?["overrideReason"] as? String == "aide notifiée à la Commission")
            #expect(try await app.auditCount() == events + 1, "the override is in the audit trail")
            let page = try await app.call(.GET, "/entreprises/\(a)", token: agent).body.string
            #expect(page.contains("Entreprise unique avec : Martin Traiteur"))
            #expect(page.contains("plafond dépassé : aide notifiée à la Commission"))
            #expect(page.contains(HTMLText.french("150 000,00 €")) && page.contains("01/03/2022"))
        }
    }

    @Test("La commune d'une entreprise donne son intercommunalité ; un code commune inconnu est refusé", arguments: Engine.available)
    func communeGivesTheEPCI(engine: Engine) async throws {
        try await withDemo(engine) { app in
            _ = try await ReferenceData.load(on: app.db)
            let agent = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            let unknown = try await app.call(.POST, "/api/v1/companies", token: agent,
                                             json: #"{"siret":"12345678200010","name":"Martin","communeCode":"90999"}"#)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try problemDetail(unknown).field == "communeCode")
            let created = try await app.call(.POST, "/api/v1/companies", token: agent,
                                             json: #"{"siret":"12345678200010","name":"Martin","communeCode":"90010"}"#)
            #expect(created.status == .created)
            let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
            let page = try await app.call(.GET, "/entreprises/\(id)", token: agent).body.string
            #expect(page.contains("Belfort (90010) — intercommunalité : CA Grand Belfort (SIREN 200\u{00A0}069\u{00A0}052)")
                    || page.contains("Belfort (90010) — intercommunalité : CA Grand Belfort (SIREN 200 069 052)"), "\(page.components(separatedBy: "Commune").dropFirst().first?.prefix(200) ?? "")")
        }
    }
}
