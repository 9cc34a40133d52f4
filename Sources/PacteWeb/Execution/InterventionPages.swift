import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The execution of a convention on screen: its envelopes, the services given to companies and their
/// steps, the monthly tracking table with its chart; the forms that create and move them go through
/// the same code as the JSON API.
enum InterventionPages {
    /// French path segment of each step.
    static let stepSegments: [(segment: String, step: InterventionStep)] = [
        ("accepter", .accept), ("realiser", .deliver), ("facturer", .invoice), ("payer", .pay), ("annuler", .cancel),
    ]

    static func register(_ convention: any RoutesBuilder) {
        convention.get("execution") { req async throws -> Page in
            let principal = try req.requirePrincipal()
            let all = req.query[String.self, at: "prestations"] == "toutes"
            let year = req.query[String.self, at: "annee"]
            return try await PageRoutes.cached(req, "execution/\(all)/\(year ?? "")") { model, viewer, notice in
                var view = try await ExecutionView.load(model, principal: principal, allServices: all, on: req.db)
                view.trackingYear = trackingYear(year, view.tracking)
                return page(view, viewer: viewer, notice: notice)
            }
        }
        convention.get("enveloppes", "nouvelle") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            return try await envelopeForm(req, state: FormState(), convention: model)
        }
        convention.post("enveloppes", "nouvelle") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let name = state.required("name", "Nom de l'enveloppe")
            let funder = state.uuid("funderID", label: "Financeur", required: true)
            let action = state.uuid("actionID", label: "Action")
            let year = state.integer("year", label: "Année", range: 1990...2200)
            let cap = state.amount("cap", required: true, label: "Plafond")
            let input = name.flatMap { name in funder.flatMap { funder in cap.map {
                EnvelopeIn(name: name, funderID: funder, actionID: action, year: year, cap: AmountInput($0))
            } } }
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(model.id!)/execution?ok=enveloppe#enveloppes" },
                                              form: { try await envelopeForm(req, state: $0, convention: model) }) {
                if let input { _ = try await ConventionRoutes.createEnvelope(req, model, input) }
            }
        }
        convention.get("engagements", "nouveau") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            return try await commitmentForm(req, state: FormState(values: ["year": [String(CivilDate.today().year)]]), convention: model)
        }
        convention.post("engagements", "nouveau") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let label = state.required("label", "Objet")
            let funder = state.uuid("funderID", label: "Financeur", required: true)
            let action = state.uuid("actionID", label: "Action")
            let year = state.integer("year", label: "Année", range: 1990...2200)
            let amount = state.amount("amount", required: true, label: "Montant")
            let input = label.flatMap { label in funder.flatMap { funder in amount.map {
                CommitmentIn(funderID: funder, actionID: action, year: year, label: label, amount: AmountInput($0))
            } } }
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(model.id!)/execution?ok=engagement#engagements" },
                                              form: { try await commitmentForm(req, state: $0, convention: model) }) {
                if let input { _ = try await ConventionRoutes.createCommitment(req, model, input) }
            }
        }
        convention.post("engagements", ":commitmentID", "liberer") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            try await ConventionRoutes.releaseCommitment(req, try await ConventionRoutes.findCommitment(req, model))
            return req.redirect(to: "/conventions/\(try model.requireID())/execution?ok=engagement-libere#engagements", redirectType: .normal)
        }
        convention.get("prestations", "nouvelle") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            var state = FormState()
            state.set("actionID", req.query[String.self, at: "action"])
            state.set("companyID", req.query[String.self, at: "entreprise"])
            return try await interventionForm(req, state: state, convention: model)
        }
        convention.post("prestations", "nouvelle") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let action = state.uuid("actionID", label: "Action", required: true)
            let company = state.uuid("companyID", label: "Entreprise", required: true)
            let service = state.uuid("serviceID", label: "Prestation du catalogue")
            let quote = state.amount("quote", label: "Montant du devis")
            if service == nil, quote == nil, state.errors["quote"] == nil {
                state.errors["quote"] = "Indiquez le montant du devis, ou choisissez une prestation du catalogue."
            }
            if service == nil, state.text("label") == nil { state.errors["label"] = "Nommez la prestation, ou choisissez-la au catalogue." }
            let input = action.flatMap { action in company.map {
                InterventionIn(actionID: action, companyID: $0, serviceID: service, label: state.text("label"), quote: quote.map(AmountInput.init),
                               programme: state.text("programme"))
            } }
            let saved = FormPages.SavedID()
            return try await FormPages.submit(req, state: state,
                                              redirect: { "/conventions/\(model.id!)/execution?ok=prestation#prestation-\(saved.id?.uuidString ?? "")" },
                                              form: { try await interventionForm(req, state: $0, convention: model) }) {
                if let input { saved.id = try await ConventionRoutes.createIntervention(req, model, input).id }
            }
        }
        for (segment, step) in stepSegments {
            convention.get("prestations", ":interventionID", .constant(segment)) { req async throws -> Page in
                let model = try await Access.writableConvention(req)
                let intervention = try await ConventionRoutes.findIntervention(req, model)
                return try await stepForm(req, step: step, state: stepDefaults(step, intervention), convention: model, intervention: intervention)
            }
            convention.post("prestations", ":interventionID", .constant(segment)) { req async throws -> Response in
                let model = try await Access.writableConvention(req)
                let intervention = try await ConventionRoutes.findIntervention(req, model)
                var state = try FormState(request: req)
                let input = readStep(step, &state)
                return try await FormPages.submit(req, state: state,
                                                  redirect: { "/conventions/\(model.id!)/execution?ok=etape#prestation-\(intervention.id!)" },
                                                  form: { try await stepForm(req, step: step, state: $0, convention: model, intervention: intervention) }) {
                    try await ConventionRoutes.advance(req, intervention, step, input)
                }
            }
        }
        convention.get("prestations", ":interventionID", "avis") { req async throws -> Page in
            let model = try await Access.convention(req)
            let intervention = try await ConventionRoutes.findIntervention(req, model)
            return try await FundingNotice.page(intervention, convention: model, viewer: try req.viewer(),
                                                templates: try await OfficeDownload.templates(for: req), on: req.db)
        }
    }

    // MARK: The execution page

    struct InterventionRow {
        var model: InterventionModel
        var company: String
        var action: String
        /// Each public funder's committed part (empty before acceptance).
        var parts: [(funder: String, amount: Money)]
    }

    struct ExecutionView {
        var convention: ConventionModel
        var id: UUID
        var canWrite: Bool
        var envelopes: [(state: Commitments.EnvelopeState, funder: String, scope: String)]
        /// Commitments made by hand (a service's own are shown with the service).
        var commitments: [(model: CommitmentModel, funder: String, scope: String)]
        var interventions: [InterventionRow]
        /// All the convention's services, of which `interventions` may show only the latest.
        var serviceCount: Int
        var tracking: TrackingTable
        /// The year of the tracking table shown (nil: every year).
        var trackingYear: Int? = nil

        /// Services listed when the page does not ask for all of them: the most recent.
        static let recentServices = 50

        static func load(_ convention: ConventionModel, principal: Principal, allServices: Bool = false,
                         on db: any Database) async throws -> ExecutionView {
            let id = try convention.requireID()
            let states = try await Commitments.envelopes(of: id, on: db)
            let serviceCount = try await InterventionModel.query(on: db).filter(\.$convention.$id == id).count()
            let query = InterventionModel.query(on: db).filter(\.$convention.$id == id)
            let interventions = allServices || serviceCount <= recentServices
                ? try await query.sort(\.$createdAt).all()
                : Array(try await query.sort(\.$createdAt, .descending).limit(recentServices).all().reversed())
            // Only the commitments shown: those made by hand, and the parts of the services listed.
            let allCommitments = try await CommitmentModel.query(on: db).filter(\.$convention.$id == id)
                .group(.or) { $0.filter(\.$interventionID == nil).filter(\.$interventionID ~~ interventions.compactMap(\.id)) }
                .sort(\.$createdAt).all()
            let commitments = allCommitments.filter { $0.status == .committed }
            let actions = try await ActionModel.query(on: db).filter(\.$convention.$id == id).all()
            let organisationIDs = Set(states.map(\.funderID) + allCommitments.map(\.$funder.id))
            let names = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(organisationIDs)).all()
                .map { ($0.id!, $0.shortName ?? $0.name) })
            let actionNames = Dictionary(uniqueKeysWithValues: actions.map { ($0.id!, $0.displayName) })
            let companyNames = try await CompanyModel.names(Set(interventions.map(\.$company.id)), on: db)
            func scope(_ action: UUID?, _ year: Int?) -> String {
                let words = [action.flatMap { actionNames[$0] }, year.map { "année \($0)" }].compactMap { $0 }.joined(separator: ", ")
                return words.isEmpty ? "toute la convention" : words
            }
            let envelopes = states.map { (state: $0, funder: names[$0.funderID] ?? "—", scope: scope($0.actionID, $0.year)) }
            let manual = allCommitments.filter { $0.interventionID == nil }
                .map { (model: $0, funder: names[$0.$funder.id] ?? "—", scope: scope($0.$action.id, $0.year)) }
            let partsByService = Dictionary(grouping: commitments.filter { $0.interventionID != nil }) { $0.interventionID! }
            let rows = interventions.map { model in
                InterventionRow(model: model, company: companyNames[model.$company.id] ?? "—", action: actionNames[model.$action.id] ?? "—",
                                parts: (partsByService[model.id!] ?? [])
                                    .map { (funder: names[$0.$funder.id] ?? "—", amount: Money(cents: $0.amountCents)) })
            }
            return ExecutionView(convention: convention, id: id, canWrite: try await Access.canWrite(principal, conventionID: id, on: db),
                                 envelopes: envelopes, commitments: manual, interventions: rows, serviceCount: serviceCount,
                                 tracking: try await Tracking.table(for: convention, actionNames: actionNames, on: db))
        }
    }

    static func page(_ view: ExecutionView, viewer: Viewer, notice: String?) -> Page {
        let base = "/conventions/\(view.id)"
        let content: BodyNode = .group(
            .h1(.text("Exécution")),
            .p(.class("lead"), .text(view.convention.title)),
            .p(.text("Les prestations rendues aux entreprises, les fonds engagés sur les enveloppes et le tableau de suivi mensuel.")),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .div(.class("page-actions"),
                 .if(view.canWrite, .group(
                    .a(.class("button"), .href("\(base)/prestations/nouvelle"), .text("Prescrire une prestation")),
                    .a(.class("button secondary"), .href("\(base)/enveloppes/nouvelle"), .text("Créer une enveloppe")),
                    .a(.class("button secondary"), .href("\(base)/engagements/nouveau"), .text("Engager des fonds")))),
                 .a(.class("button secondary"), .href(base), .text("Retour à la convention"))),
            summary(view.tracking),
            .h2(.id("enveloppes"), .text("Enveloppes")),
            envelopes(view),
            .h2(.id("engagements"), .text("Engagements hors prestations")),
            commitments(view, base: base, csrf: viewer.csrf),
            .h2(.id("prestations"), .text("Prestations")),
            interventions(view, base: base),
            .h2(.id("suivi"), .text("Tableau de suivi mensuel")),
            DownloadPicker.render(path: "\(base)/suivi", header: TrackingExport.header, id: "suivi"),
            trackingChart(view.tracking),
            trackingTable(view.tracking, year: view.trackingYear, base: base)
        )
        return Page(title: "Exécution — \(view.convention.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (view.convention.title, base), ("Exécution", nil)],
                    content: content)
    }

    /// The convention's execution at a glance, every service and year included: the totals of the tracking table.
    static func summary(_ tracking: TrackingTable) -> BodyNode {
        let rows = tracking.rows
        func total(_ column: (TrackingTable.Row) -> Money) -> Money { (try? Money.sum(rows.map(column))) ?? .zero }
        let figures: [(String, String, Money)] = [("engage", "Fonds engagés", total(\.committed)), ("realise", "Réalisé", total(\.delivered)),
                                                  ("facture", "Facturé", total(\.invoiced)), ("paye", "Payé", total(\.paid))]
        return .dl(.class("facts execution-summary"), .id("synthese"), .group(figures.map { key, label, amount in
            .group(.dt(.text(label)), .dd(.class("num"), .attribute(named: "data-figure", value: key),
                                          .attribute(named: "data-amount", value: amount.decimalString), .text(FrenchFormat.money(amount))))
        }))
    }

    static func envelopes(_ view: ExecutionView) -> BodyNode {
        guard !view.envelopes.isEmpty else {
            return .p(.class("muted"), .text("Aucune enveloppe : les engagements ne sont plafonnés par aucun montant."))
        }
        let rows: [Node<HTML.TableContext>] = view.envelopes.map { item in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(item.state.envelope.name)),
                .td(.text(item.funder)), .td(.text(item.scope)),
                .td(.class("num"), .text(FrenchFormat.money(item.state.envelope.cap))),
                .td(.class("num"), .text(FrenchFormat.money(item.state.committed))),
                .td(.class("num"), .text(FrenchFormat.money(item.state.remaining))),
                .td(UI.bar(item.state.committed, of: item.state.envelope.cap, label: "Engagé", consumption: true)))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Enveloppes : plafond, engagé et disponible")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Enveloppe")),
                       .th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                       .th(.attribute(named: "scope", value: "col"), .text("Portée")),
                       .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Plafond")),
                       .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Engagé")),
                       .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Disponible")),
                       .th(.attribute(named: "scope", value: "col"), .text("Consommation")))),
            .tbody(.group(rows))))
    }

    static func commitments(_ view: ExecutionView, base: String, csrf: String) -> BodyNode {
        guard !view.commitments.isEmpty else {
            return .p(.class("muted"), .text("Aucun engagement hors prestations (subvention, manifestation…)."))
        }
        let rows: [Node<HTML.TableContext>] = view.commitments.map { item in
            let m = item.model
            let committed = m.status == .committed
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(m.label)),
                       .td(.text(item.funder)), .td(.text(item.scope)),
                       .td(.class("num"), .text(FrenchFormat.money(Money(cents: m.amountCents)))),
                       .td(.text(committed ? "engagé" : "libéré")),
                       .td(.if(committed && view.canWrite, .form(
                           .method(.post), .action("\(base)/engagements/\(m.id!)/liberer"),
                           .data(named: "confirm", value: escapeAttribute("Libérer « \(m.label) » ?")),
                           CSRF.field(csrf),
                           .button(.class("button danger small"), .type(.submit), .text("Libérer"), .ariaLabel(escapeAttribute("Libérer \(m.label)")))))))
        }
        return .div(.class("table-wrap"), .table(
            .caption(.text("Fonds engagés hors prestations")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Objet")),
                       .th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                       .th(.attribute(named: "scope", value: "col"), .text("Portée")),
                       .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")),
                       .th(.attribute(named: "scope", value: "col"), .text("État")),
                       .th(.attribute(named: "scope", value: "col"), .text("Libérer")))),
            .tbody(.group(rows))))
    }

    /// The dates a service went through, in words.
    static func history(_ m: InterventionModel) -> String {
        var steps: [String] = []
        if let date = m.acceptedOn { steps.append("acceptée le \(FrenchFormat.date(date))") }
        if let date = m.deliveredOn { steps.append("réalisée le \(FrenchFormat.date(date))") }
        if let date = m.invoicedOn {
            steps.append("facturée le \(FrenchFormat.date(date))" + (m.invoiceNumber.map { " (n° \($0)" } ?? " (")
                         + (m.invoiceCents.map { ", \(FrenchFormat.money(Money(cents: $0))))" } ?? ")"))
        }
        if let date = m.paidOn { steps.append("payée le \(FrenchFormat.date(date))") }
        if let reason = m.cancelReason { steps.append("annulée : \(reason)") }
        return steps.isEmpty ? "devis du \(m.createdAt.map { FrenchFormat.date(CivilDate(instant: $0)) } ?? "—")" : steps.joined(separator: " ; ")
    }

    static func stepLabel(_ step: InterventionStep) -> String {
        switch step {
        case .accept: "Accepter le devis"
        case .deliver: "Déclarer réalisée"
        case .invoice: "Enregistrer la facture"
        case .pay: "Enregistrer le paiement"
        case .cancel: "Annuler"
        }
    }

    static func nextSteps(_ status: InterventionStatus) -> [(segment: String, step: InterventionStep)] {
        stepSegments.filter { status.next.contains($0.step.target) }
    }

    static func interventions(_ view: ExecutionView, base: String) -> BodyNode {
        guard !view.interventions.isEmpty else {
            return .p(.class("muted"), .text("Aucune prestation prescrite pour l'instant."))
        }
        let rows: [Node<HTML.TableContext>] = view.interventions.map { row in
            let m = row.model
            let id = m.id!.uuidString
            let parts = row.parts.map { "\($0.funder) \(FrenchFormat.money($0.amount))" }.joined(separator: " ; ")
            let links: [Node<HTML.BodyContext>] = view.canWrite ? nextSteps(m.status).map { item in
                .a(.class(item.step == .cancel ? "button danger small" : "button secondary small"),
                   .href("\(base)/prestations/\(id)/\(item.segment)"), .text(stepLabel(item.step)),
                   .ariaLabel(escapeAttribute("\(stepLabel(item.step)) : \(m.label), \(row.company)")))
            } : []
            return .tr(.id("prestation-\(id)"),
                       .th(.attribute(named: "scope", value: "row"), .text(row.company)),
                       .td(.text(m.label), .unwrap(m.programme) { .div(.class("muted"), .text($0)) }),
                       .td(.text(row.action)),
                       .td(.class("num"), .text(FrenchFormat.money(Money(cents: m.quoteCents)))),
                       .td(.span(.class("badge intervention-\(m.status.rawValue)"), .text(m.status.label)),
                           .div(.class("muted"), .text(history(m)))),
                       .td(.text(parts.isEmpty ? "—" : parts)),
                       .td(.div(.class("row-actions"), .group(links),
                                .a(.href("\(base)/prestations/\(id)/avis"), .text("Avis de financement"),
                                   .ariaLabel(escapeAttribute("Avis de financement : \(m.label), \(row.company)"))))))
        }
        let partial = view.interventions.count < view.serviceCount
        return .group(
            .if(partial, .p(.text("Les \(view.interventions.count) prestations les plus récentes sur \(view.serviceCount). "),
                            .a(.href("\(base)/execution?prestations=toutes#prestations"), .text("Afficher les \(view.serviceCount) prestations")))),
            .div(.class("table-wrap"), .table(
            .caption(.text(partial ? "Prestations prescrites aux entreprises (les plus récentes)" : "Prestations prescrites aux entreprises")),
            .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Entreprise")),
                       .th(.attribute(named: "scope", value: "col"), .text("Prestation")),
                       .th(.attribute(named: "scope", value: "col"), .text("Action")),
                       .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Devis")),
                       .th(.attribute(named: "scope", value: "col"), .text("Étape")),
                       .th(.attribute(named: "scope", value: "col"), .text("Fonds engagés")),
                       .th(.attribute(named: "scope", value: "col"), .text("Suite")))),
            .tbody(.group(rows)))))
    }

    /// Committed, delivered, invoiced and paid, cumulated month by month over the whole convention.
    static func trackingChart(_ table: TrackingTable) -> BodyNode {
        guard let first = table.rows.map(\.month).min(), let last = table.rows.map(\.month).max() else { return .empty }
        var months: [YearMonth] = []
        var month = first
        while month <= last { months.append(month); month = month.adding(months: 1) }
        func cumulative(_ value: KeyPath<TrackingTable.Row, Money>) -> [Money] {
            var total = Money.zero
            return months.map { month in
                for row in table.rows where row.month == month { total = (try? total.adding(row[keyPath: value])) ?? total }
                return total
            }
        }
        let committed = cumulative(\.committed)
        guard committed.contains(where: { !$0.isZero }) else {
            return .p(.class("muted"), .text("Aucun fonds engagé pour l'instant : le graphique apparaîtra avec le premier devis accepté."))
        }
        return Charts.monthlyLines(months: months, series: [
            Charts.LineSeries(name: "Engagé", style: "line-committed", dash: nil, values: committed),
            Charts.LineSeries(name: "Réalisé", style: "line-delivered", dash: "6 4", values: cumulative(\.delivered)),
            Charts.LineSeries(name: "Facturé", style: "line-planned", dash: "2 3", values: cumulative(\.invoiced)),
            Charts.LineSeries(name: "Payé", style: "line-paid", dash: "10 4 2 4", values: cumulative(\.paid)),
        ], id: "graphique-suivi", caption: "Engagé, réalisé, facturé et payé, cumulés mois par mois", note: nil)
    }

    /// The year of the tracking table a page shows: the one asked (`?annee=2025`, or `toutes`), else
    /// the current year when it has rows, else the last year that has some. A five-year convention
    /// has hundreds of rows a year; the exports hold them all.
    static func trackingYear(_ asked: String?, _ table: TrackingTable, today: CivilDate = .today()) -> Int? {
        let years = Set(table.rows.map(\.month.year))
        if asked == "toutes" { return nil }
        if let asked = asked.flatMap(Int.init), years.contains(asked) { return asked }
        return years.contains(today.year) ? today.year : years.max()
    }

    static func trackingTable(_ table: TrackingTable, year: Int?, base: String) -> BodyNode {
        guard !table.rows.isEmpty else { return .p(.class("muted"), .text("Le tableau de suivi se remplit dès la première prestation prescrite.")) }
        let years = Set(table.rows.map(\.month.year)).sorted()
        let shown = table.rows.filter { year == nil || $0.month.year == year }
        let rows: [Node<HTML.TableContext>] = shown.map { row in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(row.month.longLabel)),
                .td(.text(row.action)), .td(.text(row.funder)),
                .td(.class("num"), .text(String(row.prescribed))),
                .td(.class("num"), .text(FrenchFormat.money(row.committed))),
                .td(.class("num"), .text(FrenchFormat.money(row.delivered))),
                .td(.class("num"), .text(FrenchFormat.money(row.invoiced))),
                .td(.class("num"), .text(FrenchFormat.money(row.paid))),
                .td(.class("num"), .text(row.envelopeLeft.map(FrenchFormat.money) ?? "—")))
        }
        let headers = ["Mois", "Action", "Financeur", "Prestations prescrites", "Engagé", "Réalisé", "Facturé", "Payé", "Reste de l'enveloppe"]
        let choices: [(label: String, value: String, current: Bool)] = years.map { ("\($0)", "\($0)", $0 == year) }
            + (years.count > 1 ? [("toutes les années", "toutes", year == nil)] : [])
        return .group(
            .if(years.count > 1, .nav(.class("year-choice"), .ariaLabel("Année du tableau de suivi"),
                .text("Année : "),
                .forEach(choices) { choice in
                    choice.current
                        ? .strong(.attribute(named: "aria-current", value: "page"), .text(choice.label + " "))
                        : .a(.href("\(base)/execution?annee=\(choice.value)#suivi"), .text(choice.label + " "))
                })),
            .div(.class("table-wrap"), .table(
                .caption(.text("Tableau de suivi : par mois, action et financeur" + (year.map { ", année \($0)" } ?? ""))),
                .thead(.tr(.forEach(headers.enumerated()) { index, label in
                    .th(.attribute(named: "scope", value: "col"), .class(index >= 3 ? "num" : ""), .text(label))
                })),
                .tbody(.group(rows)))))
    }

    // MARK: Forms

    static func crumbs(_ convention: ConventionModel, _ last: String) -> [(label: String, path: String?)] {
        let base = "/conventions/\(convention.id!)"
        return [("Tableau de bord", "/"), ("Conventions", "/conventions"), (convention.title, base), ("Exécution", "\(base)/execution"), (last, nil)]
    }

    /// The parties (funder choices) and the actions of a convention, for a select.
    static func choices(_ convention: ConventionModel, on db: any Database) async throws
        -> (parties: [(value: String, label: String)], actions: [(value: String, label: String)]) {
        let id = try convention.requireID()
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == id).with(\.$organisation).all()
            .map { (value: $0.$organisation.id.uuidString, label: $0.organisation.name) }
        let actions = try await ActionModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).all()
            .map { (value: $0.id!.uuidString, label: $0.displayName) }
        return (parties, actions)
    }

    static func commitmentForm(_ req: Request, state: FormState, convention: ConventionModel) async throws -> Page {
        let id = try convention.requireID()
        let (parties, actions) = try await choices(convention, on: req.db)
        let fields = [
            Field(name: "label", label: "Objet", hint: "Par exemple « Salon de l'artisanat 2021 ».", isRequired: true),
            Field(name: "funderID", label: "Financeur", control: .select(parties, placeholder: "Choisir…"), isRequired: true),
            Field(name: "actionID", label: "Action", control: .select(actions, placeholder: "Aucune en particulier")),
            Field(name: "year", label: "Année", hint: "L'année compte pour les enveloppes annuelles.", short: true),
            Field(name: "amount", label: "Montant", control: .checked("amount"), hint: "Refusé si une enveloppe du financeur serait dépassée.",
                  isRequired: true, short: true),
        ]
        return FormPages.formPage(title: "Engager des fonds", crumbs: crumbs(convention, "Engager des fonds"), state: state, fields: fields,
                                  action: "/conventions/\(id)/engagements/nouveau", back: "/conventions/\(id)/execution#engagements",
                                  viewer: try req.viewer())
    }

    static func envelopeForm(_ req: Request, state: FormState, convention: ConventionModel) async throws -> Page {
        let id = try convention.requireID()
        let (parties, actions) = try await choices(convention, on: req.db)
        let fields = [
            Field(name: "name", label: "Nom de l'enveloppe", hint: "Par exemple « CCST — prestations CMA ».", isRequired: true),
            Field(name: "funderID", label: "Financeur", control: .select(parties, placeholder: "Choisir…"),
                  hint: "Une partie de la convention.", isRequired: true),
            Field(name: "actionID", label: "Action", control: .select(actions, placeholder: "Toute la convention"),
                  hint: "Laissez « Toute la convention » pour un plafond commun à toutes les actions."),
            Field(name: "year", label: "Année", hint: "Laissez vide pour toute la durée de la convention.", short: true),
            Field(name: "cap", label: "Plafond", control: .checked("amount"), hint: "Par exemple « 5 000 € ».", isRequired: true, short: true),
        ]
        return FormPages.formPage(title: "Créer une enveloppe", crumbs: crumbs(convention, "Créer une enveloppe"), state: state, fields: fields,
                                  action: "/conventions/\(id)/enveloppes/nouvelle", back: "/conventions/\(id)/execution#enveloppes",
                                  viewer: try req.viewer())
    }

    static func interventionForm(_ req: Request, state: FormState, convention: ConventionModel) async throws -> Page {
        let id = try convention.requireID()
        let actions = try await ActionModel.query(on: req.db).filter(\.$convention.$id == id).sort(\.$position).all()
            .map { (value: $0.id!.uuidString, label: $0.displayName) }
        let companies = try await CompanyModel.query(on: req.db).sort(\.$name).limit(PageQueries.companyChoices).all()
            .map { (value: $0.id!.uuidString, label: "\($0.name) (SIREN \(DirectoryPage.formatSiren($0.siren)))") }
        let today = CivilDate.today()
        let services = try await ServiceModel.query(on: req.db).with(\.$provider).sort(\.$name).all().filter { $0.isValid(on: today) }
            .map { (value: $0.id!.uuidString,
                    label: "\($0.name) — \($0.provider.shortName ?? $0.provider.name), \(FrenchFormat.money($0.unitPrice)) \($0.taxRegime.label)") }
        let fields = [
            Field(name: "actionID", label: "Action", control: .select(actions, placeholder: "Choisir…"), isRequired: true),
            Field(name: "companyID", label: "Entreprise", control: .select(companies, placeholder: "Choisir…"),
                  hint: "Une entreprise absente de la liste s'enregistre d'abord dans « Entreprises ».", isRequired: true),
            Field(name: "serviceID", label: "Prestation du catalogue", control: .select(services, placeholder: "Hors catalogue"),
                  hint: "Son nom et son prix unitaire servent de valeurs par défaut."),
            Field(name: "label", label: "Intitulé de la prestation", hint: "Laissez vide pour reprendre le nom de la prestation du catalogue."),
            Field(name: "quote", label: "Montant du devis", control: .checked("amount"),
                  hint: "Laissez vide pour reprendre le prix unitaire du catalogue.", short: true),
            Field(name: "programme", label: "Programme proposé", control: .textarea(rows: 3)),
        ]
        return FormPages.formPage(title: "Prescrire une prestation", crumbs: crumbs(convention, "Prescrire une prestation"), state: state,
                                  fields: fields, action: "/conventions/\(id)/prestations/nouvelle", back: "/conventions/\(id)/execution#prestations",
                                  viewer: try req.viewer())
    }

    static func stepFields(_ step: InterventionStep) -> [Field] {
        switch step {
        case .accept:
            [Field(name: "date", label: "Date d'acceptation du devis", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true)]
        case .deliver:
            [Field(name: "date", label: "Date de réalisation", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
             Field(name: "deliverable", label: "Livrable et observations", control: .textarea(rows: 3))]
        case .invoice:
            [Field(name: "invoiceNumber", label: "Numéro de facture", isRequired: true, short: true),
             Field(name: "date", label: "Date de la facture", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
             Field(name: "amount", label: "Montant facturé", control: .checked("amount"),
                   hint: "Inférieur au devis : l'écart est libéré. Supérieur : l'écart est engagé, si les enveloppes le couvrent.", isRequired: true, short: true)]
        case .pay:
            [Field(name: "date", label: "Date du paiement", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true)]
        case .cancel:
            [Field(name: "reason", label: "Motif de l'annulation", control: .textarea(rows: 3),
                   hint: "Les fonds engagés sont libérés et l'aide de minimis est retirée.", isRequired: true)]
        }
    }

    static func stepDefaults(_ step: InterventionStep, _ m: InterventionModel) -> FormState {
        var state = FormState()
        if step != .cancel { state.set("date", FrenchFormat.date(.today())) }
        if step == .invoice { state.set("amount", FrenchFormat.money(Money(cents: m.quoteCents))) }
        return state
    }

    static func readStep(_ step: InterventionStep, _ state: inout FormState) -> InterventionStepIn {
        var input = InterventionStepIn(date: nil, deliverable: nil, invoiceNumber: nil, amount: nil, reason: nil)
        switch step {
        case .accept, .pay, .deliver, .invoice:
            input.date = state.date("date", required: true, label: "Date")
        case .cancel: break
        }
        switch step {
        case .deliver: input.deliverable = state.text("deliverable")
        case .invoice:
            input.invoiceNumber = state.required("invoiceNumber", "Numéro de facture")
            input.amount = state.amount("amount", required: true, label: "Montant facturé").map(AmountInput.init)
        case .cancel: input.reason = state.required("reason", "Motif de l'annulation")
        case .accept, .pay: break
        }
        return input
    }

    /// What accepting the quote will commit, read from the action's plan before the user confirms:
    /// each public funder's part, what the plan leaves unfunded, or why it cannot fund the service.
    static func acceptancePreview(_ intervention: InterventionModel, convention: ConventionModel, on db: any Database) async throws -> String {
        let funding = try await Interventions.Funding(for: convention, on: db)
        let amount = Money(cents: intervention.quoteCents)
        let year = CivilDate.today().year
        do {
            let split = try funding.split(action: intervention.$action.id, amount: amount, year: year)
            let parts = funding.organisations(of: split)
            let publicParts = parts.filter { $0.0.kind != .company }
                .map { "\($0.0.shortName ?? $0.0.name) \(FrenchFormat.money($0.1))" }
            var text = publicParts.isEmpty
                ? "Le plan de financement ne met aucun fonds public sur cette prestation."
                : "À l'acceptation, le plan de financement engage : \(FrenchText.list(publicParts))."
            if let company = parts.first(where: { $0.0.kind == .company }) {
                text += " Reste à la charge de l'entreprise : \(FrenchFormat.money(company.1))."
            }
            if !split.unfunded.isZero {
                text += " Attention : \(FrenchFormat.money(split.unfunded)) de ce devis ne sont couverts par aucune part du plan."
            }
            return text
        } catch StoreError.conflict(let message) {
            return "Attention : " + message
        }
    }

    static func stepForm(_ req: Request, step: InterventionStep, state: FormState, convention: ConventionModel,
                         intervention: InterventionModel) async throws -> Page {
        let id = try convention.requireID()
        let company = try await CompanyModel.find(intervention.$company.id, on: req.db)
        let title = "\(stepLabel(step)) — \(intervention.label)"
        let segment = stepSegments.first { $0.step == step }!.segment
        let possible = nextSteps(intervention.status).contains { $0.step == step }
        var intro = possible
            ? "\(company?.name ?? "—") · devis de \(FrenchFormat.money(Money(cents: intervention.quoteCents))) · étape actuelle : \(intervention.status.label)."
            : "Cette étape n'est pas possible : la prestation est « \(intervention.status.label) »."
        if step == .accept, possible { intro += " " + (try await acceptancePreview(intervention, convention: convention, on: req.db)) }
        return FormPages.formPage(title: title, crumbs: crumbs(convention, stepLabel(step)), state: state, fields: stepFields(step),
                                  action: "/conventions/\(id)/prestations/\(try intervention.requireID())/\(segment)",
                                  back: "/conventions/\(id)/execution#prestation-\(try intervention.requireID())", viewer: try req.viewer(),
                                  intro: intro)
    }
}
