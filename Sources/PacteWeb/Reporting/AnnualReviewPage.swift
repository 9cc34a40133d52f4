import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The annual review, printable: planned against done per action and funder, the year before, the
/// indicators at the year's end and the qualitative notes; its table downloadable.
enum AnnualReviewPage {
    static let header = ["Action", "Financeur", "Prévu", "Engagé", "Réalisé", "Facturé", "Payé"]

    static func register(_ convention: any RoutesBuilder) {
        convention.get("bilan") { req async throws -> Page in
            let model = try await Access.convention(req)
            let year = try AnnualReviewRoutes.year(req)
            let review = try await AnnualReviewRoutes.load(model, year: year, on: req.db)
            let canWrite = try await Access.canWrite(try req.requirePrincipal(), conventionID: try model.requireID(), on: req.db)
            let indicators = try await indicatorLines(model, year: year, on: req.db)
            return page(review, convention: model, indicators: indicators, canWrite: canWrite, viewer: try req.viewer(),
                        notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        convention.post("bilan", "observations") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            let year = try AnnualReviewRoutes.year(req)
            let state = try FormState(request: req)
            try await AnnualReviewRoutes.saveNotes(req, model, year: year, notes: state.text("notes") ?? "")
            return req.redirect(to: "/conventions/\(try model.requireID())/bilan?annee=\(year)&ok=bilan#observations", redirectType: .normal)
        }
        for format in SpreadsheetFormat.allCases {
            convention.get("bilan.\(format.rawValue)") { req async throws -> Response in
                let model = try await Access.convention(req)
                let year = try AnnualReviewRoutes.year(req)
                let data = try await AnnualReviewRoutes.load(model, year: year, on: req.db)
                return try format.response(sheet(data.review), fileName: "bilan-\(year)", request: req)
            }
        }
    }

    static func amounts(_ f: AnnualReview.Totals) -> [Money] { [f.planned, f.committed, f.delivered, f.invoiced, f.paid] }

    static func sheet(_ review: AnnualReview) -> Spreadsheet {
        Spreadsheet(sheetName: "Bilan \(review.year)", header: header, rows: review.rows.map { row in
            [.text(row.action), .text(row.funder)] + amounts(row.figures).map(Spreadsheet.Cell.amount)
        })
    }

    /// Each indicator with its value and status at the year's end.
    static func indicatorLines(_ convention: ConventionModel, year: Int, on db: any Database) async throws -> [(String, String, String)] {
        guard let end = try? CivilDate(year: year, month: 12, day: 31) else { return [] }
        var lines: [(String, String, String)] = []
        for action in try await ActionModel.query(on: db).filter(\.$convention.$id == convention.requireID()).sort(\.$position).all() {
            for reading in try await IndicatorReadings.read(action: action, on: end, db: db) {
                lines.append(("\(action.displayName) — \(reading.indicator.label)", reading.value.map { FrenchFormat.decimal($0.value) } ?? "—",
                              reading.assessment.status.label))
            }
        }
        return lines
    }

    static func figuresRow(_ label: String, _ f: AnnualReview.Totals) -> Node<HTML.TableContext> {
        .tr(.th(.attribute(named: "scope", value: "row"), .text(label)), .forEach(amounts(f)) { .td(.class("num"), .text(FrenchFormat.money($0))) })
    }

    static func page(_ data: AnnualReviewRoutes.Review, convention c: ConventionModel, indicators: [(String, String, String)], canWrite: Bool,
                     viewer: Viewer, notice: String?) -> Page {
        let base = "/conventions/\(c.id!)"
        let review = data.review
        let figuresHead: Node<HTML.TableContext> = .thead(.tr(.forEach(["", "Prévu", "Engagé", "Réalisé", "Facturé", "Payé"].enumerated()) { index, label in
            .th(.attribute(named: "scope", value: "col"), .class(index > 0 ? "num" : ""), .text(label.isEmpty ? "Financeur" : label))
        }))
        let rows: [Node<HTML.TableContext>] = review.rows.map { row in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(row.action)), .td(.text(row.funder)),
                .forEach(amounts(row.figures)) { .td(.class("num"), .text(FrenchFormat.money($0))) })
        }
        let content: BodyNode = .group(
            .h1(.text("Bilan annuel \(review.year)")),
            .p(.class("lead"), .text(c.title)),
            .unwrap(notice) { .p(.class("notice ok no-print"), .attribute(named: "role", value: "status"), .text($0)) },
            .form(.class("search-form no-print"), .method(.get), .action("\(base)/bilan"),
                  Field(name: "annee", label: "Année", short: true).render(FormState(values: ["annee": [String(review.year)]])),
                  .button(.class("button"), .type(.submit), .text("Afficher"))),
            DownloadPicker.render(path: "\(base)/bilan", query: [("annee", String(review.year))], header: header, id: "bilan"),
            .p(.class("no-print muted"), .text("Imprimez la page pour le comité (format A4).")),
            .if(review.plannedOverWholeConvention,
                .p(.class("muted"), .text("Le plan de financement n'est pas annualisé : le prévu est celui de toute la durée de la convention."))),
            .h2(.text("Prévu et réalisé par financeur")),
            .div(.class("table-wrap"), .table(
                .caption(.text("Totaux par financeur, \(review.year), et rappel de \(review.year - 1)")),
                figuresHead,
                .tbody(.forEach(review.byFunder) { figuresRow($0.funder, $0.totals) }),
                .tfoot(figuresRow("Total \(review.year)", review.total), figuresRow("Total \(review.year - 1)", data.previous.total)))),
            .h2(.text("Par action et par financeur")),
            review.rows.isEmpty ? .p(.class("muted"), .text("Rien de prévu ni de réalisé cette année.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Prévu et réalisé par action et par financeur (le réalisé vient du tableau de suivi)")),
                .thead(.tr(.forEach(header.enumerated()) { index, label in
                    .th(.attribute(named: "scope", value: "col"), .class(index > 1 ? "num" : ""), .text(label))
                })),
                .tbody(.group(rows)))),
            .h2(.text("Indicateurs au 31/12/\(review.year)")),
            indicators.isEmpty ? .p(.class("muted"), .text("Aucun indicateur.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Indicateurs des actions à la fin de l'année")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Indicateur")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Valeur")),
                           .th(.attribute(named: "scope", value: "col"), .text("Statut")))),
                .tbody(.forEach(indicators) { line in
                    .tr(.th(.attribute(named: "scope", value: "row"), .text(line.0)), .td(.class("num"), .text(line.1)), .td(.text(line.2)))
                }))),
            .h2(.id("observations"), .text("Observations")),
            .p(.text(data.notes ?? "Aucune observation.")),
            .if(canWrite, .form(.class("stacked no-print"), .method(.post), .action("\(base)/bilan/observations?annee=\(review.year)"),
                                CSRF.field(viewer.csrf),
                                Field(name: "notes", label: "Observations qualitatives", control: .textarea(rows: 5))
                                    .render(FormState(values: ["notes": [data.notes ?? ""]])),
                                .div(.class("form-actions"), .button(.class("button"), .type(.submit), .text("Enregistrer les observations")))))
        )
        return Page(title: "Bilan annuel \(review.year) — \(c.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Bilan annuel", nil)],
                    printable: true, content: content)
    }
}
