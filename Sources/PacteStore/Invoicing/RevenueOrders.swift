import Fluent
import Foundation
import PacteCore

/// A revenue order (titre de recettes) the collecting party issues to a partner for its share of
/// the expenses, and what the partner has paid on it.
public final class RevenueOrderModel: Model, @unchecked Sendable {
    public static let schema = "revenue_orders"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "collector_id") public var collector: OrganisationModel
    @Parent(key: "partner_id") public var partner: OrganisationModel
    /// `TR-2021-003`.
    @Field(key: "number") public var number: String
    @Field(key: "amount_cents") public var amountCents: Int64
    @Field(key: "issued_on") public var issuedOn: CivilDate
    @OptionalField(key: "year") public var year: Int?
    @Field(key: "paid_cents") public var paidCents: Int64
    @OptionalField(key: "paid_on") public var paidOn: CivilDate?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, collectorID: UUID, partnerID: UUID, number: String, amount: Money, issuedOn: CivilDate, year: Int?) {
        self.id = id
        self.$convention.id = conventionID
        self.$collector.id = collectorID
        self.$partner.id = partnerID
        self.number = number
        self.amountCents = amount.cents
        self.issuedOn = issuedOn
        self.year = year
        self.paidCents = 0
    }

    public var fact: RevenueOrderFact {
        RevenueOrderFact(partner: PlanMapping.funderID($partner.id), amount: Money(cents: amountCents), paid: Money(cents: paidCents))
    }
}

struct M026CreateRevenueOrders: AsyncMigration {
    var name: String { "026_CreateRevenueOrders" }
    func prepare(on db: any Database) async throws {
        try await db.schema(RevenueOrderModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("collector_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("partner_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("number", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("issued_on", .string, .required)
            .field("year", .int)
            .field("paid_cents", .int64, .required)
            .field("paid_on", .string)
            .field("created_at", .datetime)
            .unique(on: "convention_id", "number")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(RevenueOrderModel.schema).delete()
    }
}

/// Partner statements and revenue orders of a convention.
public enum RevenueOrders {
    public static func orders(of conventionID: UUID, on db: any Database) async throws -> [RevenueOrderModel] {
        try await RevenueOrderModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$number).all()
    }

    public static func statements(_ convention: ConventionModel, collector: UUID, year: Int?, on db: any Database) async throws -> [PartnerStatement] {
        let evaluation = try await PlanMapping.plan(for: convention, on: db).evaluate()
        let orders = try await orders(of: try convention.requireID(), on: db).filter { $0.$collector.id == collector && (year == nil || $0.year == year) }
        return try PartnerStatements.make(evaluation, collector: PlanMapping.funderID(collector), year: year, orders: orders.map(\.fact))
    }

    /// Issues one order to every partner for what is still to order, numbered `TR-{year}-{n}` in the
    /// convention; all in one write.
    public static func issue(_ convention: ConventionModel, collector: UUID, year: Int?, on date: CivilDate, actor: Actor,
                             db: any Database) async throws -> [RevenueOrderModel] {
        let conventionID = try convention.requireID()
        return try await Store.write(on: db) { tx in
            let statements = try await statements(convention, collector: collector, year: year, on: tx)
            var sequence = try await RevenueOrderModel.query(on: tx).filter(\.$convention.$id == conventionID).count()
            var issued: [RevenueOrderModel] = []
            for statement in statements where statement.toOrder.cents > 0 {
                guard let partner = UUID(uuidString: statement.partner.rawValue) else { continue }
                sequence += 1
                let number = "TR-\(year ?? date.year)-" + String(format: "%03d", sequence)
                let order = RevenueOrderModel(id: UUID(), conventionID: conventionID, collectorID: collector, partnerID: partner, number: number,
                                              amount: statement.toOrder, issuedOn: date, year: year)
                try await Audited.create(order, "revenue-order", conventionID: conventionID, actor: actor, on: tx)
                issued.append(order)
            }
            return issued
        }
    }

    /// Records a payment on an order; never more than what is left on it.
    public static func recordPayment(_ order: RevenueOrderModel, amount: Money, on date: CivilDate, actor: Actor, db: any Database) async throws {
        guard amount.cents > 0 else { throw StoreError.invalid(field: "amount", message: "Le montant payé doit être positif.") }
        let left = order.amountCents - order.paidCents
        guard amount.cents <= left else {
            throw StoreError.invalid(field: "amount", message: "Le titre \(order.number) n'attend plus que \(FrenchFormat.money(Money(cents: left))) : "
                + "\(FrenchFormat.money(amount)) dépasse ce reste.")
        }
        try await Store.write(on: db) { tx in
            try await Audited.update(order, "revenue-order", conventionID: order.$convention.id, actor: actor, on: tx) {
                $0.paidCents += amount.cents
                $0.paidOn = date
            }
        }
    }
}

/// The qualitative notes of a convention's annual review for one year.
public final class AnnualReviewModel: Model, @unchecked Sendable {
    public static let schema = "annual_reviews"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "year") public var year: Int
    @Field(key: "notes") public var notes: String
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, year: Int, notes: String) {
        self.id = id
        self.$convention.id = conventionID
        self.year = year
        self.notes = notes
    }
}

struct M029CreateAnnualReviews: AsyncMigration {
    var name: String { "029_CreateAnnualReviews" }
    func prepare(on db: any Database) async throws {
        try await db.schema(AnnualReviewModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("year", .int, .required)
            .field("notes", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "convention_id", "year")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(AnnualReviewModel.schema).delete()
    }
}
