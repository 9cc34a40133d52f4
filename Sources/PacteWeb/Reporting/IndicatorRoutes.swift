import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct IndicatorReadingOut: Documented {
    public var indicatorID: UUID
    public var label: String
    /// Exact value (`3`, `7/2`).
    public var value: String?
    public var measuredOn: CivilDate?
    public var source: String?
    /// `atLeast` or `shareAtLeast`.
    public var goal: String?
    public var expected: String?
    public var achieved: String?
    /// `onTrack`, `behind` or `notMeasured`.
    public var status: String
    public var statusLabel: String

    init(_ indicator: IndicatorModel, _ r: IndicatorReadings.Reading) throws {
        indicatorID = try indicator.requireID(); label = indicator.label; value = r.value?.value.description; measuredOn = r.measuredOn
        source = r.source; expected = r.assessment.expected?.description; achieved = r.assessment.achieved?.description
        status = r.assessment.status.rawValue; statusLabel = r.assessment.status.label
        goal = switch r.goal { case .atLeast?: "atLeast"; case .shareAtLeast?: "shareAtLeast"; case nil: nil }
    }

    public static var example: IndicatorReadingOut {
        IndicatorReadingOut(indicatorID: exampleID, label: "Sites régularisés", value: "3", measuredOn: try? CivilDate(year: 2022, month: 12, day: 15),
                            source: "rapport annuel PROTECT'EAU", goal: "shareAtLeast", expected: "3/5", achieved: "3/5", status: "onTrack",
                            statusLabel: "dans l'objectif")
    }

    init(indicatorID: UUID, label: String, value: String?, measuredOn: CivilDate?, source: String?, goal: String?, expected: String?,
         achieved: String?, status: String, statusLabel: String) {
        self.indicatorID = indicatorID; self.label = label; self.value = value; self.measuredOn = measuredOn; self.source = source
        self.goal = goal; self.expected = expected; self.achieved = achieved; self.status = status; self.statusLabel = statusLabel
    }
}

public struct MeasurementIn: Documented {
    public var measuredOn: CivilDate
    public var value: QuantityInput
    public var source: String?
    public static var example: MeasurementIn {
        MeasurementIn(measuredOn: try! CivilDate(year: 2022, month: 12, day: 15), value: QuantityInput(Quantity(3)), source: "rapport annuel PROTECT'EAU")
    }
}

public struct IndicatorGoalIn: Documented {
    /// A share goal (`60 %`) of the base indicator; absent: the indicator's target is a count to reach.
    public var rate: Rate?
    public var baseIndicatorID: UUID?
    /// Measured from execution: `servicesDelivered`, `companiesHelped`, `amountCommitted`.
    public var autoSource: IndicatorSource?
    public static var example: IndicatorGoalIn { IndicatorGoalIn(rate: .percent(60), baseIndicatorID: exampleID, autoSource: nil) }
}

/// Indicators' goals, measurements and readings.
enum IndicatorRoutes {
    static func register(_ api: APIBuilder) {
        let action: [PathComponent] = ["conventions", ":conventionID", "actions", ":actionID"]
        api.on(.GET, action + ["indicator-readings"], summary: "Valeur et statut de chaque indicateur de l'action (paramètre on=aaaa-mm-jj)",
               tag: "Indicateurs", response: [IndicatorReadingOut.example]) { req in
            let convention = try await Access.convention(req)
            let model = try await Access.action(req, in: convention)
            let date = try req.query.get(String?.self, at: "on").map { try Access.date($0, field: "on") } ?? .today()
            return try await readings(model, on: date, db: req.db)
        }
        api.on(.POST, action + ["indicators", ":indicatorID", "measurements"], summary: "Enregistrer une mesure (date, valeur, source)",
               tag: "Indicateurs", request: MeasurementIn.example, response: [IndicatorReadingOut.example], status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let model = try await Access.action(req, in: convention)
            let indicator = try await ConventionRoutes.indicators.find(req, convention)
            try await record(req, convention, indicator, try req.content.decode(MeasurementIn.self))
            return try await readings(model, on: .today(), db: req.db)
        }
        api.on(.PUT, action + ["indicators", ":indicatorID", "goal"], summary: "Régler l'objectif d'un indicateur (part d'un autre indicateur, mesure calculée)",
               tag: "Indicateurs", request: IndicatorGoalIn.example, response: [IndicatorReadingOut.example]) { req in
            let convention = try await Access.writableConvention(req)
            let model = try await Access.action(req, in: convention)
            let indicator = try await ConventionRoutes.indicators.find(req, convention)
            try await setGoal(req, convention, model, indicator, try req.content.decode(IndicatorGoalIn.self))
            return try await readings(model, on: .today(), db: req.db)
        }
    }

    /// Shared by the API and the measurement form.
    static func record(_ req: Request, _ convention: ConventionModel, _ indicator: IndicatorModel, _ input: MeasurementIn) async throws {
        guard indicator.autoSource == nil else {
            throw Problem(.conflict, "Cet indicateur est calculé à partir de l'exécution : il ne se saisit pas.", field: "value")
        }
        let measurement = IndicatorMeasurementModel(id: UUID(), indicatorID: try indicator.requireID(), measuredOn: input.measuredOn,
                                                    value: input.value.quantity, source: input.source)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(measurement, "indicator-measurement", conventionID: convention.id, actor: actor, on: tx)
        }
    }

    /// Shared by the API and the goal form.
    static func setGoal(_ req: Request, _ convention: ConventionModel, _ model: ActionModel, _ indicator: IndicatorModel, _ input: IndicatorGoalIn) async throws {
        if input.rate != nil {
            guard let base = input.baseIndicatorID, base != indicator.id,
                  try await IndicatorModel.query(on: req.db).filter(\.$id == base).filter(\.$action.$id == model.requireID()).count() == 1 else {
                throw Problem.invalid("baseIndicatorID", "Une part se calcule sur un autre indicateur de la même action.")
            }
        }
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.update(indicator, "indicator", conventionID: convention.id, actor: actor, on: tx) { m in
                m.goalRate = input.rate
                m.baseIndicatorID = input.rate == nil ? nil : input.baseIndicatorID
                m.autoSource = input.autoSource
            }
        }
    }

    static func readings(_ action: ActionModel, on date: CivilDate, db: any Database) async throws -> [IndicatorReadingOut] {
        try await IndicatorReadings.read(action: action, on: date, db: db).map { try IndicatorReadingOut($0.indicator, $0) }
    }
}
