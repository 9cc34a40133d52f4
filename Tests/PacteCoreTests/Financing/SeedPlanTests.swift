import Foundation
import Testing
@testable import PacteCore

/// The figures of DOMAIN.md "Figures the seeds give", computed from the example files.
@Suite(.tags(.golden)) struct SeedPlanTests {
    static func evaluate(_ name: String) throws -> PlanEvaluation {
        let url = Repository.root.appendingPathComponent("examples/\(name).json")
        return try PlanFile.load(contentsOf: url).evaluate()
    }

    static func action(_ evaluation: PlanEvaluation, _ code: String, _ titlePrefix: String = "") -> ActionResult? {
        evaluation.actions.first { $0.action.code == code && $0.action.title.hasPrefix(titlePrefix) }
    }

    // MARK: Seed 000, Sézanne

    @Test("Sézanne: 59 975 € = CCIM 17 900 + Ville 14 375 + Entreprise 10 700 + Région 17 000")
    func sezanneTotals() throws {
        let evaluation = try Self.evaluate("sezanne")
        #expect(evaluation.cost == .euros(59_975))
        #expect(evaluation.amount(for: "ccim") == .euros(17_900))
        #expect(evaluation.amount(for: "ville") == .euros(14_375))
        #expect(evaluation.amount(for: "entreprise") == .euros(10_700))
        #expect(evaluation.amount(for: "region") == .euros(17_000))
        #expect(evaluation.amount(for: "bdt") == .zero)
        #expect(evaluation.unfunded == .zero)
        #expect(evaluation.excess == .zero)
    }

    @Test("Sézanne 3.c: a unit of 3 550 € and a total of 3 350 € is reported; 3 350 € is kept")
    func sezanneLineMismatch() throws {
        let evaluation = try Self.evaluate("sezanne")
        let communication = try #require(Self.action(evaluation, "3.c"))
        #expect(communication.cost == .euros(3_350))
        let mismatch = try #require(communication.findings.first { $0.code == .lineMismatch })
        #expect(mismatch.severity == .error)
        #expect(mismatch.stated == "3350.00")
        #expect(mismatch.computed == "3550.00")
        #expect(mismatch.message.contains("écart 200,00"))
        #expect(evaluation.findings.filter { $0.severity == .error }.count == 1)
    }

    @Test("Sézanne 2.c: 6 000 × 5 = 30 000 € — Ville 25 % = 7 500, Entreprise 25 % = 7 500, Région 50 % = 15 000")
    func sezanne2c() throws {
        let evaluation = try Self.evaluate("sezanne")
        let parcours = try #require(Self.action(evaluation, "2.c"))
        #expect(parcours.cost == .euros(30_000))
        #expect(parcours.amount(for: "ville") == .euros(7_500))
        #expect(parcours.amount(for: "entreprise") == .euros(7_500))
        #expect(parcours.amount(for: "region") == .euros(15_000))
        #expect(!parcours.findings.contains { $0.code == .shareMismatch })
    }

    @Test("Sézanne 2.d: 1 625 × 3 = 4 875 € = CCIM 2 250 + Ville 2 625")
    func sezanne2d() throws {
        let relance = try #require(Self.action(try Self.evaluate("sezanne"), "2.d"))
        #expect(relance.cost == .euros(4_875))
        #expect(relance.amount(for: "ccim") == .euros(2_250))
        #expect(relance.amount(for: "ville") == .euros(2_625))
        #expect(relance.unfunded == .zero)
    }

    @Test("Sézanne 1.a is sur devis: pending, never 0, its shares shown as rates")
    func sezannePending() throws {
        let evaluation = try Self.evaluate("sezanne")
        let study = try #require(Self.action(evaluation, "1.a"))
        #expect(study.pendingLines.count == 1)
        #expect(study.cost == .zero)
        let outcomes = study.periods[0].outcomes
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { $0.isPending && $0.amount == nil })
        let table = FinancingTable(evaluation)
        let row = try #require(table.rows.first { $0.label.hasPrefix("1.a") })
        #expect(row.cost == nil)
        let villeColumn = try #require(table.funders.firstIndex { $0.id == "ville" })
        #expect(row.cells[villeColumn] == .pending("20\u{00A0}%"))
        #expect(table.pendingNotes.count == 1)
        #expect(evaluation.pendingLineCount == 1)
    }

    @Test("Sézanne: « Banque des Territoires ? » is an undetermined conditional share, not a number")
    func sezanneUndetermined() throws {
        let evaluation = try Self.evaluate("sezanne")
        let jel = try #require(Self.action(evaluation, "3.a", "Service"))
        let bdt = try #require(jel.periods[0].outcomes.first { $0.funder == "bdt" })
        #expect(bdt.isUndetermined)
        #expect(bdt.amount == nil)
        #expect(jel.findings.contains { $0.code == .undeterminedShare })
    }

    // MARK: Seed 002, Ardennes

    @Test("Ardennes: 44 143,58 € TTC, half for the département, half split among the seven EPCI by population")
    func ardennes() throws {
        let evaluation = try Self.evaluate("ardennes")
        #expect(evaluation.cost == Money(cents: 4_414_358))
        #expect(evaluation.amount(for: "cd08") == Money(cents: 2_207_179))
        let expected: [(FunderID, Int64)] = [
            ("ca-ardenne-metropole", 1_101_296), ("cc-pays-rethelois", 274_067), ("cc-vallees-plateau", 218_485),
            ("cc-cretes", 197_754), ("cc-portes-luxembourg", 177_265), ("cc-argonne", 151_830), ("cc-ardennes-thierache", 86_482),
        ]
        for (funder, cents) in expected {
            #expect(evaluation.amount(for: funder) == Money(cents: cents), "\(funder)")
        }
        #expect(try Money.sum(expected.map { evaluation.amount(for: $0.0) }) == Money(cents: 2_207_179))
        #expect(evaluation.findings.isEmpty)
        let member = try #require(evaluation.actions[0].periods[0].outcomes.first { $0.funder == "cc-argonne" })
        #expect(member.origin == .prorata(quantity: "population totale", year: 2025, weight: 16_977))
    }

    // MARK: Seed 003, Dijon

    @Test("Dijon: every sheet's total", arguments: [
        ("PME", 16_100 as Int64), ("MyShop", 16_100), ("Alerte", 7_000), ("PDME", 2_800), ("Observatoire", 24_500),
        ("IMDEX", 22_300), ("Fichier", 0), ("Capitaux", 10_900), ("Export", 12_600), ("Fabrik", 130_500),
        ("Protect'eau", 11_200), ("Innovation", 6_300), ("Clubs", 4_200), ("CIA", 6_000), ("Agro", 2_800), ("Marchés", 1_400),
    ])
    func dijonTotals(code: String, euros: Int64) throws {
        let sheet = try #require(Self.action(try Self.evaluate("dijon"), code))
        #expect(sheet.cost == .euros(euros))
    }

    @Test("Dijon export sheet: 11 900 € stated, the lines add up to 12 600 €")
    func dijonExport() throws {
        let evaluation = try Self.evaluate("dijon")
        let export = try #require(Self.action(evaluation, "Export"))
        let finding = try #require(export.findings.first { $0.code == .totalMismatch })
        #expect(finding.severity == .error)
        #expect(finding.stated == "11900.00")
        #expect(finding.computed == "12600.00")
        // The only total that is wrong in the whole file.
        #expect(evaluation.findings.filter { $0.code == .totalMismatch }.count == 1)
    }

    @Test("Dijon foreign-capital sheet: 10 900 € for 16 days is 681,25 €/day, off the 700 € rate; 750 €/day holds in the indemnity sheet")
    func dijonDayRate() throws {
        let evaluation = try Self.evaluate("dijon")
        let outliers = evaluation.findings.filter { $0.code == .dayRateOutlier }
        #expect(outliers.count == 1)
        let outlier = try #require(outliers.first)
        #expect(outlier.severity == .warning)
        #expect(outlier.location?.hasPrefix("Capitaux") == true)
        #expect(outlier.message.contains("681,25"))
    }

    @Test("La Fabrik: 130 500 € = FSE 49 700 (sous réserve) + Métropole 13 675 + CCI 17 125 + Région 50 000")
    func fabrik() throws {
        let fabrik = try #require(Self.action(try Self.evaluate("dijon"), "Fabrik"))
        #expect(fabrik.cost == .euros(130_500))
        #expect(fabrik.amount(for: "fse") == .euros(49_700))
        #expect(fabrik.amount(for: "dijon") == .euros(13_675))
        #expect(fabrik.amount(for: "cci") == .euros(17_125))
        #expect(fabrik.amount(for: "region") == .euros(50_000))
        #expect(fabrik.unfunded == .zero)
        let period = fabrik.periods[0]
        #expect(period.conditional == .euros(49_700))
        #expect(period.unfundedIfConditionalFails == .euros(49_700))
        #expect(fabrik.findings.contains { $0.code == .conditionalShare })
    }

    @Test("Synergies: 84 700 € in 2023 and 21 550 € in 2024, with Dijon Métropole's 19 900 € and 5 050 €")
    func synergies() throws {
        let evaluation = try Self.evaluate("dijon")
        let synergies = try #require(Self.action(evaluation, "Synergies"))
        #expect(synergies.periods.map(\.year) == [2023, 2024])
        #expect(synergies.periods.map(\.cost) == [.euros(84_700), .euros(21_550)])
        #expect(evaluation.cost(inYear: 2023) == .euros(84_700))
        #expect(evaluation.amount(for: "dijon", inYear: 2023) == .euros(19_900))
        #expect(evaluation.amount(for: "dijon", inYear: 2024) == .euros(5_050))
        #expect(!synergies.findings.contains { $0.code == .totalMismatch })
        // The staff cost is capped at 36 000 € a year and per FTE.
        let capped = try #require(synergies.periods[0].outcomes.first { $0.cappedFrom != nil })
        #expect(capped.amount == .euros(36_000))
        #expect(capped.cappedFrom == .euros(59_000))
        #expect(synergies.periods[0].cutByCaps == .euros(23_000))
    }

    @Test("MyShop: 16 100 € = Dijon Métropole 10 800 € + KapNumériK 5 300 €")
    func myShop() throws {
        let myShop = try #require(Self.action(try Self.evaluate("dijon"), "MyShop"))
        #expect(myShop.cost == .euros(16_100))
        #expect(myShop.amount(for: "dijon") == .euros(10_800))
        #expect(myShop.amount(for: "region") == .euros(5_300))
        #expect(myShop.unfunded == .zero && myShop.excess == .zero)
        #expect(!myShop.findings.contains { $0.severity != .info })
    }

    @Test("PROTECT'EAU: Agence de l'eau 70 % of communication + 50 % of animation = 6 000 €, the CCI's remainder 5 200 €")
    func protectEau() throws {
        let sheet = try #require(Self.action(try Self.evaluate("dijon"), "Protect'eau"))
        #expect(sheet.amount(for: "agence-eau") == .euros(6_000))
        #expect(sheet.amount(for: "cci") == .euros(5_200))
        #expect(!sheet.findings.contains { $0.code == .shareMismatch })
    }

    @Test("Indemnity commission: 8 days at 750 €, phase 4 sur devis stays apart")
    func indemnity() throws {
        let sheet = try #require(Self.action(try Self.evaluate("dijon"), "CIA"))
        #expect(sheet.cost == .euros(6_000))
        #expect(sheet.pendingLines.count == 1)
        #expect(!sheet.findings.contains { $0.code == .totalMismatch || $0.code == .dayRateOutlier })
    }
}
