import Foundation
import Testing
@testable import PacteCore

/// The rules of DOMAIN.md "Financing plans", each checked on a small plan built in code.
@Suite struct FinancingPlanTests {
    static let funders = [
        Funder(id: "a", name: "Financeur A"), Funder(id: "b", name: "Financeur B"),
        Funder(id: "c", name: "Financeur C"), Funder(id: "d", name: "Financeur D"),
    ]

    static func plan(_ lines: [CostLine], _ shares: [Share], regime: TaxRegime = .ht, dayRate: Money? = nil,
                     statedTotals: [Int?: Money] = [:]) -> ConventionPlan {
        ConventionPlan(title: "Test", regime: regime, referenceDayRate: dayRate, funders: funders,
                       actions: [PlannedAction(code: "1", title: "Action", lines: lines, shares: shares, statedTotals: statedTotals)])
    }

    static func forfait(_ euros: Int64, id: String = "l", year: Int? = nil, regime: TaxRegime = .ht) -> CostLine {
        CostLine(id: id, label: "Ligne \(id)", pricing: .forfait(.euros(euros)), regime: regime, year: year)
    }

    @Test("A percentage and its stated amount that disagree are reported (« 25 % soit 7 000 € »)")
    func statedAmountMismatch() throws {
        let result = try Self.plan([Self.forfait(30_000)], [
            .funder("a", .percentage(.percent(25)), statedAmount: .euros(7_000)),
            .funder("b", .remainder),
        ]).evaluate()
        let finding = try #require(result.findings.first { $0.code == .shareMismatch })
        #expect(finding.severity == .error)
        #expect(finding.stated == "7000.00")
        #expect(finding.computed == "7500.00")
        #expect(result.amount(for: "a") == .euros(7_500))
        #expect(result.amount(for: "b") == .euros(22_500))
    }

    @Test("Shares that do not cover the cost leave a visible gap")
    func gap() throws {
        let result = try Self.plan([Self.forfait(1_000)], [.funder("a", .fixed(.euros(600)))]).evaluate()
        #expect(result.unfunded == .euros(400))
        #expect(result.excess == .zero)
        #expect(result.findings.contains { $0.code == .shareMismatch && $0.severity == .error && $0.message.contains("400,00") })
    }

    @Test("Shares beyond the cost show as an excess")
    func excess() throws {
        let result = try Self.plan([Self.forfait(1_000)], [
            .funder("a", .fixed(.euros(700))), .funder("b", .percentage(.percent(50))), .funder("c", .remainder),
        ]).evaluate()
        #expect(result.excess == .euros(200))
        #expect(result.amount(for: "c") == .zero)
        #expect(result.findings.contains { $0.code == .shareMismatch && $0.message.contains("de trop") })
    }

    @Test("Percentages of one basis add up exactly to it: thirds of 100 €")
    func percentagesAddUp() throws {
        let third = try Rate(try Fraction(1, 3))
        let result = try Self.plan([Self.forfait(100)], [
            .funder("a", .percentage(third)), .funder("b", .percentage(third)), .funder("c", .percentage(third)),
        ]).evaluate()
        #expect([result.amount(for: "a"), result.amount(for: "b"), result.amount(for: "c")] == [3334, 3333, 3333].map { Money(cents: $0) })
        #expect(result.unfunded == .zero)
        #expect(result.findings.isEmpty)
    }

    @Test("A cap by amount sends the cut to a named funder")
    func capOverflowToFunder() throws {
        let share = Share(payer: .funder("a"), size: .percentage(.percent(80)),
                          cap: Cap(limit: .amount(.euros(20_000)), overflowTo: "b", label: "20 000 € maxi"))
        let result = try Self.plan([Self.forfait(30_000)], [share, .funder("c", .remainder)]).evaluate()
        #expect(result.amount(for: "a") == .euros(20_000))
        #expect(result.amount(for: "b") == .euros(4_000))
        #expect(result.amount(for: "c") == .euros(6_000))
        #expect(result.unfunded == .zero)
        let overflow = try #require(result.actions[0].periods[0].outcomes.first { $0.funder == "b" })
        #expect(overflow.origin == .capOverflow(from: "a"))
        #expect(result.findings.contains { $0.code == .capApplied && $0.message.contains("reportés sur Financeur B") })
    }

