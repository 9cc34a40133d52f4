@testable import PacteCore
import Testing

@Suite("Relevés des partenaires : la part de chacun, les titres émis, les paiements")
struct PartnerStatementTests {
    @Test("Seed 002 : les sept parts des EPCI (22 071,79 € au total) ; un titre payé en partie")
    func seed002() throws {
        let evaluation = try SeedPlanTests.evaluate("ardennes")
        var statements = try PartnerStatements.make(evaluation, collector: "cd08", orders: [])
        let expected: [FunderID: Int64] = [
            "ca-ardenne-metropole": 1_101_296, "cc-pays-rethelois": 274_067, "cc-vallees-plateau": 218_485, "cc-cretes": 197_754,
            "cc-portes-luxembourg": 177_265, "cc-argonne": 151_830, "cc-ardennes-thierache": 86_482,
        ]
        #expect(Dictionary(uniqueKeysWithValues: statements.map { ($0.partner, $0.due.cents) }) == expected)
        #expect(try Money.sum(statements.map(\.due)) == Money(cents: 2_207_179))
        #expect(statements.allSatisfy { $0.toOrder == $0.due && $0.toCollect == .zero })

        statements = try PartnerStatements.make(evaluation, collector: "cd08",
                                                orders: [RevenueOrderFact(partner: "cc-argonne", amount: Money(cents: 151_830), paid: Money(cents: 100_000))])
        let argonne = try #require(statements.first { $0.partner == "cc-argonne" })
        #expect(argonne.toOrder == .zero)
        #expect(argonne.toCollect == Money(cents: 51_830))
    }
}
