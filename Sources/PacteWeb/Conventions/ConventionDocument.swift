import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore

/// The whole convention as an editable document (ODT or DOCX): what the partners negotiate in a
/// word processor and a council annexes to its deliberation. Built from the same data as the
/// convention page, so its figures are Pacte's, never retyped.
enum ConventionDocument {
    /// The convention with what the page does not load: each action sheet's own fields.
    struct Source: Sendable {
        var view: PageQueries.ConventionView
        /// In plan order, as `view.actions`.
        var sheets: [ActionModel]
        /// « Avenant n° 2 », « Convention initiale », or « Projet » before any version is frozen.
        var version: String
        var today: CivilDate
    }

    static func source(_ view: PageQueries.ConventionView, on db: any Database) async throws -> Source {
        let models = try await ActionModel.query(on: db).filter(\.$convention.$id == view.id).with(\.$operator).all()
        let byID = Dictionary(uniqueKeysWithValues: try models.map { (try $0.requireID(), $0) })
        let versions = try await ConventionVersions.all(of: view.id, on: db)
        return Source(view: view, sheets: view.actions.compactMap { byID[$0.id] },
                      version: versions.last?.label ?? "Projet", today: .today())
    }

    static func header(_ source: Source) -> String {
        "\(source.view.convention.title) — \(source.version) — état du \(FrenchFormat.date(source.today))"
    }

    static func document(_ source: Source) -> OfficeDocument {
        let view = source.view
        let c = view.convention
        var doc = OfficeDocument(title: c.title, header: header(source))
        doc.heading(c.title, level: 0)
        if let reference = c.reference { doc.paragraph("Référence : \(reference)", style: .note) }
        doc.paragraph("Version : \(source.version), état du \(FrenchFormat.date(source.today)). Montants en euros \(view.table.regime.label).", style: .note)

        doc.heading("Entre les soussignés")
        for party in view.parties { doc.paragraph(partyRuns(party)) }
        if let object = c.object {
            doc.heading("Objet")
            paragraphs(object, into: &doc)
        }
        if !view.articles.isEmpty {
            doc.heading("Il a été convenu ce qui suit")
            for article in view.articles {
                doc.heading("Article \(article.number)" + (article.title.map { " — \($0)" } ?? ""), level: 2)
                paragraphs(article.body, into: &doc)
            }
        }
        doc.heading("Durée")
        doc.paragraph(durationSentence(c))

        actionSheets(source, into: &doc)
        signatures(view, signedOn: view.convention.signedOn, into: &doc)

        doc.newPage(landscape: true)
        doc.heading("Annexe — Plan de financement")
        doc.table(financingTable(view))
        doc.bullets(view.table.pendingNotes)
        return doc
    }

    static func partyRuns(_ party: PageQueries.PartyRow) -> [OfficeRun] {
        [.bold(party.name), OfficeRun(
            (party.siren.map { ", SIREN \(DirectoryPage.formatSiren($0))" } ?? "")
            + (party.representative.map { ", représentée par \($0)" } ?? "")
            + (party.designation.map { ", ci-après dénommée « \($0) »" } ?? "")
            + " (\(party.roles.map(\.label).joined(separator: ", ").lowercased())).")]
    }

    /// The duration as the printable page and the documents state it.
    static func durationSentence(_ c: ConventionModel) -> String {
        "La convention prend effet le \(UI.date(c.startsOn)) et s'achève le \(UI.date(c.endsOn))"
            + (c.renewal.map { " ; \($0.label.lowercased())" } ?? "")
            + (c.noticeMonths.map { ", préavis de \($0) mois" } ?? "") + "."
    }

