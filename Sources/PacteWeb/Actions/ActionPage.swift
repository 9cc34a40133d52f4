import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// A fiche-action: every field of the sheet, its cost lines, its financing plan and indicators.
enum ActionPage {
    static func register(on convention: any RoutesBuilder) {
        convention.get("actions", ":actionID") { req async throws -> Page in
            let model = try await Access.convention(req)
            let action = try await Access.action(req, in: model)
            let view = try await PageQueries.action(action, in: model, principal: try req.requirePrincipal(), on: req.db)
            return ActionPage.page(view, viewer: try req.viewer(), notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
    }

    static func page(_ view: PageQueries.ActionView, viewer: Viewer, notice: String?) -> Page {
        let a = view.action
        let c = view.convention
        let base = "/conventions/\(view.conventionID)/actions/\(view.actionID)"
        let sheet: [(String, String?)] = [
            ("Contexte", a.context), ("Objectifs", a.objectives), ("Contenu", a.content), ("Modalités de mise en œuvre", a.method),
            ("Calendrier", a.calendar), ("Cofinancements", a.coFinancing), ("Partenaires techniques", a.technicalPartners),
            ("Évaluation", a.evaluation),
        ]
        let content: BodyNode = .group(
            .h1(.text("Fiche-action \(a.displayName)")),
            .p(.class("lead"), .text("Convention : "), .a(.href("/conventions/\(view.conventionID)"), .text(c.title))),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .if(view.canWrite, .div(
                .class("page-actions"),
                .a(.class("button"), .href("\(base)/modifier"), .text("Modifier la fiche")),
                .a(.class("button secondary"), .href("\(base)/lignes/nouvelle"), .text("Ajouter une ligne de coût")),
                .a(.class("button secondary"), .href("\(base)/parts/nouvelle"), .text("Ajouter une part de financement")),
                .a(.class("button secondary"), .href("\(base)/indicateurs/nouvelle"), .text("Ajouter un indicateur"))
            )),
            .h2(.text("Fiche")),
            .dl(.class("facts"),
                .dt(.text("Axe")), .dd(.text(view.axisTitle ?? "—")),
                .dt(.text("Maître d'ouvrage")), .dd(.text(view.operatorName ?? "—")),
                .dt(.text("Prix de journée")), .dd(.text(UI.money(a.dayRate ?? c.dayRate))),
                .dt(.text("Jours annoncés")), .dd(.text(view.statedDays.map(FrenchFormat.days) ?? "—"))),
            .forEach(sheet) { item in .group(.h3(.text(item.0)), UI.paragraphs(item.1)) },
            .if(!a.notes.isEmpty, .group(.h3(.text("Notes")), .ul(.forEach(a.notes) { .li(.text($0)) }))),
            .h2(.id("couts"), .text("Lignes de coût")),
            lines(view, base: base, csrf: viewer.csrf),
            .h2(.id("financement"), .text("Plan de financement")),
            shares(view, base: base, csrf: viewer.csrf),
            .h3(.text("Constats du calcul")),
            findingsList(view.result?.findings ?? [], caption: "Écarts et remarques sur cette action"),
            .h2(.id("indicateurs"), .text("Indicateurs")),
            indicatorChart(view),
            indicators(view, base: base, csrf: viewer.csrf)
        )
        return Page(title: "Fiche-action \(a.displayName)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, "/conventions/\(view.conventionID)"), (a.displayName, nil)],
                    content: content)
    }

    static func lines(_ view: PageQueries.ActionView, base: String, csrf: String) -> BodyNode {
        guard !view.lines.isEmpty else { return .p(.class("muted"), .text("Aucune ligne de coût.")) }
        let total = (try? view.lines.compactMap(\.computed).reduce(Money.zero) { try $0.adding($1) }) ?? .zero
        return .div(.class("table-wrap"), .table(
            .caption(.text("Lignes de coût de l'action (montants \(view.convention.taxRegime.label))")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Libellé")),
                .th(.attribute(named: "scope", value: "col"), .text("Tarification")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Quantité")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Prix unitaire")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")),
                .th(.attribute(named: "scope", value: "col"), .text("Année")),
                .th(.attribute(named: "scope", value: "col"), .text("Statut")),
                .if(view.canWrite, .th(.attribute(named: "scope", value: "col"), .text("Gérer")))
            )),
            .tbody(.forEach(view.lines) { row in
                let (quantity, price) = figures(row.line)
                let mismatch = row.line.statedAmount.flatMap { stated in row.computed.map { $0 != stated } } ?? false
                return .tr(
                    .class(mismatch ? "flagged" : ""),
                    .th(.attribute(named: "scope", value: "row"), .text(row.line.label),
                        .if(mismatch, .div(.class("flag"), .text("⚠ montant indiqué \(UI.money(row.line.statedAmount)) différent du calcul")))),
                    .td(.text(UI.pricingLabel(row.pricing) + " (\(row.line.regime.label))")),
                    .td(.class("num"), .text(quantity)),
                    .td(.class("num"), .text(price)),
                    .td(.class("num"), .text(row.computed.map(FrenchFormat.money) ?? "sur devis")),
                    .td(.text(row.year.map(String.init) ?? "—")),
                    .if(view.canWrite, .td(rowControls(edit: "\(base)/lignes/\(row.id)/modifier", delete: "\(base)/lignes/\(row.id)/supprimer",
                                                       name: "la ligne « \(row.line.label) »", csrf: csrf)))
                )
            }),
            .tfoot(.tr(
                .th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "4"), .text("Total des lignes chiffrées")),
                .td(.class("num"), .id("total-lignes"), .text(FrenchFormat.money(total))),
                .td(.attribute(named: "colspan", value: view.canWrite ? "2" : "1"), .text(""))
            ))
        ))
    }

    static func figures(_ line: CostLine) -> (String, String) {
        switch line.pricing {
        case .quantity(let q, let price): (FrenchFormat.decimal(q.value), FrenchFormat.money(price))
        case .days(let q, let rate): (FrenchFormat.days(q), FrenchFormat.money(rate))
        case .forfait: ("forfait", "—")
        case .onQuote: ("sur devis", "—")
        }
    }

    static func shares(_ view: PageQueries.ActionView, base: String, csrf: String) -> BodyNode {
        guard !view.shares.isEmpty else { return .p(.class("muted"), .text("Aucune part de financement : le coût de l'action n'est pas financé.")) }
        let result = view.result
        return .group(
            .div(.class("table-wrap"), .table(
                .caption(.text("Financement de l'action par financeur")),
                .thead(.tr(
                    .th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                    .th(.attribute(named: "scope", value: "col"), .text("Règle")),
                    .th(.attribute(named: "scope", value: "col"), .text("Condition")),
                    .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant calculé")),
                    .if(view.canWrite, .th(.attribute(named: "scope", value: "col"), .text("Gérer")))
                )),
                .tbody(.forEach(view.shares.indices) { index in
                    let row = view.shares[index]
                    let outcomes = result?.periods.flatMap(\.outcomes).filter { $0.shareIndex == index } ?? []
                    let known = outcomes.compactMap(\.amount)
                    let amount = known.isEmpty
                        ? (outcomes.contains(where: \.isPending) ? "sur devis" : "à préciser")
                        : FrenchFormat.money((try? known.reduce(Money.zero) { try $0.adding($1) }) ?? .zero)
                    return .tr(
                        .th(.attribute(named: "scope", value: "row"), .text(row.funderName)),
                        .td(.text(UI.shareRule(row.share.size) + (row.share.year.map { " (\($0))" } ?? ""))),
                        .td(.class(row.share.condition == nil ? "" : "conditional"), .text(row.share.condition.map { "sous réserve : \($0)" } ?? "—")),
                        .td(.class("num"), .text(amount)),
                        .if(view.canWrite, .td(rowControls(edit: "\(base)/parts/\(row.id)/modifier", delete: "\(base)/parts/\(row.id)/supprimer",
                                                           name: "la part de \(row.funderName)", csrf: csrf)))
                    )
                })
            )),
            .unwrap(result) { result in
                .dl(.class("facts"),
                    .dt(.text("Coût de l'action")), .dd(.id("cout-action"), .text(FrenchFormat.money(result.cost))),
                    .dt(.text("Reste à financer")), .dd(.text(FrenchFormat.money(result.unfunded))),
                    .dt(.text("Financement en excès")), .dd(.text(FrenchFormat.money(result.excess))))
            }
        )
    }

    static func indicators(_ view: PageQueries.ActionView, base: String, csrf: String) -> BodyNode {
        guard !view.indicators.isEmpty else { return .p(.class("muted"), .text("Aucun indicateur.")) }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Indicateurs de réalisation")),
            .thead(.tr(
                .th(.attribute(named: "scope", value: "col"), .text("Indicateur")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Cible")),
                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Mesuré")),
                .th(.attribute(named: "scope", value: "col"), .text("Unité")),
                .th(.attribute(named: "scope", value: "col"), .text("Année")),
                .th(.attribute(named: "scope", value: "col"), .text("Statut")),
                .if(view.canWrite, .th(.attribute(named: "scope", value: "col"), .text("Gérer")))
            )),
            .tbody(.forEach(view.indicators.indices) { index in
                let i = view.indicators[index]
                let reading = view.readings[i.id]
                let measured = (reading?.value ?? i.measured).map { FrenchFormat.decimal($0.value) } ?? "—"
                let source = [reading?.measuredOn.map { "au \(FrenchFormat.date($0))" }, reading?.source].compactMap { $0 }.joined(separator: ", ")
                let target: String = switch reading?.goal {
                case .shareAtLeast(let rate)?: "au moins \(FrenchFormat.percent(rate))"
                default: i.target.map { FrenchFormat.decimal($0.value) } ?? "—"
                }
                return .tr(.th(.attribute(named: "scope", value: "row"), .text(i.label)),
                           .td(.class("num"), .text(target)),
                           .td(.class("num"), .text(measured), .if(!source.isEmpty, .div(.class("muted"), .text(source)))),
                           .td(.text(i.unit ?? "—")),
                           .td(.text(i.year.map(String.init) ?? "—")),
                           .td(.text(reading?.assessment.status.label ?? "non mesuré")),
                           .if(view.canWrite, .td(.a(.href("\(base)/indicateurs/\(i.id)/mesure"), .text("Mesure"), .ariaLabel(escapeAttribute("Enregistrer une mesure de « \(i.label) »"))),
                                                  .text(" "),
                                                  .a(.href("\(base)/indicateurs/\(i.id)/objectif"), .text("Objectif"), .ariaLabel(escapeAttribute("Objectif de « \(i.label) »"))),
                                                  .text(" "),
                                                  rowControls(edit: "\(base)/indicateurs/\(i.id)/modifier", delete: "\(base)/indicateurs/\(i.id)/supprimer",
                                                              name: "l'indicateur « \(i.label) »", csrf: csrf))))
            })
        ))
    }

    /// Each measured indicator against what its goal asks by now (nothing when none has a goal).
    static func indicatorChart(_ view: PageQueries.ActionView) -> BodyNode {
        let bars: [Charts.IndicatorBar] = view.indicators.compactMap { i in
            guard let reading = view.readings[i.id], let goal = reading.goal, let expected = reading.assessment.expected else { return nil }
            let achieved = reading.assessment.achieved
            let percent = achieved.flatMap { value -> Int? in
                guard expected > .zero, let ratio = try? value.divided(by: expected), let hundred = try? Fraction(100), let scaled = try? ratio.multiplied(by: hundred) else { return nil }
                return Int(scaled.numerator / scaled.denominator)
            }
            let detail: String = switch goal {
            case .atLeast:
                "\(achieved.map { FrenchFormat.decimal($0) } ?? "—") pour \(FrenchFormat.decimal(expected)) attendus à ce jour"
            case .shareAtLeast(let rate):
                "\(achieved.flatMap { try? Rate($0) }.map(FrenchFormat.percent) ?? "—") pour \(FrenchFormat.percent(rate)) visés"
            }
            return Charts.IndicatorBar(name: i.label, percent: percent, detail: detail, status: reading.assessment.status.label)
        }
        guard !bars.isEmpty else { return .empty }
        return Charts.indicatorProgress(bars, id: "indicateurs-graphique", caption: "Indicateurs : mesure rapportée à l'objectif à ce jour")
    }
}
