import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Invoices to the funders on screen: what each public funder has not been invoiced yet, the
/// invoices issued, the form that issues one, and each invoice printable with its XML.
enum InvoicePages {
    static func register(_ convention: any RoutesBuilder) {
        convention.get("factures") { req async throws -> Page in
            let model = try await Access.convention(req)
            let conventionID = try model.requireID()
            let invoices = try await Invoices.invoices(of: conventionID, on: req.db)
            let parties = try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == conventionID).with(\.$organisation).all()
            let buyers = funders(parties)
            let candidates = try await Invoices.candidates(conventionID: conventionID, buyerIDs: buyers.compactMap(\.id), from: nil, to: nil, on: req.db)
            let pending = buyers.compactMap { buyer in candidates[buyer.id!].map { (buyer, $0) } }
            let names = try await PageQueries.organisationNames(invoices.flatMap { [$0.$seller.id, $0.$buyer.id] }, on: req.db)
            let principal = try req.requirePrincipal()
            let canWrite = try await Access.canWrite(principal, conventionID: conventionID, on: req.db)
            let identities = parties.filter { $0.roles.contains(.operator) || ($0.roles.contains(.funder) && $0.organisation.kind != .company) }
                .map { Identity(organisation: $0.organisation, editable: Access.writesFor(principal, organisation: $0.$organisation.id)) }
            return listPage(model, invoices: invoices, pending: pending, names: names, identities: identities, canWrite: canWrite, viewer: try req.viewer())
        }
        convention.get("factures", "nouvelle") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            let today = CivilDate.today()
            let lastMonth = today.adding(months: -1)
            var state = FormState()
            state.set("periodStart", FrenchFormat.date(try CivilDate(year: lastMonth.year, month: lastMonth.month, day: 1)))
            state.set("periodEnd", FrenchFormat.date(try CivilDate(year: lastMonth.year, month: lastMonth.month,
                                                                   day: CivilDate.daysIn(month: lastMonth.month, year: lastMonth.year))))
            state.set("issuedOn", FrenchFormat.date(today))
            if let buyer = req.query[String.self, at: "acheteur"] { state.set("buyerID", buyer) }
            return try await form(req, state, model)
        }
        convention.post("factures", "nouvelle") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let buyer = state.uuid("buyerID", label: "Financeur facturé", required: true)
            let start = state.date("periodStart", required: true, label: "Début de la période")
            let end = state.date("periodEnd", required: true, label: "Fin de la période")
            let issued = state.date("issuedOn", label: "Date de la facture")
            let due = state.date("dueOn", label: "Échéance")
            let reference = state.required("buyerReference", "Référence d'engagement de l'acheteur")
            let note = state.text("note")
            let saved = FormPages.SavedID()
            let base = "/conventions/\(try model.requireID())"
            return try await FormPages.submit(req, state: state, redirect: { "\(base)/factures/\(saved.id?.uuidString ?? "")?ok=facture" },
                                              form: { try await form(req, $0, model) }) {
                guard let buyer, let start, let end, let reference else { return }
                let invoice = try await InvoiceRoutes.issue(req, model, IssueInvoiceIn(sellerID: nil, buyerID: buyer, periodStart: start, periodEnd: end,
                                                                                       issuedOn: issued, dueOn: due, buyerReference: reference, note: note))
                saved.id = invoice.id
            }
        }
        convention.get("factures", ":invoiceID") { req async throws -> Page in
            let model = try await Access.convention(req)
            let invoice = try await InvoiceRoutes.find(req, model)
            let parties = try await OrganisationModel.query(on: req.db).filter(\.$id ~~ [invoice.$seller.id, invoice.$buyer.id]).all()
            guard let seller = parties.first(where: { $0.id == invoice.$seller.id }), let buyer = parties.first(where: { $0.id == invoice.$buyer.id }) else {
                throw Problem.notFound("Facture")
            }
            return printPage(invoice, convention: model, seller: seller, buyer: buyer, viewer: try req.viewer(),
                             notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        convention.get("factures", ":invoiceID", "xml") { req async throws -> Response in
            InvoiceRoutes.xmlResponse(try await InvoiceRoutes.find(req, try await Access.convention(req)))
        }
    }

    /// The public funders among the parties (loaded with their organisation): who can be invoiced.
    static func funders(_ parties: [ConventionPartyModel]) -> [OrganisationModel] {
        parties.filter { $0.roles.contains(.funder) && $0.organisation.kind != .company }.map(\.organisation)
    }

    static func form(_ req: Request, _ state: FormState, _ c: ConventionModel) async throws -> Page {
        let base = "/conventions/\(try c.requireID())"
        let parties = try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == c.requireID()).with(\.$organisation).all()
        let buyers = funders(parties).map { (value: $0.id!.uuidString, label: $0.name) }
        let fields = [
            Field(name: "buyerID", label: "Financeur facturé", control: .select(buyers, placeholder: "Choisir…"), isRequired: true),
            Field(name: "periodStart", label: "Début de la période", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
            Field(name: "periodEnd", label: "Fin de la période", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
            Field(name: "buyerReference", label: "Référence d'engagement de l'acheteur",
                  hint: "Numéro d'engagement juridique ou de bon de commande que le financeur vous a communiqué (50 caractères au plus).", isRequired: true),
            Field(name: "issuedOn", label: "Date de la facture", control: .checked("date"), hint: "jj/mm/aaaa ; aujourd'hui si vide", short: true),
            Field(name: "dueOn", label: "Échéance", control: .checked("date"), hint: "jj/mm/aaaa ; 30 jours après la facture si vide", short: true),
            Field(name: "note", label: "Mention libre", control: .textarea(rows: 2)),
        ]
        return FormPages.formPage(title: "Émettre une facture", crumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base),
                                                                        ("Factures", "\(base)/factures"), ("Nouvelle facture", nil)],
                                  state: state, fields: fields, action: "\(base)/factures/nouvelle", back: "\(base)/factures", viewer: try req.viewer(),
                                  intro: "La facture reprend chaque prestation réalisée sur la période et pas encore facturée à ce financeur, pour sa part "
                                      + "(montants \(c.taxRegime.label)). Elle est numérotée dans la série du maître d'ouvrage et ne se modifie plus une fois émise.")
    }

    static let header = ["Numéro", "Financeur facturé", "Période", "Émise le", "Échéance", "Montant HT ou net", "TVA", "Total"]

    struct Identity {
        var organisation: OrganisationModel
        var editable: Bool
    }

    static func listPage(_ c: ConventionModel, invoices: [InvoiceModel], pending: [(OrganisationModel, [Invoices.Candidate])], names: [UUID: String],
                         identities: [Identity], canWrite: Bool, viewer: Viewer) -> Page {
        let base = "/conventions/\(c.id!)"
        let identityRows: [Node<HTML.TableContext>] = identities.map { identity in
            let o = identity.organisation
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(o.name)),
                       .td(.text(o.siret?.formatted ?? "manquant : facture impossible")),
                       .td(.text(o.iban?.formatted ?? "—")),
                       .td(.if(identity.editable, .a(.href("/organisations/\(o.id!)/facturation?retour=\(base)/factures"), .text("Compléter"),
                                                     .ariaLabel(escapeAttribute("Compléter l'identité de facturation de \(o.name)"))))))
        }
        let pendingRows: [Node<HTML.TableContext>] = pending.map { buyer, candidates in
            let total = (try? Money.sum(candidates.map(\.line.amount))) ?? .zero
            let dates = candidates.compactMap(\.line.deliveredOn)
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(buyer.name)),
                       .td(.class("num"), .text(String(candidates.count))),
                       .td(.text(dates.min().map { "du \(FrenchFormat.date($0)) au \(FrenchFormat.date(dates.max()!))" } ?? "—")),
                       .td(.class("num"), .text(FrenchFormat.money(total))),
                       .td(.if(canWrite, .a(.href("\(base)/factures/nouvelle?acheteur=\(buyer.id!)"), .text("Facturer"),
                                            .ariaLabel(escapeAttribute("Facturer \(buyer.name)"))))))
        }
        let rows: [Node<HTML.TableContext>] = invoices.map { i in
            .tr(.th(.attribute(named: "scope", value: "row"), .a(.href("\(base)/factures/\(i.id!)"), .text(i.number))),
                .td(.text(names[i.$buyer.id] ?? "—")),
                .td(.text("\(FrenchFormat.date(i.periodStart)) – \(FrenchFormat.date(i.periodEnd))")),
                .td(.text(FrenchFormat.date(i.issuedOn))), .td(.text(FrenchFormat.date(i.dueOn))),
                .td(.class("num"), .text(FrenchFormat.money(Money(cents: i.netCents)))),
                .td(.class("num"), .text(FrenchFormat.money(Money(cents: i.vatCents)))),
                .td(.class("num"), .text(FrenchFormat.money(Money(cents: i.totalCents)))))
        }
        let content: BodyNode = .group(
            .h1(.text("Factures aux financeurs")),
            .p(.class("lead"), .text(c.title)),
            .p(.text("Le maître d'ouvrage facture à chaque financeur public sa part des prestations réalisées. Chaque facture suit la norme "
                     + "européenne EN 16931 (Factur-X, profil EN 16931) et se dépose sur Chorus Pro ou la plateforme de l'acheteur.")),
            .if(canWrite, .div(.class("page-actions"), .a(.class("button"), .href("\(base)/factures/nouvelle"), .text("Émettre une facture")))),
            .h2(.text("À facturer")),
            pending.isEmpty ? .p(.class("muted"), .text("Aucune prestation réalisée n'attend de facture.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Prestations réalisées pas encore facturées, par financeur")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Prestations")),
                           .th(.attribute(named: "scope", value: "col"), .text("Réalisées")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")),
                           .th(.attribute(named: "scope", value: "col"), .text("Action")))),
                .tbody(.group(pendingRows)))),
            .h2(.id("identites"), .text("Identités de facturation")),
            .div(.class("table-wrap"), .table(
                .caption(.text("SIRET et IBAN du maître d'ouvrage et des financeurs")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Organisation")),
                           .th(.attribute(named: "scope", value: "col"), .text("SIRET du siège")),
                           .th(.attribute(named: "scope", value: "col"), .text("IBAN")),
                           .th(.attribute(named: "scope", value: "col"), .text("Action")))),
                .tbody(.group(identityRows)))),
            .h2(.id("factures"), .text("Factures émises")),
            invoices.isEmpty ? .p(.class("muted"), .text("Aucune facture émise.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Factures émises au titre de la convention")),
                .thead(.tr(.forEach(header.enumerated()) { index, label in
                    .th(.attribute(named: "scope", value: "col"), .class(index >= 5 ? "num" : ""), .text(label))
                })),
                .tbody(.group(rows))))
        )
        return Page(title: "Factures — \(c.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Factures", nil)], content: content)
    }

    static func partyBlock(_ title: String, _ o: OrganisationModel) -> Node<HTML.BodyContext> {
        .div(.class("invoice-party"),
             .h2(.text(title)),
             .p(.strong(.text(o.name))),
             .unwrap(o.address) { .p(.text($0)) },
             .unwrap(o.siret) { .p(.text("SIRET \($0.formatted)")) })
    }

    static func printPage(_ i: InvoiceModel, convention c: ConventionModel, seller: OrganisationModel, buyer: OrganisationModel, viewer: Viewer,
                          notice: String?) -> Page {
        let base = "/conventions/\(c.id!)"
        let items = (i.$items.value ?? []).sorted { ($0.deliveredOn?.isoString ?? "", $0.label) < ($1.deliveredOn?.isoString ?? "", $1.label) }
        let rows: [Node<HTML.TableContext>] = items.map { item in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(item.label)),
                .td(.text(item.deliveredOn.map(FrenchFormat.date) ?? "—")),
                .td(.class("num"), .text(FrenchFormat.money(Money(cents: item.amountCents)))))
        }
        let net = Money(cents: i.netCents)
        let vatLine: Node<HTML.TableContext> = i.taxRegime == .netDeTaxes
            ? .tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "2"), .text("TVA : non soumis à la TVA (prestations nettes de taxes)")),
                  .td(.class("num"), .text(FrenchFormat.money(.zero))))
            : .tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "2"), .text("TVA à \(FrenchFormat.percent(c.vatRate)) sur \(FrenchFormat.money(net)) HT")),
                  .td(.class("num"), .text(FrenchFormat.money(Money(cents: i.vatCents)))))
        let mentions = CrossIndustryInvoice.legalMentions.map(\.content)
        let content: BodyNode = .group(
            .unwrap(notice) { .p(.class("notice ok no-print"), .attribute(named: "role", value: "status"), .text($0)) },
            .div(.class("page-actions no-print"),
                 .a(.class("button"), .href("\(base)/factures/\(i.id!)/xml"), .text("Télécharger le XML Factur-X (EN 16931)")),
                 .a(.class("button secondary"), .href("\(base)/factures"), .text("Toutes les factures"))),
            .h1(.text("Facture n° \(i.number)")),
            .dl(.class("facts"),
                .dt(.text("Date")), .dd(.text(FrenchFormat.date(i.issuedOn))),
                .dt(.text("Échéance")), .dd(.text(FrenchFormat.date(i.dueOn))),
                .dt(.text("Période")), .dd(.text("du \(FrenchFormat.date(i.periodStart)) au \(FrenchFormat.date(i.periodEnd))")),
                .dt(.text("Référence d'engagement")), .dd(.text(i.buyerReference)),
                .dt(.text("Convention")), .dd(.text(c.reference.map { "\(c.title) (\($0))" } ?? c.title))),
            .div(.class("invoice-parties"), partyBlock("Vendeur", seller), partyBlock("Acheteur", buyer)),
            .div(.class("table-wrap"), .table(
                .caption(.text("Prestations facturées (montants \(i.taxRegime.label))")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Prestation")),
                           .th(.attribute(named: "scope", value: "col"), .text("Réalisée le")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")))),
                .tbody(.group(rows)),
                .tfoot(.tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "2"),
                               .text(i.taxRegime == .netDeTaxes ? "Total net de taxes" : "Total HT")),
                           .td(.class("num"), .text(FrenchFormat.money(net)))),
                       vatLine,
                       .tr(.th(.attribute(named: "scope", value: "row"), .attribute(named: "colspan", value: "2"), .text("Net à payer")),
                           .td(.class("num"), .strong(.text(FrenchFormat.money(Money(cents: i.totalCents))))))))),
            .unwrap(seller.iban) { .p(.text("Paiement par virement sur le compte \($0.formatted).")) },
            .ul(.class("muted"), .forEach(mentions) { .li(.text($0)) })
        )
        return Page(title: "Facture \(i.number) — \(c.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Factures", "\(base)/factures"),
                                  (i.number, nil)], content: content)
    }
}

