import PacteCore

/// Reads the plain text of a convention, an action sheet or a council extract, and checks what it
/// states: line amounts, totals, day rates, financing shares, vote counts, @CTES identifiers.
/// Pure and total: any text gives a result, never a crash; what the reader is unsure of is
/// reported as `info`, never as an `error`.
public enum DocumentAudit {
    /// `fromOCR`: the text was recognised from an image, so a count that breaks an identity is
    /// reported as a possible misreading rather than as the document's mistake.
    public static func audit(text: String, file: String, fromOCR: Bool = false) -> AuditedDocument {
        let document = DocumentText(text)
        var state = AuditState(file: file)
        state.document.pageStarts = document.pageStarts
        state.document.fromOCR = fromOCR
        SheetReader.read(document, into: &state)
        ProseReader.read(document, into: &state)
        CouncilReader.read(document, into: &state)
        if state.document.actions.isEmpty, state.document.votes.isEmpty { FinancingProseReader.read(document, into: &state) }
        AuditChecks.run(&state)
        if fromOCR {
            // A digit misread by character recognition breaks an identity as surely as a wrong
            // count: the reader cannot tell, so it says both.
            state.findings = state.findings.map { finding in
                guard finding.severity == .error else { return finding }
                return Finding(.warning, finding.code, finding.message + " (texte lu par reconnaissance de caractères : un chiffre mal reconnu peut en être la cause ; vérifiez sur l'original)",
                               stated: finding.stated, computed: finding.computed, location: finding.location, line: finding.line)
            }
        }
        var result = state.document
        result.findings = state.findings.sorted { ($0.line ?? Int.max, $0.severity) < ($1.line ?? Int.max, $1.severity) }
        return result
    }
}

/// The document being built and the findings gathered while reading.
struct AuditState {
    var document: AuditedDocument
    var findings: [Finding] = []
    /// Per action index: for each line index, the shares read on that line's own row.
    var lineShares: [Int: [Int: [AuditedShare]]] = [:]
    /// Actions whose financing comes from a grid that names every funder on the row.
    var gridActions: Set<Int> = []

    init(file: String) { document = AuditedDocument(file: file) }
}

/// Splits the document into action sheets and reads their tables and co-financing paragraphs.
enum SheetReader {
    static func read(_ text: DocumentText, into state: inout AuditState) {
        let lines = text.lines
        var current: Int?
        var index = 0
        var inCofinancing = false
        while index < lines.count {
            let line = lines[index]
            let folded = line.folded
            if folded.contains("titre de l'action") || isFicheHeading(folded) {
                let (title, next) = title(after: index, in: lines, sameLine: isFicheHeading(folded) ? nil : line)
                state.document.actions.append(AuditedAction(title: title ?? line.prose, line: line.number))
                current = state.document.actions.count - 1
                inCofinancing = false
                index = next
                continue
            }
            if line.cells != nil, !line.isBlank {
                var end = index
                while end < lines.count, lines[end].cells != nil, !lines[end].isBlank { end += 1 }
                let rows = Array(lines[index..<end])
                if !CostTableReader.isCouncilTable(rows) {
                    readTable(rows, current: &current, lines: lines, into: &state)
                }
                index = end
                inCofinancing = false
                continue
            }
            if folded.contains("co-financement") || folded.contains("cofinancement") {
                inCofinancing = true
            } else if inCofinancing, !line.isBlank {
                if isSectionHeading(folded) {
                    inCofinancing = false
                } else if let current, let share = cofinancing(line) {
                    state.document.actions[current].financing.append(share)
                }
            }
            index += 1
        }
    }

    static func isFicheHeading(_ folded: String) -> Bool {
        let body = folded.trimmingCharacters(in: [" ", "*", "#"])
        return body.hasPrefix("fiche action ") && body.count <= 16
    }

    static func isSectionHeading(_ folded: String) -> Bool {
        ["partenariats", "evaluation", "modalites", "calendrier", "aides maxi", "maitrise d'ouvrage", "cout et nature", "contenu", "objectif"]
            .contains { folded.hasPrefix($0) }
    }

    /// The title lines following a heading: the next non-blank lines, up to a blank line.
    static func title(after index: Int, in lines: [DocumentText.Line], sameLine: DocumentText.Line?) -> (String?, Int) {
        if let sameLine, let colon = sameLine.prose.firstIndex(of: ":") {
            let rest = sameLine.prose[sameLine.prose.index(after: colon)...].trimmingSpaces
            if rest.count > 3 { return (rest, index + 1) }
        }
        var next = index + 1
        while next < lines.count, lines[next].isBlank { next += 1 }
        var parts: [String] = []
        while next < lines.count, !lines[next].isBlank, parts.count < 4 {
            let folded = lines[next].folded
            if folded.hasPrefix("description") { break }
            parts.append(lines[next].prose)
            next += 1
        }
        guard !parts.isEmpty else { return (nil, index + 1) }
        var title = parts.joined(separator: " ")
        while let last = title.last, last == "." || last == " " { title.removeLast() }
        return (title, next)
    }

