import Foundation
import PacteCore
@testable import PacteWeb
import Plot
import SnapshotTesting
import Testing

/// The HTML of the page pieces that carry the figures, built from the Sézanne plan file and fixed
/// values, compared line by line with the recorded snapshots (`__Snapshots__/`). A change of markup
/// shows up here as a readable diff; re-record deliberately with `SNAPSHOT_TESTING_RECORD=all`.
@Suite("Instantanés HTML des composants de page")
struct PageSnapshotTests {
    static let root = Repository.root

    func sezanne() throws -> PlanEvaluation {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("examples/sezanne.json"))
        return try PlanFile.decode(data).evaluate()
    }

    /// One element per line, so that a diff names the cell that changed.
    func lines(_ node: BodyNode) -> String {
        Node<HTML.BodyContext>.div(node).render().replacingOccurrences(of: "><", with: ">\n<")
    }

    @Test("Le tableau de financement de Sézanne")
    func sezanneFinancingTable() throws {
        let evaluation = try sezanne()
        let ids = evaluation.actions.indices.map { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", $0))! }
        let view = FinancingTableView(table: FinancingTable(evaluation), evaluation: evaluation, actionIDs: ids,
                                      conventionID: UUID(uuidString: "00000000-0000-0000-0000-00000000000C")!,
                                      axisTitles: ["1": "Comprendre les enjeux économiques du territoire"],
                                      caption: "Plan de financement par action et par financeur (montants HT)")
        assertSnapshot(of: lines(view.render()), as: .lines)
    }

    @Test("Le graphique des financeurs et l'échéancier prévu / engagé")
    func charts() throws {
        let funders = [Charts.FunderAmount(name: "CCIM", amount: Money(cents: 17_900_00), known: true),
                       Charts.FunderAmount(name: "Banque des Territoires", amount: .zero, known: false)]
        assertSnapshot(of: lines(Charts.fundingByFunder(funders, id: "g1", caption: "Financement par financeur")), as: .lines, named: "funders")
        let months = try MonthlySchedule.planned(try sezanne(), from: try CivilDate(year: 2024, month: 1, day: 1), to: try CivilDate(year: 2024, month: 6, day: 30))
        let points = months.map { Charts.MonthPoint(month: $0.month, planned: $0.cumulative, committed: .zero) }
        assertSnapshot(of: lines(Charts.plannedAgainstCommitted(points, id: "g2", caption: "Prévu et engagé", note: nil)), as: .lines, named: "schedule")
    }

    @Test("Un champ en erreur : libellé, aide, message et attributs ARIA")
    func fieldInError() {
        var state = FormState(values: ["unitPrice": ["12,345 €"]])
        _ = state.amount("unitPrice", label: "Prix unitaire")
        let field = Field(name: "unitPrice", label: "Prix unitaire", control: .checked("amount"), hint: "Par exemple « 650 € ».", short: true)
        assertSnapshot(of: lines(field.render(state)), as: .lines)
    }
}