    @Test("A cap by rate with nobody to take over leaves the cut unfunded")
    func capByRateUnfunded() throws {
        let share = Share(payer: .funder("a"), size: .fixed(.euros(9_000)), cap: Cap(limit: .rate(.percent(80))))
        let result = try Self.plan([Self.forfait(10_000)], [share]).evaluate()
        #expect(result.amount(for: "a") == .euros(8_000))
        #expect(result.unfunded == .euros(2_000))
        #expect(result.actions[0].periods[0].cutByCaps == .euros(1_000))
    }

    @Test("A conditional share shows what would be left if it fell through")
    func conditional() throws {
        let result = try Self.plan([Self.forfait(10_000)], [
            .funder("a", .fixed(.euros(4_000)), condition: "sous réserve du vote du budget"),
            .funder("b", .remainder),
        ]).evaluate()
        let period = result.actions[0].periods[0]
        #expect(period.conditional == .euros(4_000))
        #expect(period.unfundedIfConditionalFails == .euros(4_000))
        let finding = try #require(result.findings.first { $0.code == .conditionalShare })
        #expect(finding.severity == .info)
        #expect(finding.message.contains("sous réserve du vote du budget"))
    }

    @Test("A prorata share splits its pool by the named quantity and keeps which quantity and year")
    func prorata() throws {
        let group = ProrataGroup(quantity: "population municipale", year: 2023, source: "INSEE",
                                 members: [.init(funder: "b", weight: 2), .init(funder: "c", weight: 1)])
        let result = try Self.plan([Self.forfait(1_000)], [
            .funder("a", .percentage(.percent(40))),
            Share(payer: .prorata(group), size: .remainder),
        ]).evaluate()
        #expect(result.amount(for: "a") == .euros(400))
        #expect(result.amount(for: "b") == .euros(400))
        #expect(result.amount(for: "c") == .euros(200))
        let member = try #require(result.actions[0].periods[0].outcomes.first { $0.funder == "c" })
        #expect(member.origin == .prorata(quantity: "population municipale", year: 2023, weight: 1))
    }

    @Test("Multi-year plans: a share with a year applies to that year only, one without applies to each year")
    func multiYear() throws {
        let result = try Self.plan(
            [Self.forfait(1_000, id: "y1", year: 2023), Self.forfait(500, id: "y2", year: 2024)],
            [.funder("a", .fixed(.euros(300)), year: 2023), .funder("b", .percentage(.percent(10))), .funder("c", .remainder)]
        ).evaluate()
        #expect(result.years == [2023, 2024])
        #expect(result.amount(for: "a", inYear: 2023) == .euros(300))
        #expect(result.amount(for: "a", inYear: 2024) == .zero)
        #expect(result.amount(for: "b", inYear: 2023) == .euros(100))
        #expect(result.amount(for: "b", inYear: 2024) == .euros(50))
        #expect(result.amount(for: "c", inYear: 2023) == .euros(600))
        #expect(result.amount(for: "c", inYear: 2024) == .euros(450))
    }

    @Test("Lines of another regime are converted explicitly, and the conversion is reported")
    func taxConversion() throws {
        let result = try Self.plan([Self.forfait(1_200, regime: .ttc)], [.funder("a", .remainder)], regime: .ht).evaluate()
        #expect(result.cost == .euros(1_000))
        #expect(result.findings.contains { $0.code == .taxConversion && $0.stated == "1200.00" && $0.computed == "1000.00" })
        let net = try Self.plan([Self.forfait(300, regime: .netDeTaxes)], [.funder("a", .remainder)], regime: .ht).evaluate()
        #expect(net.cost == .euros(300))
    }

    @Test("Sur devis is never 0: excluded from the cost, reported apart; shares on known lines are partial")
    func onQuote() throws {
        let lines = [Self.forfait(1_000, id: "known"), CostLine(id: "quote", label: "Étude", pricing: .onQuote)]
        let result = try Self.plan(lines, [.funder("a", .percentage(.percent(50))), .funder("b", .remainder)]).evaluate()
        #expect(result.cost == .euros(1_000))
        #expect(result.pendingLineCount == 1)
        let outcome = try #require(result.actions[0].periods[0].outcomes.first { $0.funder == "a" })
        #expect(outcome.amount == .euros(500))
        #expect(outcome.basisIncludesPending)
        #expect(result.findings.contains { $0.code == .pendingCost })
    }

