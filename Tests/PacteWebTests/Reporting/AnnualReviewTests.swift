import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Bilan annuel : prévu et réalisé, au centime près du tableau de suivi")
struct AnnualReviewTests {
    @Test("Seed 001 après une année de prestations d'essai : le bilan 2021 redonne le tableau de suivi au centime", arguments: Engine.available)
    func seed001Review(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, cma, _) = try await playSeed001(app)
            let api = "/api/v1/conventions/\(convention)"
            let tracking = try #require((try json(try await app.call(.GET, api + "/tracking", token: cma)) as? [String: Any])?["rows"] as? [[String: Any]])
            var expected: [String: [String: Money]] = [:]
            for row in tracking where (row["month"] as? String)?.hasPrefix("2021-") == true {
                let funder = try #require(row["funder"] as? String)
                for column in ["committed", "delivered", "invoiced", "paid"] {
                    let amount = try Money(decimalString: try #require(row[column] as? String))
                    expected[funder, default: [:]][column] = try (expected[funder]?[column] ?? .zero).adding(amount)
                }
            }
            #expect(!expected.isEmpty)
            let review = try #require(try json(try await app.call(.GET, api + "/annual-review?year=2021", token: cma)) as? [String: Any])
            #expect(review["plannedOverWholeConvention"] as? Bool == true)
            let byFunder = try #require(review["byFunder"] as? [[String: Any]])
            for (funder, columns) in expected {
                let figures = try #require(byFunder.first { $0["funder"] as? String == funder }?["figures"] as? [String: String], "\(funder)")
                for (column, amount) in columns {
                    #expect(figures[column] == amount.decimalString, "\(funder) \(column): \(figures[column] ?? "—") ≠ \(amount.decimalString)")
                }
            }
            let ccst = try #require(byFunder.first { $0["funder"] as? String == "CCST" }?["figures"] as? [String: String])
            #expect(ccst["committed"] == "4450.00" && ccst["paid"] == "250.00", "\(ccst)")
            #expect((review["previousYear"] as? [String: String])?["committed"] == "0.00")

            #expect(try await app.call(.PUT, api + "/annual-review/notes?year=2021", token: cma,
                                       json: #"{"notes":"Forte demande de coaching au premier trimestre."}"#).status == .ok)
            let page = try await app.call(.GET, "/conventions/\(convention)/bilan?annee=2021", token: cma).body.string
            #expect(page.contains("Bilan annuel 2021") && page.contains("Forte demande de coaching au premier trimestre."))
            #expect(page.contains(FrenchFormat.money(Money(cents: 4_450_00))))
            let csv = try await app.call(.GET, "/conventions/\(convention)/bilan.csv?annee=2021", token: cma)
            let lines = String(decoding: Array(csv.body.readableBytesView).dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == AnnualReviewPage.header.joined(separator: ";"))
            #expect(lines.count == ((review["rows"] as? [Any])?.count ?? 0) + 1)
        }
    }
}
