import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Every de minimis aid recorded in Pacte over a period, for declaration in the national register of
/// aid: on screen, and as CSV, XLSX and ODS with the beneficiary's SIREN as text.
enum AidRegister {
    struct Entry {
        var grant: DeMinimisGrantModel
        var company: CompanyModel
        var convention: String?
    }

    struct Period {
        var from: CivilDate
        var to: CivilDate

        /// `?du=01/01/2025&au=31/12/2025`; by default the current calendar year.
        static func read(_ req: Request) throws -> Period {
            let today = CivilDate.today()
            func date(_ name: String, _ fallback: CivilDate) throws -> CivilDate {
                guard let text = req.query[String.self, at: name], !text.trimmingCharacters(in: .whitespaces).isEmpty else { return fallback }
                return try Access.date(text, field: name)
            }
            let period = Period(from: try date("du", try CivilDate(year: today.year, month: 1, day: 1)), to: try date("au", try CivilDate(year: today.year, month: 12, day: 31)))
            guard period.from <= period.to else { throw Problem.invalid("au", "La fin de la période précède son début.") }
            return period
        }

        var parameters: [(name: String, value: String)] { [("du", FrenchFormat.date(from)), ("au", FrenchFormat.date(to))] }
    }

    static func entries(_ period: Period, on db: any Database) async throws -> [Entry] {
        let grants = try await DeMinimisGrantModel.query(on: db)
            .filter(\.$grantedOn >= period.from).filter(\.$grantedOn <= period.to).sort(\.$grantedOn).all()
        let companies = Dictionary(uniqueKeysWithValues: try await CompanyModel.query(on: db)
            .filter(\.$id ~~ Array(Set(grants.map(\.$company.id)))).all().map { ($0.id!, $0) })
        let conventionIDs = Array(Set(grants.compactMap(\.conventionID)))
        let conventions = Dictionary(uniqueKeysWithValues: try await ConventionModel.query(on: db).filter(\.$id ~~ conventionIDs).all()
            .map { ($0.id!, $0.title) })
        return grants.compactMap { grant in
            companies[grant.$company.id].map { Entry(grant: grant, company: $0, convention: grant.conventionID.flatMap { conventions[$0] }) }
        }
    }

    static let header = ["Date d'octroi", "SIREN", "Bénéficiaire", "Organisme qui accorde l'aide", "Montant", "Règlement", "Forme de l'aide",
                         "Convention", "Dépassement autorisé"]

    static func sheet(_ entries: [Entry]) -> Spreadsheet {
        Spreadsheet(sheetName: "Aides de minimis", header: header, rows: entries.map { entry in
            [.text(FrenchFormat.date(entry.grant.grantedOn)), .text(entry.company.siren.description), .text(entry.company.name),
             .text(entry.grant.grantor), .amount(Money(cents: entry.grant.amountCents)), .text(entry.grant.regulation.label),
             .text(form(entry.grant)), entry.convention.map { .text($0) } ?? .empty, entry.grant.overrideReason.map { .text($0) } ?? .empty]
        })
    }

    static func form(_ grant: DeMinimisGrantModel) -> String {
        grant.interventionID != nil ? "Prestation de service subventionnée" : "Non précisée (aide inscrite à la main)"
    }

    static func register(on pages: any RoutesBuilder) {
        pages.get("aides-de-minimis") { req async throws -> Page in
            let period = try Period.read(req)
            return page(try await entries(period, on: req.db), period: period, viewer: try req.viewer())
        }
        for format in SpreadsheetFormat.allCases {
            pages.get("aides-de-minimis", "registre.\(format.rawValue)") { req async throws -> Response in
                let period = try Period.read(req)
                return try format.response(sheet(try await entries(period, on: req.db)),
                                           fileName: "aides-de-minimis-\(period.from)-\(period.to)".replacingOccurrences(of: "/", with: "-"), request: req)
            }
        }
    }

    static func page(_ entries: [Entry], period: Period, viewer: Viewer) -> Page {
        let total = entries.reduce(Money.zero) { (try? $0.adding(Money(cents: $1.grant.amountCents))) ?? $0 }
        let fromField = Field(name: "du", label: "Du", control: .checked("date"), hint: "jj/mm/aaaa", short: true)
        let toField = Field(name: "au", label: "Au", control: .checked("date"), hint: "jj/mm/aaaa", short: true)
        let state = FormState(values: ["du": [FrenchFormat.date(period.from)], "au": [FrenchFormat.date(period.to)]])
        let rows: [Node<HTML.TableContext>] = entries.map { entry in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(FrenchFormat.date(entry.grant.grantedOn))),
                .td(.class("num"), .text(DirectoryPage.formatSiren(entry.company.siren))),
                .td(.a(.href("/entreprises/\(entry.company.id!)"), .text(entry.company.name))),
                .td(.text(entry.grant.grantor)),
                .td(.class("num"), .text(FrenchFormat.money(Money(cents: entry.grant.amountCents)))),
                .td(.text(entry.grant.regulation.label + (entry.grant.overrideReason.map { " — dépassement autorisé : \($0)" } ?? ""))),
                .td(.text(entry.convention ?? "—")))
        }
        let content: BodyNode = .group(
            .h1(.text("Registre des aides de minimis")),
            .p(.class("lead"), .text("Les aides accordées sur la période, à déclarer au registre national des aides.")),
            .form(.class("search-form"), .method(.get), .action("/aides-de-minimis"),
                  fromField.render(state), toField.render(state), .button(.class("button"), .type(.submit), .text("Afficher"))),
            .p(.attribute(named: "role", value: "status"),
               .text(entries.isEmpty ? "Aucune aide sur la période."
                     : "\(entries.count == 1 ? "1 aide" : "\(entries.count) aides") pour \(FrenchFormat.money(total)), du \(FrenchFormat.date(period.from)) au \(FrenchFormat.date(period.to)).")),
            DownloadPicker.render(path: "/aides-de-minimis/registre", query: period.parameters, header: header, id: "registre"),
            .if(!entries.isEmpty, .div(.class("table-wrap"), .table(
                .caption(.text("Aides de minimis accordées sur la période")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Date d'octroi")),
                           .th(.attribute(named: "scope", value: "col"), .text("SIREN")),
                           .th(.attribute(named: "scope", value: "col"), .text("Bénéficiaire")),
                           .th(.attribute(named: "scope", value: "col"), .text("Organisme")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")),
                           .th(.attribute(named: "scope", value: "col"), .text("Règlement")),
                           .th(.attribute(named: "scope", value: "col"), .text("Convention")))),
                .tbody(.group(rows)),
                .tfoot(.tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "4"), .text("Total")),
                           .td(.class("num"), .text(FrenchFormat.money(total))), .td(), .td())))))
        )
        return Page(title: "Registre des aides de minimis", section: .companies, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Entreprises", "/entreprises"), ("Registre des aides de minimis", nil)], content: content)
    }
}
