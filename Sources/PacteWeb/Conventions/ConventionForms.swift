import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Forms to create and edit conventions, parties, actions, cost lines and shares. Each form is read
/// field by field (every error is reported next to its field, in French), then handed to the same
/// create/update code as the JSON API, in one audited transaction. A form with an error saves nothing
/// and comes back with everything the user typed.
enum FormPages {
    static func register(_ pages: any RoutesBuilder) {
        let conventions = pages.grouped("conventions")
        conventions.get("nouvelle") { req async throws -> Page in
            let options = try await organisationsWritable(req)
            var state = FormState(values: ["status": ["draft"], "taxRegime": [TaxRegime.ht.rawValue], "vatRate": ["20 %"]])
            if options.count == 1 { state.set("organisationID", options[0].value) }
            return try conventionForm(req, state: state, organisations: options, convention: nil)
        }
        conventions.post("nouvelle") { req async throws -> Response in
            var state = try FormState(request: req)
            let options = try await organisationsWritable(req)
            let organisationID = state.uuid("organisationID", label: "Organisation qui rédige", required: true)
            let input = readConvention(&state)
            guard !state.hasErrors, var input else {
                return try await conventionForm(req, state: state, organisations: options, convention: nil).encodeResponse(for: req)
            }
            input.organisationID = organisationID
            do {
                let saved = try await ConventionRoutes.create(req, input)
                return req.redirect(to: "/conventions/\(try saved.requireID())?ok=convention", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await conventionForm(req, state: state, organisations: options, convention: nil).encodeResponse(for: req)
            }
        }

        let convention = conventions.grouped(":conventionID")
        convention.get("modifier") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            return try conventionForm(req, state: conventionState(model), organisations: [], convention: model)
        }
        convention.post("modifier") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            guard let input = readConvention(&state), !state.hasErrors else {
                return try await conventionForm(req, state: state, organisations: [], convention: model).encodeResponse(for: req)
            }
            let cleared = state
            do {
                try await ConventionRoutes.update(req, model) { m in
                    // A form sends every field: an emptied field clears the stored value.
                    if cleared.text("reference") == nil { m.reference = nil }
                    if cleared.text("object") == nil { m.object = nil }
                    if cleared.text("signedOn") == nil { m.signedOn = nil }
                    if cleared.text("startsOn") == nil { m.startsOn = nil }
                    if cleared.text("endsOn") == nil { m.endsOn = nil }
                    if cleared.text("durationMonths") == nil { m.durationMonths = nil }
                    if cleared.text("renewal") == nil { m.renewal = nil }
                    if cleared.text("noticeMonths") == nil { m.noticeMonths = nil }
                    if cleared.text("dayRate") == nil { m.dayRate = nil }
                    try input.apply(to: m)
                }
                return req.redirect(to: "/conventions/\(try model.requireID())?ok=convention", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await conventionForm(req, state: state, organisations: [], convention: model).encodeResponse(for: req)
            }
        }

        convention.get("parties", "nouvelle") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            return try await partyForm(req, state: FormState(values: ["roles": ["signatory"]]), convention: model)
        }
        convention.post("parties", "nouvelle") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let organisationID = state.uuid("organisationID", label: "Organisation", required: true)
            let roles = (state.values["roles"] ?? []).compactMap(PartyRole.init(rawValue:))
            if roles.isEmpty { state.errors["roles"] = "Cochez au moins un rôle." }
            guard !state.hasErrors, let organisationID else {
                return try await partyForm(req, state: state, convention: model).encodeResponse(for: req)
            }
            do {
                _ = try await ConventionRoutes.addParty(req, model, PartyIn(organisationID: organisationID, roles: roles, representativeID: nil,
                                                                            designation: state.text("designation")))
                return req.redirect(to: "/conventions/\(try model.requireID())?ok=partie#parties", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await partyForm(req, state: state, convention: model).encodeResponse(for: req)
            }
        }
        convention.post("parties", ":partyID", "retirer") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            try await ConventionRoutes.removeParty(req, model, try await ConventionRoutes.findParty(req, model))
            return req.redirect(to: "/conventions/\(try model.requireID())?ok=partie-retiree#parties", redirectType: .normal)
        }
        convention.get("parties", ":partyID", "modifier") { req async throws -> Page in
            let model = try await Access.writableConvention(req)
            let party = try await ConventionRoutes.findParty(req, model)
            var state = FormState(values: ["roles": party.roles.map(\.rawValue)])
            state.set("designation", party.designation)
            return try await partyForm(req, state: state, convention: model, party: party)
        }
        convention.post("parties", ":partyID", "modifier") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            let party = try await ConventionRoutes.findParty(req, model)
            var state = try FormState(request: req)
            let roles = (state.values["roles"] ?? []).compactMap(PartyRole.init(rawValue:))
            if roles.isEmpty { state.errors["roles"] = "Cochez au moins un rôle." }
            guard !state.hasErrors else { return try await partyForm(req, state: state, convention: model, party: party).encodeResponse(for: req) }
            let designation = state.text("designation")
            do {
                try await ConventionRoutes.updateParty(req, model, party, PartyIn(organisationID: nil, roles: roles, representativeID: nil, designation: designation)) { p in
                    if designation == nil { p.designation = nil }
                }
                return req.redirect(to: "/conventions/\(try model.requireID())?ok=partie-modifiee#parties", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await partyForm(req, state: state, convention: model, party: party).encodeResponse(for: req)
            }
        }

        registerActionForms(convention)
        lineForm.register(on: convention)
        shareForm.register(on: convention)
        articleForm.register(on: convention)
        axisForm.register(on: convention)
        indicatorForm.register(on: convention)
    }

    // MARK: Conventions

    static func conventionFields(organisations: [(value: String, label: String)], creating: Bool) -> [Field] {
        var fields: [Field] = []
        if creating {
            fields.append(Field(name: "organisationID", label: "Organisation qui rédige", control: .select(organisations, placeholder: "Choisir…"),
                                hint: "Elle devient la première partie (signataire) de la convention.", isRequired: true))
        }
        fields += [
            Field(name: "title", label: "Intitulé", hint: "Par exemple « Convention de partenariat CCI / Ville — développement économique ».", isRequired: true),
            Field(name: "reference", label: "Référence", short: true),
            Field(name: "object", label: "Objet", control: .textarea(rows: 3)),
            Field(name: "status", label: "Statut", control: .select(ConventionStatus.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
            Field(name: "signedOn", label: "Date de signature", control: .date, hint: "jj/mm/aaaa", short: true),
            Field(name: "startsOn", label: "Date de prise d'effet", control: .date, hint: "jj/mm/aaaa", short: true),
            Field(name: "endsOn", label: "Date d'échéance", control: .date, hint: "jj/mm/aaaa", short: true),
            Field(name: "durationMonths", label: "Durée (mois)", short: true),
            Field(name: "renewal", label: "Reconduction", control: .select(Renewal.allCases.map { ($0.rawValue, $0.label) }, placeholder: "Non précisée")),
            Field(name: "noticeMonths", label: "Préavis (mois)", short: true),
            Field(name: "taxRegime", label: "Régime des montants", control: .select(TaxRegime.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
            Field(name: "vatRate", label: "Taux de TVA", control: .checked("rate"), hint: "Par exemple « 20 % ».", short: true),
            Field(name: "dayRate", label: "Prix de journée", control: .checked("amount"), hint: "Par exemple « 700 € » ; laissé vide s'il n'y en a pas.", short: true),
        ]
        return fields
    }

    static func readConvention(_ state: inout FormState) -> ConventionIn? {
        let title = state.required("title", "Intitulé")
        let status = state.choice("status", ConventionStatus.self, label: "Statut")
        let regime = state.choice("taxRegime", TaxRegime.self, label: "Régime des montants")
        let renewal = state.text("renewal").flatMap { text -> Renewal? in
            guard let value = Renewal(rawValue: text) else { state.errors["renewal"] = "Choix invalide pour « Reconduction »."; return nil }
            return value
        }
        let input = ConventionIn(
            title: title, reference: state.text("reference"), object: state.text("object"), status: status,
            signedOn: state.date("signedOn", label: "Date de signature"), startsOn: state.date("startsOn", label: "Date de prise d'effet"),
            endsOn: state.date("endsOn", label: "Date d'échéance"),
            durationMonths: state.integer("durationMonths", label: "Durée (mois)", range: 1...600),
            renewal: renewal, noticeMonths: state.integer("noticeMonths", label: "Préavis (mois)", range: 0...120),
            taxRegime: regime, vatRate: state.rate("vatRate", label: "Taux de TVA"),
            dayRate: state.amount("dayRate", label: "Prix de journée").map(AmountInput.init),
            source: nil, notes: nil, organisationID: nil)
        if let start = input.startsOn, let end = input.endsOn, end < start {
            state.errors["endsOn"] = "L'échéance (\(FrenchFormat.date(end))) précède la prise d'effet (\(FrenchFormat.date(start)))."
        }
        if let rate = input.dayRate, rate.money.cents <= 0 { state.errors["dayRate"] = "Le prix de journée doit être positif." }
        return title == nil ? nil : input
    }

    static func conventionState(_ m: ConventionModel) -> FormState {
        var state = FormState()
        state.set("title", m.title)
        state.set("reference", m.reference)
        state.set("object", m.object)
        state.set("status", m.status.rawValue)
        state.set("signedOn", m.signedOn.map(FrenchFormat.date))
        state.set("startsOn", m.startsOn.map(FrenchFormat.date))
        state.set("endsOn", m.endsOn.map(FrenchFormat.date))
        state.set("durationMonths", m.durationMonths.map(String.init))
        state.set("renewal", m.renewal?.rawValue)
        state.set("noticeMonths", m.noticeMonths.map(String.init))
        state.set("taxRegime", m.taxRegime.rawValue)
        state.set("vatRate", FrenchFormat.percent(m.vatRate))
        state.set("dayRate", m.dayRate.map(FrenchFormat.money))
        return state
    }

    static func conventionForm(_ req: Request, state: FormState, organisations: [(value: String, label: String)], convention: ConventionModel?) throws -> Page {
        let fields = conventionFields(organisations: organisations, creating: convention == nil)
        let viewer = try req.viewer()
        let title = convention.map { "Modifier « \($0.title) »" } ?? "Nouvelle convention"
        let action = convention.map { "/conventions/\($0.id!)/modifier" } ?? "/conventions/nouvelle"
        let back = convention.map { "/conventions/\($0.id!)" } ?? "/conventions"
        var crumbs: [(label: String, path: String?)] = [("Tableau de bord", "/"), ("Conventions", "/conventions")]
        if let convention { crumbs.append((convention.title, back)) }
        crumbs.append((convention == nil ? "Nouvelle convention" : "Modifier", nil))
        return formPage(title: title, crumbs: crumbs, state: state, fields: fields, action: action, back: back, viewer: viewer)
    }

    // MARK: Parties

    static func partyForm(_ req: Request, state: FormState, convention: ConventionModel, party: ConventionPartyModel? = nil) async throws -> Page {
        var fields = [Field(name: "designation", label: "Désignation dans la convention", hint: "Par exemple « la Ville ».")]
        if party == nil {
            let existing = try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == convention.requireID()).all().map { $0.$organisation.id }
            let organisations = try await OrganisationModel.query(on: req.db).sort(\.$name).all()
                .filter { !existing.contains($0.id!) }.map { (value: $0.id!.uuidString, label: $0.name + ($0.siren.map { " (SIREN \($0))" } ?? "")) }
            fields.insert(Field(name: "organisationID", label: "Organisation", control: .select(organisations, placeholder: "Choisir…"),
                                hint: "Les organisations de l'annuaire qui ne sont pas encore parties.", isRequired: true), at: 0)
        }
        let error = state.errors["roles"]
        let selected = Set(state.values["roles"] ?? [])
        let roles: Node<HTML.FormContext> = .element(named: "fieldset", nodes: [
            .attribute(named: "aria-describedby", value: error == nil ? nil : "f-roles-error"),
            .element(named: "legend", nodes: [.text("Rôles (au moins un)")]),
            .ul(.class("checkbox-list"), .forEach(PartyRole.allCases) { role in
                .li(.selfClosedElement(named: "input", attributes: [
                        Attribute(name: "type", value: "checkbox"), Attribute(name: "id", value: "f-roles-\(role.rawValue)"),
                        Attribute(name: "name", value: "roles"), Attribute(name: "value", value: role.rawValue),
                        Attribute(name: "checked", value: selected.contains(role.rawValue) ? "checked" : ""),
                    ]),
                    .text(" "),
                    .label(.for("f-roles-\(role.rawValue)"), .text(role.label)))
            }),
            .unwrap(error) { .span(.class("field-error"), .id("f-roles-error"), .attribute(named: "role", value: "alert"), .text($0)) },
        ])
        let base = "/conventions/\(try convention.requireID())"
        let title = party.map { "Modifier la partie « \($0.organisation.name) »" } ?? "Ajouter une partie"
        return formPage(title: title, crumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (convention.title, base), (party == nil ? "Ajouter une partie" : "Modifier une partie", nil)],
                        state: state, fields: fields, action: party.map { "\(base)/parties/\($0.id!)/modifier" } ?? "\(base)/parties/nouvelle",
                        back: base + "#parties", viewer: try req.viewer(), extra: roles,
                        summaryFields: fields + [Field(name: "roles", label: "Rôles")])
    }

    static let articleForm = ChildForm(
        resource: ConventionRoutes.articles, segment: "articles", underAction: false, anchor: "articles",
        createTitle: "Nouvel article", editTitle: "Modifier l'article", savedNotice: "article", deletedNotice: "article-supprime",
        fields: { _, _ in [
            Field(name: "number", label: "Numéro", hint: "Par exemple « 3 » ou « 3.4 ».", isRequired: true, short: true),
            Field(name: "title", label: "Titre", hint: "Par exemple « Engagements financiers »."),
            Field(name: "body", label: "Texte", control: .textarea(rows: 12), isRequired: true),
            Field(name: "position", label: "Rang", hint: "Ordre d'affichage ; laissé vide : à la fin.", short: true),
        ] },
        read: { state in
            let number = state.required("number", "Numéro")
            let body = state.required("body", "Texte")
            let position = state.integer("position", label: "Rang", range: 1...999)
            return number == nil || body == nil ? nil : ArticleIn(position: position, number: number, title: state.text("title"), body: body)
        },
        prefill: { m in
            var state = FormState()
            state.set("number", m.number); state.set("title", m.title); state.set("body", m.body); state.set("position", String(m.position))
            return state
        },
        clear: { state, m in if state.text("title") == nil { m.title = nil } })

    static let axisForm = ChildForm(
        resource: ConventionRoutes.axes, segment: "axes", underAction: false, anchor: "actions",
        createTitle: "Nouvel axe", editTitle: "Modifier l'axe", savedNotice: "axe", deletedNotice: "axe-supprime",
        fields: { _, _ in [
            Field(name: "code", label: "Code", hint: "Par exemple « Axe 2 ».", isRequired: true, short: true),
            Field(name: "title", label: "Intitulé", isRequired: true),
            Field(name: "position", label: "Rang", hint: "Ordre d'affichage ; laissé vide : à la fin.", short: true),
        ] },
        read: { state in
            let code = state.required("code", "Code")
            let title = state.required("title", "Intitulé")
            let position = state.integer("position", label: "Rang", range: 1...999)
            return code == nil || title == nil ? nil : AxisIn(position: position, code: code, title: title)
        },
        prefill: { m in
            var state = FormState()
            state.set("code", m.code); state.set("title", m.title); state.set("position", String(m.position))
            return state
        })
}
