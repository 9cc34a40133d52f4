import PacteCore

/// Reads the cost tables of a document: action sheets (« Dépenses prévisionnelles | Coût par an »),
/// financing grids with one column per funder (seed 000), multi-year tables (one column per year).
/// Column roles come from the header rows; cells are read one by one, so a drifted or empty cell
/// costs one value, not the table.
struct CostTableReader {
    enum Role: Equatable {
        case label
        case unitPrice
        case quantity
        case amount(year: Int?)
        case funder(String)
        case ignored
    }

    /// One table row read, before it is attached to an action.
    struct Row {
        var line: Int
        var label: String
        var code: String?
        var axis: String?
        /// Per amount column (year or nil).
        var amounts: [Int?: Money] = [:]
        var several: [Int?: [Money]] = [:]
        var days: [Int?: Quantity] = [:]
        var regime: TaxRegime?
        var onQuote = false
        var unitPrice: Money?
        var unitOnQuote = false
        var quantity: Quantity?
        var shares: [AuditedShare] = []
        var asides: [(funder: String, amount: Money)] = []
        var kind: Kind = .cost

        enum Kind { case cost, total, financing(String) }
    }

    let rows: [DocumentText.Line]
    var roles: [Role] = []
    var headerCount = 0
    var regime: TaxRegime?

    init(rows: [DocumentText.Line]) {
        self.rows = rows
        classifyColumns()
    }

    /// Council tables (« En exercice | 50 ») are read by the council reader, not as costs.
    static func isCouncilTable(_ rows: [DocumentText.Line]) -> Bool {
        rows.contains { line in
            let folded = line.text.folded
            return folded.contains("en exercice") || folded.contains("votants") || folded.contains("nombre de conseillers")
                || CouncilCounts.mentions(in: line).contains { !$0.field.isResult && $0.field != .quorum }
        }
    }

    var years: [Int?] {
        var seen: [Int?] = []
        for case .amount(let year) in roles where !seen.contains(year) { seen.append(year) }
        return seen
    }

    var hasAmountColumn: Bool { roles.contains { if case .amount = $0 { true } else { false } } }

    private mutating func classifyColumns() {
        let width = rows.map { $0.cells?.count ?? 0 }.max() ?? 0
        // Header rows: before the first row with an amount outside the label column.
        var headers: [[String]] = []
        for row in rows {
            let cells = row.cells ?? []
            let rest = cells.dropFirst().filter { !$0.isEmpty }
            let allYears = !rest.isEmpty && rest.allSatisfy { Cells.year($0) != nil }
            if allYears || !rest.contains(where: { Cells.amount($0) != nil || Cells.isOnQuote($0) || Cells.severalAmounts($0) != nil || $0.contains("%") }) {
                if rest.isEmpty && !headers.isEmpty { break }
                headers.append(cells)
                continue
            }
            break
        }
        // A header-looking last row with only a label is a data row without amounts (« Etudes »).
        while let last = headers.last, last.dropFirst().allSatisfy(\.isEmpty), headers.count > 1 { headers.removeLast() }
        headerCount = headers.count
        var roles: [Role] = Array(repeating: .ignored, count: max(width, 2))
        roles[0] = .label
        var seenAmount = false
        for column in 1..<roles.count {
            let texts = headers.compactMap { column < $0.count ? $0[column] : nil }.filter { !$0.isEmpty }
            let joined = texts.joined(separator: " ").folded
            if let year = texts.compactMap(Cells.year).first {
                roles[column] = .amount(year: year)
                seenAmount = true
            } else if joined.contains("unit") || joined.contains("prix unitaire") || joined.contains("tarif") || joined.hasPrefix("p.u") {
                roles[column] = .unitPrice
            } else if joined.contains("objectif") || joined.contains("quantit") || joined.contains("nombre") || joined.hasPrefix("nb") || joined.contains("qte") {
                roles[column] = .quantity
            } else if !seenAmount && (joined.contains("total") || joined.contains("cout") || joined.contains("montant") || joined.contains("budget") || joined.contains("par an")) {
                roles[column] = .amount(year: nil)
                seenAmount = true
                if joined.contains("ttc") { regime = .ttc } else if joined.contains("ht") { regime = .ht }
            } else if seenAmount, let name = texts.reversed().first(where: { !Self.groupWords.contains($0.folded.trimmingCharacters(in: [":", " "])) }) {
                roles[column] = .funder(name)
            }
        }
        if headers.isEmpty || !roles.contains(where: { if case .amount = $0 { true } else { false } }) {
            // No header: the label, then the first column holding amounts.
            if let column = (1..<roles.count).first(where: { column in rows.contains { row in
                guard let cells = row.cells, column < cells.count else { return false }
                return Cells.amount(cells[column]) != nil
            } }) {
                roles[column] = .amount(year: nil)
            }
        }
        self.roles = roles
    }

    static let groupWords: Set<String> = ["financeurs", "financements", "financement", "produits", "charges", "depenses", "recettes"]

