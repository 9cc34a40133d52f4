import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Forms for companies (and their establishments, single undertakings and de minimis grants), the
/// service catalogue and the platform settings. Each goes through the API's shared code.
enum CompanyForms {
    static func register(_ pages: any RoutesBuilder) {
        registerCompanies(pages)
        registerCompanyChildren(pages)
        registerCatalogue(pages)
        registerSettings(pages)
    }

    // MARK: Companies

    static let companyFields: [Field] = [
        Field(name: "siret", label: "SIRET de l'établissement", hint: "14 chiffres, espaces permis. Le SIREN s'en déduit.", isRequired: true),
        Field(name: "name", label: "Raison sociale", isRequired: true),
        Field(name: "naf", label: "Code NAF", hint: "Par exemple « 47.11B ».", short: true),
        Field(name: "workforceBand", label: "Tranche d'effectifs (SIRENE)",
              control: .select(WorkforceBand.codes.map { (value: $0, label: "\($0) — \((try? WorkforceBand($0))?.label ?? "")") }, placeholder: "Non renseignée")),
        Field(name: "address", label: "Adresse"),
        Field(name: "communeCode", label: "Commune (code INSEE)", hint: "Cinq caractères, par exemple 51454.", short: true),
        Field(name: "contactName", label: "Contact"),
        Field(name: "contactEmail", label: "Courriel du contact", control: .email),
        Field(name: "contactPhone", label: "Téléphone du contact", short: true),
    ]

    static func readCompany(_ state: inout FormState, creating: Bool) -> CompanyIn {
        let siret = creating ? state.identifier("siret", label: "SIRET", required: true) { text throws(IdentifierError) in try Siret(text) } : nil
        let name = state.required("name", "Raison sociale")
        let naf = state.identifier("naf", label: "Code NAF") { text throws(IdentifierError) in try NafCode(text) }
        let band = state.identifier("workforceBand", label: "Tranche d'effectifs") { text throws(IdentifierError) in try WorkforceBand(text) }
        return CompanyIn(siret: siret, siren: nil, name: name, naf: naf, workforceBand: band, address: state.text("address"),
                         communeCode: state.text("communeCode"), contactName: state.text("contactName"), contactEmail: state.text("contactEmail"),
                         contactPhone: state.text("contactPhone"))
    }

    static func companyForm(_ req: Request, state: FormState, company: CompanyModel?) throws -> Page {
        let fields = company == nil ? companyFields : Array(companyFields.dropFirst())
        let title = company.map { "Modifier « \($0.name) »" } ?? "Enregistrer une entreprise"
        var crumbs: [(label: String, path: String?)] = [("Tableau de bord", "/"), ("Entreprises", "/entreprises")]
        if let company { crumbs.append((company.name, "/entreprises/\(company.id!)")) }
        crumbs.append((company == nil ? "Enregistrer" : "Modifier", nil))
        return FormPages.formPage(title: title, crumbs: crumbs, state: state, fields: fields,
                                  action: company.map { "/entreprises/\($0.id!)/modifier" } ?? "/entreprises/nouvelle",
                                  back: company.map { "/entreprises/\($0.id!)" } ?? "/entreprises", viewer: try req.viewer(), section: .companies)
    }