    @Test("Quantity × unit price and days × day rate; a stated line amount that differs is reported")
    func lineArithmetic() throws {
        let lines = [
            CostLine(id: "q", label: "Digipilote", pricing: .quantity(Quantity(5), unitPrice: .euros(650))),
            CostLine(id: "d", label: "Entretiens", pricing: .days(try Quantity.parse("1,5"), dayRate: .euros(700))),
            CostLine(id: "s", label: "Communication", pricing: .quantity(Quantity(1), unitPrice: .euros(3_550)), statedAmount: .euros(3_350)),
        ]
        #expect(try lines[0].computedAmount() == .euros(3_250))
        #expect(try lines[1].computedAmount() == .euros(1_050))
        let result = try Self.plan(lines, [.funder("a", .remainder)], dayRate: .euros(700)).evaluate()
        #expect(result.cost == .euros(3_250 + 1_050 + 3_350))
        #expect(result.findings.filter { $0.code == .lineMismatch }.count == 1)
        #expect(!result.findings.contains { $0.code == .dayRateOutlier })
    }

    @Test("A day rate off the convention's rate is a warning")
    func dayRateOutlier() throws {
        let line = CostLine(id: "x", label: "Étude", pricing: .forfait(.euros(10_900)), effortDays: Quantity(16))
        let result = try Self.plan([line], [.funder("a", .remainder)], dayRate: .euros(700)).evaluate()
        let finding = try #require(result.findings.first { $0.code == .dayRateOutlier })
        #expect(finding.severity == .warning)
        #expect(finding.computed == "11200.00")
    }

    @Test("A stated total that differs from the lines is an error")
    func totalMismatch() throws {
        let result = try Self.plan([Self.forfait(7_700, id: "a"), Self.forfait(700, id: "b"), Self.forfait(4_200, id: "c")],
                                   [.funder("a", .remainder)], statedTotals: [nil: .euros(11_900)]).evaluate()
        let finding = try #require(result.findings.first { $0.code == .totalMismatch })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("12\u{202F}600,00"))
    }

    @Test("No financing at all is a warning, not silence")
    func noFinancing() throws {
        let result = try Self.plan([Self.forfait(500)], []).evaluate()
        #expect(result.findings.contains { $0.code == .noFinancing && $0.severity == .warning })
        #expect(result.unfunded == .euros(500))
    }

    @Test("Malformed plans are refused with a French message", arguments: [
        ([Share.funder("z", .remainder)], "n'est pas déclaré"),
        ([Share.funder("a", .remainder), Share.funder("b", .remainder)], "une seule peut recevoir le reste"),
        ([Share(payer: .funder("a"), size: .percentage(.percent(10)), basisLines: ["nope"])], "n'existe pas"),
        ([Share.funder("a", .fixed(.euros(1)), year: 1999)], "aucune ligne de coût pour l'année 1999"),
        ([Share(payer: .prorata(ProrataGroup(quantity: "population", year: 2025, members: [])), size: .remainder)], "aucun membre"),
    ])
    func malformed(shares: [Share], message: String) {
        do {
            _ = try Self.plan([Self.forfait(100)], shares).evaluate()
            Issue.record("the plan should have been refused")
        } catch {
            #expect(error.description.contains(message))
        }
    }
}

@Suite struct PlanFileTests {
    static func decode(_ json: String) throws(PlanFileError) -> ConventionPlan {
        try PlanFile.decode(Data(json.utf8))
    }

    @Test("A bad amount is refused with the path of the field and a French reason")
    func badAmount() {
        let json = #"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"1,400 €"}]}]}"#
        do {
            _ = try Self.decode(json)
            Issue.record("should fail")
        } catch {
            #expect(error.path == "actions[0].lines[0].amount")
            #expect(error.message.contains("séparateur de milliers"))
        }
    }

    @Test("A JSON number with decimals is refused: it would be read as a binary double")
    func jsonDouble() throws {
        let json = #"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":1400.5}]}]}"#
        #expect(throws: PlanFileError.self) { try Self.decode(json) }
        let whole = #"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":1400}]}]}"#
        #expect(try Self.decode(whole).actions[0].lines[0].pricing == .forfait(.euros(1_400)))
    }

