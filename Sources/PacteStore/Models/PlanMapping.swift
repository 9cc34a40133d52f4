import Fluent
import Foundation
import PacteCore

/// Between the stored rows of a convention and the PacteCore financing plan that evaluates them.
/// Funders are organisations; in the plan a funder's id is its organisation's UUID.
public enum PlanMapping {
    public static func funderID(_ organisationID: UUID) -> FunderID { FunderID(organisationID.uuidString) }

    /// Reads a convention's actions, lines, shares and stated totals back into a plan.
    public static func plan(for convention: ConventionModel, on db: any Database) async throws -> ConventionPlan {
        try await plans(for: [convention], on: db)[try convention.requireID()]!
    }

    /// The plans of several conventions, read with a fixed number of queries whatever their number
    /// (the dashboard evaluates every visible convention).
    public static func plans(for conventions: [ConventionModel], on db: any Database) async throws -> [UUID: ConventionPlan] {
        let ids = try conventions.map { try $0.requireID() }
        guard !ids.isEmpty else { return [:] }
        let allActions = try await ActionModel.query(on: db)
            .filter(\.$convention.$id ~~ ids)
            .with(\.$axis).with(\.$lines).with(\.$statedTotals)
            .with(\.$shares) { $0.with(\.$prorataMembers) }
            .sort(\.$position).all()

        let organisations = try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(organisationIDs(of: allActions))).all()
        let fundersByID = Dictionary(uniqueKeysWithValues: try organisations.map { org in
            (try org.requireID(), Funder(id: funderID(try org.requireID()), name: org.name, shortName: org.shortName, siren: org.siren))
        })
        let actionsByConvention = Dictionary(grouping: allActions) { $0.$convention.id }

        var result: [UUID: ConventionPlan] = [:]
        for convention in conventions {
            let conventionID = try convention.requireID()
            let actions = actionsByConvention[conventionID] ?? []
            let funders = organisationIDs(of: actions).compactMap { fundersByID[$0] }.sorted { $0.name < $1.name }
            let planned = try actions.map { action in try plannedAction(action) }
            result[conventionID] = ConventionPlan(title: convention.title, regime: convention.taxRegime, vat: convention.vatRate,
                                                  referenceDayRate: convention.dayRate, funders: funders, actions: planned, notes: convention.notes)
        }
        return result
    }

    /// Every organisation a plan names: funders, cap overflows, prorata members, funders of stated totals.
    static func organisationIDs(of actions: [ActionModel]) -> Set<UUID> {
        var ids = Set<UUID>()
        for action in actions {
            for share in action.shares {
                if let id = share.$funder.id { ids.insert(id) }
                if let id = share.$capOverflowTo.id { ids.insert(id) }
                share.prorataMembers.forEach { ids.insert($0.$organisation.id) }
            }
            action.statedTotals.compactMap(\.$funder.id).forEach { ids.insert($0) }
        }
        return ids
    }

    static func plannedAction(_ action: ActionModel) throws -> PlannedAction {
        var statedTotals: [Int?: Money] = [:]
        var statedFunderTotals: [FunderID: Money] = [:]
        for total in action.statedTotals {
            if let funder = total.$funder.id {
                statedFunderTotals[funderID(funder)] = Money(cents: total.amountCents)
            } else {
                statedTotals[total.year] = Money(cents: total.amountCents)
            }
        }
        return PlannedAction(
            code: action.code, title: action.title, axis: action.axis?.code,
            lines: try action.lines.sorted { $0.position < $1.position }.map { try $0.costLine() },
            shares: try action.shares.sorted { $0.position < $1.position }.map { try share($0) },
            statedTotals: statedTotals, statedDays: try StoredFraction.quantity(action.statedDaysText),
            statedFunderTotals: statedFunderTotals, referenceDayRate: action.dayRate, notes: action.notes)
    }

    /// `members` defaults to the eager-loaded prorata members.
    public static func share(_ model: ShareModel, members: [ProrataMemberModel]? = nil) throws -> Share {
        let size: Share.Size
        switch model.sizeKind {
        case .percentage:
            guard let rate = model.rate else { throw StoreError.corrupt("part en pourcentage sans taux") }
            size = .percentage(rate)
        case .fixed:
            guard let cents = model.amountCents else { throw StoreError.corrupt("part fixe sans montant") }
            size = .fixed(Money(cents: cents))
        case .remainder: size = .remainder
        case .undetermined: size = .undetermined
        }
        let payer: Share.Payer
        if let funder = model.$funder.id {
            payer = .funder(funderID(funder))
        } else {
            let members = (members ?? model.prorataMembers).sorted { $0.position < $1.position }
                .map { ProrataGroup.Member(funder: funderID($0.$organisation.id), weight: $0.weight) }
            payer = .prorata(ProrataGroup(quantity: model.prorataQuantity ?? "", year: model.prorataYear ?? 0,
                                          source: model.prorataSource, members: members))
        }
        var cap: Cap?
        if let cents = model.capAmountCents {
            cap = Cap(limit: .amount(Money(cents: cents)), overflowTo: model.$capOverflowTo.id.map(funderID), label: model.capLabel)
        } else if let rate = model.capRate {
            cap = Cap(limit: .rate(rate), overflowTo: model.$capOverflowTo.id.map(funderID), label: model.capLabel)
        }
        return Share(payer: payer, size: size, basisLines: model.basisLines, cap: cap, condition: model.condition,
                     year: model.year, statedAmount: Money(storedCents: model.statedAmountCents))
    }

    /// Writes a domain share into a share row and its prorata members. `organisation` maps the plan's funder ids.
    public static func apply(_ share: Share, to model: ShareModel, organisation: (FunderID) throws -> UUID) throws -> [ProrataMemberModel] {
        model.rate = nil
        model.amountCents = nil
        switch share.size {
        case .percentage(let rate): model.sizeKind = .percentage; model.rate = rate
        case .fixed(let amount): model.sizeKind = .fixed; model.amountCents = amount.cents
        case .remainder: model.sizeKind = .remainder
        case .undetermined: model.sizeKind = .undetermined
        }
        model.basisLines = share.basisLines
        model.capAmountCents = nil
        model.capRate = nil
        model.$capOverflowTo.id = nil
        model.capLabel = nil
        if let cap = share.cap {
            switch cap.limit {
            case .amount(let amount): model.capAmountCents = amount.cents
            case .rate(let rate): model.capRate = rate
            }
            model.$capOverflowTo.id = try cap.overflowTo.map(organisation)
            model.capLabel = cap.label
        }
        model.condition = share.condition
        model.year = share.year
        model.statedAmountCents = share.statedAmount?.cents
        model.prorataQuantity = nil
        model.prorataYear = nil
        model.prorataSource = nil
        switch share.payer {
        case .funder(let id):
            model.$funder.id = try organisation(id)
            return []
        case .prorata(let group):
            model.$funder.id = nil
            model.prorataQuantity = group.quantity
            model.prorataYear = group.year
            model.prorataSource = group.source
            let shareID = try model.requireID()
            return try group.members.enumerated().map { index, member in
                ProrataMemberModel(shareID: shareID, organisationID: try organisation(member.funder), position: index, weight: member.weight)
            }
        }
    }
}

