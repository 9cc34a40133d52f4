import Fluent
import Foundation
import PacteCore

/// A deliverable a convention promises, with its schedule.
public final class DeliverableModel: Model, @unchecked Sendable {
    public static let schema = "deliverables"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "name") public var name: String
    @Field(key: "periodicity") public var periodicity: Periodicity
    @Field(key: "first_due") public var firstDue: CivilDate
    @OptionalField(key: "last_due") public var lastDue: CivilDate?
    /// Who delivers it (`la CCI`).
    @OptionalField(key: "responsible") public var responsible: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, name: String, periodicity: Periodicity, firstDue: CivilDate, lastDue: CivilDate?, responsible: String?) {
        self.id = id
        self.$convention.id = conventionID
        self.name = name
        self.periodicity = periodicity
        self.firstDue = firstDue
        self.lastDue = lastDue
        self.responsible = responsible
    }
}

/// One delivery: the due date it answers, the day it came, the file or link.
public final class DeliveryModel: Model, @unchecked Sendable {
    public static let schema = "deliveries"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "deliverable_id") public var deliverable: DeliverableModel
    @Field(key: "due_on") public var dueOn: CivilDate
    @Field(key: "delivered_on") public var deliveredOn: CivilDate
    @Field(key: "link") public var link: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, deliverableID: UUID, dueOn: CivilDate, deliveredOn: CivilDate, link: String) {
        self.id = id
        self.$deliverable.id = deliverableID
        self.dueOn = dueOn
        self.deliveredOn = deliveredOn
        self.link = link
    }
}

struct M030CreateDeliverables: AsyncMigration {
    var name: String { "030_CreateDeliverables" }
    func prepare(on db: any Database) async throws {
        try await db.schema(DeliverableModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("periodicity", .string, .required)
            .field("first_due", .string, .required)
            .field("last_due", .string)
            .field("responsible", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema(DeliveryModel.schema)
            .id()
            .field("deliverable_id", .uuid, .required, .references(DeliverableModel.schema, .id, onDelete: .cascade))
            .field("due_on", .string, .required)
            .field("delivered_on", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "deliverable_id", "due_on")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(DeliveryModel.schema).delete()
        try await db.schema(DeliverableModel.schema).delete()
    }
}