    /// The data rows, read.
    func read(findings: inout [Finding]) -> [Row] {
        var out: [Row] = []
        // « Contribution X » rows follow the total; before it, « Participation évènements » is a cost.
        var seenTotal = false
        for line in rows.dropFirst(headerCount) {
            guard let cells = line.cells, let first = cells.first else { continue }
            var row = Row(line: line.number, label: Self.cleanLabel(first))
            let folded = row.label.folded
            if folded.hasPrefix("total") || folded.hasPrefix("sous-total") || folded.hasPrefix("sous total") {
                row.kind = .total
                seenTotal = true
            } else if seenTotal, let funder = Self.financingRowFunder(row.label) {
                row.kind = .financing(funder)
            }
            (row.code, row.axis, row.label) = Self.splitCode(row.label)
            for (column, cell) in cells.enumerated() where column > 0 && column < roles.count && !cell.isEmpty {
                switch roles[column] {
                case .amount(let year):
                    if Cells.isOnQuote(cell) {
                        row.onQuote = true
                    } else if let parsed = Cells.amount(cell) {
                        row.amounts[year] = parsed.amount
                        row.days[year] = parsed.days
                        row.regime = parsed.regime ?? regime
                    } else if let several = Cells.severalAmounts(cell) {
                        row.several[year] = several
                        row.amounts[year] = several.reduce(.zero, +)
                    }
                case .unitPrice:
                    if Cells.isOnQuote(cell) { row.unitOnQuote = true } else { row.unitPrice = Cells.amount(cell)?.amount }
                case .quantity:
                    row.quantity = Self.quantity(cell)
                case .funder(let column):
                    switch ShareCell.read(cell) {
                    case let .share(rate, amount, named, conditional)?:
                        row.shares.append(AuditedShare(funder: named ?? column, rate: rate, amount: amount, conditional: conditional,
                                                       condition: conditional ? cell : nil, line: line.number))
                    case .aside(let amount)?:
                        row.asides.append((column, amount))
                    case .remark?, nil:
                        break
                    }
                case .label, .ignored:
                    break
                }
            }
            if case .cost = row.kind, row.amounts.isEmpty, !row.onQuote, row.unitPrice == nil, row.shares.isEmpty { continue }
            for (year, amounts) in row.several.sorted(by: { ($0.key ?? 0) < ($1.key ?? 0) }) {
                let sum = amounts.reduce(.zero, +)
                findings.append(Finding(.info, .severalAmounts,
                                        "« \(row.label) » : la cellule contient plusieurs montants, lus comme "
                                            + amounts.map(FrenchFormat.money).joined(separator: " + ") + " = \(FrenchFormat.money(sum))"
                                            + (year.map { " (\($0))" } ?? "") + ".",
                                        computed: sum.decimalString, location: row.label, line: row.line))
            }
            out.append(row)
        }
        return out
    }

    /// « 1 forfait », « 5 », « ---- » (none).
    static func quantity(_ cell: String) -> Quantity? {
        let words = AmountParser.normalizeSpaces(cell).split(separator: " ")
        guard let first = words.first else { return nil }
        return try? Quantity.parse(String(first))
    }

    /// Bullets and numbering marks go: « - Géoshop (…) » → « Géoshop (…) ».
    static func cleanLabel(_ text: String) -> String {
        var label = AmountParser.normalizeSpaces(text)
        while let first = label.first, first == "-" || first == "•" || first == "–" || first == "*" {
            label = String(label.dropFirst()).trimmingSpaces
        }
        while let last = label.last, last == ":" || last == "." { label = String(label.dropLast()).trimmingSpaces }
        return label
    }

    /// « Contribution DIJON METROPOLE », « Participation Dijon Métropole » → the funder.
    static func financingRowFunder(_ label: String) -> String? {
        let words = label.split(separator: " ")
        guard let first = words.first, ["contribution", "participation", "financement", "subvention"].contains(first.folded) else { return nil }
        var rest = Array(words.dropFirst())
        while let word = rest.first, ["de", "du", "des", "la", "le", "d'"].contains(word.folded) { rest.removeFirst() }
        let name = rest.joined(separator: " ").trimmingCharacters(in: [":", " "])
        return name.isEmpty ? nil : name
    }

    /// « Axe 2 / 2.c Parcours digital » → code 2.c, axis « Axe 2 », title « Parcours digital ».
    static func splitCode(_ label: String) -> (code: String?, axis: String?, title: String) {
        var rest = Substring(label)
        var axis: String?
        let folded = label.folded
        if folded.hasPrefix("axe "), let slash = rest.firstIndex(of: "/") {
            axis = rest[..<slash].trimmingSpaces
            rest = rest[rest.index(after: slash)...].drop(while: { $0 == " " })
        }
        // « 2.c », « 1.a », « 3.b » at the start.
        let token = rest.prefix { $0 != " " }
        if token.count >= 3, token.count <= 5, let dot = token.firstIndex(of: "."),
           token[..<dot].allSatisfy(\.isASCIIDigit), !token[..<dot].isEmpty,
           token[token.index(after: dot)...].allSatisfy({ $0.isLetter || $0.isASCIIDigit }), !token[token.index(after: dot)...].isEmpty {
            let title = rest.dropFirst(token.count).trimmingSpaces
            return (String(token), axis, title.isEmpty ? label : title)
        }
        return (nil, axis, axis == nil ? label : String(rest))
    }
}

extension Finding.Code {
    /// A cell holds several amounts (drifted columns): read as their sum, to be checked.
    public static let severalAmounts: Finding.Code = "several-amounts"
}
