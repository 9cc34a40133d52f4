import Fluent
import Foundation
import PacteCore

/// One item of a deciding body's register (an extract of the register is one item): the session,
/// the counts and votes, the attendance list, and the act identifier sent to the prefecture.
public final class DeliberationModel: Model, @unchecked Sendable {
    public static let schema = "deliberations"

    @ID(key: .id) public var id: UUID?
    @OptionalParent(key: "convention_id") public var convention: ConventionModel?
    /// The deciding authority (a commune, an EPCI, a département…).
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Field(key: "body") public var body: DecidingBody
    @Field(key: "session_date") public var sessionDate: CivilDate
    @OptionalField(key: "place") public var place: String?
    @OptionalField(key: "convocation_date") public var convocationDate: CivilDate?
    @Field(key: "members_in_office") public var membersInOffice: Int
    /// The number as the register writes it (`DC2020/114`, `2020-08-04`).
    @Field(key: "item_number") public var itemNumber: String
    @Field(key: "subject") public var subject: String
    @OptionalField(key: "rapporteur") public var rapporteur: String?
    /// The @CTES matter (`7.5`, « Subventions »), for the SCDL export.
    @OptionalField(key: "matter_code") public var matterCode: String?
    @OptionalField(key: "matter_name") public var matterName: String?
    @OptionalField(key: "actes_id") public var actesID: ActesId?
    @OptionalField(key: "transmitted_on") public var transmittedOn: CivilDate?
    @Field(key: "present") public var present: Int
    @OptionalField(key: "represented") public var represented: Int?
    @OptionalField(key: "votants") public var votants: Int?
    @Field(key: "votes_for") public var votesFor: Int
    @Field(key: "votes_against") public var votesAgainst: Int
    @Field(key: "abstentions") public var abstentions: Int
    @Field(key: "not_taking_part") public var notTakingPart: Int
    @Field(key: "secret_ballot") public var secretBallot: Bool
    @OptionalField(key: "chair_voted_for") public var chairVotedFor: Bool?
    @Field(key: "attendance") public var attendance: [Attendance]
    @Field(key: "is_demo") public var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, conventionID: UUID?, body: DecidingBody, sessionDate: CivilDate, membersInOffice: Int,
                itemNumber: String, subject: String, vote: ItemVote, attendance: [Attendance] = [], isDemo: Bool = false) {
        self.id = id
        self.$organisation.id = organisationID
        self.$convention.id = conventionID
        self.body = body
        self.sessionDate = sessionDate
        self.membersInOffice = membersInOffice
        self.itemNumber = itemNumber
        self.subject = subject
        self.attendance = attendance
        self.isDemo = isDemo
        self.vote = vote
    }

    public var vote: ItemVote {
        get {
            ItemVote(present: present, represented: represented, votants: votants, votesFor: votesFor, votesAgainst: votesAgainst,
                     abstentions: abstentions, notTakingPart: notTakingPart, secretBallot: secretBallot, chairVotedFor: chairVotedFor)
        }
        set {
            present = newValue.present; represented = newValue.represented; votants = newValue.votants; votesFor = newValue.votesFor
            votesAgainst = newValue.votesAgainst; abstentions = newValue.abstentions; notTakingPart = newValue.notTakingPart
            secretBallot = newValue.secretBallot; chairVotedFor = newValue.chairVotedFor
        }
    }

    /// What the rules in force on the session's date make of the item.
    public var outcome: DeliberationOutcome {
        DeliberationRules.assess(date: sessionDate, inOffice: membersInOffice, attendance: attendance, vote: vote)
    }
}

