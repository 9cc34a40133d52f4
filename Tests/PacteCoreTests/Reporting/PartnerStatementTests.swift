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

@Suite("Indicateurs : objectif en nombre ou en part, au prorata de la période écoulée")
struct IndicatorTests {
    @Test("PROTECT'EAU (seed 003) : 5 sites diagnostiqués dont 3 régularisés est dans l'objectif de 60 % ; avec 2, en retard")
    func protectEau() throws {
        let diagnosed = Quantity(5)
        let onTarget = IndicatorRules.assess(.shareAtLeast(.percent(60)), value: Quantity(3), base: diagnosed)
        #expect(onTarget.status == .onTrack)
        #expect(onTarget.achieved == (try Fraction(3, 5)))
        #expect(IndicatorRules.assess(.shareAtLeast(.percent(60)), value: Quantity(2), base: diagnosed).status == .behind)
        #expect(IndicatorRules.assess(.atLeast(Quantity(5)), value: diagnosed, base: nil).status == .onTrack)
        #expect(IndicatorRules.assess(.atLeast(Quantity(5)), value: Quantity(4), base: nil).status == .behind)
    }

    @Test("En cours d'année, l'objectif se lit au prorata : 3 sites à mi-année sur 5 par an, c'est dans l'objectif")
    func proRata() throws {
        let half = try Fraction(1, 2)
        #expect(IndicatorRules.assess(.atLeast(Quantity(5)), value: Quantity(3), base: nil, elapsed: half).status == .onTrack)
        #expect(IndicatorRules.assess(.atLeast(Quantity(5)), value: Quantity(2), base: nil, elapsed: half).status == .behind)
        #expect(IndicatorRules.assess(.atLeast(Quantity(5)), value: nil, base: nil).status == .notMeasured)
        #expect(IndicatorRules.assess(.shareAtLeast(.percent(60)), value: Quantity(0), base: Quantity(0)).status == .notMeasured, "no base, no share")
    }
}

@Suite("Livrables : échéances et état de chaque livraison")
struct DeliverableTests {
    @Test("Note mensuelle au dernier jour du mois : douze échéances en 2021, la fin de mois suivie (28/02, 30/04)")
    func monthly() throws {
        let dates = DeliverableSchedule.dueDates(first: try CivilDate(year: 2021, month: 1, day: 31), every: .monthly,
                                                 through: try CivilDate(year: 2021, month: 12, day: 31))
        #expect(dates.count == 12)
        #expect(dates[1] == (try CivilDate(year: 2021, month: 2, day: 28)))
        #expect(dates[3] == (try CivilDate(year: 2021, month: 4, day: 30)))
        #expect(DeliverableSchedule.dueDates(first: try CivilDate(year: 2021, month: 3, day: 31), every: .quarterly,
                                             through: try CivilDate(year: 2021, month: 12, day: 31)).count == 4)
        let due = try CivilDate(year: 2021, month: 1, day: 31)
        #expect(DeliverableSchedule.status(due: due, deliveredOn: try CivilDate(year: 2021, month: 2, day: 5), today: due) == .late)
        #expect(DeliverableSchedule.status(due: due, deliveredOn: due, today: due) == .onTime)
        #expect(DeliverableSchedule.status(due: due, deliveredOn: nil, today: try CivilDate(year: 2021, month: 1, day: 15)) == .awaited)
        #expect(DeliverableSchedule.status(due: due, deliveredOn: nil, today: try CivilDate(year: 2021, month: 2, day: 1)) == .overdue)
    }
}
