/// The financing table and findings as French text for a terminal, as `pacte plan` prints them.
public enum PlanTextReport {
    public static func render(_ evaluation: PlanEvaluation) -> String {
        let table = FinancingTable(evaluation)
        var out = table.title + "\n"
        out += "Plan de financement — montants " + (table.regime == .netDeTaxes ? "nets de taxes" : table.regime.label) + "\n\n"

        var header = ["Action", "Coût \(table.regime.label)"] + table.funders.map(\.displayName)
        if table.hasGaps { header.append("Écart") }
        var body: [[String]] = []
        for row in table.rows {
            var cells = [row.label + (row.year.map { " (\($0))" } ?? "")]
            cells.append(row.cost.map { $0.description + (row.hasPendingLines ? " *" : "") } ?? "sur devis *")
            cells += row.cells.map(text)
            if table.hasGaps { cells.append(gap(unfunded: row.unfunded, excess: row.excess)) }
            body.append(cells)
        }
        var totals = ["Total", table.totalCost.description] + zip(table.totalsPerFunder, table.funderHasKnownAmount).map { $1 ? $0.description : "—" }
        if table.hasGaps { totals.append(gap(unfunded: table.totalUnfunded, excess: table.totalExcess)) }
        out += grid(header: header, rows: body, footer: totals)

        out += "\n* sur devis : montant en attente, exclu des totaux. (?) part sous condition. "
            + "(plafonné) part réduite par un plafond. (partiel) part calculée sur les seules lignes chiffrées.\n"
        if table.funders.contains(where: { $0.shortName != nil }) {
            out += "\nFinanceurs :\n"
            for funder in table.funders {
                out += "  \(funder.displayName) : \(funder.name)" + (funder.siren.map { " (SIREN \($0.formatted))" } ?? "") + "\n"
            }
        }
        if !table.pendingNotes.isEmpty {
            out += "\nEn attente (sur devis), exclus des totaux :\n"
            for note in table.pendingNotes { out += "  - \(note)\n" }
        }
        if !evaluation.years.isEmpty {
            out += "\nPar année :\n"
            for year in evaluation.years {
                let parts = table.funders.compactMap { funder -> String? in
                    let amount = evaluation.amount(for: funder.id, inYear: year)
                    return amount.isZero ? nil : "\(funder.displayName) \(amount)"
                }
                out += "  \(year) : coût \(evaluation.cost(inYear: year))" + (parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")) + "\n"
            }
        }
        let findings = evaluation.findings
        let counts = Finding.Severity.allCases.map { severity in (severity, findings.filter { $0.severity == severity }.count) }
        out += "\nConstats : " + counts.map { "\($0.1) \($0.1 > 1 ? $0.0.pluralLabel : $0.0.label)" }.joined(separator: ", ") + "\n"
        for finding in findings.sorted(by: { $0.severity < $1.severity }) {
            out += "  [\(finding.severity.label)] \(finding.code)" + (finding.location.map { " — \($0)" } ?? "") + "\n      \(finding.message)\n"
        }
        return out
    }

    static func text(_ cell: FinancingTable.Cell) -> String {
        switch cell {
        case .empty: ""
        case let .amount(amount, conditional, capped, partial):
            amount.description + (conditional ? " (?)" : "") + (capped ? " (plafonné)" : "") + (partial ? " (partiel)" : "")
        case .pending(let rule): "\(rule) *"
        case .undetermined: "? (?)"
        }
    }

    static func gap(unfunded: Money, excess: Money) -> String {
        if unfunded.isPositive { return "reste \(unfunded)" }
        if excess.isPositive { return "excédent \(excess)" }
        return ""
    }

    /// A plain-text grid: first column left-aligned, the others right-aligned.
    static func grid(header: [String], rows: [[String]], footer: [String]) -> String {
        let all = [header] + rows + [footer]
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: " | ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
        return ([line(header), rule] + rows.map(line) + [rule, line(footer)]).joined(separator: "\n") + "\n"
    }
}
