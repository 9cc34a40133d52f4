import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Read pages of the execution data so far: the service catalogue, the companies and their de minimis ledger.
enum ExecutionPages {
    static func register(on pages: any RoutesBuilder) {
        pages.get("prestations") { req async throws -> Page in
            let services = try await ServiceModel.query(on: req.db).with(\.$provider).sort(\.$name).all()
            return catalogue(services, today: .today(), viewer: try req.viewer(), canWrite: try req.requirePrincipal().canWriteSomewhere,
                             notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        pages.get("entreprises") { req async throws -> Page in
            let search = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces)
            return companyList(try await PageQueries.companies(search: search, on: req.db), search: search, viewer: try req.viewer(),
                               canWrite: try req.requirePrincipal().canWriteSomewhere)
        }
        pages.get("entreprises", ":companyID") { req async throws -> Page in
            let id = try Access.uuid(req, "companyID", "Entreprise")
            guard let company = try await CompanyModel.query(on: req.db).filter(\.$id == id).with(\.$establishments).first() else {
                throw Problem.notFound("Entreprise")
            }
            let (ledger, grants) = try await DeMinimisStore.ledger(of: company, on: req.db)
            let members = try await DeMinimisStore.undertaking(of: company, on: req.db)
            let names = Dictionary(uniqueKeysWithValues: try members.map { (try $0.requireID(), $0.name) })
            var commune: CommuneInfo?
            if let code = company.communeCode { commune = try await ReferenceData.commune(code, on: req.db) }
            return companyPage(company, commune: commune, members: members, grants: grants.map { ($0, names[$0.$company.id] ?? "—") },
                               assessment: try ledger.assess(.zero, on: .today()), viewer: try req.viewer(),
                               canWrite: try req.requirePrincipal().canWriteSomewhere, notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
    }

    static func catalogue(_ services: [ServiceModel], today: CivilDate, viewer: Viewer, canWrite: Bool, notice: String?) -> Page {
        let providers = Dictionary(grouping: services) { $0.provider.name }
            .sorted { $0.key.compare($1.key, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedAscending }
        let content: BodyNode = .group(
            .h1(.text("Catalogue des prestations")),
            .p(.class("lead"), .text("Les prestations que les chambres proposent aux entreprises, au prix unitaire de leur convention.")),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .if(canWrite, .div(.class("page-actions"), .a(.class("button"), .href("/prestations/nouvelle"), .text("Ajouter une prestation")))),
            .if(providers.isEmpty, .p(.class("muted"), .text("Aucune prestation au catalogue."))),
            .forEach(providers) { provider, items in
                .group(
                    .h2(.text(provider)),
                    .div(.class("table-wrap"), .table(
                        .caption(.text("Prestations de \(provider)")),
                        .thead(.tr(
                            .th(.attribute(named: "scope", value: "col"), .text("Prestation")),
                            .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Prix unitaire")),
                            .th(.attribute(named: "scope", value: "col"), .text("Unité")),
                            .th(.attribute(named: "scope", value: "col"), .text("Validité")),
                            .if(canWrite, .th(.attribute(named: "scope", value: "col"), .text("Modifier")))
                        )),
                        .tbody(.forEach(items) { service in
                            .tr(.th(.attribute(named: "scope", value: "row"), .text(service.name),
                                    .unwrap(service.details) { .div(.class("muted"), .text($0)) }),
                                .td(.class("num"), .text("\(FrenchFormat.money(service.unitPrice)) \(service.taxRegime.label)")),
                                .td(.text(service.unit.label)),
                                .td(.text(service.isValid(on: today) ? DashboardPage.period(service.validFrom, service.validTo).replacingOccurrences(of: "dates non renseignées", with: "sans limite")
                                                                     : "hors validité (\(DashboardPage.period(service.validFrom, service.validTo)))")),
                                .if(canWrite, .td(.a(.href("/prestations/\(service.id!)/modifier"), .text("Modifier"),
                                                     .ariaLabel(escapeAttribute("Modifier \(service.name)"))))))
                        })
                    ))
                )
            }
        )
        return Page(title: "Catalogue des prestations", section: .catalogue, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Prestations", nil)], content: content)
    }

    static func companyList(_ companies: [CompanyModel], search: String?, viewer: Viewer, canWrite: Bool) -> Page {
        let field = Field(name: "q", label: "Nom, SIREN ou SIRET", control: .search, hint: "Par exemple « Martin » ou « 123 456 782 ».")
        let content: BodyNode = .group(
            .h1(.text("Entreprises bénéficiaires")),
            .div(.class("page-actions"),
                 .if(canWrite, .a(.class("button"), .href("/entreprises/nouvelle"), .text("Enregistrer une entreprise"))),
                 .a(.class("button secondary"), .href("/aides-de-minimis"), .text("Registre des aides de minimis"))),
            .form(.class("search-form"), .method(.get), .action("/entreprises"), .attribute(named: "role", value: "search"),
                  field.render(FormState(values: ["q": [search ?? ""]])),
                  .button(.class("button"), .type(.submit), .text("Rechercher"))),
            .p(.attribute(named: "role", value: "status"),
               .text(companies.isEmpty ? "Aucune entreprise." : companies.count == 1 ? "1 entreprise." : "\(companies.count) entreprises.")),
            .if(!companies.isEmpty, .div(.class("table-wrap"), .table(
                .caption(.text("Entreprises enregistrées")),
                .thead(.tr(
                    .th(.attribute(named: "scope", value: "col"), .text("Entreprise")),
                    .th(.attribute(named: "scope", value: "col"), .text("SIREN")),
                    .th(.attribute(named: "scope", value: "col"), .text("Activité (NAF)")),
                    .th(.attribute(named: "scope", value: "col"), .text("Effectif")),
                    .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Établissements"))
                )),
                .tbody(.forEach(companies) { company in
                    .tr(.th(.attribute(named: "scope", value: "row"), .a(.href("/entreprises/\(company.id!)"), .text(company.name))),
                        .td(.class("num"), .text(DirectoryPage.formatSiren(company.siren))),
                        .td(.text(company.naf.map { "\($0.code) — \($0.label)" } ?? "—")),
                        .td(.text(company.workforceBand?.label ?? "—")),
                        .td(.class("num"), .text(String(company.establishments.count))))
                })
            )))
        )
        return Page(title: "Entreprises", section: .companies, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Entreprises", nil)], content: content)
    }

    static func companyPage(_ company: CompanyModel, commune: CommuneInfo?, members: [CompanyModel], grants: [(DeMinimisGrantModel, String)],
                            assessment: DeMinimisAssessment, viewer: Viewer, canWrite: Bool, notice: String?) -> Page {
        let contact = [company.contactName, company.contactEmail, company.contactPhone].compactMap { $0 }.joined(separator: " · ")
        let partners = members.filter { $0.id != company.id }.map(\.name)
        let content: BodyNode = .group(
            .h1(.text(company.name)),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .div(.class("page-actions"),
                 .if(canWrite, .group(
                    .a(.class("button"), .href("/entreprises/\(company.id!)/modifier"), .text("Modifier l'entreprise")),
                    .a(.class("button secondary"), .href("/entreprises/\(company.id!)/etablissements/nouveau"), .text("Ajouter un établissement")))),
                 .a(.class("button secondary"), .href("/entreprises/\(company.id!)/attestation-de-minimis"), .text("Relevé de minimis (imprimable)"))),
            .dl(.class("facts"),
                .dt(.text("SIREN")), .dd(.text(DirectoryPage.formatSiren(company.siren))),
                .dt(.text("Activité (NAF)")), .dd(.text(company.naf.map { "\($0.code) — \($0.label)" } ?? "—")),
                .dt(.text("Effectif")), .dd(.text(company.workforceBand?.label ?? "—")),
                .dt(.text("Adresse")), .dd(.text(company.address ?? "—")),
                .dt(.text("Commune")), .dd(.text(communeText(company.communeCode, commune))),
                .dt(.text("Contact")), .dd(.text(contact.isEmpty ? "—" : contact))),
            .h2(.text("Établissements")),
            establishments(company.establishments),
            .h2(.id("aides"), .text("Aides de minimis")),
            .if(canWrite, .div(.class("page-actions"),
                .a(.class("button secondary"), .href("/entreprises/\(company.id!)/aides/nouvelle"), .text("Inscrire une aide reçue")),
                .a(.class("button secondary"), .href("/entreprises/\(company.id!)/entreprise-unique"), .text("Réunir avec une autre entreprise")))),
            .if(!partners.isEmpty, .p(.text("Entreprise unique avec : \(partners.joined(separator: ", ")). Leurs aides se cumulent."))),
            .p(.class(assessment.verdict == .within ? "notice" : "notice warning"), .text("Aujourd'hui, " + assessment.message)),
            grantsTable(grants)
        )
        return Page(title: company.name, section: .companies, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Entreprises", "/entreprises"), (company.name, nil)], content: content)
    }

    /// `Belfort (90010) — intercommunalité : Grand Belfort (SIREN 200 069 052)`.
    static func communeText(_ code: String?, _ commune: CommuneInfo?) -> String {
        guard let code else { return "—" }
        guard let commune else { return code }
        let epci = commune.epciName.map { name in
            " — intercommunalité : \(name)" + (commune.epciSiren.flatMap { try? Siren($0) }.map { " (SIREN \(DirectoryPage.formatSiren($0)))" } ?? "")
        } ?? ""
        return "\(commune.name) (\(code))" + epci
    }

    static func establishments(_ items: [EstablishmentModel]) -> BodyNode {
        guard !items.isEmpty else { return .p(.class("muted"), .text("Aucun établissement enregistré.")) }
        let rows: [Node<HTML.TableContext>] = items.sorted { $0.siret.digits < $1.siret.digits }.map { e in
            let d = Array(e.siret.digits)
            let spaced = [String(d[0..<3]), String(d[3..<6]), String(d[6..<9]), String(d[9...])].joined(separator: "\u{00A0}")
            let siret = spaced + (e.isHeadOffice ? " (siège)" : "")
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(siret)), .td(.text(e.address ?? "—")), .td(.text(e.communeCode ?? "—")))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Établissements de l'entreprise")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("SIRET")),
                       .th(.attribute(named: "scope", value: "col"), .text("Adresse")),
                       .th(.attribute(named: "scope", value: "col"), .text("Commune (code INSEE)")))),
            .tbody(.group(rows))))
    }

    static func grantsTable(_ grants: [(DeMinimisGrantModel, String)]) -> BodyNode {
        guard !grants.isEmpty else { return .p(.class("muted"), .text("Aucune aide inscrite.")) }
        let rows: [Node<HTML.TableContext>] = grants.map { grant, beneficiary in
            let regulation: String = grant.regulation.label + (grant.overrideReason.map { " — plafond dépassé : \($0)" } ?? "")
            let amount: String = FrenchFormat.money(Money(cents: grant.amountCents))
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(FrenchFormat.date(grant.grantedOn))),
                       .td(.text(beneficiary)), .td(.text(grant.grantor)), .td(.text(regulation)), .td(.class("num"), .text(amount)))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Aides de minimis reçues par l'entreprise unique")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Date d'octroi")),
                       .th(.attribute(named: "scope", value: "col"), .text("Bénéficiaire")),
                       .th(.attribute(named: "scope", value: "col"), .text("Organisme")),
                       .th(.attribute(named: "scope", value: "col"), .text("Règlement")),
                       .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")))),
            .tbody(.group(rows))))
    }
}
