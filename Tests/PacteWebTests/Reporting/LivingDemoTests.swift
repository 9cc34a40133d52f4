import Fluent
import Foundation
import PacteCore
import PacteStore
import Testing
import Vapor
import VaporTesting

/// The demo with its year and a half of execution: the same figures wherever a user reads them.
@Suite("Démo vivante : engagé, réalisé, facturé et payé identiques sur les quatre écrans")
struct LivingDemoTests {
    static let columns = ["committed", "delivered", "invoiced", "paid"]

    @Test("Sézanne, Ardennes, Dijon : exécution, tableau de suivi, bilans annuels et département donnent les mêmes montants, non nuls, au centime",
          arguments: Engine.available)
    func fourScreensAgree(engine: Engine) async throws {
        try await withDemo(engine, execution: true) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let departements = try #require(try json(try await app.call(.GET, "/api/v1/departements", token: admin)) as? [[String: Any]])
            for fragment in ["accompagnement au développement économique", "mescoursesenardennes", "Dijon Métropole"] {
                let id = try await app.conventionID(titled: fragment)
                let api = "/api/v1/conventions/\(id)"

                // 1. The monthly tracking table, summed over every month.
                let rows = try #require((try json(try await app.call(.GET, api + "/tracking", token: admin)) as? [String: Any])?["rows"] as? [[String: Any]])
                var tracking: [String: Money] = [:]
                var years = Set<Int>()
                for row in rows {
                    years.insert(Int(String((row["month"] as? String ?? "").prefix(4))) ?? 0)
                    for column in Self.columns {
                        tracking[column] = try (tracking[column] ?? .zero).adding(try Money(decimalString: try #require(row[column] as? String)))
                    }
                }
                for column in Self.columns {
                    #expect((tracking[column] ?? .zero).cents > 0, "\(fragment) : \(column) nul dans le tableau de suivi")
                }

                // 2. The execution page's summary.
                let page = try await app.call(.GET, "/conventions/\(id)/execution", token: admin).body.string
                for (column, key) in zip(Self.columns, ["engage", "realise", "facture", "paye"]) {
                    let pattern = #"data-figure="\#(key)" data-amount="([0-9.]+)""#
                    let match = try #require(page.firstMatch(of: try Regex(pattern)), "\(fragment) : \(key) absent de la page d'exécution")
                    let shown = try Money(decimalString: String(try #require(match.output[1].substring)))
                    #expect(shown == tracking[column], "\(fragment) exécution \(column) : \(shown) ≠ \(tracking[column] ?? .zero)")
                }
                // The envelopes' committed amounts add up to the services' commitments.
                let committedOnEnvelopes = try await CommitmentModel.query(on: app.db).filter(\.$convention.$id == id).all()
                    .filter { $0.status == .committed }.reduce(Money.zero) { try $0.adding(Money(cents: $1.amountCents)) }
                #expect(committedOnEnvelopes == tracking["committed"], "\(fragment) : engagements \(committedOnEnvelopes)")

                // 3. The annual reviews of every year of execution.
                var review: [String: Money] = [:]
                for year in years.sorted() {
                    let body = try #require(try json(try await app.call(.GET, api + "/annual-review?year=\(year)", token: admin)) as? [String: Any])
                    let total = try #require(body["total"] as? [String: String])
                    for column in Self.columns {
                        review[column] = try (review[column] ?? .zero).adding(try Money(decimalString: try #require(total[column])))
                    }
                }
                #expect(review == tracking, "\(fragment) bilans \(review) ≠ suivi \(tracking)")

                // 4. The département roll-up.
                var found = false
                for departement in departements {
                    let code = try #require(departement["code"] as? String)
                    let rollup = try #require(try json(try await app.call(.GET, "/api/v1/departements/\(code)", token: admin)) as? [String: Any])
                    guard let line = (rollup["conventions"] as? [[String: Any]])?.first(where: { $0["id"] as? String == id.uuidString }) else { continue }
                    found = true
                    for column in Self.columns {
                        let amount = try Money(decimalString: try #require(line[column] as? String))
                        #expect(amount == tracking[column], "\(fragment) département \(code) \(column) : \(amount) ≠ \(tracking[column] ?? .zero)")
                    }
                }
                #expect(found, "\(fragment) : dans aucun département")
                print("Démo \(fragment) : engagé \(FrenchFormat.money(tracking["committed"] ?? .zero)), réalisé \(FrenchFormat.money(tracking["delivered"] ?? .zero)), facturé \(FrenchFormat.money(tracking["invoiced"] ?? .zero)), payé \(FrenchFormat.money(tracking["paid"] ?? .zero))")
            }
        }
    }

    @Test("La démo est déterminée par le jour de chargement : deux chargements le même jour donnent les mêmes prestations et montants")
    func deterministic() async throws {
        func fingerprint() async throws -> [String] {
            try await withDemo(.sqlite, execution: true) { app in
                try await InterventionModel.query(on: app.db).all()
                    .map { "\($0.label)|\($0.quoteCents)|\($0.status.rawValue)|\($0.acceptedOn.map(FrenchFormat.date) ?? "")|\($0.paidOn.map(FrenchFormat.date) ?? "")" }
                    .sorted()
            }
        }
        let first = try await fingerprint()
        #expect(first.count > 30)
        #expect(try await fingerprint() == first)
    }
}
