import Foundation
import PacteCore
import PacteStore
import Plot

/// Small pieces shared by the pages: French values, badges, bars, the financing table.
enum UI {
    static func date(_ date: CivilDate?) -> String { date.map(FrenchFormat.date) ?? "—" }
    static func money(_ amount: Money?) -> String { amount.map(FrenchFormat.money) ?? "—" }

    static func statusBadge(_ status: ConventionStatus) -> BodyNode {
        .span(.class("badge status-\(status.rawValue)"), .text(status.label))
    }

    static func severityBadge(_ severity: Finding.Severity) -> BodyNode {
        .span(.class("badge severity-\(severity.rawValue)"), .text(severity.label.capitalized))
    }

    /// A share of a whole, in percent with two decimals (`33,33 %`), computed exactly.
    static func percent(_ part: Money, of whole: Money) -> String {
        guard whole.cents > 0 else { return "—" }
        guard let fraction = try? Fraction(part.cents, whole.cents), let rate = try? Rate(fraction) else { return "—" }
        return FrenchFormat.percent(rate)
    }

    /// A bar whose figure is written next to it: the bar alone would be information by colour only.
    static func bar(_ part: Money, of whole: Money, label: String, consumption: Bool = false) -> BodyNode {
        let width: Int64 = whole.cents > 0 ? min(100, max(0, part.cents * 100 / whole.cents)) : 0
        // SVG attributes, not inline styles: the content security policy forbids the latter.
        let svg = "<svg class=\"bar\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\">"
            + "<rect class=\"bar-track\" x=\"0\" y=\"0\" width=\"100\" height=\"6\"/>"
            + "<rect class=\"\(consumption ? "chart-committed" : "chart-planned")\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"6\"/></svg>"
        return .div(
            .class("bar-block"),
            .raw(svg),
            .span(.class("bar-label"), .text("\(label) : \(FrenchFormat.money(part)) sur \(FrenchFormat.money(whole)) (\(percent(part, of: whole)))"))
        )
    }

    static func paragraphs(_ text: String?) -> BodyNode {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .p(.class("muted"), .text("Non renseigné.")) }
        return .p(.class("article-body"), .text(text))
    }

    static func shareRule(_ size: Share.Size) -> String {
        switch size {
        case .percentage(let rate): FrenchFormat.percent(rate)
        case .fixed(let amount): FrenchFormat.money(amount)
        case .remainder: "solde"
        case .undetermined: "montant à préciser"
        }
    }

    static func pricingLabel(_ kind: PricingKind) -> String {
        switch kind {
        case .quantity: "Quantité × prix unitaire"
        case .days: "Jours × prix de journée"
        case .forfait: "Forfait"
        case .onQuote: "Sur devis"
        }
    }

    static func shareKindLabel(_ kind: ShareSizeKind) -> String {
        switch kind {
        case .percentage: "Pourcentage du coût"
        case .fixed: "Montant fixe"
        case .remainder: "Solde (ce qui reste à financer)"
        case .undetermined: "Montant à préciser"
        }
    }
}

/// The financing table as seed 000 lays it out: actions as rows (grouped by axis), funders as
/// columns, totals per funder and per action, pending lines shown as pending, conditional shares
/// marked, rows with an arithmetic error flagged in words.
struct FinancingTableView {
    var table: FinancingTable
    var evaluation: PlanEvaluation
    /// Action ids in plan order, for the links; empty on the printed annex.
    var actionIDs: [UUID]
    var conventionID: UUID
    var axisTitles: [String: String]
    var caption: String

