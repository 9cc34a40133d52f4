import Fluent
import Foundation
import PacteCore

/// A cap on what one funder pays under a convention, optionally for one action or one year.
public final class EnvelopeModel: Model, @unchecked Sendable {
    public static let schema = "envelopes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "funder_id") public var funder: OrganisationModel
    @OptionalParent(key: "action_id") public var action: ActionModel?
    @OptionalField(key: "year") public var year: Int?
    @Field(key: "name") public var name: String
    @Field(key: "cap_cents") public var capCents: Int64
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, funderID: UUID, actionID: UUID? = nil, year: Int? = nil, name: String, cap: Money) {
        self.id = id
        self.$convention.id = conventionID
        self.$funder.id = funderID
        self.$action.id = actionID
        self.year = year
        self.name = name
        self.capCents = cap.cents
    }

    public var envelope: Envelope { Envelope(name: name, cap: Money(cents: capCents)) }

    /// Whether a commitment of this funder, for this action and year, counts against the envelope.
    public func covers(_ commitment: CommitmentModel) -> Bool {
        commitment.$convention.id == $convention.id && commitment.$funder.id == $funder.id
            && ($action.id == nil || commitment.$action.id == $action.id)
            && (year == nil || commitment.year == year)
    }
}

public enum CommitmentStatus: String, FrenchCodedEnum, Sendable {
    /// Funds held: counts against the envelopes.
    case committed
    /// Cancelled: the funds are free again.
    case released
}

/// Funds one funder commits to one use (later: one funder's share of an accepted service).
public final class CommitmentModel: Model, @unchecked Sendable {
    public static let schema = "commitments"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "funder_id") public var funder: OrganisationModel
    @OptionalParent(key: "action_id") public var action: ActionModel?
    @OptionalField(key: "year") public var year: Int?
    @Field(key: "label") public var label: String
    @Field(key: "amount_cents") public var amountCents: Int64
    @Field(key: "status") public var status: CommitmentStatus
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @OptionalField(key: "released_at") public var releasedAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, funderID: UUID, actionID: UUID? = nil, year: Int? = nil, label: String, amount: Money) {
        self.id = id
        self.$convention.id = conventionID
        self.$funder.id = funderID
        self.$action.id = actionID
        self.year = year
        self.label = label
        self.amountCents = amount.cents
        self.status = .committed
    }
}
