import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The notice that tells a company who funds the service it receives (printable, A4).
enum FundingNotice {
    static func page(_ intervention: InterventionModel, convention: ConventionModel, viewer: Viewer, on db: any Database) async throws -> Page {
        guard let company = try await CompanyModel.find(intervention.$company.id, on: db),
              let action = try await ActionModel.find(intervention.$action.id, on: db) else { throw Problem.notFound("Prestation") }
        var provider: OrganisationModel?
        if let service = try await intervention.$service.get(on: db) { provider = try await service.$provider.get(on: db) }
        let amount = Money(cents: intervention.invoiceCents ?? intervention.quoteCents)
        let parts = try await Interventions.Funding(for: convention, on: db).parts(action: try action.requireID(), amount: amount)
        let publicParts = parts.filter { $0.0.kind != .company }
        let publicAid = try publicParts.reduce(Money.zero) { try $0.adding($1.1) }
        let date = intervention.acceptedOn ?? .today()
        let regulation = DeMinimisRegulation.applicable(on: date)
        let base = "/conventions/\(try convention.requireID())"
        let basis = intervention.invoiceCents != nil
            ? "montant facturé\(intervention.invoiceNumber.map { " (facture n° \($0))" } ?? "")"
            : "montant du devis"
        let rows: [Node<HTML.TableContext>] = parts.map { organisation, part in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(organisation.kind == .company ? "Reste à la charge de l'entreprise" : organisation.name)),
                .td(.class("num"), .text(UI.percent(part, of: amount))),
                .td(.class("num"), .text(FrenchFormat.money(part))))
        }
        let content: BodyNode = .group(
            .p(.class("no-print notice"), .text("Utilisez la commande Imprimer de votre navigateur (format A4) pour remettre cet avis à l'entreprise.")),
            .h1(.text("Avis de financement")),
            .p(.strong(.text(company.name)), .text(", SIREN \(DirectoryPage.formatSiren(company.siren))"),
               .unwrap(company.address) { .text(", \($0)") }),
            .dl(.class("facts"),
                .dt(.text("Prestation")), .dd(.text(intervention.label)),
                .unwrap(intervention.programme) { .group(.dt(.text("Programme")), .dd(.text($0))) },
                .unwrap(provider) { .group(.dt(.text("Prestataire")), .dd(.text($0.name))) },
                .dt(.text("Cadre")), .dd(.text("\(convention.title)\(convention.reference.map { " (\($0))" } ?? ""), action « \(action.displayName) »")),
                .dt(.text("Montant")), .dd(.text("\(FrenchFormat.money(amount)) \(convention.taxRegime.label), \(basis)")),
                .dt(.text("Étape")), .dd(.text(InterventionPages.history(intervention)))),
            .h2(.text("Qui finance cette prestation")),
            .div(.class("table-wrap"), .table(
                .caption(.text("Répartition du financement de la prestation")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Part")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")))),
                .tbody(.group(rows)),
                .tfoot(.tr(.th(.attribute(named: "scope", value: "row"), .text("Total")), .td(.class("num"), .text("100 %")),
                           .td(.class("num"), .text(FrenchFormat.money(amount))))))),
            .h2(.text("Aide de minimis")),
            .p(.text(publicAid.isZero
                ? "Cette prestation ne comporte pas d'aide publique."
                : "La part publique de \(FrenchFormat.money(publicAid)) constitue une aide accordée à l'entreprise au titre du \(regulation.officialTitle)."
                  + (intervention.status == .quoted ? " Elle sera accordée à l'acceptation du devis." : " Elle est accordée à la date du \(FrenchFormat.date(date)).")
                  + " Conservez cet avis : il vous sera demandé pour toute nouvelle demande d'aide de minimis.")),
            .p(.class("no-print"), .a(.href("\(base)/execution#prestation-\(try intervention.requireID())"), .text("Retour au suivi d'exécution")))
        )
        return Page(title: "Avis de financement — \(intervention.label)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (convention.title, base), ("Exécution", "\(base)/execution"),
                                  ("Avis de financement", nil)],
                    printable: true, content: content)
    }
}
