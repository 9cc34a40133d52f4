import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// The routes of actions and of what they hold (cost lines, shares, indicators), inside a convention.
extension ConventionRoutes {
    static func registerActions(_ api: APIBuilder) {
        actions.register(api)
        lines.register(api)
        shares.register(api)
        indicators.register(api)
    }

    static func checkActionReferences(_ input: ActionIn, _ c: ConventionModel, on db: any Database) async throws {
        if let axis = input.axisID {
            guard let found = try await AxisModel.find(axis, on: db), found.$convention.id == c.id else {
                throw Problem.invalid("axisID", "Cet axe n'appartient pas à la convention.")
            }
        }
        if let op = input.operatorID, try await OrganisationModel.find(op, on: db) == nil {
            throw Problem.invalid("operatorID", "Organisation inconnue.")
        }
    }

    static func applyAction(_ input: ActionIn, _ m: ActionModel) throws {
        if let position = input.position { m.position = position }
        if let code = input.code { m.code = code }
        if let title = input.title { m.title = try required(title, "title") }
        if let axis = input.axisID { m.$axis.id = axis }
        if let v = input.context { m.context = v }
        if let v = input.objectives { m.objectives = v }
        if let v = input.content { m.content = v }
        if let v = input.method { m.method = v }
        if let v = input.operatorID { m.$operator.id = v }
        if let v = input.calendar { m.calendar = v }
        if let v = input.coFinancing { m.coFinancing = v }
        if let v = input.technicalPartners { m.technicalPartners = v }
        if let v = input.evaluation { m.evaluation = v }
        if let v = input.dayRate {
            guard v.money.cents > 0 else { throw Problem.invalid("dayRate", "Le prix de journée doit être positif.") }
            m.dayRate = v.money
        }
        if let v = input.statedDays { m.statedDaysText = StoredFraction.text(v.quantity) }
        if let v = input.notes { m.notes = v }
    }

    static let actions = ChildResource<ActionModel, ActionIn, ActionOut>(
        path: ["conventions", ":conventionID", "actions"], idParameter: "actionID", label: "Action", entityType: "action", tag: "Actions",
        scope: { req, c in ActionModel.query(on: req.db).filter(\.$convention.$id == (try c.requireID())).sort(\.$position) },
        make: { req, c, input in
            try await checkActionReferences(input, c, on: req.db)
            let next = try await nextPosition(ActionModel.query(on: req.db).filter(\.$convention.$id == c.requireID()))
            let position = input.position ?? next
            let m = ActionModel(conventionID: try c.requireID(), position: position, code: input.code ?? "", title: try required(input.title, "title"))
            try applyAction(input, m)
            return m
        },
        apply: { req, c, input, m in
            try await checkActionReferences(input, c, on: req.db)
            try applyAction(input, m)
        },
        output: { m, _ in try ActionOut(m) },
        afterWrite: { _, _, c, _, db in try await checkPlan(c, on: db) }
    )

    static let actionPath: [PathComponent] = ["conventions", ":conventionID", "actions", ":actionID"]

    static let lines = ChildResource<CostLineModel, LineIn, LineOut>(
        path: actionPath + ["lines"], idParameter: "lineID", label: "Ligne de coût", entityType: "cost-line", tag: "Lignes de coût",
        scope: { req, c in
            let action = try await Access.action(req, in: c)
            return CostLineModel.query(on: req.db).filter(\.$action.$id == (try action.requireID())).sort(\.$position)
        },
        make: { req, c, input in
            let action = try await Access.action(req, in: c)
            let line = try input.line(merging: nil, defaultRegime: c.taxRegime)
            let next = try await nextPosition(CostLineModel.query(on: req.db).filter(\.$action.$id == action.requireID()))
            let position = input.position ?? next
            return CostLineModel(actionID: try action.requireID(), position: position, line: line)
        },
        apply: { _, c, input, m in
            m.apply(try input.line(merging: try m.costLine(), defaultRegime: c.taxRegime))
            if let position = input.position { m.position = position }
        },
        output: { m, _ in try LineOut(m) },
        afterWrite: { _, _, c, _, db in try await checkPlan(c, on: db) }
    )

