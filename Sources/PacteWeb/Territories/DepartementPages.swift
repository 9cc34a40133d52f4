import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The département roll-up: every convention of a département the reader may see, with its
/// planned cost and execution, on one page and as a download.
enum DepartementPages {
    /// Only the conventions the principal sees count (`Access`): nil for a platform administrator.
    static func memberOf(_ principal: Principal) -> [UUID]? {
        principal.isPlatformAdmin ? nil : principal.organisationIDs
    }

    /// The département of the path, 404 when it is not one (checked against the reference data when loaded).
    static func code(_ req: Request) async throws -> String {
        guard let text = req.parameters.get("departementCode"), let code = DepartementCode.normalised(text) else {
            throw Problem.notFound("Département")
        }
        let names = try await ReferenceData.departementNames(on: req.db)
        guard names.isEmpty || names[code] != nil else { throw Problem.notFound("Département") }
        return code
    }

    static func rollup(_ req: Request) async throws -> DepartementRollup.Rollup {
        try await DepartementRollup.rollup(try await code(req), memberOf: memberOf(try req.requirePrincipal()), on: req.db)
    }

    static func register(on pages: any RoutesBuilder) {
        let base = pages.grouped("territoires", "departements")
        base.get { req async throws -> Page in
            index(try await DepartementRollup.index(memberOf: memberOf(try req.requirePrincipal()), on: req.db), viewer: try req.viewer())
        }
        base.get(":departementCode") { req async throws -> Page in
            page(try await rollup(req), viewer: try req.viewer())
        }
        for format in SpreadsheetFormat.allCases {
            base.get(":departementCode", "conventions.\(format.rawValue)") { req async throws -> Response in
                let rollup = try await rollup(req)
                return try format.response(sheet(rollup), fileName: "conventions-departement-\(rollup.code)", request: req)
            }
        }
    }

    static func title(_ code: String, _ name: String?) -> String { name.map { "\($0) (\(code))" } ?? "Département \(code)" }