    static func registerCompanies(_ pages: any RoutesBuilder) {
        pages.get("entreprises", "nouvelle") { req async throws -> Page in
            _ = try CompanyRoutes.writer(req)
            return try companyForm(req, state: FormState(), company: nil)
        }
        pages.post("entreprises", "nouvelle") { req async throws -> Response in
            _ = try CompanyRoutes.writer(req)
            var state = try FormState(request: req)
            let input = readCompany(&state, creating: true)
            let saved = FormPages.SavedID()
            return try await FormPages.submit(req, state: state, redirect: { "/entreprises/\(saved.id?.uuidString ?? "")?ok=entreprise" },
                                    form: { try companyForm(req, state: $0, company: nil) }) {
                saved.id = try await CompanyRoutes.create(req, input).id
            }
        }
        pages.get("entreprises", ":companyID", "modifier") { req async throws -> Page in
            _ = try CompanyRoutes.writer(req)
            let company = try await CompanyRoutes.company(req)
            var state = FormState()
            state.set("name", company.name); state.set("naf", company.naf?.code); state.set("workforceBand", company.workforceBand?.code)
            state.set("address", company.address); state.set("communeCode", company.communeCode); state.set("contactName", company.contactName)
            state.set("contactEmail", company.contactEmail); state.set("contactPhone", company.contactPhone)
            return try companyForm(req, state: state, company: company)
        }
        pages.post("entreprises", ":companyID", "modifier") { req async throws -> Response in
            _ = try CompanyRoutes.writer(req)
            let company = try await CompanyRoutes.company(req)
            var state = try FormState(request: req)
            let input = readCompany(&state, creating: false)
            let submitted = state
            return try await FormPages.submit(req, state: state, redirect: { "/entreprises/\(company.id!)?ok=entreprise" },
                                    form: { try companyForm(req, state: $0, company: company) }) {
                try await CompanyRoutes.update(req, company, input) { m in
                    // A form sends every field: an emptied field clears the stored value.
                    if submitted.text("naf") == nil { m.naf = nil }
                    if submitted.text("workforceBand") == nil { m.workforceBand = nil }
                    if submitted.text("address") == nil { m.address = nil }
                    if submitted.text("communeCode") == nil { m.communeCode = nil }
                    if submitted.text("contactName") == nil { m.contactName = nil }
                    if submitted.text("contactEmail") == nil { m.contactEmail = nil }
                    if submitted.text("contactPhone") == nil { m.contactPhone = nil }
                }
            }
        }
        pages.get("entreprises", ":companyID", "attestation-de-minimis") { req async throws -> Page in
            let company = try await CompanyRoutes.company(req)
            return try await DeMinimisStatement.page(company, on: try DeMinimisStatement.requestedDate(req), viewer: try req.viewer(),
                                                     templates: try await OfficeDownload.templates(for: req), db: req.db)
        }
    }


