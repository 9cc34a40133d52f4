import Foundation
import PacteCore
import PacteStore
import Plot

/// Home: my conventions with status, dates, budget and consumption, and the next deadlines.
enum DashboardPage {
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

/// The directory of organisations, searched by name or SIREN.
enum DirectoryPage {
    static func page(_ entries: [PageQueries.DirectoryEntry], search: String?, viewer: Viewer, canCreate: Bool = false,
                     editable: (UUID) -> Bool = { _ in false }) -> Page {
        let searchField = Field(name: "q", label: "Nom ou SIREN", control: .search, hint: "Par exemple « Sézanne » ou « 215 104 985 ».")
        let content: BodyNode = .group(
            .h1(.text("Annuaire des organisations")),
            .if(canCreate, .div(.class("page-actions"), .a(.class("button secondary"), .href("/organisations/nouvelle"), .text("Ajouter une organisation")))),
            .form(
                .class("search-form"), .method(.get), .action("/organisations"),
                .attribute(named: "role", value: "search"),
                searchField.render(FormState(values: ["q": [search ?? ""]])),
                .button(.class("button"), .type(.submit), .text("Rechercher"))
            ),
            .p(.attribute(named: "role", value: "status"), .text(resultLine(entries.count, search: search))),
            .if(!entries.isEmpty, .div(.class("table-wrap"), .table(
                .caption(.text("Organisations" + (search.map { $0.isEmpty ? "" : " correspondant à « \($0) »" } ?? ""))),
                .thead(.tr(
                    .th(.attribute(named: "scope", value: "col"), .text("Nom")),
                    .th(.attribute(named: "scope", value: "col"), .text("Nature")),
                    .th(.attribute(named: "scope", value: "col"), .text("SIREN")),
                    .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Conventions"))
                )),
                .tbody(.forEach(entries) { entry in
                    .tr(.th(.attribute(named: "scope", value: "row"), .text(entry.name),
                            .if(editable(entry.id), .group(.text(" "), .a(.class("button secondary small"), .href("/organisations/\(entry.id)/modifier"),
                                                                        .attribute(named: "aria-label", value: "Modifier \(entry.name)"), .text("Modifier"))))),
                        .td(.text(entry.kind.label)),
                        .td(.class("num"), .text(entry.siren.map(formatSiren) ?? "—")),
                        .td(.class("num"), .text(String(entry.conventionCount))))
                })
            )))
        )
        return Page(title: "Annuaire", section: .directory, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Annuaire", nil)], content: content)
    }

    static func resultLine(_ count: Int, search: String?) -> String {
        let what = count == 0 ? "Aucune organisation" : count == 1 ? "1 organisation" : "\(count) organisations"
        guard let search, !search.isEmpty else { return what + "." }
        return what + " pour « \(search) »."
    }

    /// `215 104 985`.
    static func formatSiren(_ siren: Siren) -> String {
        let digits = Array(siren.description.filter(\.isNumber))
        guard digits.count == 9 else { return siren.description }
        return String(digits[0..<3]) + "\u{00A0}" + String(digits[3..<6]) + "\u{00A0}" + String(digits[6..<9])
    }
}
