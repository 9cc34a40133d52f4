import PacteCore
import Testing

@Suite("Échéancier mensuel du prévu")
struct MonthlyScheduleTests {
    func evaluation(_ actions: [PlannedAction]) throws -> PlanEvaluation {
        try ConventionPlan(title: "t", regime: .ht, vat: .standardVAT, referenceDayRate: nil, funders: [], actions: actions, notes: []).evaluate()
    }

    @Test("Le coût de chaque année est réparti au centime sur ses mois dans la convention, et le cumul finit au coût total")
    func spreadsOverTheMonthsOfTheYear() throws {
        let plan = try evaluation([
            PlannedAction(code: "1", title: "2024", lines: [CostLine(id: "a", label: "a", pricing: .forfait(Money(cents: 1_000_00)), year: 2024)]),
            PlannedAction(code: "2", title: "sans année", lines: [CostLine(id: "b", label: "b", pricing: .forfait(Money(cents: 100)))]),
        ])
        let months = try MonthlySchedule.planned(plan, from: try CivilDate(year: 2024, month: 7, day: 1), to: try CivilDate(year: 2025, month: 6, day: 30))
        #expect(months.count == 12)
        #expect(months.first?.month == YearMonth(year: 2024, month: 7))
        #expect(months.last?.month == YearMonth(year: 2025, month: 6))
        // 1 000 € over July–December 2024 (6 months): 166,67 × 4 + 166,66 × 2; 1 € over 12 months: 0,09 × 4 + 0,08 × 8.
        let firstHalf: Int64 = months.prefix(6).map(\.amount.cents).reduce(0, +)
        let expected: Int64 = 100_000 + 36 + 16
        #expect(firstHalf == expected)
        #expect(months.last?.cumulative == Money(cents: 1_000_00 + 100))
        #expect(months.allSatisfy { $0.amount.cents >= 0 })
        #expect(zip(months, months.dropFirst()).allSatisfy { $0.cumulative <= $1.cumulative })
    }

    @Test("Une année hors de la convention compte dans le mois le plus proche ; des dates inversées ne donnent rien")
    func yearOutsideTheConvention() throws {
        let plan = try evaluation([PlannedAction(code: "1", title: "x", lines: [CostLine(id: "a", label: "a", pricing: .forfait(Money(cents: 500)), year: 2030)])])
        let months = try MonthlySchedule.planned(plan, from: try CivilDate(year: 2024, month: 1, day: 1), to: try CivilDate(year: 2024, month: 3, day: 31))
        #expect(months.map(\.amount.cents) == [0, 0, 500])
        #expect(try MonthlySchedule.planned(plan, from: try CivilDate(year: 2024, month: 3, day: 1), to: try CivilDate(year: 2024, month: 1, day: 1)).isEmpty)
        #expect(YearMonth(year: 2024, month: 13) == YearMonth(year: 2025, month: 1))
        #expect(YearMonth(year: 2024, month: 0) == YearMonth(year: 2023, month: 12))
        #expect(YearMonth(year: 2024, month: 3).longLabel == "mars 2024")
    }
}
