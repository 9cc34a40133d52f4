import Fluent
import Foundation
import PacteCore
import PacteStore

/// What the action sheet shows: its cost lines, shares, indicators and plan evaluation.
extension PageQueries {
    struct LineRow: Sendable {
        var id: UUID
        var line: CostLine
        var computed: Money?
        var pricing: PricingKind
        var year: Int?
    }

    struct ShareRow: Sendable {
        var id: UUID
        var share: Share
        var funderName: String
    }

    struct ActionView: Sendable {
        var conventionID: UUID
        var convention: ConventionModel
        var actionID: UUID
        var action: ActionModel
        var statedDays: Quantity?
        var axisTitle: String?
        var operatorName: String?
        var lines: [LineRow]
        var shares: [ShareRow]
        var indicators: [(id: UUID, label: String, target: Quantity?, measured: Quantity?, unit: String?, year: Int?)]
        /// Each indicator's value and status today.
        var readings: [UUID: IndicatorReadings.Reading]
        var result: ActionResult?
        var funders: [Funder]
        var canWrite: Bool
    }

    static func action(_ action: ActionModel, in convention: ConventionModel, principal: Principal, on db: any Database) async throws -> ActionView {
        let actionID = try action.requireID()
        let conventionID = try convention.requireID()
        let lines = try await CostLineModel.query(on: db).filter(\.$action.$id == actionID).sort(\.$position).all()
        let shares = try await ShareModel.query(on: db).filter(\.$action.$id == actionID).with(\.$prorataMembers).sort(\.$position).all()
        let indicators = try await IndicatorModel.query(on: db).filter(\.$action.$id == actionID).sort(\.$position).all()
        let axis = try await action.$axis.get(on: db)
        let operatorModel = try await action.$operator.get(on: db)
        let evaluation = try await PlanMapping.plan(for: convention, on: db).evaluate()
        let position = try await ActionModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$position).all()
            .firstIndex { $0.id == actionID }
        let names = Dictionary(uniqueKeysWithValues: evaluation.plan.funders.map { ($0.id, $0.displayName) })
        return ActionView(
            conventionID: conventionID,
            convention: convention,
            actionID: actionID,
            action: action,
            statedDays: try StoredFraction.quantity(action.statedDaysText),
            axisTitle: axis.map { "\($0.code) — \($0.title)" },
            operatorName: operatorModel?.name,
            lines: try lines.map { m in
                let line = try m.costLine()
                return LineRow(id: try m.requireID(), line: line, computed: try line.computedAmount(), pricing: m.pricing, year: m.year)
            },
            shares: try shares.map { m in
                let share = try PlanMapping.share(m)
                let name: String
                switch share.payer {
                case .funder(let id): name = names[id] ?? "Organisation inconnue"
                case .prorata(let group): name = "Prorata (\(group.quantity), \(group.members.count) membres)"
                }
                return ShareRow(id: try m.requireID(), share: share, funderName: name)
            },
            indicators: try indicators.map {
                (try $0.requireID(), $0.label, try StoredFraction.quantity($0.targetText), try StoredFraction.quantity($0.measuredText), $0.unit, $0.year)
            },
            readings: Dictionary(uniqueKeysWithValues: try await IndicatorReadings.read(action: action, on: .today(), db: db).map { ($0.indicatorID, $0) }),
            result: position.flatMap { evaluation.actions.indices.contains($0) ? evaluation.actions[$0] : nil },
            funders: evaluation.plan.funders,
            canWrite: try await Access.canWrite(principal, conventionID: conventionID, on: db))
    }
}