    /// « Fonds Social Européen : 49 700 € (sous réserve adoption du nouveau PO) ».
    static func cofinancing(_ line: DocumentText.Line) -> AuditedShare? {
        let prose = line.prose
        var searchStart = prose.startIndex
        while let colon = prose[searchStart...].firstIndex(of: ":") {
            let name = CostTableReader.cleanLabel(String(prose[..<colon]))
            let rest = String(prose[prose.index(after: colon)...]).trimmingSpaces
            // « 70 % sur la communication » is a rate of something else, not an amount: a euro sign is required.
            if !name.isEmpty, let (amount, tail) = Cells.leadingAmount(rest), rest.prefix(rest.count - tail.count).contains("€") || tail.folded.hasPrefix("euro") {
                let folded = tail.folded
                let conditional = folded.contains("sous reserve") || tail.contains("?")
                let condition = conditional ? tail.trimmingCharacters(in: [" ", "(", ")", "."]) : nil
                return AuditedShare(funder: name, amount: amount.amount, conditional: conditional, condition: condition, line: line.number)
            }
            searchStart = prose.index(after: colon)
        }
        return nil
    }

    static func readTable(_ rows: [DocumentText.Line], current: inout Int?, lines: [DocumentText.Line], into state: inout AuditState) {
        if FundersTableReader.isFundersTable(rows) {
            let heading = lines[..<(rows[0].number - 1)].last { !$0.isBlank && $0.cells == nil && !$0.prose.hasPrefix("[") }?.prose
            if let action = FundersTableReader.read(rows, title: heading.map(CostTableReader.cleanLabel) ?? "Plan de financement (ligne \(rows[0].number))") {
                state.document.actions.append(action)
            }
            return
        }
        let table = CostTableReader(rows: rows)
        guard table.hasAmountColumn else { return }
        let read = table.read(findings: &state.findings)
        guard read.contains(where: { !$0.amounts.isEmpty || $0.onQuote || !$0.shares.isEmpty }) else { return }
        let byRow = read.contains { $0.code != nil && $0.kind.isCost }
        if byRow {
            readRowActions(read, table: table, into: &state)
        } else {
            if current == nil {
                // Line numbers are 1-based indices: the lines before the table are `lines[..<(number - 1)]`.
                let heading = lines[..<(rows[0].number - 1)].last { !$0.isBlank && $0.cells == nil }?.prose
                state.document.actions.append(AuditedAction(title: heading.map(CostTableReader.cleanLabel) ?? "Tableau (ligne \(rows[0].number))",
                                                            line: rows[0].number))
                current = state.document.actions.count - 1
            }
            readSheetRows(read, years: table.years, action: current!, into: &state)
        }
    }

    /// A financing grid (seed 000): each coded row is an action with its own line and shares.
    static func readRowActions(_ rows: [CostTableReader.Row], table: CostTableReader, into state: inout AuditState) {
        var first: Int?
        for row in rows {
            switch row.kind {
            case .cost:
                var action = AuditedAction(title: row.label, code: row.code, axis: row.axis, line: row.line)
                action.lines = [AuditedLine(label: row.label, amount: row.amounts[nil], unitPrice: row.unitPrice, quantity: row.quantity,
                                            regime: row.regime, onQuote: row.onQuote || row.unitOnQuote, line: row.line)]
                action.financing = row.shares
                state.document.actions.append(action)
                let index = state.document.actions.count - 1
                first = first ?? index
                state.gridActions.insert(index)
                for aside in row.asides {
                    state.findings.append(Finding(.info, .asideAmount,
                                                  "\(aside.funder) : \(FrenchFormat.money(aside.amount)) indiqués entre parenthèses, lus comme une mention hors du plan de « \(row.label) ».",
                                                  stated: aside.amount.decimalString, location: row.label, line: row.line))
                }
            case .total:
                guard let first else { continue }
                let actions = state.document.actions[first...]
                if let stated = row.amounts[nil] {
                    let computed = actions.map(\.computedTotal).reduce(.zero, +)
                    if stated != computed {
                        state.findings.append(Finding(.error, .totalMismatch,
                                                      "Le total du tableau indique \(FrenchFormat.money(stated)), mais ses lignes font \(FrenchFormat.money(computed)).",
                                                      stated: stated.decimalString, computed: computed.decimalString, location: "Total", line: row.line))
                    }
                }
                for share in row.shares {
                    if let finding = funderTotalCheck(share, column: actions.flatMap(\.financing), location: share.funder) {
                        state.findings.append(finding)
                    }
                }
            case .financing:
                continue
            }
        }
    }