    @Test("Missing fields and conflicting regimes are named")
    func missingAndConflicts() {
        do {
            _ = try Self.decode(#"{"funders":[],"actions":[]}"#)
            Issue.record("should fail")
        } catch {
            #expect(error.message.contains("« title »"))
        }
        let conflict = #"{"title":"T","funders":[],"actions":[{"title":"X","lines":[{"label":"L","amount":"100 € TTC","taxRegime":"HT"}]}]}"#
        #expect(throws: PlanFileError.self) { try Self.decode(conflict) }
        let twoPrices = #"{"title":"T","funders":[],"actions":[{"title":"X","lines":[{"label":"L","amount":"100","onQuote":true}]}]}"#
        #expect(throws: PlanFileError.self) { try Self.decode(twoPrices) }
    }

    @Test("The JSON report writes amounts as decimal strings")
    func jsonReport() throws {
        let plan = try Self.decode(#"{"title":"T","funders":[{"id":"a","name":"A"},{"id":"b","name":"B"}],"actions":[{"title":"X","lines":[{"label":"L","quantity":"3","unitPrice":"1 625"}],"shares":[{"funder":"a","amount":"2 250"},{"funder":"b","remainder":true}]}]}"#)
        let json = try PlanJSONReport(try plan.evaluate()).render()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["cost"] as? String == "4875.00")
        let funders = try #require(object["funders"] as? [[String: Any]])
        #expect(funders.map { $0["total"] as? String } == ["2250.00", "2625.00"])
    }

    @Test("The text report lays out the table with French amounts and the findings")
    func textReport() throws {
        let plan = try Self.decode(#"{"title":"Convention T","funders":[{"id":"a","name":"Ville","short":"V"}],"actions":[{"code":"2.b","title":"Digipilote","lines":[{"label":"L","quantity":"5","unitPrice":"650"}],"shares":[{"funder":"a","amount":"3 000"}]}]}"#)
        let text = PlanTextReport.render(try plan.evaluate())
        #expect(text.contains("Convention T"))
        #expect(text.contains("2.b Digipilote"))
        #expect(text.contains("3\u{202F}250,00\u{00A0}€"))
        #expect(text.contains("reste 250,00\u{00A0}€"))
        #expect(text.contains("[erreur] share-mismatch"))
    }
}

/// Defects found in review, kept as tests so that they stay fixed.
@Suite struct ReviewRegressionTests {
    static func plan(_ json: String) throws -> ConventionPlan { try PlanFile.decode(Data(json.utf8)) }

    @Test("Amounts too large to add up are a French error, not a crash")
    func overflowIsAnError() throws {
        let line = CostLine(id: "x", label: "X", pricing: .forfait(Money(cents: .max / 2 + 1)), year: 2023)
        let other = CostLine(id: "y", label: "Y", pricing: .forfait(Money(cents: .max / 2 + 1)), year: 2024)
        let plan = ConventionPlan(title: "T", funders: [Funder(id: "a", name: "A")],
                                  actions: [PlannedAction(code: "1", title: "A", lines: [line, other], shares: [.funder("a", .remainder)])])
        #expect(throws: PlanError.self) { try plan.evaluate() }
    }

    @Test("A remainder on a cost that is wholly sur devis is pending, and a gap on partly pending costs is only information")
    func pendingRemainder() throws {
        let result = try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"},{"id":"b","name":"B"}],"actions":[{"title":"X","lines":[{"label":"L","onQuote":true}],"shares":[{"funder":"a","percent":"50 %"},{"funder":"b","remainder":true}]}]}"#).evaluate()
        let remainder = try #require(result.actions[0].periods[0].outcomes.first { $0.funder == "b" })
        #expect(remainder.amount == nil)
        #expect(remainder.isPending)
        #expect(FinancingTable(result).funderHasKnownAmount == [false, false])
        let fixed = try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","onQuote":true}],"shares":[{"funder":"a","amount":"10 000"}]}]}"#).evaluate()
        #expect(!fixed.findings.contains { $0.severity == .error })
        #expect(fixed.findings.contains { $0.code == .shareMismatch && $0.severity == .info })
    }

    @Test("A share written in another regime than the plan's is refused")
    func shareRegime() {
        #expect(throws: PlanFileError.self) {
            try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"1 000"}],"shares":[{"funder":"a","amount":"1 200 € TTC"}]}]}"#)
        }
    }

    @Test("The day rate is checked in the plan's regime")
    func dayRateAfterConversion() throws {
        let result = try Self.plan(#"{"title":"T","dayRate":"700 €","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"10 080 € TTC (12 j)"}],"shares":[{"funder":"a","remainder":true}]}]}"#).evaluate()
        #expect(!result.findings.contains { $0.code == .dayRateOutlier })
    }

    @Test("Basis lines are a set: order does not matter, duplicates are refused")
    func basisSet() throws {
        #expect(throws: PlanFileError.self) {
            try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"id":"l1","label":"L","amount":"1 000"}],"shares":[{"funder":"a","percent":"50 %","lines":["l1","l1"]}]}]}"#)
        }
        let result = try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"},{"id":"b","name":"B"}],"actions":[{"title":"X","lines":[{"id":"l1","label":"L","amount":"0,02"},{"id":"l2","label":"M","amount":"0,03"}],"shares":[{"funder":"a","percent":"50 %","lines":["l1","l2"]},{"funder":"b","percent":"50 %","lines":["l2","l1"]}]}]}"#).evaluate()
        #expect(result.amount(for: "a") + result.amount(for: "b") == Money(cents: 5))
        #expect(result.findings.isEmpty)
    }

    @Test("A stated share amount is compared with the amount before its cap")
    func statedBeforeCap() throws {
        let result = try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"},{"id":"b","name":"B"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"50 000"}],"shares":[{"funder":"a","percent":"80 %","stated":"40 000","cap":{"amount":"20 000"}},{"funder":"b","remainder":true}]}]}"#).evaluate()
        #expect(!result.findings.contains { $0.code == .shareMismatch })
        #expect(result.amount(for: "a") == .euros(20_000))
    }

    @Test("Multi-year plans: a line without a year, or a fixed share without a year, is refused")
    func multiYearAmbiguity() {
        #expect(throws: PlanFileError.self) {
            try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"100","year":2023},{"label":"M","amount":"50"}]}]}"#)
        }
        #expect(throws: PlanFileError.self) {
            try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"100","year":2023},{"label":"M","amount":"50","year":2024}],"shares":[{"funder":"a","amount":"150"}]}]}"#)
        }
    }

    @Test("Negative shares and caps, and totals for undeclared funders, are refused")
    func refusedValues() {
        #expect(throws: PlanFileError.self) {
            try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"100"}],"shares":[{"funder":"a","amount":"-100"}]}]}"#)
        }
        #expect(throws: PlanFileError.self) {
            try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"100"}],"statedFunderTotals":{"zz":"100"}}]}"#)
        }
    }

    @Test("A misspelt key is refused rather than silently ignored")
    func unknownKeys() {
        do {
            _ = try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"100"}],"shares":[{"funder":"a","amount":"100","conditon":"sous réserve"}]}]}"#)
            Issue.record("should fail")
        } catch {
            #expect(String(describing: error).hasPrefix("actions[0].shares[0] : "))
            #expect(String(describing: error).contains("« conditon » inconnu"))
        }
    }

    @Test("JSON type errors are explained in French")
    func frenchTypeErrors() {
        do {
            _ = try Self.plan(#"{"title":"T","funders":[{"id":"a","name":"A"}],"actions":[{"title":"X","lines":[{"label":"L","amount":"100"}],"shares":[{"funder":"a","percent":25}]}]}"#)
            Issue.record("should fail")
        } catch {
            #expect(String(describing: error).contains("attendu du texte entre guillemets"))
            #expect(!String(describing: error).contains("Expected"))
        }
    }

    @Test("Notice before an end of month ends on the last day of the month")
    func latestNoticeEndOfMonth() throws {
        let effective = try CivilDate(year: 2024, month: 4, day: 30)
        #expect(NoticePeriod.months(1).latestNotice(before: effective) == (try CivilDate(year: 2024, month: 3, day: 31)))
        #expect(NoticePeriod.months(2).latestNotice(before: try CivilDate(year: 2021, month: 12, day: 31)) == (try CivilDate(year: 2021, month: 10, day: 31)))
        #expect(NoticePeriod.months(1).latestNotice(before: try CivilDate(year: 2024, month: 4, day: 15)) == (try CivilDate(year: 2024, month: 3, day: 15)))
    }

    @Test("Identifiers: no silent clean-up of an act number, no SIREN 000 000 000")
    func identifiers() {
        #expect(throws: IdentifierError.self) { try ActesId("090-249000241-20201217-2020.08.04-DE") }
        #expect(throws: IdentifierError.self) { try Siren("000000000") }
    }
}
