import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore
import Plot
import Vapor

/// The notice that tells a company who funds the service it receives (printable, A4).
enum FundingNotice {
    /// What the notice states, for the page and for the editable document alike.
    struct Facts: Sendable {
        var intervention: InterventionModel
        var convention: ConventionModel
        var company: CompanyModel
        var action: ActionModel
        var provider: OrganisationModel?
        var amount: Money
        var parts: [(OrganisationModel, Money)]
        /// What the action's plan leaves unpaid of the amount (the whole amount when it cannot say).
        var unfunded: Money
        /// Why the plan cannot say who pays, in French.
        var refusal: String?
        var publicAid: Money
        var date: CivilDate
        var regulation: DeMinimisRegulation
        var basis: String

        var aidSentence: String {
            publicAid.isZero
                ? "Cette prestation ne comporte pas d'aide publique."
                : "La part publique de \(FrenchFormat.money(publicAid)) constitue une aide accordée à l'entreprise au titre du \(regulation.officialTitle)."
                  + (intervention.status == .quoted ? " Elle sera accordée à l'acceptation du devis." : " Elle est accordée à la date du \(FrenchFormat.date(date)).")
                  + " Conservez cet avis : il vous sera demandé pour toute nouvelle demande d'aide de minimis."
        }

        var frame: String {
            "\(convention.title)\(convention.reference.map { " (\($0))" } ?? ""), action « \(action.displayName) »"
        }

        func funderName(_ organisation: OrganisationModel) -> String {
            organisation.kind == .company ? "Reste à la charge de l'entreprise" : organisation.name
        }

        /// The rows of the funding table, the unfunded rest last, so that they add up to the amount.
        var rows: [(name: String, amount: Money)] {
            parts.map { (funderName($0.0), $0.1) } + (unfunded.isZero ? [] : [("Non couvert par le plan de financement", unfunded)])
        }
    }

    static func facts(_ intervention: InterventionModel, convention: ConventionModel, on db: any Database) async throws -> Facts {
        guard let company = try await CompanyModel.find(intervention.$company.id, on: db),
              let action = try await ActionModel.find(intervention.$action.id, on: db) else { throw Problem.notFound("Prestation") }
        var provider: OrganisationModel?
        if let service = try await intervention.$service.get(on: db) { provider = try await service.$provider.get(on: db) }
        let amount = Money(cents: intervention.invoiceCents ?? intervention.quoteCents)
        let date = intervention.acceptedOn ?? .today()
        let funding = try await Interventions.Funding(for: convention, on: db)
        var parts: [(OrganisationModel, Money)] = []
        var unfunded = amount
        var refusal: String?
        do {
            let split = try funding.split(action: try action.requireID(), amount: amount, year: date.year)
            parts = funding.organisations(of: split)
            unfunded = split.unfunded
        } catch StoreError.conflict(let message) {
            refusal = message
        }
        let publicAid = try parts.filter { $0.0.kind != .company }.reduce(Money.zero) { try $0.adding($1.1) }
        let basis = intervention.invoiceCents != nil
            ? "montant facturé\(intervention.invoiceNumber.map { " (facture n° \($0))" } ?? "")"
            : "montant du devis"
        return Facts(intervention: intervention, convention: convention, company: company, action: action, provider: provider, amount: amount,
                     parts: parts, unfunded: unfunded, refusal: refusal, publicAid: publicAid, date: date, regulation: DeMinimisRegulation.applicable(on: date), basis: basis)
    }

    static func page(_ intervention: InterventionModel, convention: ConventionModel, viewer: Viewer, templates: [DocumentTemplateModel] = [],
                     on db: any Database) async throws -> Page {
        let facts = try await facts(intervention, convention: convention, on: db)
        let (company, provider, amount) = (facts.company, facts.provider, facts.amount)
        let base = "/conventions/\(try convention.requireID())"
        let interventionPath = "\(base)/prestations/\(try intervention.requireID())"
        let rows: [Node<HTML.TableContext>] = facts.rows.map { name, part in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(name)),
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
                .dt(.text("Cadre")), .dd(.text(facts.frame)),
                .dt(.text("Montant")), .dd(.text("\(FrenchFormat.money(amount)) \(convention.taxRegime.label), \(facts.basis)")),
                .dt(.text("Étape")), .dd(.text(InterventionPages.history(intervention)))),
            .h2(.text("Qui finance cette prestation")),
            .unwrap(facts.refusal) { .p(.class("error"), .text($0)) },
            .div(.class("table-wrap"), .table(
                .caption(.text("Répartition du financement de la prestation")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Part")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")))),
                .tbody(.group(rows)),
                .tfoot(.tr(.th(.attribute(named: "scope", value: "row"), .text("Total")), .td(.class("num"), .text("100 %")),
                           .td(.class("num"), .text(FrenchFormat.money(amount))))))),
            .h2(.text("Aide de minimis")),
            .p(.text(facts.aidSentence)),
            .div(.class("no-print"), .h2(.text("Version modifiable")),
                 OfficeDownload.links("\(interventionPath)/avis", templates: templates, kind: .fundingNotice)),
            .p(.class("no-print"), .a(.href("\(base)/execution#prestation-\(try intervention.requireID())"), .text("Retour au suivi d'exécution")))
        )
        return Page(title: "Avis de financement — \(intervention.label)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (convention.title, base), ("Exécution", "\(base)/execution"),
                                  ("Avis de financement", nil)],
                    printable: true, content: content)
    }

    static func document(_ facts: Facts) -> OfficeDocument {
        var doc = OfficeDocument(title: "Avis de financement — \(facts.intervention.label)", header: "Avis de financement — \(facts.company.name)")
        doc.heading("Avis de financement", level: 0)
        doc.paragraph([.bold(facts.company.name), OfficeRun(", SIREN \(DirectoryPage.formatSiren(facts.company.siren))" + (facts.company.address.map { ", \($0)" } ?? ""))])
        var details: [OfficeTable.Row] = [OfficeTable.Row(["Prestation", facts.intervention.label])]
        if let programme = facts.intervention.programme { details.append(OfficeTable.Row(["Programme", programme])) }
        if let provider = facts.provider { details.append(OfficeTable.Row(["Prestataire", provider.name])) }
        details += [OfficeTable.Row(["Cadre", facts.frame]),
                    OfficeTable.Row(["Montant", "\(FrenchFormat.money(facts.amount)) \(facts.convention.taxRegime.label), \(facts.basis)"]),
                    OfficeTable.Row(["Étape", InterventionPages.history(facts.intervention)])]
        doc.table(OfficeTable(columns: [.init("Rubrique", width: 1), .init("Détail", width: 3)], rows: details))
        doc.heading("Qui finance cette prestation")
        if let refusal = facts.refusal { doc.paragraph(refusal) }
        let rows = facts.rows.map { name, part in
            OfficeTable.Row([name, UI.percent(part, of: facts.amount), FrenchFormat.money(part)])
        }
        doc.table(OfficeTable(caption: "Répartition du financement de la prestation",
                              columns: [.init("Financeur", width: 4), .init("Part", numeric: true, width: 1), .init("Montant", numeric: true, width: 2)],
                              rows: rows + [OfficeTable.Row(["Total", "100 %", FrenchFormat.money(facts.amount)], kind: .total)]))
        doc.heading("Aide de minimis")
        doc.paragraph(facts.aidSentence)
        doc.paragraph("Établi le \(FrenchFormat.date(.today())).", style: .note)
        return doc
    }
}
