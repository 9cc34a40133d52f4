import PacteCore

/// A financing plan laid out with one row per funder (« FINANCEURS | Dépense H.T.
/// subventionnable | Taux sollicité | Montant subvention »), the cost on its own row (« COÛT
/// TOTAL H.T. »): each row is a share of the operation, not a cost line.
enum FundersTableReader {
    static let headings: Set<String> = ["financeurs", "financeur", "financements", "financement", "plan de financement", "ressources", "recettes"]

    static func isFundersTable(_ rows: [DocumentText.Line]) -> Bool {
        guard let first = rows.first?.cells?.first else { return false }
        return headings.contains(first.folded.trimmingCharacters(in: [" ", ":"]))
    }

    /// The operation the table finances, or nil when no row gives an amount.
    static func read(_ rows: [DocumentText.Line], title: String) -> AuditedAction? {
        guard let header = rows.first?.cells else { return nil }
        let folded = header.map(\.folded)
        let rateColumn = folded.indices.dropFirst().first { folded[$0].contains("taux") || folded[$0].contains("%") }
        let amountColumn = folded.indices.dropFirst().last { folded[$0].contains("montant") || folded[$0].contains("subvention") && !folded[$0].contains("subventionnable") }
        let baseColumn = folded.indices.dropFirst().first { folded[$0].contains("depense") || folded[$0].contains("assiette") || folded[$0].contains("base") || folded[$0].contains("cout") }
        var action = AuditedAction(title: title, line: rows[0].number)
        for row in rows.dropFirst() {
            guard let cells = row.cells, let label = cells.first.map(CostTableReader.cleanLabel), !label.isEmpty else { continue }
            func amount(_ column: Int?) -> Money? {
                guard let column, column < cells.count else { return nil }
                return Cells.amount(cells[column])?.amount
            }
            let labelFolded = label.folded
            if labelFolded.hasPrefix("total") || labelFolded.hasPrefix("cout") || labelFolded.hasPrefix("montant total") || labelFolded.hasPrefix("depense") {
                // The cost is in the base column, or in whichever column holds an amount.
                action.statedTotal = amount(baseColumn) ?? amount(amountColumn) ?? cells.dropFirst().lazy.compactMap { Cells.amount($0)?.amount }.first
                action.statedTotalLine = row.number
                continue
            }
            let rate = rateColumn.flatMap { $0 < cells.count ? Cells.leadingRate(cells[$0])?.0 : nil }
            let share = amount(amountColumn)
            guard rate != nil || share != nil else { continue }
            action.financing.append(AuditedShare(funder: label, rate: rate, amount: share, line: row.number))
        }
        return action.financing.isEmpty && action.statedTotal == nil ? nil : action
    }
}
