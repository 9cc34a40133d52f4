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

/// The statement of the de minimis aid a company's single undertaking has received over the
/// regulation's period, as the company gives it to a new funder (printable, A4).
enum DeMinimisStatement {
    static func page(_ company: CompanyModel, on date: CivilDate, viewer: Viewer, db: any Database) async throws -> Page {
        let (ledger, grants) = try await DeMinimisStore.ledger(of: company, on: db)
        let members = try await DeMinimisStore.undertaking(of: company, on: db)
        let names = Dictionary(uniqueKeysWithValues: try members.map { (try $0.requireID(), $0) })
        let assessment = try ledger.assess(.zero, on: date)
        let counted = grants.filter { assessment.window.contains($0.grantedOn) && $0.grantedOn <= date }
        let rows: [Node<HTML.TableContext>] = counted.map { grant in
            let beneficiary = names[grant.$company.id]
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(FrenchFormat.date(grant.grantedOn))),
                       .td(.text(beneficiary.map { "\($0.name) (SIREN \(DirectoryPage.formatSiren($0.siren)))" } ?? "—")),
                       .td(.text(grant.grantor)), .td(.text(grant.regulation.label)),
                       .td(.class("num"), .text(FrenchFormat.money(Money(cents: grant.amountCents)))))
        }
        let path = "/entreprises/\(try company.requireID())"
        let content: BodyNode = .group(
            .p(.class("no-print notice"), .text("Utilisez la commande Imprimer de votre navigateur (format A4) pour remettre ce relevé.")),
            .form(.class("search-form no-print"), .method(.get), .action("\(path)/attestation-de-minimis"),
                  Field(name: "date", label: "Relevé à la date du", control: .checked("date"), hint: "jj/mm/aaaa", short: true)
                    .render(FormState(values: ["date": [FrenchFormat.date(date)]])),
                  .button(.class("button"), .type(.submit), .text("Calculer"))),
            .h1(.text("Relevé des aides de minimis")),
            .p(.text("Établi le \(FrenchFormat.date(.today())) pour la période du \(FrenchFormat.date(assessment.window.lowerBound)) au \(FrenchFormat.date(assessment.window.upperBound)), au titre du \(assessment.regulation.officialTitle).")),
            .h2(.text("Entreprise unique")),
            .ul(.forEach(members) { member in
                .li(.strong(.text(member.name)), .text(", SIREN \(DirectoryPage.formatSiren(member.siren))"), .unwrap(member.address) { .text(", \($0)") })
            }),
            .h2(.text("Aides reçues sur la période")),
            rows.isEmpty ? .p(.text("Aucune aide de minimis enregistrée sur la période.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Aides de minimis de l'entreprise unique sur la période")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Date d'octroi")),
                           .th(.attribute(named: "scope", value: "col"), .text("Bénéficiaire")),
                           .th(.attribute(named: "scope", value: "col"), .text("Organisme")),
                           .th(.attribute(named: "scope", value: "col"), .text("Règlement")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")))),
                .tbody(.group(rows)),
                .tfoot(.tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "4"), .text("Total sur la période")),
                           .td(.class("num"), .text(FrenchFormat.money(assessment.received))))))),
            .dl(.class("facts"),
                .dt(.text("Plafond")), .dd(.text(FrenchFormat.money(assessment.ceiling))),
                .dt(.text("Reçu sur la période")), .dd(.text(FrenchFormat.money(assessment.received))),
                .dt(.text("Montant encore possible")), .dd(.text(FrenchFormat.money(assessment.room)))),
            .p(.class("no-print"), .a(.href(path), .text("Retour à la fiche de l'entreprise")))
        )
        return Page(title: "Relevé de minimis — \(company.name)", section: .companies, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Entreprises", "/entreprises"), (company.name, path), ("Relevé de minimis", nil)],
                    printable: true, content: content)
    }
}