/// A step in a convention's life (approval, signature, entry into force, renewal, ending) or a
/// partner's withdrawal, with its date and reason: the convention's history.
public final class ConventionEventModel: Model, @unchecked Sendable {
    public static let schema = "convention_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "from_status") public var fromStatus: ConventionStatus?
    @OptionalField(key: "to_status") public var toStatus: ConventionStatus?
    /// The day of the act (signature, notification, formal notice…).
    @Field(key: "on_date") public var onDate: CivilDate
    /// The day it takes effect (an ending after its notice period).
    @OptionalField(key: "effective_on") public var effectiveOn: CivilDate?
    @OptionalField(key: "notice_months") public var noticeMonths: Int?
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @OptionalField(key: "reason") public var reason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, kind: String, from: ConventionStatus?, to: ConventionStatus?, on date: CivilDate,
                effectiveOn: CivilDate? = nil, noticeMonths: Int? = nil, organisationID: UUID? = nil, reason: String? = nil) {
        self.id = id
        self.$convention.id = conventionID
        self.kind = kind
        self.fromStatus = from
        self.toStatus = to
        self.onDate = date
        self.effectiveOn = effectiveOn
        self.noticeMonths = noticeMonths
        self.organisationID = organisationID
        self.reason = reason
    }
}

/// A frozen version of a convention: the initial text (number 0), then each avenant (1, 2…), with
/// its facts as written and its own approval.
public final class ConventionVersionModel: Model, @unchecked Sendable {
    public static let schema = "convention_versions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "number") public var number: Int
    @OptionalField(key: "summary") public var summary: String?
    /// The decision that approved it (a deliberation, a bureau's decision…).
    @OptionalField(key: "approval") public var approval: String?
    @OptionalField(key: "approved_on") public var approvedOn: CivilDate?
    @OptionalField(key: "signed_on") public var signedOn: CivilDate?
    @Field(key: "facts") public var facts: [VersionFact]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, number: Int, summary: String?, facts: [VersionFact]) {
        self.id = id
        self.$convention.id = conventionID
        self.number = number
        self.summary = summary
        self.facts = facts
    }

    /// « Convention initiale », « Avenant n° 2 ».
    public var label: String { number == 0 ? "Convention initiale" : "Avenant n° \(number)" }
}

struct M021CreateGovernance: AsyncMigration {
    var name: String { "021_CreateGovernance" }
    func prepare(on db: any Database) async throws {
        try await db.schema(DeliberationModel.schema)
            .id()
            .field("convention_id", .uuid, .references(ConventionModel.schema, .id, onDelete: .setNull))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("body", .string, .required)
            .field("session_date", .string, .required)
            .field("place", .string)
            .field("convocation_date", .string)
            .field("members_in_office", .int, .required)
            .field("item_number", .string, .required)
            .field("subject", .string, .required)
            .field("rapporteur", .string)
            .field("matter_code", .string)
            .field("matter_name", .string)
            .field("actes_id", .string)
            .field("transmitted_on", .string)
            .field("present", .int, .required)
            .field("represented", .int)
            .field("votants", .int)
            .field("votes_for", .int, .required)
            .field("votes_against", .int, .required)
            .field("abstentions", .int, .required)
            .field("not_taking_part", .int, .required)
            .field("secret_ballot", .bool, .required)
            .field("chair_voted_for", .bool)
            .field("attendance", .array(of: .json), .required)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(ConventionEventModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string)
            .field("on_date", .string, .required)
            .field("effective_on", .string)
            .field("notice_months", .int)
            .field("organisation_id", .uuid, .references(OrganisationModel.schema, .id, onDelete: .setNull))
            .field("reason", .string)
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ConventionEventModel.schema).delete()
        try await db.schema(DeliberationModel.schema).delete()
    }
}

struct M022CreateConventionVersions: AsyncMigration {
    var name: String { "022_CreateConventionVersions" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ConventionVersionModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("summary", .string)
            .field("approval", .string)
            .field("approved_on", .string)
            .field("signed_on", .string)
            .field("facts", .array(of: .json), .required)
            .field("created_at", .datetime)
            .unique(on: "convention_id", "number")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ConventionVersionModel.schema).delete()
    }
}