    static let shares = ChildResource<ShareModel, ShareIn, ShareOut>(
        path: actionPath + ["shares"], idParameter: "shareID", label: "Part de financement", entityType: "share", tag: "Parts de financement",
        scope: { req, c in
            let action = try await Access.action(req, in: c)
            return ShareModel.query(on: req.db).filter(\.$action.$id == (try action.requireID())).with(\.$prorataMembers).sort(\.$position)
        },
        make: { req, c, input in
            let action = try await Access.action(req, in: c)
            _ = try input.share(merging: nil)
            let next = try await nextPosition(ShareModel.query(on: req.db).filter(\.$action.$id == action.requireID()))
            let position = input.position ?? next
            let m = ShareModel(id: UUID(), actionID: try action.requireID(), position: position)
            return m
        },
        apply: { _, _, input, m in
            if let position = input.position { m.position = position }
        },
        output: { m, db in
            let members = try await ProrataMemberModel.query(on: db).filter(\.$share.$id == m.requireID()).all()
            return try ShareOut(m, members: members)
        },
        afterWrite: { m, input, c, actor, db in
            if let input {
                try await writeShare(m, input: input, actor: actor, convention: c, on: db)
            }
            try await checkPlan(c, on: db)
        }
    )

    static let indicators = ChildResource<IndicatorModel, IndicatorIn, IndicatorOut>(
        path: actionPath + ["indicators"], idParameter: "indicatorID", label: "Indicateur", entityType: "indicator", tag: "Indicateurs",
        scope: { req, c in
            let action = try await Access.action(req, in: c)
            return IndicatorModel.query(on: req.db).filter(\.$action.$id == (try action.requireID())).sort(\.$position)
        },
        make: { req, c, input in
            let action = try await Access.action(req, in: c)
            let next = try await nextPosition(IndicatorModel.query(on: req.db).filter(\.$action.$id == action.requireID()))
            let position = input.position ?? next
            let m = IndicatorModel(actionID: try action.requireID(), position: position, label: try required(input.label, "label"))
            applyIndicator(input, m)
            return m
        },
        apply: { _, _, input, m in
            if let label = input.label { m.label = try required(label, "label") }
            applyIndicator(input, m)
        },
        output: { m, _ in try IndicatorOut(m) }
    )

    static func applyIndicator(_ input: IndicatorIn, _ m: IndicatorModel) {
        if let position = input.position { m.position = position }
        if let v = input.target { m.targetText = StoredFraction.text(v.quantity) }
        if let v = input.measured { m.measuredText = StoredFraction.text(v.quantity) }
        if let v = input.unit { m.unit = v }
        if let v = input.year { m.year = v }
    }

    /// Writes a share's columns and prorata members from the input, merged over what is stored, with audit events.
    static func writeShare(_ m: ShareModel, input: ShareIn, actor: Actor, convention: ConventionModel, on db: any Database) async throws {
        let existingMembers = try await ProrataMemberModel.query(on: db).filter(\.$share.$id == m.requireID()).all()
        let existing: Share? = m.$funder.id == nil && existingMembers.isEmpty ? nil : try PlanMapping.share(m, members: existingMembers)
        let share = try input.share(merging: existing)
        var organisations = Set<UUID>()
        for id in share.funders { if let uuid = UUID(uuidString: id.rawValue) { organisations.insert(uuid) } }
        if let overflow = share.cap?.overflowTo, let uuid = UUID(uuidString: overflow.rawValue) { organisations.insert(uuid) }
        let found = try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(organisations)).count()
        guard found == organisations.count else { throw Problem.invalid("funderID", "Organisation inconnue parmi les financeurs de la part.") }
        let before = try AuditTrail.snapshot(m)
        let members = try PlanMapping.apply(share, to: m) { id in
            guard let uuid = UUID(uuidString: id.rawValue) else { throw Problem.invalid("funderID", "Identifiant d'organisation invalide.") }
            return uuid
        }
        try await Audited.saveChanges(m, before: before, "share", conventionID: convention.id, actor: actor, on: db)
        if input.prorata != nil || members.isEmpty {
            for old in existingMembers {
                try await Audited.delete(old, "prorata-member", conventionID: convention.id, actor: actor, on: db)
            }
            for member in members {
                try await Audited.create(member, "prorata-member", conventionID: convention.id, actor: actor, on: db)
            }
        }
    }
}
