import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

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
