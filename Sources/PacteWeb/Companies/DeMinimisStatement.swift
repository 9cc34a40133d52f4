import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore
import Plot
import Vapor

/// The statement of the de minimis aid a company's single undertaking has received over the
/// regulation's period, as the company gives it to a new funder (printable, A4).
enum DeMinimisStatement {
    /// What the statement states, for the page and for the editable document alike.
    struct Facts: Sendable {
        var company: CompanyModel
        var members: [CompanyModel]
        var names: [UUID: CompanyModel]
        var assessment: DeMinimisAssessment
        var counted: [DeMinimisGrantModel]

        var periodSentence: String {
            "Établi le \(FrenchFormat.date(.today())) pour la période du \(FrenchFormat.date(assessment.window.lowerBound)) au \(FrenchFormat.date(assessment.window.upperBound)), au titre du \(assessment.regulation.officialTitle)."
        }

        func beneficiary(_ grant: DeMinimisGrantModel) -> String {
            names[grant.$company.id].map { "\($0.name) (SIREN \(DirectoryPage.formatSiren($0.siren)))" } ?? "—"
        }
    }

    /// The statement's date: `?date=` (jj/mm/aaaa or AAAA-MM-JJ), today when absent.
    static func requestedDate(_ req: Request) throws -> CivilDate {
        try req.query[String.self, at: "date"].map { try Access.date($0, field: "date") } ?? .today()
    }

    static func facts(_ company: CompanyModel, on date: CivilDate, db: any Database) async throws -> Facts {
        let (ledger, grants) = try await DeMinimisStore.ledger(of: company, on: db)
        let members = try await DeMinimisStore.undertaking(of: company, on: db)
        let names = Dictionary(uniqueKeysWithValues: try members.map { (try $0.requireID(), $0) })
        let assessment = try ledger.assess(.zero, on: date)
        let counted = grants.filter { assessment.window.contains($0.grantedOn) && $0.grantedOn <= date }
        return Facts(company: company, members: members, names: names, assessment: assessment, counted: counted)
    }

    static func page(_ company: CompanyModel, on date: CivilDate, viewer: Viewer, templates: [DocumentTemplateModel] = [], db: any Database) async throws -> Page {
        let facts = try await facts(company, on: date, db: db)
        let (members, assessment, counted) = (facts.members, facts.assessment, facts.counted)
        let rows: [Node<HTML.TableContext>] = counted.map { grant in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(FrenchFormat.date(grant.grantedOn))),
                       .td(.text(facts.beneficiary(grant))),
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
            .p(.text(facts.periodSentence)),
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
            .div(.class("no-print"), .h2(.text("Version modifiable")),
                 OfficeDownload.links("\(path)/attestation-de-minimis", query: "date=\(date.description)", templates: templates, kind: .deMinimisStatement)),
            .p(.class("no-print"), .a(.href(path), .text("Retour à la fiche de l'entreprise")))
        )
        return Page(title: "Relevé de minimis — \(company.name)", section: .companies, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Entreprises", "/entreprises"), (company.name, path), ("Relevé de minimis", nil)],
                    printable: true, content: content)
    }

    static func document(_ facts: Facts) -> OfficeDocument {
        let a = facts.assessment
        var doc = OfficeDocument(title: "Relevé des aides de minimis — \(facts.company.name)", header: "Relevé des aides de minimis — \(facts.company.name)")
        doc.heading("Relevé des aides de minimis", level: 0)
        doc.paragraph(facts.periodSentence)
        doc.heading("Entreprise unique")
        doc.bullets(facts.members.map { member in
            "\(member.name), SIREN \(DirectoryPage.formatSiren(member.siren))" + (member.address.map { ", \($0)" } ?? "")
        })
        doc.heading("Aides reçues sur la période")
        if facts.counted.isEmpty {
            doc.paragraph("Aucune aide de minimis enregistrée sur la période.")
        } else {
            let rows = facts.counted.map { grant in
                OfficeTable.Row([FrenchFormat.date(grant.grantedOn), facts.beneficiary(grant), grant.grantor, grant.regulation.label,
                                 FrenchFormat.money(Money(cents: grant.amountCents))])
            }
            doc.table(OfficeTable(caption: "Aides de minimis de l'entreprise unique sur la période",
                                  columns: [.init("Date d'octroi", width: 2), .init("Bénéficiaire", width: 4), .init("Organisme", width: 3),
                                            .init("Règlement", width: 3), .init("Montant", numeric: true, width: 2)],
                                  rows: rows + [OfficeTable.Row(["Total sur la période", "", "", "", FrenchFormat.money(a.received)], kind: .total)]))
        }
        doc.table(OfficeTable(columns: [.init("", width: 3), .init("Montant", numeric: true, width: 2)], rows: [
            OfficeTable.Row(["Plafond", FrenchFormat.money(a.ceiling)]),
            OfficeTable.Row(["Reçu sur la période", FrenchFormat.money(a.received)]),
            OfficeTable.Row(["Montant encore possible", FrenchFormat.money(a.room)], kind: .total),
        ]))
        doc.paragraph("Fait à ……………………, le ……………………", style: .signature)
        doc.paragraph("Signature du représentant de l'entreprise", style: .signature)
        return doc
    }
}
