import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Enveloppes et engagements : plafonds tenus, y compris sous concurrence")
struct EnvelopeTests {
    func ids(_ app: Application) async throws -> (convention: UUID, ccst: UUID) {
        let convention = try await app.conventionID(titled: "seed 001")
        let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
        return (convention, ccst)
    }

    func envelope(_ app: Application, token: String, convention: UUID, funder: UUID, cap: String) async throws -> String {
        let created = try await app.call(.POST, "/api/v1/conventions/\(convention)/envelopes", token: token,
                                         json: #"{"name":"CCST — prestations CMA","funderID":"\#(funder)","cap":"\#(cap)"}"#)
        #expect(created.status == .created, "\(created.body.string)")
        return try #require((try json(created) as? [String: Any])?["id"] as? String)
    }

    func commit(_ app: Application, token: String, convention: UUID, funder: UUID, amount: String) async throws -> TestingHTTPResponse {
        try await app.call(.POST, "/api/v1/conventions/\(convention)/commitments", token: token,
                           json: #"{"funderID":"\#(funder)","label":"Coaching Rebond","amount":"\#(amount)"}"#)
    }

    @Test("Seed 001 : 4 800 € engagés dans 5 000 €, 300 € de plus refusés (reste 200 €), l'annulation d'un engagement de 600 € fait la place", arguments: Engine.available)
    func seed001(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sud-territoire.ccst@demo.pacte.fr")
            let (convention, ccst) = try await ids(app)
            _ = try await envelope(app, token: token, convention: convention, funder: ccst, cap: "5 000 €")
            var ids: [String: String] = [:]
            for amount in ["1200", "1200", "1200", "600", "300", "300"] {
                let response = try await commit(app, token: token, convention: convention, funder: ccst, amount: amount)
                #expect(response.status == .created, "\(response.body.string)")
                ids[amount] = (try json(response) as? [String: Any])?["id"] as? String
            }
            let refused = try await commit(app, token: token, convention: convention, funder: ccst, amount: "300")
            #expect(refused.status == .conflict)
            let detail = try problemDetail(refused).detail
            #expect(detail.contains("« CCST — prestations CMA »") && detail.contains("200,00"), "\(detail)")

            let six = try #require(ids["600"])
            #expect(try await app.call(.POST, "/api/v1/conventions/\(convention)/commitments/\(six)/release", token: token).status == .ok)
            #expect(try await app.call(.POST, "/api/v1/conventions/\(convention)/commitments/\(six)/release", token: token).status == .conflict)
            #expect(try await commit(app, token: token, convention: convention, funder: ccst, amount: "300").status == .created)

            let states = try #require(try json(try await app.call(.GET, "/api/v1/conventions/\(convention)/envelopes", token: token)) as? [[String: Any]])
            #expect(states.first?["committed"] as? String == "4500.00")
            #expect(states.first?["remaining"] as? String == "500.00")

            // A reader may not commit; the dashboard now shows what is consumed.
            let reader = try await app.token("elu.sud-territoire.ccst@demo.pacte.fr")
            #expect(try await commit(app, token: reader, convention: convention, funder: ccst, amount: "10").status == .forbidden)
            let home = try await app.call(.GET, "/", token: token).body.string
            #expect(home.contains("Consommé : " + HTMLText.french("4 500,00 €")), "the dashboard's consumption bar reads the commitments")
            let page = try await app.call(.GET, "/conventions/\(convention)", token: token).body.string
            let cells = try #require(page.components(separatedBy: "<th scope=\"row\">CCST — prestations CMA</th>").dropFirst().first?
                .components(separatedBy: "</tr>").first)
            let row = HTMLText.text(cells.replacingOccurrences(of: "</td>", with: " | "))
            #expect(row.contains(HTMLText.french("5 000,00 €")) && row.contains(HTMLText.french("4 500,00 €")) && row.contains(HTMLText.french("500,00 €")), "\(row)")
        }
    }

    @Test("Concurrence : deux instances, 32 clients, 1 000 tentatives d'engagement sur une enveloppe ; le plafond n'est jamais dépassé",
          arguments: Engine.available)
    func concurrentCommitments(engine: Engine) async throws {
        try await exclusively { try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { first in
                try await withPacte(fixture.location) { second in
                    // SQLite is one file for one office: one instance; PostgreSQL: two instances, one database.
                    let apps = engine == .postgres ? [first, second] : [first]
                    let token = try await first.token("agent.sud-territoire.ccst@demo.pacte.fr")
                    let (convention, ccst) = try await ids(first)
                    let cap = Money(cents: 50_000_00)
                    _ = try await envelope(first, token: token, convention: convention, funder: ccst, cap: cap.decimalString)
                    let attempts = 1_000, clients = 32
                    let counter = Counter()
                    let clock = ContinuousClock()
                    let start = clock.now
                    let outcomes = try await withThrowingTaskGroup(of: [Int64: HTTPStatus].self) { group in
                        for client in 0..<clients {
                            let app = apps[client % apps.count]
                            group.addTask {
                                var mine: [Int64: HTTPStatus] = [:]
                                while let n = await counter.next(upTo: attempts) {
                                    let cents: Int64 = [300_00, 600_00, 1_200_00][n % 3]
                                    let response = try await app.call(.POST, "/api/v1/conventions/\(convention)/commitments", token: token,
                                                                      json: #"{"funderID":"\#(ccst)","label":"essai \#(n)","amount":"\#(Money(cents: cents).decimalString)"}"#)
                                    mine[Int64(n) * 10_000_000 + cents] = response.status
                                }
                                return mine
                            }
                        }
                        var all: [Int64: HTTPStatus] = [:]
                        for try await part in group { all.merge(part) { a, _ in a } }
                        return all
                    }
                    let elapsed = clock.now - start
                    let accepted = outcomes.filter { $0.value == .created }
                    let refused = outcomes.filter { $0.value == .conflict }
                    #expect(outcomes.count == attempts)
                    #expect(accepted.count + refused.count == attempts, "only 201 and 409 are expected")
                    let acceptedSum = accepted.keys.reduce(Int64(0)) { $0 + $1 % 10_000_000 }
                    let stored = try await CommitmentModel.query(on: first.db).filter(\.$convention.$id == convention).filter(\.$status == .committed).all()
                    #expect(stored.count == accepted.count, "every accepted commitment is in the database")
                    #expect(stored.reduce(Int64(0)) { $0 + $1.amountCents } == acceptedSum)
                    #expect(acceptedSum <= cap.cents, "the cap holds")
                    #expect(cap.cents - acceptedSum < 300_00, "the envelope is filled up to less than the smallest commitment")
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    print("[\(engine)] \(apps.count) instance(s), \(clients) clients, \(attempts) tentatives : \(accepted.count) acceptées, "
                          + "\(refused.count) refusées, engagé \(Money(cents: acceptedSum)) sur \(cap), \(Int(Double(attempts) / seconds)) requêtes/s")
                }
            }
        } }
    }
}

actor Counter {
    var value = 0
    func next(upTo limit: Int) -> Int? {
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}
