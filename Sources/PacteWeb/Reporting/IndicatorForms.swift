import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The two forms an indicator needs once created: its goal (a count to reach, or a share of another
/// indicator; measured by hand or from execution) and a measurement by hand.
enum IndicatorForms {
    static func goalFields(_ others: [(value: String, label: String)]) -> [Field] { [
        Field(name: "mode", label: "Objectif", control: .select([("count", "Atteindre la cible de l'indicateur (un nombre)"),
                                                                 ("share", "Une part d'un autre indicateur de l'action (« dont 60 % régularisés »)")],
                                                                placeholder: nil), isRequired: true),
        Field(name: "rate", label: "Part à atteindre", control: .checked("rate"), hint: "Par exemple 60 %", short: true, showWhen: ("mode", "share")),
        Field(name: "baseIndicatorID", label: "Indicateur de référence", control: .select(others, placeholder: "Choisir…"), showWhen: ("mode", "share")),
        Field(name: "autoSource", label: "Mesure", control: .select([("", "Saisie à la main")] + IndicatorSource.allCases.map { ($0.rawValue, $0.label.capitalizedFirst) },
                                                                     placeholder: nil),
              hint: "Une mesure calculée se met à jour avec les prestations de l'action ; elle ne se saisit pas."),
    ] }

    static let measureFields = [
        Field(name: "measuredOn", label: "Date de la mesure", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
        Field(name: "value", label: "Valeur mesurée", control: .checked("quantity"), hint: "Un nombre (5 ; 1,5)", isRequired: true, short: true),
        Field(name: "source", label: "Source", hint: "D'où vient la mesure : rapport, bilan, comptage…"),
    ]

    static func register(_ convention: any RoutesBuilder) {
        let indicator = convention.grouped("actions", ":actionID", "indicateurs", ":indicatorID")
        indicator.get("objectif") { req async throws -> Page in
            let (c, action, model) = try await load(req)
            var state = FormState()
            state.set("mode", model.goalRate == nil ? "count" : "share")
            state.set("rate", model.goalRate.map(FrenchFormat.percent))
            state.set("baseIndicatorID", model.baseIndicatorID?.uuidString)
            state.set("autoSource", model.autoSource?.rawValue ?? "")
            return try await goalPage(req, state, c, action, model)
        }
        indicator.post("objectif") { req async throws -> Response in
            let (c, action, model) = try await load(req)
            var state = try FormState(request: req)
            let share = state["mode"] == "share"
            let rate = share ? state.rate("rate", required: true, label: "Part à atteindre") : nil
            let base = share ? state.uuid("baseIndicatorID", label: "Indicateur de référence", required: true) : nil
            var source: IndicatorSource?
            if let text = state.text("autoSource") {
                source = IndicatorSource(rawValue: text)
                if source == nil { state.errors["autoSource"] = "Choisissez une mesure de la liste." }
            }
            let input = IndicatorGoalIn(rate: rate, baseIndicatorID: base, autoSource: source)
            return try await FormPages.submit(req, state: state, redirect: { "\(actionPath(c, action))?ok=indicateur#indicateurs" },
                                              form: { try await goalPage(req, $0, c, action, model) }) {
                try await IndicatorRoutes.setGoal(req, c, action, model, input)
            }
        }
        indicator.get("mesure") { req async throws -> Page in
            let (c, action, model) = try await load(req)
            return try measurePage(req, FormState(values: ["measuredOn": [FrenchFormat.date(.today())]]), c, action, model)
        }
        indicator.post("mesure") { req async throws -> Response in
            let (c, action, model) = try await load(req)
            var state = try FormState(request: req)
            let date = state.date("measuredOn", required: true, label: "Date de la mesure")
            let value = state.quantity("value", required: true, label: "Valeur mesurée")
            let source = state.text("source")
            return try await FormPages.submit(req, state: state, redirect: { "\(actionPath(c, action))?ok=mesure#indicateurs" },
                                              form: { try measurePage(req, $0, c, action, model) }) {
                guard let date, let value else { return }
                try await IndicatorRoutes.record(req, c, model, MeasurementIn(measuredOn: date, value: QuantityInput(value), source: source))
            }
        }
    }

    static func load(_ req: Request) async throws -> (ConventionModel, ActionModel, IndicatorModel) {
        let c = try await Access.writableConvention(req)
        let action = try await Access.action(req, in: c)
        return (c, action, try await ConventionRoutes.indicators.find(req, c))
    }

    static func actionPath(_ c: ConventionModel, _ action: ActionModel) -> String { "/conventions/\(c.id!)/actions/\(action.id!)" }

    static func crumbs(_ c: ConventionModel, _ action: ActionModel, _ last: String) -> [(label: String, path: String?)] {
        [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, "/conventions/\(c.id!)"), (action.title, actionPath(c, action)), (last, nil)]
    }

    static func goalPage(_ req: Request, _ state: FormState, _ c: ConventionModel, _ action: ActionModel, _ model: IndicatorModel) async throws -> Page {
        let others = try await IndicatorModel.query(on: req.db).filter(\.$action.$id == action.requireID()).all()
            .filter { $0.id != model.id }.map { (value: $0.id!.uuidString, label: $0.label) }
        return FormPages.formPage(title: "Objectif de l'indicateur « \(model.label) »", crumbs: crumbs(c, action, "Objectif"), state: state,
                                  fields: goalFields(others), action: "\(actionPath(c, action))/indicateurs/\(model.id!)/objectif",
                                  back: "\(actionPath(c, action))#indicateurs", viewer: try req.viewer(),
                                  intro: "Seed 003, PROTECT'EAU : « 5 sites diagnostiqués par an, dont a minima 60 % régularisés » — l'indicateur des sites "
                                      + "régularisés a pour objectif 60 % de celui des sites diagnostiqués.")
    }

    static func measurePage(_ req: Request, _ state: FormState, _ c: ConventionModel, _ action: ActionModel, _ model: IndicatorModel) throws -> Page {
        FormPages.formPage(title: "Mesure de l'indicateur « \(model.label) »", crumbs: crumbs(c, action, "Mesure"), state: state, fields: measureFields,
                           action: "\(actionPath(c, action))/indicateurs/\(model.id!)/mesure", back: "\(actionPath(c, action))#indicateurs",
                           viewer: try req.viewer(),
                           intro: model.autoSource.map { "Cet indicateur est calculé (\($0.label)) : une mesure à la main sera refusée." })
    }
}

extension String {
    /// `Prestations réalisées (calculé)` from `prestations réalisées (calculé)`.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
