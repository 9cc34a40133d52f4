import Fluent
import Foundation
import PacteCore

/// A steering or technical committee of a convention, with its members in colleges.
public final class CommitteeModel: Model, @unchecked Sendable {
    public static let schema = "committees"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: CommitteeKind
    /// The colleges vote with equal weight (seed 002: « à égalité de voix »).
    @Field(key: "equal_colleges") public var equalColleges: Bool
    @Field(key: "members") public var members: [CommitteeMember]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, name: String, kind: CommitteeKind, equalColleges: Bool, members: [CommitteeMember]) {
        self.id = id
        self.$convention.id = conventionID
        self.name = name
        self.kind = kind
        self.equalColleges = equalColleges
        self.members = members
    }
}

/// A meeting of a committee: agenda, attendance, minutes and decisions.
public final class MeetingModel: Model, @unchecked Sendable {
    public static let schema = "meetings"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "committee_id") public var committee: CommitteeModel
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "title") public var title: String
    @Field(key: "date") public var date: CivilDate
    /// `14:30`, local time.
    @OptionalField(key: "time") public var time: String?
    @OptionalField(key: "place") public var place: String?
    @OptionalField(key: "agenda") public var agenda: String?
    @OptionalField(key: "minutes") public var minutes: String?
    @Field(key: "present") public var present: [String]
    @Field(key: "decisions") public var decisions: [MeetingDecision]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, committeeID: UUID, conventionID: UUID, title: String, date: CivilDate) {
        self.id = id
        self.$committee.id = committeeID
        self.$convention.id = conventionID
        self.title = title
        self.date = date
        self.present = []
        self.decisions = []
    }
}

/// A user's private calendar address (`/calendrier/{token}.ics`): calendar programs send no
/// cookie, so the secret address is the credential; only its hash is kept.
public final class CalendarFeedModel: Model, @unchecked Sendable {
    public static let schema = "calendar_feeds"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    @Field(key: "token_hash") public var tokenHash: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, userID: UUID, tokenHash: String) {
        self.id = id
        self.$user.id = userID
        self.tokenHash = tokenHash
    }
}

struct M023CreateCommitteesAndCalendars: AsyncMigration {
    var name: String { "023_CreateCommitteesAndCalendars" }
    func prepare(on db: any Database) async throws {
        try await db.schema(CommitteeModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("equal_colleges", .bool, .required)
            .field("members", .array(of: .json), .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(MeetingModel.schema)
            .id()
            .field("committee_id", .uuid, .required, .references(CommitteeModel.schema, .id, onDelete: .cascade))
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("title", .string, .required)
            .field("date", .string, .required)
            .field("time", .string)
            .field("place", .string)
            .field("agenda", .string)
            .field("minutes", .string)
            .field("present", .array(of: .string), .required)
            .field("decisions", .array(of: .json), .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(CalendarFeedModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(CalendarFeedModel.schema).delete()
        try await db.schema(MeetingModel.schema).delete()
        try await db.schema(CommitteeModel.schema).delete()
    }
}

/// A reminder already sent to a user, so that running the reminders twice sends nothing twice.
public final class ReminderSentModel: Model, @unchecked Sendable {
    public static let schema = "reminders_sent"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    /// The item and the offset (`meeting-…@pacte#7`).
    @Field(key: "reminder_key") public var reminderKey: String
    @Field(key: "sent_on") public var sentOn: CivilDate

    public init() {}

    public init(id: UUID? = nil, userID: UUID, reminderKey: String, sentOn: CivilDate) {
        self.id = id
        self.$user.id = userID
        self.reminderKey = reminderKey
        self.sentOn = sentOn
    }
}

struct M024CreateRemindersSent: AsyncMigration {
    var name: String { "024_CreateRemindersSent" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ReminderSentModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("reminder_key", .string, .required)
            .field("sent_on", .string, .required)
            .unique(on: "user_id", "reminder_key")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ReminderSentModel.schema).delete()
    }
}

struct M025AddPartySignatures: AsyncMigration {
    var name: String { "025_AddPartySignatures" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ConventionPartyModel.schema).field("signed_on", .string).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ConventionPartyModel.schema).deleteField("signed_on").update()
    }
}
