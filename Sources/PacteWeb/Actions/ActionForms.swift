import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The forms of an action and of what it holds: cost lines, shares, indicators.
extension FormPages {
    static func registerActionForms(_ convention: any RoutesBuilder) {
        convention.get("actions", "nouvelle") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            return try await actionForm(req, state: FormState(), convention: model, action: nil)
        }
        convention.post("actions", "nouvelle") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let input = readAction(&state)
            guard !state.hasErrors, let input else { return try await actionForm(req, state: state, convention: model, action: nil).encodeResponse(for: req) }
            do {
                let action = try await ConventionRoutes.actions.create(req, model, input)
                return req.redirect(to: "/conventions/\(try model.requireID())/actions/\(try action.requireID())?ok=action", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await actionForm(req, state: state, convention: model, action: nil).encodeResponse(for: req)
            }
        }
        convention.get("actions", ":actionID", "modifier") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            let action = try await Access.action(req, in: model)
            return try await actionForm(req, state: actionState(action), convention: model, action: action)
        }
        convention.post("actions", ":actionID", "modifier") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            let action = try await Access.action(req, in: model)
            var state = try FormState(request: req)
            guard let input = readAction(&state), !state.hasErrors else {
                return try await actionForm(req, state: state, convention: model, action: action).encodeResponse(for: req)
            }
            let cleared = state
            do {
                try await ConventionRoutes.actions.update(req, model, action, input) { m in
                    if cleared.text("axisID") == nil { m.$axis.id = nil }
                    if cleared.text("operatorID") == nil { m.$operator.id = nil }
                    for (name, path) in [("context", \ActionModel.context), ("objectives", \.objectives), ("content", \.content), ("method", \.method),
                                         ("calendar", \.calendar), ("coFinancing", \.coFinancing), ("technicalPartners", \.technicalPartners),
                                         ("evaluation", \.evaluation)] where cleared.text(name) == nil {
                        m[keyPath: path] = nil
                    }
                    if cleared.text("dayRate") == nil { m.dayRate = nil }
                    if cleared.text("statedDays") == nil { m.statedDaysText = nil }
                }
                return req.redirect(to: "/conventions/\(try model.requireID())/actions/\(try action.requireID())?ok=action", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await actionForm(req, state: state, convention: model, action: action).encodeResponse(for: req)
            }
        }
    }

    static func readAction(_ state: inout FormState) -> ActionIn? {
        let title = state.required("title", "Intitulé")
        let input = ActionIn(
            position: nil, code: state.text("code") ?? "", title: title, axisID: state.uuid("axisID", label: "Axe"),
            context: state.text("context"), objectives: state.text("objectives"), content: state.text("content"), method: state.text("method"),
            operatorID: state.uuid("operatorID", label: "Maître d'ouvrage"), calendar: state.text("calendar"), coFinancing: state.text("coFinancing"),
            technicalPartners: state.text("technicalPartners"), evaluation: state.text("evaluation"),
            dayRate: state.amount("dayRate", label: "Prix de journée").map(AmountInput.init),
            statedDays: state.quantity("statedDays", label: "Jours annoncés").map(QuantityInput.init), notes: nil)
        return title == nil ? nil : input
    }

    static func actionState(_ m: ActionModel) -> FormState {
        var state = FormState()
        state.set("code", m.code)
        state.set("title", m.title)
        state.set("axisID", m.$axis.id?.uuidString)
        state.set("operatorID", m.$operator.id?.uuidString)
        state.set("context", m.context)
        state.set("objectives", m.objectives)
        state.set("content", m.content)
        state.set("method", m.method)
        state.set("calendar", m.calendar)
        state.set("coFinancing", m.coFinancing)
        state.set("technicalPartners", m.technicalPartners)
        state.set("evaluation", m.evaluation)
        state.set("dayRate", m.dayRate.map(FrenchFormat.money))
        state.set("statedDays", (try? StoredFraction.quantity(m.statedDaysText))?.map { FrenchFormat.decimal($0.value) })
        return state
    }

    static func actionForm(_ req: Request, state: FormState, convention: ConventionModel, action: ActionModel?) async throws -> Page {
        let conventionID = try convention.requireID()
        let axes = try await AxisModel.query(on: req.db).filter(\.$convention.$id == conventionID).sort(\.$position).all()
            .map { (value: $0.id!.uuidString, label: "\($0.code) — \($0.title)") }
        let organisations = try await OrganisationModel.query(on: req.db).sort(\.$name).all().map { (value: $0.id!.uuidString, label: $0.name) }
        let fields = [
            Field(name: "code", label: "Numéro", hint: "Par exemple « 2.c ».", short: true),
            Field(name: "title", label: "Intitulé", isRequired: true),
            Field(name: "axisID", label: "Axe", control: .select(axes, placeholder: "Sans axe")),
            Field(name: "operatorID", label: "Maître d'ouvrage", control: .select(organisations, placeholder: "Non précisé")),
            Field(name: "context", label: "Contexte", control: .textarea(rows: 3)),
            Field(name: "objectives", label: "Objectifs", control: .textarea(rows: 3)),
            Field(name: "content", label: "Contenu", control: .textarea(rows: 4)),
            Field(name: "method", label: "Modalités de mise en œuvre", control: .textarea(rows: 3)),
            Field(name: "calendar", label: "Calendrier", control: .textarea(rows: 2)),
            Field(name: "coFinancing", label: "Cofinancements", control: .textarea(rows: 2)),
            Field(name: "technicalPartners", label: "Partenaires techniques", control: .textarea(rows: 2)),
            Field(name: "evaluation", label: "Évaluation", control: .textarea(rows: 2)),
            Field(name: "dayRate", label: "Prix de journée de l'action", control: .checked("amount"), hint: "Laissé vide : celui de la convention.", short: true),
            Field(name: "statedDays", label: "Jours annoncés", control: .checked("quantity"), short: true),
        ]
        let base = "/conventions/\(conventionID)"
        var crumbs: [(label: String, path: String?)] = [("Tableau de bord", "/"), ("Conventions", "/conventions"), (convention.title, base)]
        if let action { crumbs.append((action.displayName, "\(base)/actions/\(action.id!)")) }
        crumbs.append((action == nil ? "Nouvelle action" : "Modifier", nil))
        return formPage(title: action == nil ? "Nouvelle action" : "Modifier la fiche-action", crumbs: crumbs, state: state, fields: fields,
                        action: action.map { "\(base)/actions/\($0.id!)/modifier" } ?? "\(base)/actions/nouvelle",
                        back: action.map { "\(base)/actions/\($0.id!)" } ?? base, viewer: try req.viewer())
    }

    // MARK: Records inside a convention or an action

    static let lineForm = ChildForm(
        resource: ConventionRoutes.lines, segment: "lignes", underAction: true, anchor: "couts",
        createTitle: "Nouvelle ligne de coût", editTitle: "Modifier la ligne de coût", savedNotice: "ligne", deletedNotice: "ligne-supprimee",
        fields: { _, _ in lineFields },
        defaults: { c in FormState(values: ["pricing": ["quantity"], "taxRegime": [c.taxRegime.rawValue]]) },
        read: { readLine(&$0) },
        prefill: { try lineState($0) },
        clear: { state, m in
            if state.text("statedAmount") == nil { m.statedAmountCents = nil }
            if state.text("effortDays") == nil { m.effortDaysText = nil }
            if state.text("year") == nil { m.year = nil }
        },
        prepare: { $0.key = "l-" + UUID().uuidString.prefix(8).lowercased() })

    static let shareForm = ChildForm(
        resource: ConventionRoutes.shares, segment: "parts", underAction: true, anchor: "financement",
        createTitle: "Nouvelle part de financement", editTitle: "Modifier la part de financement", savedNotice: "part", deletedNotice: "part-supprimee",
        fields: { req, c in try await shareFields(req, c) },
        defaults: { _ in FormState(values: ["kind": ["percentage"]]) },
        read: { readShare(&$0) },
        prefill: { try shareState($0) },
        clear: { state, m in
            if state.text("condition") == nil { m.condition = nil }
            if state.text("year") == nil { m.year = nil }
        })


    static let indicatorForm = ChildForm(
        resource: ConventionRoutes.indicators, segment: "indicateurs", underAction: true, anchor: "indicateurs",
        createTitle: "Nouvel indicateur", editTitle: "Modifier l'indicateur", savedNotice: "indicateur", deletedNotice: "indicateur-supprime",
        fields: { _, _ in [
            Field(name: "label", label: "Indicateur", hint: "Par exemple « Entreprises accompagnées ».", isRequired: true),
            Field(name: "target", label: "Cible", control: .checked("quantity"), short: true),
            Field(name: "measured", label: "Mesuré", control: .checked("quantity"), short: true),
            Field(name: "unit", label: "Unité", hint: "Par exemple « entreprises/an ».", short: true),
            Field(name: "year", label: "Année", short: true),
        ] },
        read: { state in
            let label = state.required("label", "Indicateur")
            let input = IndicatorIn(position: nil, label: label,
                                    target: state.quantity("target", label: "Cible").map(QuantityInput.init),
                                    measured: state.quantity("measured", label: "Mesuré").map(QuantityInput.init),
                                    unit: state.text("unit"), year: state.integer("year", label: "Année", range: 1990...2100))
            return label == nil ? nil : input
        },
        prefill: { m in
            var state = FormState()
            state.set("label", m.label)
            for (name, text) in [("target", m.targetText), ("measured", m.measuredText)] {
                state.set(name, (try? StoredFraction.quantity(text))?.map { FrenchFormat.decimal($0.value) })
            }
            state.set("unit", m.unit); state.set("year", m.year.map(String.init))
            return state
        },
        clear: { state, m in
            if state.text("target") == nil { m.targetText = nil }
            if state.text("measured") == nil { m.measuredText = nil }
            if state.text("unit") == nil { m.unit = nil }
            if state.text("year") == nil { m.year = nil }
        })

    static func readLine(_ state: inout FormState) -> LineIn? {
        let label = state.required("label", "Libellé")
        let pricing = state.choice("pricing", PricingKind.self, label: "Tarification")
        let needs: (quantity: Bool, price: Bool, amount: Bool) = switch pricing {
        case .quantity, .days: (true, true, false)
        case .forfait: (false, false, true)
        case .onQuote, nil: (false, false, false)
        }
        let input = LineIn(
            position: nil, key: nil, label: label, pricing: pricing,
            quantity: state.quantity("quantity", required: needs.quantity, label: "Quantité ou jours").map(QuantityInput.init),
            unitPrice: state.amount("unitPrice", required: needs.price, label: "Prix unitaire ou de journée").map(AmountInput.init),
            amount: state.amount("amount", required: needs.amount, label: "Montant du forfait").map(AmountInput.init),
            taxRegime: state.choice("taxRegime", TaxRegime.self, label: "Régime"),
            statedAmount: state.amount("statedAmount", label: "Montant indiqué").map(AmountInput.init),
            effortDays: state.quantity("effortDays", label: "Jours d'intervention").map(QuantityInput.init),
            year: state.integer("year", label: "Année", range: 1990...2100))
        if let amount = input.amount?.money, amount.cents < 0 { state.errors["amount"] = "Un coût ne peut pas être négatif." }
        if let price = input.unitPrice?.money, price.cents < 0 { state.errors["unitPrice"] = "Un prix ne peut pas être négatif." }
        return label == nil || pricing == nil ? nil : input
    }

    static func lineState(_ m: CostLineModel) throws -> FormState {
        let line = try m.costLine()
        var state = FormState()
        state.set("label", line.label)
        state.set("pricing", m.pricing.rawValue)
        switch line.pricing {
        case .quantity(let q, let price), .days(let q, dayRate: let price):
            state.set("quantity", FrenchFormat.decimal(q.value, maxFractionDigits: 6))
            state.set("unitPrice", FrenchFormat.money(price))
        case .forfait(let amount): state.set("amount", FrenchFormat.money(amount))
        case .onQuote: break
        }
        state.set("taxRegime", line.regime.rawValue)
        state.set("statedAmount", line.statedAmount.map(FrenchFormat.money))
        state.set("effortDays", line.effortDays.map { FrenchFormat.decimal($0.value) })
        state.set("year", line.year.map(String.init))
        return state
    }

    static var lineFields: [Field] {
        [
            Field(name: "label", label: "Libellé", hint: "Par exemple « Diagnostic Digipilote ».", isRequired: true),
            Field(name: "pricing", label: "Tarification", control: .select(PricingKind.allCases.map { ($0.rawValue, UI.pricingLabel($0)) }, placeholder: nil), isRequired: true),
            Field(name: "quantity", label: "Quantité ou jours", control: .checked("quantity"), hint: "Pour « quantité × prix » ou « jours × prix de journée » : 5 ; 1,5.", short: true,
                  showWhen: ("pricing", "quantity days")),
            Field(name: "unitPrice", label: "Prix unitaire ou de journée", control: .checked("amount"), hint: "Par exemple « 650 € » ou « 1 400,00 ».", short: true,
                  showWhen: ("pricing", "quantity days")),
            Field(name: "amount", label: "Montant du forfait", control: .checked("amount"), hint: "Pour un forfait seulement.", short: true,
                  showWhen: ("pricing", "forfait")),
            Field(name: "taxRegime", label: "Régime", control: .select(TaxRegime.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
            Field(name: "statedAmount", label: "Montant indiqué par le document", control: .checked("amount"),
                  hint: "Facultatif : Pacte le compare au calcul et signale l'écart.", short: true),
            Field(name: "effortDays", label: "Jours d'intervention", control: .checked("quantity"), hint: "Facultatif, pour un forfait exprimé en jours.", short: true,
                  showWhen: ("pricing", "forfait")),
            Field(name: "year", label: "Année budgétaire", hint: "Facultatif, pour un plan pluriannuel.", short: true),
        ]
    }

    static func readShare(_ state: inout FormState) -> ShareIn? {
        let funder = state.uuid("funderID", label: "Financeur", required: true)
        let kind = state.choice("kind", ShareSizeKind.self, label: "Nature de la part")
        let rate = state.rate("rate", required: kind == .percentage, label: "Taux")
        let amount = state.amount("amount", required: kind == .fixed, label: "Montant")
        if let amount, amount.cents < 0 { state.errors["amount"] = "Une part ne peut pas être négative." }
        let input = ShareIn(position: nil, funderID: funder, kind: kind, rate: kind == .percentage ? rate : nil,
                            amount: kind == .fixed ? amount.map(AmountInput.init) : nil, basisLines: nil, cap: nil,
                            condition: state.text("condition"), year: state.integer("year", label: "Année", range: 1990...2100),
                            statedAmount: nil, prorata: nil)
        return funder == nil || kind == nil ? nil : input
    }

    static func shareState(_ m: ShareModel) throws -> FormState {
        var state = FormState()
        state.set("funderID", m.$funder.id?.uuidString)
        state.set("kind", m.sizeKind.rawValue)
        state.set("rate", m.rate.map(FrenchFormat.percent))
        state.set("amount", m.amountCents.map { FrenchFormat.money(Money(cents: $0)) })
        state.set("condition", m.condition)
        state.set("year", m.year.map(String.init))
        return state
    }

    static func shareFields(_ req: Request, _ convention: ConventionModel) async throws -> [Field] {
        let conventionID = try convention.requireID()
        let parties = try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == conventionID).with(\.$organisation).all()
            .map(\.organisation).sorted { $0.name < $1.name }
        let partyIDs = Set(parties.compactMap(\.id))
        let others = try await OrganisationModel.query(on: req.db).sort(\.$name).all().filter { !partyIDs.contains($0.id!) }
        let options = (parties + others).map { (value: $0.id!.uuidString, label: $0.name + (partyIDs.contains($0.id!) ? " (partie)" : "")) }
        return [
            Field(name: "funderID", label: "Financeur", control: .select(options, placeholder: "Choisir…"),
                  hint: "Les parties de la convention d'abord.", isRequired: true),
            Field(name: "kind", label: "Nature de la part", control: .select(ShareSizeKind.allCases.map { ($0.rawValue, UI.shareKindLabel($0)) }, placeholder: nil), isRequired: true),
            Field(name: "rate", label: "Taux", control: .checked("rate"), hint: "Pour une part en pourcentage du coût : « 25 % », « 33,33 % ».", short: true,
                  showWhen: ("share-kind", "percentage")),
            Field(name: "amount", label: "Montant", control: .checked("amount"), hint: "Pour une part d'un montant fixe : « 1 400 € ».", short: true,
                  showWhen: ("share-kind", "fixed")),
            Field(name: "condition", label: "Condition (sous réserve de…)", hint: "Facultatif : la part est marquée « sous réserve » tant que la décision n'est pas prise."),
            Field(name: "year", label: "Année", hint: "Facultatif, pour un plan pluriannuel.", short: true),
        ]
    }
}
