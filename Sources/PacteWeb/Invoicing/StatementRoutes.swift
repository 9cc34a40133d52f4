import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct PartnerStatementOut: Content, Sendable {
    public var partnerID: String
    public var name: String
    public var due: String
    public var ordered: String
    public var paid: String
    public var toOrder: String
    public var toCollect: String

    init(_ s: PartnerStatement) {
        partnerID = s.partner.rawValue; name = s.name; due = s.due.decimalString; ordered = s.ordered.decimalString; paid = s.paid.decimalString
        toOrder = s.toOrder.decimalString; toCollect = s.toCollect.decimalString
    }
}

public struct RevenueOrderOut: Content, Sendable {
    public var id: UUID
    public var number: String
    public var partnerID: UUID
    public var collectorID: UUID
    public var amount: String
    public var issuedOn: CivilDate
    public var year: Int?
    public var paid: String
    public var paidOn: CivilDate?

    init(_ m: RevenueOrderModel) throws {
        id = try m.requireID(); number = m.number; partnerID = m.$partner.id; collectorID = m.$collector.id
        amount = Money(cents: m.amountCents).decimalString; issuedOn = m.issuedOn; year = m.year; paid = Money(cents: m.paidCents).decimalString
        paidOn = m.paidOn
    }
}

public struct PartnerStatementsOut: Documented {
    public var collectorID: UUID
    public var year: Int?
    public var total: String
    public var statements: [PartnerStatementOut]
    public var orders: [RevenueOrderOut]

    public static var example: PartnerStatementsOut {
        PartnerStatementsOut(collectorID: exampleID, year: nil, total: "22071.79", statements: [
            PartnerStatementOut(PartnerStatement(partner: "ca-ardenne-metropole", name: "Communauté d'agglomération Ardenne Métropole",
                                                 due: Money(cents: 1_101_296), ordered: .zero, paid: .zero)),
        ], orders: [])
    }
}

public struct IssueOrdersIn: Documented {
    /// The party that carries the expenses and issues the orders; by default the operator that funds.
    public var collectorID: UUID?
    public var year: Int?
    public var issuedOn: CivilDate?
    public static var example: IssueOrdersIn { IssueOrdersIn(collectorID: exampleID, year: nil, issuedOn: try! CivilDate(year: 2021, month: 2, day: 1)) }
}

public struct PaymentIn: Documented {
    public var date: CivilDate
    public var amount: AmountInput
    public static var example: PaymentIn { PaymentIn(date: try! CivilDate(year: 2021, month: 3, day: 15), amount: AmountInput(Money(cents: 151_830))) }
}

/// Shared-cost conventions: each partner's statement and the revenue orders the collector issues.
enum StatementRoutes {
    static func register(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID"]
        api.on(.GET, base + ["partner-statements"], summary: "Relevés des partenaires : part due, titres de recettes émis, payé (collectorID, year)",
               tag: "Bilans", response: PartnerStatementsOut.example) { req in
            let convention = try await Access.convention(req)
            return try await statements(req, convention, collector: try req.query.get(UUID?.self, at: "collectorID"),
                                        year: try req.query.get(Int?.self, at: "year"))
        }
        api.on(.POST, base + ["revenue-orders"], summary: "Émettre un titre de recettes à chaque partenaire pour ce qui reste à appeler",
               tag: "Bilans", request: IssueOrdersIn.example, response: PartnerStatementsOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(IssueOrdersIn.self)
            let collector = try await defaultCollector(convention, given: input.collectorID, on: req.db)
            _ = try await RevenueOrders.issue(convention, collector: collector, year: input.year, on: input.issuedOn ?? .today(),
                                              actor: try req.requirePrincipal().actor, db: req.db)
            return try await statements(req, convention, collector: collector, year: input.year)
        }
        api.on(.POST, base + ["revenue-orders", ":orderID", "payment"], summary: "Enregistrer un paiement sur un titre de recettes",
               tag: "Bilans", request: PaymentIn.example, response: PartnerStatementsOut.example) { req in
            let convention = try await Access.writableConvention(req)
            let order = try await findOrder(req, convention)
            let input = try req.content.decode(PaymentIn.self)
            try await RevenueOrders.recordPayment(order, amount: input.amount.money, on: input.date, actor: try req.requirePrincipal().actor, db: req.db)
            return try await statements(req, convention, collector: order.$collector.id, year: order.year)
        }
    }

    static func findOrder(_ req: Request, _ convention: ConventionModel) async throws -> RevenueOrderModel {
        let id = try Access.uuid(req, "orderID", "Titre de recettes")
        guard let order = try await RevenueOrderModel.query(on: req.db).filter(\.$id == id)
            .filter(\.$convention.$id == convention.requireID()).first() else { throw Problem.notFound("Titre de recettes") }
        return order
    }

    /// The collector named, which must be a funder of the convention; else the operator that funds
    /// (seed 002: the département), else the first funder.
    static func defaultCollector(_ convention: ConventionModel, given: UUID?, on db: any Database) async throws -> UUID {
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == convention.requireID()).all()
        let funders = parties.filter { $0.roles.contains(.funder) }
        if let given {
            guard funders.contains(where: { $0.$organisation.id == given }) else {
                throw Problem.invalid("collectorID", "Celui qui émet les titres est un financeur de la convention.")
            }
            return given
        }
        guard let chosen = funders.first(where: { $0.roles.contains(.operator) }) ?? funders.first else {
            throw Problem.invalid("collectorID", "La convention n'a pas de financeur.")
        }
        return chosen.$organisation.id
    }

    /// The statements of one collector's partners, the orders it issued and the partners' total share.
    struct Statements {
        var collector: UUID
        var year: Int?
        var statements: [PartnerStatement]
        var orders: [RevenueOrderModel]
        var total: Money
    }

    /// Shared by the API and the page.
    static func load(_ req: Request, _ convention: ConventionModel, collector: UUID?, year: Int?) async throws -> Statements {
        let collector = try await defaultCollector(convention, given: collector, on: req.db)
        let statements = try await RevenueOrders.statements(convention, collector: collector, year: year, on: req.db)
        let orders = try await RevenueOrders.orders(of: try convention.requireID(), on: req.db).filter { $0.$collector.id == collector && (year == nil || $0.year == year) }
        return Statements(collector: collector, year: year, statements: statements, orders: orders,
                          total: try statements.reduce(Money.zero) { try $0.adding($1.due) })
    }

    static func statements(_ req: Request, _ convention: ConventionModel, collector: UUID?, year: Int?) async throws -> PartnerStatementsOut {
        let data = try await load(req, convention, collector: collector, year: year)
        return PartnerStatementsOut(collectorID: data.collector, year: data.year, total: data.total.decimalString,
                                    statements: data.statements.map(PartnerStatementOut.init), orders: try data.orders.map(RevenueOrderOut.init))
    }
}
