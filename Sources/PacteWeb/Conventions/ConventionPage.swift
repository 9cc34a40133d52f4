import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// A convention at a glance: dates and status, parties, the financing table laid out as in seed 000,
/// the charts, the axes and actions, the articles.
enum ConventionPage {
    /// The convention page (kept in `PageCache`), its printable form and its PDF.
    static func register(on convention: any RoutesBuilder) {
        convention.get { req async throws -> Page in
            let principal = try req.requirePrincipal()
            return try await PageRoutes.cached(req, "convention") { model, viewer, notice in
                ConventionPage.page(try await PageQueries.convention(model, principal: principal, on: req.db), viewer: viewer, notice: notice)
            }
        }
        convention.get("imprimer") { req async throws -> Page in
            let model = try await Access.convention(req)
            let view = try await PageQueries.convention(model, principal: try req.requirePrincipal(), on: req.db)
            return PrintPage.page(view, viewer: try req.viewer())
        }
        convention.get("convention.pdf") { req async throws -> Response in
            let model = try await Access.convention(req)
            let view = try await PageQueries.convention(model, principal: try req.requirePrincipal(), on: req.db)
            return try await PDFExport.response(for: view, request: req)
        }
    }

    static func page(_ view: PageQueries.ConventionView, viewer: Viewer, notice: String?) -> Page {
        let c = view.convention
        let base = "/conventions/\(view.id)"
        let content: BodyNode = .group(
            .h1(.text(c.title)),
            .p(.class("lead"), UI.statusBadge(c.status), .text(c.reference.map { " Référence \($0)." } ?? "")),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .div(
                .class("page-actions"),
                .if(view.canWrite, .group(
                    .a(.class("button"), .href("\(base)/modifier"), .text("Modifier la convention")),
                    .a(.class("button secondary"), .href("\(base)/parties/nouvelle"), .text("Ajouter une partie")),
                    .a(.class("button secondary"), .href("\(base)/actions/nouvelle"), .text("Ajouter une action"))
                )),
                .a(.class("button secondary"), .href("\(base)/imprimer"), .text("Version imprimable")),
                .a(.class("button secondary"), .href("\(base)/convention.pdf"), .text("Télécharger en PDF")),
                .a(.class("button secondary"), .href("\(base)/documents"), .text("Documents modifiables (ODT, DOCX)")),
                .a(.class("button secondary"), .href("\(base)/execution"), .text("Exécution et suivi")),
                .a(.class("button secondary"), .href("\(base)/gouvernance"), .text("Vie et gouvernance")),
                .a(.class("button secondary"), .href("\(base)/releves"), .text("Relevés des partenaires")),
                .a(.class("button secondary"), .href("\(base)/factures"), .text("Factures")),
                .a(.class("button secondary"), .href("\(base)/bilan"), .text("Bilan annuel")),
                .a(.class("button secondary"), .href("\(base)/livrables"), .text("Livrables"))
            ),
            keyFigures(view),
            .h2(.id("conditions"), .text("Dates et conditions")),
            facts(c),
            .h2(.id("parties"), .text("Parties")),
            parties(view, base: base, csrf: viewer.csrf),
            .h2(.id("financement"), .text("Plan de financement")),
            FinancingTableView(table: view.table, evaluation: view.evaluation, actionIDs: view.actions.map(\.id), conventionID: view.id,
                               axisTitles: Dictionary(view.axes.map { ($0.code, $0.title) }, uniquingKeysWith: { a, _ in a }),
                               caption: "Plan de financement par action et par financeur (montants \(view.table.regime.label))").render(),
            .if(!view.table.pendingNotes.isEmpty, .group(
                .h3(.text("En attente (sur devis), exclus des totaux")),
                .ul(.forEach(view.table.pendingNotes) { .li(.text($0)) })
            )),
            .h3(.id("constats"), .text("Constats du calcul")),
            findingsList(view.evaluation.findings, caption: "Écarts et remarques relevés par Pacte"),
            .h2(.id("enveloppes"), .text("Enveloppes et engagements")),
            envelopes(view),
            .h2(.id("graphiques"), .text("Graphiques")),
            charts(view),
            .h2(.id("actions"), .text("Axes et actions")),
            axes(view, base: base, csrf: viewer.csrf),
            actions(view, base: base),
            .h2(.id("articles"), .text("Articles")),
            .if(view.canWrite, .div(.class("page-actions"), .a(.class("button secondary"), .href("\(base)/articles/nouvelle"), .text("Ajouter un article")))),
            articles(view, controls: view.canWrite ? (base, viewer.csrf) : nil)
        )
        return Page(title: c.title, section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, nil)], content: content)
    }

    /// The four figures an officer looks for first, each linked to its detail.
    static func keyFigures(_ view: PageQueries.ConventionView) -> BodyNode {
        let table = view.table
        let funded = (try? table.totalsPerFunder.reduce(Money.zero) { try $0.adding($1) }) ?? .zero
        let findings = view.evaluation.findings
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.filter { $0.severity == .warning }.count
        let cards: [(String, String, String, String?)] = [
            ("Coût total \(table.regime.label)", FrenchFormat.money(table.totalCost), "#financement",
             view.evaluation.pendingLineCount > 0 ? "+ \(view.evaluation.pendingLineCount) ligne(s) sur devis" : nil),
            ("Financement chiffré", FrenchFormat.money(funded), "#financement", "\(UI.percent(funded, of: table.totalCost)) du coût"),
            ("Reste à financer", FrenchFormat.money(table.totalUnfunded), "#financement",
             table.totalExcess.isZero ? nil : "excès : \(FrenchFormat.money(table.totalExcess))"),
            ("Constats", errors + warnings == 0 ? "Aucun écart" : "\(errors) erreur(s), \(warnings) avertissement(s)", "#constats", nil),
        ]
        return .ul(.class("key-figures"), .forEach(cards) { card in
            .li(.class("card"),
                .span(.class("key-label"), .text(card.0)),
                .a(.class("key-value"), .href(card.2), .text(card.1)),
                .unwrap(card.3) { .span(.class("muted"), .text($0)) })
        })
    }

    static func facts(_ c: ConventionModel) -> BodyNode {
        var rows: [(String, String)] = [
            ("Statut", c.status.label),
            ("Signée le", UI.date(c.signedOn)),
            ("Prise d'effet", UI.date(c.startsOn)),
            ("Échéance", UI.date(c.endsOn)),
        ]
        if let months = c.durationMonths { rows.append(("Durée", "\(months) mois")) }
        rows.append(("Reconduction", c.renewal?.label ?? "Non précisée"))
        if let notice = c.noticeMonths { rows.append(("Préavis", "\(notice) mois")) }
        rows.append(("Régime des montants", c.taxRegime.label))
        rows.append(("Taux de TVA", FrenchFormat.percent(c.vatRate)))
        if let rate = c.dayRate { rows.append(("Prix de journée", FrenchFormat.money(rate))) }
        return .group(
            .unwrap(c.object) { .p(.text($0)) },
            .dl(.class("facts"), .forEach(rows) { row in .group(.dt(.text(row.0)), .dd(.text(row.1))) })
        )
    }

    static func parties(_ view: PageQueries.ConventionView, base: String, csrf: String) -> BodyNode {
        .div(.class("table-wrap"), .table(
            .caption(.text("Organisations parties à la convention et leurs rôles")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Organisation")),
                .th(.attribute(named: "scope", value: "col"), .text("SIREN")),
                .th(.attribute(named: "scope", value: "col"), .text("Rôles")),
                .th(.attribute(named: "scope", value: "col"), .text("Représentée par")),
                .if(view.canWrite, .th(.attribute(named: "scope", value: "col"), .text("Gérer")))
            )),
            .tbody(.forEach(view.parties) { party in
                .tr(
                    .th(.attribute(named: "scope", value: "row"), .text(party.name),
                        .div(.class("muted"), .text(party.kind.label + (party.designation.map { " — « \($0) »" } ?? "")))),
                    .td(.class("num"), .text(party.siren.map(DirectoryPage.formatSiren) ?? "—")),
                    .td(.text(party.roles.map(\.label).joined(separator: ", "))),
                    .td(.text(party.representative ?? "—")),
                    .if(view.canWrite, .td(
                        .a(.href("\(base)/parties/\(party.id)/modifier"), .text("Modifier"), .ariaLabel(escapeAttribute("Modifier la partie \(party.name)"))),
                        view.parties.count > 1
                            ? .form(.method(.post), .action("\(base)/parties/\(party.id)/retirer"),
                                    .data(named: "confirm", value: escapeAttribute("Retirer \(party.name) de la convention ?")),
                                    CSRF.field(csrf),
                                    .button(.class("button danger"), .type(.submit), .text("Retirer"),
                                            .ariaLabel(escapeAttribute("Retirer \(party.name)"))))
                            : .span(.class("muted"), .text(" Dernière partie"))
                    ))
                )
            })
        ))
    }

    static func charts(_ view: PageQueries.ConventionView) -> BodyNode {
        let funders = view.table.funders.indices.map { index in
            Charts.FunderAmount(name: view.table.funders[index].name, amount: view.table.totalsPerFunder[index],
                                known: view.table.funderHasKnownAmount[index])
        }
        var points: [Charts.MonthPoint] = []
        if let start = view.convention.startsOn, let end = view.convention.endsOn,
           let months = try? MonthlySchedule.planned(view.evaluation, from: start, to: end) {
            // Commitments made before the convention's first month count in that month.
            var committed = view.committedByMonth.filter { $0.key < YearMonth(start) }.values.reduce(Money.zero) { (try? $0.adding($1)) ?? $0 }
            points = months.map { month in
                committed = (try? committed.adding(view.committedByMonth[month.month] ?? .zero)) ?? committed
                return Charts.MonthPoint(month: month.month, planned: month.cumulative, committed: committed)
            }
        }
        let note = view.committedByMonth.isEmpty
            ? "Le prévu répartit le coût de chaque action sur les mois de son année. Aucun engagement n'est encore enregistré pour cette convention."
            : "Le prévu répartit le coût de chaque action sur les mois de son année ; l'engagé cumule les engagements en cours, au mois où ils ont été pris."
        return .group(
            Charts.fundingByFunder(funders, id: "graphique-financeurs", caption: "Financement par financeur"),
            Charts.plannedAgainstCommitted(points, id: "graphique-echeancier", caption: "Prévu et engagé, mois par mois",
                                           note: note)
        )
    }

    static func axes(_ view: PageQueries.ConventionView, base: String, csrf: String) -> BodyNode {
        .group(
            .if(view.canWrite, .div(.class("page-actions"),
                .a(.class("button secondary"), .href("\(base)/axes/nouvelle"), .text("Ajouter un axe")),
                .a(.class("button secondary"), .href("\(base)/actions/nouvelle"), .text("Ajouter une action")))),
            .if(!view.axes.isEmpty, .div(.class("table-wrap"), .table(
                .caption(.text("Axes de la convention")),
                .thead(.tr(
                    .th(.attribute(named: "scope", value: "col"), .text("Code")),
                    .th(.attribute(named: "scope", value: "col"), .text("Intitulé")),
                    .if(view.canWrite, .th(.attribute(named: "scope", value: "col"), .text("Gérer")))
                )),
                .tbody(.forEach(view.axes) { axis in
                    .tr(.th(.attribute(named: "scope", value: "row"), .text(axis.code)),
                        .td(.text(axis.title)),
                        .if(view.canWrite, .td(rowControls(edit: "\(base)/axes/\(axis.id)/modifier", delete: "\(base)/axes/\(axis.id)/supprimer",
                                                           name: "l'axe « \(axis.code) »", csrf: csrf))))
                })
            )))
        )
    }

    static func envelopes(_ view: PageQueries.ConventionView) -> BodyNode {
        guard !view.envelopes.isEmpty else {
            return .p(.class("muted"), .text("Aucune enveloppe : aucun plafond d'engagement n'est fixé pour cette convention."))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Plafonds par financeur : engagé et disponible")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Enveloppe")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Plafond")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Engagé")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Disponible")),
                .th(.attribute(named: "scope", value: "col"), .text("Consommation"))
            )),
            .tbody(.forEach(view.envelopes) { state in
                .tr(.th(.attribute(named: "scope", value: "row"), .text(state.envelope.name)),
                    .td(.class("num"), .text(FrenchFormat.money(state.envelope.cap))),
                    .td(.class("num"), .text(FrenchFormat.money(state.committed))),
                    .td(.class("num"), .text(FrenchFormat.money(state.remaining))),
                    .td(UI.bar(state.committed, of: state.envelope.cap, label: "Engagé", consumption: true)))
            })
        ))
    }

    static func actions(_ view: PageQueries.ConventionView, base: String) -> BodyNode {
        guard !view.actions.isEmpty else { return .p(.class("muted"), .text("Aucune action pour l'instant.")) }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Fiches-actions de la convention")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Axe")),
                .th(.attribute(named: "scope", value: "col"), .text("Action")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Coût"))
            )),
            .tbody(.forEach(view.actions.indices) { index in
                let action = view.actions[index]
                let result = view.evaluation.actions.indices.contains(index) ? view.evaluation.actions[index] : nil
                let cost: String
                if let result {
                    let pending = result.pendingLines.isEmpty ? "" : (result.cost.isZero ? "sur devis" : " + sur devis")
                    cost = result.cost.isZero && !pending.isEmpty ? pending : FrenchFormat.money(result.cost) + pending
                } else {
                    cost = "—"
                }
                return .tr(
                    .td(.text(action.axisCode ?? "—")),
                    .th(.attribute(named: "scope", value: "row"),
                        .a(.href("\(base)/actions/\(action.id)"), .text(action.displayName))),
                    .td(.class("num"), .text(cost))
                )
            })
        ))
    }

    /// The articles; `controls` (base path and CSRF token) adds the edit and delete controls for writers.
    static func articles(_ view: PageQueries.ConventionView, controls: (base: String, csrf: String)? = nil) -> BodyNode {
        guard !view.articles.isEmpty else { return .p(.class("muted"), .text("Aucun article saisi.")) }
        return .group(.forEach(view.articles) { article in
            let name = "Article \(article.number)"
            return .div(.class("article"),
                        .h3(.text(name + (article.title.map { " — \($0)" } ?? ""))),
                        .unwrap(controls) { c in
                            .div(.class("no-print"), rowControls(edit: "\(c.base)/articles/\(article.id)/modifier",
                                                                 delete: "\(c.base)/articles/\(article.id)/supprimer",
                                                                 name: "l'article \(article.number)", csrf: c.csrf))
                        },
                        .p(.class("article-body"), .text(article.body)))
        })
    }
}