    func render() -> BodyNode {
        let flagged = Set(evaluation.actions.indices.filter { index in
            evaluation.actions[index].findings.contains { $0.severity == .error || $0.severity == .warning }
        })
        var body: [Node<HTML.TableContext>] = []
        var currentAxis: String?? = .none
        for row in table.rows {
            if currentAxis != .some(row.axis) {
                currentAxis = .some(row.axis)
                if let axis = row.axis {
                    body.append(.tr(.class("axis-row"), .th(
                        .attribute(named: "colspan", value: String(table.funders.count + 2)),
                        .attribute(named: "scope", value: "colgroup"),
                        .text((axis.lowercased().hasPrefix("axe") ? axis : "Axe \(axis)") + (axisTitles[axis].map { " — \($0)" } ?? "")))))
                }
            }
            let isFlagged = flagged.contains(row.actionIndex)
            let findings = evaluation.actions[row.actionIndex].findings.filter { $0.severity != .info }
            let label = row.label + (row.year.map { " (\($0))" } ?? "")
            body.append(.tr(
                .class(isFlagged ? "flagged" : ""),
                .th(.attribute(named: "scope", value: "row"),
                    actionIDs.indices.contains(row.actionIndex)
                        ? .a(.href("/conventions/\(conventionID)/actions/\(actionIDs[row.actionIndex])"), .text(label))
                        : .text(label),
                    .if(isFlagged, .span(.class("flag"), .text(" ⚠ " + (findings.count == 1 ? "1 écart" : "\(findings.count) écarts"))))),
                .td(.class("num"), .text(row.cost.map(FrenchFormat.money) ?? "sur devis"),
                    .if(row.hasPendingLines && row.cost != nil, .span(.class("pending"), .text(" + sur devis")))),
                .forEach(row.cells) { cell($0) }
            ))
        }
        return .div(
            .class("table-wrap"),
            .table(
                .class("financing"),
                .caption(.text(caption)),
                .thead(.tr(
                    .th(.attribute(named: "scope", value: "col"), .text("Action")),
                    .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Coût \(table.regime.label)")),
                    .forEach(table.funders) { funder in
                        .th(.attribute(named: "scope", value: "col"), .class("num"), .title(escapeAttribute(funder.name)), .text(funder.displayName))
                    }
                )),
                .tbody(.group(body)),
                .tfoot(.tr(
                    .th(.attribute(named: "scope", value: "row"), .text("Total")),
                    .td(.class("num"), .id("total-cost"), .text(FrenchFormat.money(table.totalCost))),
                    .forEach(table.funders.indices) { index in
                        .td(.class("num"), .data(named: "funder", value: escapeAttribute(table.funders[index].displayName)),
                            .text(table.funderHasKnownAmount[index] ? FrenchFormat.money(table.totalsPerFunder[index]) : "à préciser"))
                    }
                ))
            ),
            .p(.class("legend"), .text("« sur devis » : montant en attente, exclu des totaux. « sous réserve » : part soumise à une décision non encore prise. « plafonné » : part réduite par un plafond. « ⚠ » : la ligne contient un écart de calcul détaillé sous le tableau.")),
            .if(table.hasGaps, .p(.class("notice warning"),
                .text("Reste à financer : \(FrenchFormat.money(table.totalUnfunded)) ; financement en excès : \(FrenchFormat.money(table.totalExcess)).")))
        )
    }

    private func cell(_ cell: FinancingTable.Cell) -> Node<HTML.TableRowContext> {
        switch cell {
        case .empty:
            return .td(.class("num"), .text(""))
        case .amount(let amount, let conditional, let capped, let partial):
            let marks = [conditional ? "sous réserve" : nil, capped ? "plafonné" : nil, partial ? "partiel" : nil].compactMap { $0 }
            return .td(.class(conditional ? "num conditional" : "num"), .text(FrenchFormat.money(amount)),
                       .if(!marks.isEmpty, .span(.class("pending"), .text(" (" + marks.joined(separator: ", ") + ")"))))
        case .pending(let rule):
            return .td(.class("num pending"), .text("\(rule) sur devis"))
        case .undetermined:
            return .td(.class("num pending"), .text("à préciser"))
        }
    }
}

/// The findings of a plan, most serious first, with their severity written out.
func findingsList(_ findings: [Finding], caption: String) -> BodyNode {
    let sorted = findings.sorted { $0.severity < $1.severity }
    guard !sorted.isEmpty else { return .p(.class("notice ok"), .text("Aucun écart : tous les montants se recalculent à l'identique.")) }
    return .div(
        .class("table-wrap"),
        .table(
            .caption(.text(caption)),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Gravité")),
                .th(.attribute(named: "scope", value: "col"), .text("Où")),
                .th(.attribute(named: "scope", value: "col"), .text("Constat"))
            )),
            .tbody(.forEach(sorted) { finding in
                .tr(.class(finding.severity == .error ? "flagged" : ""),
                    .td(UI.severityBadge(finding.severity)),
                    .td(.text(finding.location ?? "—")),
                    .td(.text(finding.message)))
            })
        )
    )
}
