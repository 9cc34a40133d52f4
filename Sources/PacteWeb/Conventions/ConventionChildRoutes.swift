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
}
