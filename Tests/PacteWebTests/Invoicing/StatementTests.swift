import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Relevés des partenaires et titres de recettes (seed 002)")
struct StatementTests {
    @Test("Sept parts pour 22 071,79 €, sept titres émis une seule fois, un paiement partiel et un trop-perçu refusé", arguments: Engine.available)
    func seed002Statements(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.ardennes.cd08@demo.pacte.fr")
            let ardennes = try await app.conventionID(titled: "seed 002")
            let api = "/api/v1/conventions/\(ardennes)"
            let before = try #require(try json(try await app.call(.GET, api + "/partner-statements", token: agent)) as? [String: Any])
            #expect(before["total"] as? String == "22071.79")
            let dues = ((before["statements"] as? [[String: Any]]) ?? []).compactMap { $0["due"] as? String }
            #expect(Set(dues) == ["11012.96", "2740.67", "2184.85", "1977.54", "1772.65", "1518.30", "864.82"])

            let issued = try await app.call(.POST, api + "/revenue-orders", token: agent, json: #"{"issuedOn":"2021-02-01"}"#)
            #expect(issued.status == .created, "\(issued.body.string)")
            let orders = try #require((try json(issued) as? [String: Any])?["orders"] as? [[String: Any]])
            #expect(orders.count == 7)
            #expect(orders.map { $0["number"] as? String }.contains("TR-2021-007"))
            let again = try #require((try json(try await app.call(.POST, api + "/revenue-orders", token: agent, json: "{}")) as? [String: Any])?["orders"] as? [Any])
            #expect(again.count == 7, "nothing is ordered twice")

            let argonne = try #require(try await OrganisationModel.query(on: app.db).filter(\.$siren == (try Siren("240800920"))).first()?.id)
            let order = try #require(orders.first { $0["partnerID"] as? String == argonne.uuidString }?["id"] as? String)
            let tooMuch = try await app.call(.POST, api + "/revenue-orders/\(order)/payment", token: agent, json: #"{"date":"2021-03-15","amount":"2000"}"#)
            #expect(tooMuch.status == .unprocessableEntity)
            #expect(try problemDetail(tooMuch).detail.contains("n'attend plus que"))
            #expect(try await app.call(.POST, api + "/revenue-orders/\(order)/payment", token: agent, json: #"{"date":"2021-03-15","amount":"1000"}"#).status == .ok)
            let after = try #require(try json(try await app.call(.GET, api + "/partner-statements", token: agent)) as? [String: Any])
            let line = try #require((after["statements"] as? [[String: Any]])?.first { $0["partnerID"] as? String == argonne.uuidString })
            #expect(line["paid"] as? String == "1000.00" && line["toCollect"] as? String == "518.30" && line["toOrder"] as? String == "0.00")

            let page = try await app.call(.GET, "/conventions/\(ardennes)/releves", token: agent).body.string
            #expect(page.contains(FrenchFormat.money(Money(cents: 2_207_179))))
            let csv = try await app.call(.GET, "/conventions/\(ardennes)/releves.csv", token: agent)
            let lines = String(decoding: Array(csv.body.readableBytesView).dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first == StatementPages.header.joined(separator: ";"))
            #expect(lines.contains { $0.contains(";1518,30;1518,30;1000,00;0,00;518,30") }, "\(lines)")
        }
    }

    @Test("Exports : l'utilisateur choisit ses colonnes, en CSV, XLSX et ODS ; une colonne inconnue est refusée en français", arguments: Engine.available)
    func chosenColumns(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.ardennes.cd08@demo.pacte.fr")
            let ardennes = try await app.conventionID(titled: "seed 002")
            let base = "/conventions/\(ardennes)"
            let page = try await app.call(.GET, base + "/releves", token: agent).body.string
            #expect(page.contains("Choisir les colonnes à télécharger"))
            #expect(page.components(separatedBy: #"name="colonnes""#).count - 1 == StatementPages.header.count)
            #expect(page.contains(#"formaction="\#(base)/releves.ods""#))

            let csv = try await app.call(.GET, base + "/releves.csv?colonnes=1&colonnes=2", token: agent)
            let lines = String(decoding: Array(csv.body.readableBytesView).dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "Partenaire;Part due")
            #expect(lines.count == 8 && lines.contains { $0.hasSuffix(";11012,96") }, "\(lines)")
            // Order follows the table, not the query; a repeated column counts once.
            let reordered = try await app.call(.GET, base + "/releves.csv?colonnes=4&colonnes=1&colonnes=4", token: agent)
            #expect(String(decoding: Array(reordered.body.readableBytesView).dropFirst(3), as: UTF8.self).hasPrefix("Partenaire;Payé\r\n"))

            let unknown = try await app.call(.GET, base + "/releves.xlsx?colonnes=9", token: agent)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.body.string.contains("ce tableau a 6 colonnes"), "\(unknown.body.string.prefix(400))")

            if Office.isInstalled || Office.isRequired {
                let xlsx = try await app.call(.GET, base + "/releves.xlsx?colonnes=1&colonnes=2", token: agent)
                let ods = try await app.call(.GET, base + "/releves.ods?colonnes=1&colonnes=2", token: agent)
                let read = try await Office.convertToCSV([("xlsx", Data(xlsx.body.readableBytesView)), ("ods", Data(ods.body.readableBytesView))])
                for text in read {
                    let rows = text.components(separatedBy: .newlines).filter { !$0.isEmpty }
                    #expect(rows.first == "Partenaire;Part due", "\(rows.prefix(2))")
                    #expect(rows.count == 8 && rows.contains { $0.hasSuffix(";11012.96") }, "\(rows)")
                }
            }
        }
    }
}
