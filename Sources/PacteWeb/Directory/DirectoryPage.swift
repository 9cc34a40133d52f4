import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The directory of organisations, searched by name or SIREN.
enum DirectoryPage {
    static func register(on pages: any RoutesBuilder) {
        pages.get("organisations") { req async throws -> Page in
            let search = req.query[String.self, at: "q"]
            let entries = try await PageQueries.directory(search: search, on: req.db)
            let principal = try req.requirePrincipal()
            return DirectoryPage.page(entries, search: search, viewer: try req.viewer(), canCreate: principal.canWriteSomewhere,
                                      editable: { Access.writesFor(principal, organisation: $0) })
        }
    }

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
                                                                        .attribute(named: "aria-label", value: escapeAttribute("Modifier \(entry.name)")), .text("Modifier"))))),
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
