import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Home: my conventions with status, dates, budget and consumption, and the next deadlines.
enum DashboardPage {
    static func register(on pages: any RoutesBuilder) {
        pages.get { req async throws -> Page in
            let principal = try req.requirePrincipal()
            let data = try await PageQueries.dashboard(for: principal, on: req.db)
            return DashboardPage.page(data, viewer: try req.viewer(), canCreate: principal.canWriteSomewhere)
        }
        pages.get("conventions") { req async throws -> Page in
            let principal = try req.requirePrincipal()
            let data = try await PageQueries.dashboard(for: principal, on: req.db)
            return DashboardPage.list(data, viewer: try req.viewer(), canCreate: principal.canWriteSomewhere)
        }
    }

    static func page(_ data: PageQueries.Dashboard, viewer: Viewer, canCreate: Bool) -> Page {
        let totalBudget = (try? data.conventions.map(\.budget).reduce(Money.zero) { try $0.adding($1) }) ?? .zero
        let content: BodyNode = .group(
            .h1(.text("Tableau de bord")),
            .p(.class("lead"), .text("\(count(data.conventions.count, "convention", "conventions")) ; budget total \(FrenchFormat.money(totalBudget)) ; aujourd'hui \(FrenchFormat.date(data.today)).")),
            .if(canCreate, createActions),
            .h2(.text("Prochaines échéances")),
            deadlines(data.deadlines),
            .h2(.text("Mes conventions")),
            table(data.conventions)
        )
        return Page(title: "Tableau de bord", section: .dashboard, viewer: viewer, content: content)
    }

    static func list(_ data: PageQueries.Dashboard, viewer: Viewer, canCreate: Bool) -> Page {
        let content: BodyNode = .group(
            .h1(.text("Conventions")),
            .p(.class("lead"), .text(count(data.conventions.count, "convention visible", "conventions visibles"))),
            .if(canCreate, createActions),
            table(data.conventions)
        )
        return Page(title: "Conventions", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", nil)], content: content)
    }

    /// What a writer can start from the dashboard and the list: a blank convention, or one read from a document.
    static var createActions: BodyNode { .div(
        .class("page-actions"),
        .a(.class("button"), .href("/conventions/nouvelle"), .text("Nouvelle convention")),
        .a(.class("button secondary"), .href("/imports/nouveau"), .text("Importer un document")),
        .a(.class("button secondary"), .href("/imports"), .text("Imports à relire"))
    ) }

    static func period(_ start: CivilDate?, _ end: CivilDate?) -> String {
        switch (start, end) {
        case let (start?, end?): "du \(FrenchFormat.date(start)) au \(FrenchFormat.date(end))"
        case let (start?, nil): "à partir du \(FrenchFormat.date(start))"
        case let (nil, end?): "jusqu'au \(FrenchFormat.date(end))"
        case (nil, nil): "dates non renseignées"
        }
    }

    static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        n == 0 ? "Aucune \(singular)" : n == 1 ? "1 \(singular)" : "\(n) \(plural)"
    }

    static func deadlines(_ items: [PageQueries.Deadline]) -> BodyNode {
        guard !items.isEmpty else { return .p(.class("muted"), .text("Aucune échéance à venir dans vos conventions.")) }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Les dix prochaines dates à ne pas manquer")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Date")),
                .th(.attribute(named: "scope", value: "col"), .text("Échéance")),
                .th(.attribute(named: "scope", value: "col"), .text("Convention"))
            )),
            .tbody(.forEach(items) { item in
                .tr(.td(.class("num"), .text(FrenchFormat.date(item.date))),
                    .td(.text(item.label)),
                    .td(.a(.href("/conventions/\(item.conventionID)"), .text(item.conventionTitle))))
            })
        ))
    }

    static func table(_ conventions: [PageQueries.ConventionSummary]) -> BodyNode {
        guard !conventions.isEmpty else {
            return .p(.class("muted"), .text("Aucune convention ne vous est visible : demandez à être rattaché à une organisation partie."))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Conventions visibles : celles dont votre organisation est partie")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Convention")),
                .th(.attribute(named: "scope", value: "col"), .text("Statut")),
                .th(.attribute(named: "scope", value: "col"), .text("Période")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Budget")),
                .th(.attribute(named: "scope", value: "col"), .text("Financement et consommation"))
            )),
            .tbody(.forEach(conventions) { c in
                .tr(
                    .th(.attribute(named: "scope", value: "row"),
                        .a(.href("/conventions/\(c.id)"), .text(c.title)),
                        .unwrap(c.reference) { .span(.class("muted"), .text(" — réf. \($0)")) },
                        .div(.class("muted"), .text(c.partyNames.joined(separator: ", "))),
                        .if(c.errorCount > 0, .div(.class("flag"), .text("⚠ " + (c.errorCount == 1 ? "1 erreur de calcul" : "\(c.errorCount) erreurs de calcul"))))),
                    .td(UI.statusBadge(c.status)),
                    .td(.text(period(c.startsOn, c.endsOn))),
                    .td(.class("num"), .text(FrenchFormat.money(c.budget)),
                        .if(c.pendingLines > 0, .div(.class("pending"), .text("+ \(c.pendingLines) sur devis")))),
                    .td(
                        UI.bar(c.funded, of: c.budget, label: "Financé"),
                        UI.bar(c.consumed, of: c.budget, label: "Consommé", consumption: true)
                    )
                )
            })
        ))
    }
}