    static func registerCompanyChildren(_ pages: any RoutesBuilder) {
        let company = pages.grouped("entreprises", ":companyID")
        @Sendable func crumbs(_ c: CompanyModel, _ last: String) -> [(label: String, path: String?)] {
            [("Tableau de bord", "/"), ("Entreprises", "/entreprises"), (c.name, "/entreprises/\(c.id!)"), (last, nil)]
        }
        let establishmentFields = [
            Field(name: "siret", label: "SIRET", hint: "14 chiffres ; les 9 premiers sont le SIREN de l'entreprise.", isRequired: true),
            Field(name: "address", label: "Adresse"),
            Field(name: "communeCode", label: "Commune (code INSEE)", short: true),
            Field(name: "isHeadOffice", label: "Siège", control: .select([("non", "Non"), ("oui", "Oui")], placeholder: nil)),
        ]
        @Sendable func establishmentForm(_ req: Request, _ state: FormState, _ c: CompanyModel) throws -> Page {
            FormPages.formPage(title: "Ajouter un établissement à « \(c.name) »", crumbs: crumbs(c, "Ajouter un établissement"), state: state,
                               fields: establishmentFields, action: "/entreprises/\(c.id!)/etablissements/nouveau",
                               back: "/entreprises/\(c.id!)", viewer: try req.viewer(), section: .companies)
        }
        company.get("etablissements", "nouveau") { req async throws -> Page in
            _ = try CompanyRoutes.writer(req)
            return try establishmentForm(req, FormState(values: ["isHeadOffice": ["non"]]), try await CompanyRoutes.company(req))
        }
        company.post("etablissements", "nouveau") { req async throws -> Response in
            _ = try CompanyRoutes.writer(req)
            let c = try await CompanyRoutes.company(req)
            var state = try FormState(request: req)
            let siret = state.identifier("siret", label: "SIRET", required: true) { text throws(IdentifierError) in try Siret(text) }
            let input = siret.map { EstablishmentIn(siret: $0, address: state.text("address"), communeCode: state.text("communeCode"),
                                                    isHeadOffice: state.text("isHeadOffice") == "oui") }
            return try await FormPages.submit(req, state: state, redirect: { "/entreprises/\(c.id!)?ok=etablissement" },
                                    form: { try establishmentForm(req, $0, c) }) {
                if let input { try await CompanyRoutes.addEstablishment(req, c, input) }
            }
        }

        @Sendable func grantFields(admin: Bool) -> [Field] {
            var fields = [
                Field(name: "grantedOn", label: "Date d'octroi", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
                Field(name: "amount", label: "Montant de l'aide", control: .checked("amount"), isRequired: true, short: true),
                Field(name: "grantor", label: "Organisme qui accorde l'aide", hint: "Par exemple « Région Grand Est ».", isRequired: true),
            ]
            if admin {
                fields.append(Field(name: "overrideReason", label: "Motif de dépassement du plafond", control: .textarea(rows: 2),
                                    hint: "Réservé à l'administrateur : ne remplissez que pour inscrire une aide au-delà du plafond (tracé au journal)."))
            }
            return fields
        }
        @Sendable func grantForm(_ req: Request, _ state: FormState, _ c: CompanyModel) throws -> Page {
            FormPages.formPage(title: "Inscrire une aide de minimis — \(c.name)", crumbs: crumbs(c, "Inscrire une aide"), state: state,
                               fields: grantFields(admin: try req.requirePrincipal().isPlatformAdmin),
                               action: "/entreprises/\(c.id!)/aides/nouvelle", back: "/entreprises/\(c.id!)#aides", viewer: try req.viewer(),
                               section: .companies,
                               intro: "Les aides reçues d'autres organismes comptent dans le plafond : inscrivez-les pour que le registre soit juste.")
        }
        company.get("aides", "nouvelle") { req async throws -> Page in
            _ = try CompanyRoutes.writer(req)
            return try grantForm(req, FormState(), try await CompanyRoutes.company(req))
        }
        company.post("aides", "nouvelle") { req async throws -> Response in
            _ = try CompanyRoutes.writer(req)
            let c = try await CompanyRoutes.company(req)
            var state = try FormState(request: req)
            let date = state.date("grantedOn", label: "Date d'octroi")
            if date == nil, state.errors["grantedOn"] == nil { state.errors["grantedOn"] = "Renseignez « Date d'octroi »." }
            let amount = state.amount("amount", required: true, label: "Montant de l'aide")
            let grantor = state.required("grantor", "Organisme qui accorde l'aide")
            let input = date.flatMap { date in amount.flatMap { amount in grantor.map {
                DeMinimisGrantIn(grantedOn: date, amount: AmountInput(amount), grantor: $0, overrideReason: state.text("overrideReason"))
            } } }
            return try await FormPages.submit(req, state: state, redirect: { "/entreprises/\(c.id!)?ok=aide#aides" }, form: { try grantForm(req, $0, c) }) {
                if let input { _ = try await CompanyRoutes.recordGrant(req, c, input) }
            }
        }

        @Sendable func linkForm(_ req: Request, _ state: FormState, _ c: CompanyModel) async throws -> Page {
            // The first companies by name, read in the order of the name index; the few of this
            // undertaking are left out after reading.
            let others = try await CompanyModel.query(on: req.db).sort(\.$name).limit(PageQueries.companyChoices + 50).all()
                .filter { $0.undertakingID != c.undertakingID }.prefix(PageQueries.companyChoices)
                .map { (value: $0.id!.uuidString, label: "\($0.name) (SIREN \(DirectoryPage.formatSiren($0.siren)))") }
            let fields = [Field(name: "companyID", label: "Autre entreprise", control: .select(others, placeholder: "Choisir…"),
                                hint: "Entreprises liées (contrôle, majorité des droits de vote…) : leurs aides de minimis se cumulent.", isRequired: true)]
            return FormPages.formPage(title: "Réunir « \(c.name) » avec une autre entreprise", crumbs: crumbs(c, "Entreprise unique"), state: state,
                                      fields: fields, action: "/entreprises/\(c.id!)/entreprise-unique", back: "/entreprises/\(c.id!)#aides",
                                      viewer: try req.viewer(), section: .companies)
        }
        company.get("entreprise-unique") { req async throws -> Page in
            _ = try CompanyRoutes.writer(req)
            return try await linkForm(req, FormState(), try await CompanyRoutes.company(req))
        }
        company.post("entreprise-unique") { req async throws -> Response in
            _ = try CompanyRoutes.writer(req)
            let c = try await CompanyRoutes.company(req)
            var state = try FormState(request: req)
            let other = state.uuid("companyID", label: "Autre entreprise", required: true)
            return try await FormPages.submit(req, state: state, redirect: { "/entreprises/\(c.id!)?ok=entreprise-unique#aides" },
                                    form: { try await linkForm(req, $0, c) }) {
                if let other { _ = try await CompanyRoutes.link(req, c, to: other) }
            }
        }
    }

    // MARK: Catalogue

    static func registerCatalogue(_ pages: any RoutesBuilder) {
        @Sendable func fields(_ req: Request, creating: Bool) async throws -> [Field] {
            let principal = try req.requirePrincipal()
            var fields: [Field] = []
            if creating {
                let providers = try await OrganisationModel.query(on: req.db).sort(\.$name).all()
                    .filter { Access.writesFor(principal, organisation: $0.id!) }.map { (value: $0.id!.uuidString, label: $0.name) }
                fields.append(Field(name: "providerID", label: "Organisation prestataire", control: .select(providers, placeholder: "Choisir…"),
                                    hint: "Les organisations pour lesquelles vous écrivez.", isRequired: true))
            }
            return fields + [
                Field(name: "name", label: "Nom de la prestation", isRequired: true),
                Field(name: "description", label: "Description", control: .textarea(rows: 3)),
                Field(name: "unitPrice", label: "Prix unitaire", control: .checked("amount"), isRequired: true, short: true),
                Field(name: "taxRegime", label: "Régime du prix", control: .select(TaxRegime.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil),
                      isRequired: true),
                Field(name: "unit", label: "Unité", control: .select(ServiceUnit.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
                Field(name: "validFrom", label: "Valable à partir du", control: .checked("date"), hint: "jj/mm/aaaa ; vide : sans limite", short: true),
                Field(name: "validTo", label: "Valable jusqu'au", control: .checked("date"), hint: "jj/mm/aaaa ; vide : sans limite", short: true),
            ]
        }
        @Sendable func read(_ state: inout FormState) -> ServiceIn {
            ServiceIn(providerID: state.uuid("providerID", label: "Organisation prestataire"), name: state.required("name", "Nom de la prestation"),
                      description: state.text("description"), unitPrice: state.amount("unitPrice", required: true, label: "Prix unitaire").map(AmountInput.init),
                      taxRegime: state.choice("taxRegime", TaxRegime.self, label: "Régime du prix"), unit: state.choice("unit", ServiceUnit.self, label: "Unité"),
                      validFrom: state.date("validFrom", label: "Valable à partir du"), validTo: state.date("validTo", label: "Valable jusqu'au"))
        }
        @Sendable func form(_ req: Request, _ state: FormState, _ service: ServiceModel?) async throws -> Page {
            let title = service.map { "Modifier « \($0.name) »" } ?? "Ajouter une prestation au catalogue"
            return FormPages.formPage(title: title, crumbs: [("Tableau de bord", "/"), ("Prestations", "/prestations"), (service == nil ? "Ajouter" : "Modifier", nil)],
                                      state: state, fields: try await fields(req, creating: service == nil),
                                      action: service.map { "/prestations/\($0.id!)/modifier" } ?? "/prestations/nouvelle", back: "/prestations",
                                      viewer: try req.viewer(), section: .catalogue)
        }
        pages.get("prestations", "nouvelle") { req async throws -> Page in
            try await form(req, FormState(values: ["taxRegime": [TaxRegime.ht.rawValue], "unit": [ServiceUnit.perCompany.rawValue]]), nil)
        }
        pages.post("prestations", "nouvelle") { req async throws -> Response in
            var state = try FormState(request: req)
            if state.text("providerID") == nil { state.errors["providerID"] = "Choisissez « Organisation prestataire »." }
            let input = read(&state)
            return try await FormPages.submit(req, state: state, redirect: { "/prestations?ok=service" }, form: { try await form(req, $0, nil) }) {
                _ = try await CatalogueRoutes.create(req, input)
            }
        }
        pages.get("prestations", ":serviceID", "modifier") { req async throws -> Page in
            let service = try await CatalogueRoutes.service(req)
            var state = FormState()
            state.set("name", service.name); state.set("description", service.details)
            state.set("unitPrice", FrenchFormat.money(service.unitPrice)); state.set("taxRegime", service.taxRegime.rawValue)
            state.set("unit", service.unit.rawValue); state.set("validFrom", service.validFrom.map(FrenchFormat.date))
            state.set("validTo", service.validTo.map(FrenchFormat.date))
            return try await form(req, state, service)
        }
        pages.post("prestations", ":serviceID", "modifier") { req async throws -> Response in
            let service = try await CatalogueRoutes.service(req)
            var state = try FormState(request: req)
            let input = read(&state)
            let submitted = state
            return try await FormPages.submit(req, state: state, redirect: { "/prestations?ok=service" }, form: { try await form(req, $0, service) }) {
                try await CatalogueRoutes.update(req, service, input) { m in
                    if submitted.text("description") == nil { m.details = nil }
                    if submitted.text("validFrom") == nil { m.validFrom = nil }
                    if submitted.text("validTo") == nil { m.validTo = nil }
                }
            }
        }
    }

    // MARK: Settings

    static func registerSettings(_ pages: any RoutesBuilder) {
        let fields = [Field(name: "deMinimisWarning", label: "Seuil d'alerte de minimis", control: .checked("rate"),
                            hint: "Part du plafond à partir de laquelle Pacte prévient (l'aide reste accordée jusqu'au plafond). Par exemple « 80 % ».",
                            isRequired: true, short: true)]
        @Sendable func form(_ req: Request, _ state: FormState) throws -> Page {
            FormPages.formPage(title: "Paramètres de la plateforme", crumbs: [("Tableau de bord", "/"), ("Paramètres", nil)], state: state, fields: fields,
                               action: "/parametres", back: "/", viewer: try req.viewer(), section: .dashboard,
                               intro: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        pages.get("parametres") { req async throws -> Page in
            guard try req.requirePrincipal().isPlatformAdmin else { throw Problem(.forbidden, "Réservé à l'administrateur de la plateforme.") }
            let settings = try await PlatformSettings.load(on: req.db)
            return try form(req, FormState(values: ["deMinimisWarning": [FrenchFormat.percent(settings.deMinimisWarning)]]))
        }
        pages.post("parametres") { req async throws -> Response in
            var state = try FormState(request: req)
            let rate = state.rate("deMinimisWarning", required: true, label: "Seuil d'alerte de minimis")
            return try await FormPages.submit(req, state: state, redirect: { "/parametres?ok=parametres" }, form: { try form(req, $0) }) {
                if let rate { _ = try await SettingsRoutes.save(req, PlatformSettings(deMinimisWarning: rate)) }
            }
        }
    }
}