    static func index(_ entries: [DepartementRollup.Entry], viewer: Viewer) -> Page {
        let content: BodyNode = .group(
            .h1(.text("Conventions par département")),
            .p(.class("lead"), .text("Une convention appartient à un département quand l'une de ses parties y est rattachée "
                                     + "(le département d'une organisation se renseigne dans l'annuaire ; celui d'une commune ou d'une intercommunalité se déduit de son SIREN).")),
            .p(.attribute(named: "role", value: "status"),
               .text(entries.isEmpty ? "Aucune des conventions que vous voyez n'est rattachée à un département."
                     : entries.count == 1 ? "1 département." : "\(entries.count) départements.")),
            .if(!entries.isEmpty, .div(.class("table-wrap"), .table(
                .caption(.text("Départements et nombre de conventions")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Département")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Conventions")))),
                .tbody(.forEach(entries) { entry in
                    .tr(.th(.attribute(named: "scope", value: "row"), .a(.href("/territoires/departements/\(entry.code)"), .text(title(entry.code, entry.name)))),
                        .td(.class("num"), .text(String(entry.conventionCount))))
                }))))
        )
        return Page(title: "Conventions par département", section: .departements, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Départements", nil)], content: content)
    }

    static let header = ["Convention", "Référence", "Statut", "Coût prévu", "Engagé", "Réalisé", "Facturé", "Payé", "Prestations", "Entreprises accompagnées"]

    static func page(_ rollup: DepartementRollup.Rollup, viewer: Viewer) -> Page {
        let name = title(rollup.code, rollup.name)
        let totals = rollup.totals
        func amount(_ money: Money) -> Node<HTML.TableRowContext> { .td(.class("num"), .text(FrenchFormat.money(money))) }
        let content: BodyNode = .group(
            .h1(.text("Conventions du département : \(name)")),
            .p(.class("lead"), .text("Coût prévu : total du plan de financement (lignes chiffrées, hors « sur devis »). Engagé : fonds des engagements en cours ; "
                                     + "réalisé, facturé et payé : la part de ces engagements dont la prestation est réalisée, facturée, payée, comme dans le tableau de suivi.")),
            .p(.attribute(named: "role", value: "status"),
               .text(rollup.lines.isEmpty ? "Aucune convention que vous voyez n'est rattachée à ce département."
                     : "\(rollup.lines.count == 1 ? "1 convention" : "\(rollup.lines.count) conventions") : \(FrenchFormat.money(totals.plannedCost)) prévus, "
                        + "\(FrenchFormat.money(totals.committed)) engagés, \(FrenchFormat.money(totals.paid)) payés ; "
                        + "\(FrenchFormat.grouped(totals.services)) prestations pour \(FrenchFormat.grouped(totals.companies)) entreprises.")),
            .if(!rollup.lines.isEmpty, .group(
                DownloadPicker.render(path: "/territoires/departements/\(rollup.code)/conventions", header: header, id: "departement"),
                .div(.class("table-wrap"), .table(
                    .caption(.text("Conventions du département \(name), montants en euros")),
                    .thead(.tr(.forEach(["Convention", "Statut", "Coût prévu", "Engagé", "Réalisé", "Facturé", "Payé", "Prestations", "Entreprises"].enumerated()) { index, label in
                        .th(.attribute(named: "scope", value: "col"), .class(index >= 2 ? "num" : ""), .text(label))
                    })),
                    .tbody(.forEach(rollup.lines) { line in
                        .tr(.th(.attribute(named: "scope", value: "row"), .a(.href("/conventions/\(line.conventionID)"), .text(line.title)),
                                .unwrap(line.reference) { .span(.class("muted"), .text(" (\($0))")) }),
                            .td(UI.statusBadge(line.status)),
                            .td(.class("num"), .text(line.plannedCost.map(FrenchFormat.money) ?? "incalculable")),
                            amount(line.committed), amount(line.delivered), amount(line.invoiced), amount(line.paid),
                            .td(.class("num"), .text(FrenchFormat.grouped(line.services))),
                            .td(.class("num"), .text(FrenchFormat.grouped(line.companies))))
                    }),
                    .tfoot(.tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "2"),
                                   .text("Total (\(rollup.lines.count == 1 ? "1 convention" : "\(rollup.lines.count) conventions"))")),
                               .td(.class("num"), .text(FrenchFormat.money(totals.plannedCost) + (totals.plannedCostIncomplete ? " (hors coûts incalculables)" : ""))),
                               amount(totals.committed), amount(totals.delivered), amount(totals.invoiced), amount(totals.paid),
                               .td(.class("num"), .text(FrenchFormat.grouped(totals.services))),
                               .td(.class("num"), .text("\(FrenchFormat.grouped(totals.companies)) distinctes")))))),
                .p(.class("legend"), .text("Une entreprise accompagnée au titre de plusieurs conventions compte une fois dans le total."))
            ))
        )
        return Page(title: "Conventions du département \(name)", section: .departements, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Départements", "/territoires/departements"), (name, nil)], content: content)
    }

    /// One row per convention and a total row, amounts as numbers.
    static func sheet(_ rollup: DepartementRollup.Rollup) -> Spreadsheet {
        var rows: [[Spreadsheet.Cell]] = rollup.lines.map { line in
            [.text(line.title), line.reference.map { .text($0) } ?? .empty, .text(line.status.label),
             line.plannedCost.map(Spreadsheet.Cell.amount) ?? .text("incalculable"),
             .amount(line.committed), .amount(line.delivered), .amount(line.invoiced), .amount(line.paid),
             .integer(line.services), .integer(line.companies)]
        }
        let t = rollup.totals
        rows.append([.text("Total (\(rollup.lines.count == 1 ? "1 convention" : "\(rollup.lines.count) conventions"))"), .empty, .empty, .amount(t.plannedCost), .amount(t.committed),
                     .amount(t.delivered), .amount(t.invoiced), .amount(t.paid), .integer(t.services), .integer(t.companies)])
        return Spreadsheet(sheetName: "Département \(rollup.code)", header: header, rows: rows)
    }
}