extension PlanMapping {
    /// Stores one planned action of a plan: the action row, its stated totals, its cost lines and its
    /// shares with their prorata members, each audited. `prepare` fills, before the action is created,
    /// what a plan does not hold (axis, the fiche-action's texts, operator). `funder` maps the plan's
    /// funder ids to organisations. Call it inside `Store.write`.
    @discardableResult
    public static func store(_ planned: PlannedAction, position: Int, conventionID: UUID, funder: (FunderID) throws -> UUID,
                             actor: Actor, on tx: any Database, prepare: (ActionModel) throws -> Void = { _ in }) async throws -> ActionModel {
        let action = ActionModel(id: UUID(), conventionID: conventionID, position: position, code: planned.code, title: planned.title)
        action.dayRate = planned.referenceDayRate
        action.statedDaysText = StoredFraction.text(planned.statedDays)
        action.notes = planned.notes
        try prepare(action)
        let actionID = try action.requireID()
        try await Audited.create(action, "action", conventionID: conventionID, actor: actor, on: tx)
        for (year, amount) in planned.statedTotals {
            try await Audited.create(StatedTotalModel(id: UUID(), actionID: actionID, year: year, funderID: nil, amount: amount),
                                     "stated-total", conventionID: conventionID, actor: actor, on: tx)
        }
        for (id, amount) in planned.statedFunderTotals {
            try await Audited.create(StatedTotalModel(id: UUID(), actionID: actionID, year: nil, funderID: try funder(id), amount: amount),
                                     "stated-total", conventionID: conventionID, actor: actor, on: tx)
        }
        for (position, line) in planned.lines.enumerated() {
            try await Audited.create(CostLineModel(id: UUID(), actionID: actionID, position: position + 1, line: line),
                                     "cost-line", conventionID: conventionID, actor: actor, on: tx)
        }
        for (position, share) in planned.shares.enumerated() {
            let model = ShareModel(id: UUID(), actionID: actionID, position: position + 1)
            let members = try apply(share, to: model, organisation: funder)
            try await Audited.create(model, "share", conventionID: conventionID, actor: actor, on: tx)
            for member in members {
                try await Audited.create(member, "prorata-member", conventionID: conventionID, actor: actor, on: tx)
            }
        }
        return action
    }
}