    /// One paragraph per line the user wrote (a blank line is not a paragraph).
    static func paragraphs(_ text: String, into doc: inout OfficeDocument) {
        for line in text.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            doc.paragraph(String(line))
        }
    }

    static func sheetFields(_ sheet: ActionModel) -> [(label: String, text: String)] {
        [("Contexte", sheet.context), ("Objectifs", sheet.objectives), ("Contenu", sheet.content), ("Méthode", sheet.method),
         ("Opérateur", sheet.operator?.name), ("Calendrier", sheet.calendar), ("Cofinancement", sheet.coFinancing),
         ("Partenaires techniques", sheet.technicalPartners), ("Évaluation", sheet.evaluation)]
            .compactMap { label, text in text.flatMap { $0.isEmpty ? nil : (label, $0) } }
    }

    static func actionSheets(_ source: Source, into doc: inout OfficeDocument) {
        let view = source.view
        guard !view.evaluation.actions.isEmpty else { return }
        doc.heading("Fiches actions")
        let axisTitles = Dictionary(view.axes.map { ($0.code, $0.title) }, uniquingKeysWith: { first, _ in first })
        var currentAxis: String?? = .none
        for (index, result) in view.evaluation.actions.enumerated() {
            let axis = result.action.axis
            if currentAxis != .some(axis), let axis {
                doc.heading(axisLabel(axis) + (axisTitles[axis].map { " — \($0)" } ?? ""), level: 2)
            }
            currentAxis = .some(axis)
            doc.heading("Action \(result.action.displayName)", level: 3)
            if index < source.sheets.count {
                for field in sheetFields(source.sheets[index]) {
                    let lines = field.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    doc.paragraph([.bold("\(field.label) : "), OfficeRun(lines.first ?? "")])
                    for line in lines.dropFirst() { doc.paragraph(line) }
                }
            }
            doc.table(costTable(result, regime: view.table.regime))
            doc.table(financingPlan(result, plan: view.evaluation.plan))
        }
    }

    /// « Axe 2 » whether the code is `2` or already `Axe 2`.
    static func axisLabel(_ code: String) -> String {
        code.lowercased().hasPrefix("axe") ? code : "Axe \(code)"
    }

    static func amount(_ money: Money?) -> String { money.map(FrenchFormat.money) ?? "sur devis" }

    static func lineAmount(_ line: CostLine) -> Money? { (try? line.retainedAmount()) ?? nil }

    static func costTable(_ result: ActionResult, regime: TaxRegime) -> OfficeTable {
        let rows = result.action.lines.map { line in
            OfficeTable.Row([line.label + (line.year.map { " (\($0))" } ?? ""), line.pricingDescription, amount(lineAmount(line))])
        }
        let pending = result.pendingLines.isEmpty ? "" : " (hors lignes sur devis)"
        return OfficeTable(caption: "Coût prévisionnel de l'action \(result.action.code)",
                           columns: [.init("Dépense", width: 5), .init("Détail", width: 3), .init("Montant \(regime.label)", numeric: true, width: 2)],
                           rows: rows + [OfficeTable.Row(["Total\(pending)", "", FrenchFormat.money(result.cost)], kind: .total)])
    }

    static func rule(_ size: Share.Size) -> String {
        switch size {
        case .percentage(let rate): FrenchFormat.percent(rate)
        case .fixed: "montant fixe"
        case .remainder: "solde"
        case .undetermined: "à préciser"
        }
    }

    static func financingPlan(_ result: ActionResult, plan: ConventionPlan) -> OfficeTable {
        var rows: [OfficeTable.Row] = []
        for period in result.periods {
            for outcome in period.outcomes {
                let name = plan.funder(outcome.funder)?.name ?? outcome.funder.rawValue
                let year = period.year.map { " (\($0))" } ?? ""
                let notes = [outcome.condition.map { "sous réserve : \($0)" }, outcome.cappedFrom.map { "plafonné (\(FrenchFormat.money($0)) avant plafond)" }]
                    .compactMap { $0 }
                rows.append(OfficeTable.Row([name + year, ([rule(outcome.size)] + notes).joined(separator: " ; "),
                                             outcome.amount.map(FrenchFormat.money) ?? (outcome.isPending ? "sur devis" : "à préciser")]))
            }
        }
        rows.append(OfficeTable.Row(["Total financé", "", FrenchFormat.money(result.periods.map(\.funded).reduce(.zero, +))], kind: .total))
        if !result.unfunded.isZero { rows.append(OfficeTable.Row(["Reste non financé", "", FrenchFormat.money(result.unfunded)], kind: .total)) }
        if !result.excess.isZero { rows.append(OfficeTable.Row(["Financement au-delà du coût", "", FrenchFormat.money(result.excess)], kind: .total)) }
        return OfficeTable(caption: "Plan de financement de l'action \(result.action.code)",
                           columns: [.init("Financeur", width: 5), .init("Règle", width: 3), .init("Montant", numeric: true, width: 2)], rows: rows)
    }

    /// The annexed table as seed 000 lays it out: an axis row, its actions, the totals per funder.
    static func financingTable(_ view: PageQueries.ConventionView) -> OfficeTable {
        let table = view.table
        let axisTitles = Dictionary(view.axes.map { ($0.code, $0.title) }, uniquingKeysWith: { first, _ in first })
        let showGaps = table.hasGaps
        var columns: [OfficeTable.Column] = [.init("Action", width: 6), .init("Coût \(table.regime.label)", numeric: true, width: 2)]
        columns += table.funders.map { .init($0.displayName, numeric: true, width: 2) }
        if showGaps { columns.append(.init("Non financé", numeric: true, width: 2)) }
        var rows: [OfficeTable.Row] = []
        var currentAxis: String?? = .none
        for row in table.rows {
            if currentAxis != .some(row.axis), let axis = row.axis {
                rows.append(OfficeTable.Row([axisLabel(axis) + (axisTitles[axis].map { " — \($0)" } ?? "")], kind: .section))
            }
            currentAxis = .some(row.axis)
            var cells = [row.label + (row.year.map { " (\($0))" } ?? ""), row.cost.map(FrenchFormat.money).map { row.hasPendingLines ? "\($0) + devis" : $0 } ?? "sur devis"]
            cells += row.cells.map(cellText)
            if showGaps { cells.append(row.unfunded.isZero ? "" : FrenchFormat.money(row.unfunded)) }
            rows.append(OfficeTable.Row(cells))
        }
        var total = ["Total", FrenchFormat.money(table.totalCost)]
        total += zip(table.totalsPerFunder, table.funderHasKnownAmount).map { amount, known in known ? FrenchFormat.money(amount) : "à préciser" }
        if showGaps { total.append(FrenchFormat.money(table.totalUnfunded)) }
        rows.append(OfficeTable.Row(total, kind: .total))
        let names = table.funders.filter { $0.shortName != nil && $0.shortName != $0.name }.map { "\($0.displayName) : \($0.name)" }
        return OfficeTable(caption: "Plan de financement annexé (montants \(table.regime.label))" + (names.isEmpty ? "" : " — " + names.joined(separator: " ; ")),
                           columns: columns, rows: rows)
    }

    static func cellText(_ cell: FinancingTable.Cell) -> String {
        switch cell {
        case .empty: ""
        case .amount(let money, let conditional, let capped, let partial):
            FrenchFormat.money(money) + (conditional ? " (sous réserve)" : "") + (capped ? " (plafonné)" : "") + (partial ? " + devis" : "")
        case .pending(let rule): "\(rule) du devis"
        case .undetermined: "?"
        }
    }

    static func signatures(_ view: PageQueries.ConventionView, signedOn: CivilDate?, into doc: inout OfficeDocument) {
        let signatories = view.parties.filter { $0.roles.contains(.signatory) }
        doc.heading("Signatures")
        doc.paragraph("Fait en \(max(signatories.count, 1)) exemplaires originaux, le \(signedOn.map(FrenchFormat.date) ?? "……………………").")
        let blocks = signatories.map { party in "Pour \(party.name)\n\(party.representative ?? "")\n\n\n\nSignature et cachet" }
        var rows: [OfficeTable.Row] = []
        for start in stride(from: 0, to: blocks.count, by: 2) {
            rows.append(OfficeTable.Row(Array(blocks[start..<min(start + 2, blocks.count)])))
        }
        if !rows.isEmpty {
            doc.table(OfficeTable(columns: [.init(""), .init("")], rows: rows, style: .signatures))
        }
    }
}
