import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// The five routes (list, create, read, update, delete) of a record that lives inside a convention,
/// written once for articles, axes, actions, cost lines, shares and indicators.
struct ChildResource<M: Model & Sendable, In: Documented, Out: Documented>: Sendable where M.IDValue == UUID {
    var path: [PathComponent]
    var idParameter: String
    var label: String
    var entityType: String
    var tag: String
    /// Rows of this kind under the path's convention (and action).
    var scope: @Sendable (Request, ConventionModel) async throws -> QueryBuilder<M>
    var make: @Sendable (Request, ConventionModel, In) async throws -> M
    var apply: @Sendable (Request, ConventionModel, In, M) async throws -> Void
    var output: @Sendable (M, any Database) async throws -> Out
    /// Runs inside the write's transaction after the row is saved (dependent rows, plan check).
    var afterWrite: @Sendable (M, In?, ConventionModel, Actor, any Database) async throws -> Void = { _, _, _, _, _ in }

    /// The row named in the path, within the convention (and action) of the path.
    func find(_ req: Request, _ convention: ConventionModel) async throws -> M {
        let id = try Access.uuid(req, idParameter, label)
        guard let row = try await scope(req, convention).filter(\M._$id == id).first() else { throw Problem.notFound(label) }
        return row
    }

    /// Creates a row in one audited transaction; the API and the HTML forms both come through here.
    @discardableResult
    func create(_ req: Request, _ convention: ConventionModel, _ input: In) async throws -> M {
        let row = try await make(req, convention, input)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            if row.id == nil { row.id = UUID() }
            try await Audited.create(row, entityType, conventionID: convention.id, actor: actor, on: tx)
            try await afterWrite(row, input, convention, actor, tx)
        }
        return row
    }

    /// `adjust` runs after the input is applied: the HTML forms clear there the fields left empty.
    func update(_ req: Request, _ convention: ConventionModel, _ row: M, _ input: In, adjust: (M) throws -> Void = { _ in }) async throws {
        let before = try AuditTrail.snapshot(row)
        try await apply(req, convention, input, row)
        try adjust(row)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.saveChanges(row, before: before, entityType, conventionID: convention.id, actor: actor, on: tx)
            try await afterWrite(row, input, convention, actor, tx)
        }
    }

    func delete(_ req: Request, _ convention: ConventionModel, _ row: M) async throws {
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.delete(row, entityType, conventionID: convention.id, actor: actor, on: tx)
            try await afterWrite(row, nil, convention, actor, tx)
        }
    }

    func register(_ api: APIBuilder) {
        let one = path + [.parameter(idParameter)]
        let resource = self
        @Sendable func find(_ req: Request, _ convention: ConventionModel) async throws -> M { try await resource.find(req, convention) }
        api.on(.GET, path, summary: "Lister : \(label.lowercased())", tag: tag, response: [Out.example]) { req in
            let convention = try await Access.convention(req)
            var result: [Out] = []
            for row in try await resource.scope(req, convention).all() { result.append(try await resource.output(row, req.db)) }
            return result
        }
        api.on(.POST, path, summary: "Créer : \(label.lowercased())", tag: tag, request: In.example, response: Out.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let row = try await resource.create(req, convention, try req.content.decode(In.self))
            return try await resource.output(row, req.db)
        }
        api.on(.GET, one, summary: "Lire : \(label.lowercased())", tag: tag, response: Out.example) { req in
            try await resource.output(try await find(req, try await Access.convention(req)), req.db)
        }
        api.on(.PATCH, one, summary: "Modifier : \(label.lowercased())", tag: tag, request: In.example, response: Out.example) { req in
            let convention = try await Access.writableConvention(req)
            let row = try await find(req, convention)
            try await resource.update(req, convention, row, try req.content.decode(In.self))
            return try await resource.output(row, req.db)
        }
        api.on(.DELETE, one, summary: "Supprimer : \(label.lowercased())", tag: tag, response: nil, status: .noContent) { req in
            let convention = try await Access.writableConvention(req)
            try await resource.delete(req, convention, try await find(req, convention))
            return HTTPStatus.noContent
        }
    }
}

extension ConventionRoutes {
    static func nextPosition<M: Model>(_ query: QueryBuilder<M>) async throws -> Int { try await query.count() + 1 }

    static func registerSimpleChildren(_ api: APIBuilder) {
        articles.register(api)
        axes.register(api)
    }

    static let articles = ChildResource<ArticleModel, ArticleIn, ArticleOut>(
        path: ["conventions", ":conventionID", "articles"], idParameter: "articleID", label: "Article", entityType: "article", tag: "Articles",
        scope: { req, c in ArticleModel.query(on: req.db).filter(\.$convention.$id == (try c.requireID())).sort(\.$position) },
        make: { req, c, input in
            let next = try await nextPosition(ArticleModel.query(on: req.db).filter(\.$convention.$id == c.requireID()))
            let position = input.position ?? next
            return ArticleModel(conventionID: try c.requireID(), position: position, number: try required(input.number, "number"),
                                title: input.title, body: try required(input.body, "body"))
        },
        apply: { _, _, input, m in
            if let position = input.position { m.position = position }
            if let number = input.number { m.number = try required(number, "number") }
            if let title = input.title { m.title = title }
            if let body = input.body { m.body = try required(body, "body") }
        },
        output: { m, _ in try ArticleOut(m) }
    )

    static let axes = ChildResource<AxisModel, AxisIn, AxisOut>(
        path: ["conventions", ":conventionID", "axes"], idParameter: "axisID", label: "Axe", entityType: "axis", tag: "Axes",
        scope: { req, c in AxisModel.query(on: req.db).filter(\.$convention.$id == (try c.requireID())).sort(\.$position) },
        make: { req, c, input in
            let next = try await nextPosition(AxisModel.query(on: req.db).filter(\.$convention.$id == c.requireID()))
            let position = input.position ?? next
            return AxisModel(conventionID: try c.requireID(), position: position, code: try required(input.code, "code"),
                             title: try required(input.title, "title"))
        },
        apply: { _, _, input, m in
            if let position = input.position { m.position = position }
            if let code = input.code { m.code = try required(code, "code") }
            if let title = input.title { m.title = try required(title, "title") }
        },
        output: { m, _ in try AxisOut(m) }
    )

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