/// What an organisation's invoices need: the head office's SIRET, the address, the IBAN.
enum BillingIdentityForm {
    static let fields = [
        Field(name: "siret", label: "SIRET du siège", hint: "14 chiffres, espaces permis ; les 9 premiers sont le SIREN de l'organisation.", short: true),
        Field(name: "address", label: "Adresse", hint: "Telle qu'elle doit figurer sur les factures."),
        Field(name: "iban", label: "IBAN", hint: "Compte sur lequel les partenaires paient vos factures (FR76 …).", autocomplete: "off"),
    ]

    static func register(_ pages: any RoutesBuilder) {
        pages.get("organisations", ":organisationID", "facturation") { req async throws -> Page in
            let model = try await DirectoryRoutes.writableOrganisation(req)
            var state = FormState()
            state.set("siret", model.siret?.formatted)
            state.set("address", model.address)
            state.set("iban", model.iban?.formatted)
            state.set("retour", req.query[String.self, at: "retour"])
            return try page(req, state, model)
        }
        pages.post("organisations", ":organisationID", "facturation") { req async throws -> Response in
            let model = try await DirectoryRoutes.writableOrganisation(req)
            var state = try FormState(request: req)
            let siret = state.identifier("siret", label: "SIRET") { text throws(IdentifierError) in try Siret(text) }
            let iban = state.identifier("iban", label: "IBAN") { text throws(IdentifierError) in try Iban(text) }
            let address = state.text("address")
            let back = SignInPages.safeReturn(state.text("retour") ?? "/organisations")
            return try await FormPages.submit(req, state: state, redirect: { back }, form: { try page(req, $0, model) }) {
                try await DirectoryRoutes.update(req, model) { m in
                    // The form sends every field: an emptied one clears the stored value.
                    try OrganisationIn(siret: siret, iban: iban, address: address).apply(to: m)
                    if siret == nil { m.siret = nil }
                    if iban == nil { m.iban = nil }
                    if address == nil { m.address = nil }
                }
            }
        }
    }

    static func page(_ req: Request, _ state: FormState, _ o: OrganisationModel) throws -> Page {
        FormPages.formPage(title: "Identité de facturation — \(o.name)", crumbs: [("Tableau de bord", "/"), ("Organisations", "/organisations"), (o.name, nil)],
                           state: state, fields: fields, action: "/organisations/\(o.id!)/facturation",
                           back: SignInPages.safeReturn(state.text("retour") ?? "/organisations"), viewer: try req.viewer(),
                           extra: .input(.type(.hidden), .name("retour"), .value(escapeAttribute(state["retour"]))), section: .directory,
                           intro: "Ces informations figurent sur les factures électroniques (EN 16931) : le SIRET du vendeur et de l'acheteur y est obligatoire.")
    }
}