    /// The rows of an action sheet's table; a multi-year table makes one action per year.
    static func readSheetRows(_ rows: [CostTableReader.Row], years: [Int?], action sheet: Int, into state: inout AuditState) {
        let usedYears = years.filter { year in rows.contains { $0.amounts[year] != nil } }
        let multiYear = usedYears.count > 1 || usedYears.first.flatMap { $0 } != nil
        var targets: [Int?: Int] = [:]
        if multiYear {
            let base = state.document.actions[sheet]
            for (position, year) in usedYears.enumerated() {
                if position == 0 && base.lines.isEmpty && base.year == nil {
                    state.document.actions[sheet].year = year
                    targets[year] = sheet
                } else {
                    var copy = AuditedAction(title: base.title, code: base.code, axis: base.axis, year: year, line: base.line)
                    copy.financing = []
                    state.document.actions.append(copy)
                    targets[year] = state.document.actions.count - 1
                }
            }
        } else {
            targets[usedYears.first ?? nil] = sheet
        }
        for row in rows {
            for (year, target) in targets {
                let amount = row.amounts[year]
                switch row.kind {
                case .total:
                    if let amount {
                        state.document.actions[target].statedTotal = amount
                        state.document.actions[target].statedTotalLine = row.line
                    }
                    if let days = row.days[year] { state.document.actions[target].statedDays = days }
                    for share in row.shares {
                        guard let lineShares = state.lineShares[target] else { continue }
                        if let finding = funderTotalCheck(share, column: lineShares.values.flatMap { $0 }, location: state.document.actions[target].title) {
                            state.findings.append(finding)
                        }
                    }
                case .financing(let funder):
                    if let amount { state.document.actions[target].financing.append(AuditedShare(funder: funder, amount: amount, line: row.line)) }
                case .cost:
                    guard amount != nil || row.onQuote || !row.shares.isEmpty else { continue }
                    merge(row, year: year, into: target, state: &state)
                }
            }
        }
    }

    /// Adds a row to an action, or checks it against the same line read earlier (a sheet that
    /// repeats its costs in a second table, with the financing this time).
    static func merge(_ row: CostTableReader.Row, year: Int?, into target: Int, state: inout AuditState) {
        let amount = row.amounts[year]
        var line = AuditedLine(label: row.label, amount: amount, days: row.days[year], unitPrice: row.unitPrice, quantity: row.quantity,
                               regime: row.regime, onQuote: row.onQuote, line: row.line)
        if line.days == nil, let days = daysInLabel(row.label) {
            line.days = days
            line.daysFromLabel = true
        }
        let action = state.document.actions[target]
        if let existing = action.lines.firstIndex(where: { $0.label.folded == row.label.folded }) {
            let earlier = action.lines[existing]
            if let amount, let before = earlier.amount, amount != before {
                state.findings.append(Finding(.warning, .crossDocumentMismatch,
                                              "« \(row.label) » vaut \(FrenchFormat.money(before)) ligne \(earlier.line) et \(FrenchFormat.money(amount)) ligne \(row.line).",
                                              stated: before.decimalString, computed: amount.decimalString, location: row.label, line: row.line))
            }
            if !row.shares.isEmpty {
                state.lineShares[target, default: [:]][existing] = row.shares
                state.gridActions.insert(target)
            }
        } else {
            state.document.actions[target].lines.append(line)
            if !row.shares.isEmpty {
                state.lineShares[target, default: [:]][state.document.actions[target].lines.count - 1] = row.shares
                state.gridActions.insert(target)
            }
        }
        for share in row.shares {
            if let index = state.document.actions[target].financing.firstIndex(where: { $0.funder.folded == share.funder.folded && $0.rate == nil && share.rate == nil }),
               let amount = share.amount, let before = state.document.actions[target].financing[index].amount {
                state.document.actions[target].financing[index].amount = before + amount
                state.document.actions[target].financing[index].conditional = state.document.actions[target].financing[index].conditional || share.conditional
            } else {
                state.document.actions[target].financing.append(share)
            }
        }
    }

    /// A funder's stated total (the total row of its column) against the shares of that column.
    static func funderTotalCheck(_ share: AuditedShare, column: [AuditedShare], location: String) -> Finding? {
        guard let stated = share.amount else { return nil }
        let computed = column.filter { $0.funder.folded == share.funder.folded }.compactMap(\.amount).reduce(.zero, +)
        guard stated != computed else { return nil }
        return Finding(.error, .totalMismatch,
                       "Le total de \(share.funder) indique \(FrenchFormat.money(stated)), mais sa colonne fait \(FrenchFormat.money(computed)).",
                       stated: stated.decimalString, computed: computed.decimalString, location: location, line: share.line)
    }

    /// « Animation (30 jours) » → 30 days.
    static func daysInLabel(_ label: String) -> Quantity? {
        guard let open = label.lastIndex(of: "("), let close = label[open...].firstIndex(of: ")") else { return nil }
        let inner = String(label[label.index(after: open)..<close])
        return try? AmountParser.parseDays(inner)
    }
}

extension CostTableReader.Row.Kind {
    var isCost: Bool { if case .cost = self { true } else { false } }
}

extension Finding.Code {
    /// One item carries two different amounts in the same file.
    public static let crossDocumentMismatch: Finding.Code = "cross-document-mismatch"
    /// An amount in brackets beside a plan: read as a mention, not a share.
    public static let asideAmount: Finding.Code = "aside-amount"
}
