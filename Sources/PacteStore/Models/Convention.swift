import Fluent
import Foundation
import PacteCore

public final class ConventionModel: Model, @unchecked Sendable {
    public static let schema = "conventions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @OptionalField(key: "reference") public var reference: String?
    @OptionalField(key: "object") public var object: String?
    @Field(key: "status") public var status: ConventionStatus
    @OptionalField(key: "signed_on") public var signedOn: CivilDate?
    @OptionalField(key: "starts_on") public var startsOn: CivilDate?
    @OptionalField(key: "ends_on") public var endsOn: CivilDate?
    @OptionalField(key: "duration_months") public var durationMonths: Int?
    @OptionalField(key: "renewal") public var renewal: Renewal?
    @OptionalField(key: "notice_months") public var noticeMonths: Int?
    @Field(key: "tax_regime") public var taxRegime: TaxRegime
    /// Exact rate, `numerator/denominator`.
    @Field(key: "vat_rate") public var vatRate: Rate
    @OptionalField(key: "day_rate_cents") public var dayRateCents: Int64?
    @OptionalField(key: "source") public var source: String?
    @Field(key: "notes") public var notes: [String]
    @Field(key: "is_demo") public var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    @Children(for: \.$convention) public var parties: [ConventionPartyModel]

    public init() {}

    public init(id: UUID? = nil, title: String, status: ConventionStatus = .draft, taxRegime: TaxRegime = .ht, vatRate: Rate = .standardVAT, isDemo: Bool = false) {
        self.id = id
        self.title = title
        self.status = status
        self.taxRegime = taxRegime
        self.vatRate = vatRate
        self.notes = []
        self.isDemo = isDemo
    }

    public var dayRate: Money? {
        get { Money(storedCents: dayRateCents) }
        set { dayRateCents = newValue?.cents }
    }
}

public final class ConventionPartyModel: Model, @unchecked Sendable {
    public static let schema = "convention_parties"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Field(key: "roles") public var roles: [PartyRole]
    @OptionalParent(key: "representative_id") public var representative: PersonModel?
    /// How the convention names the party (`la CCIM`).
    @OptionalField(key: "designation") public var designation: String?
    /// The day this signatory signed.
    @OptionalField(key: "signed_on") public var signedOn: CivilDate?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, organisationID: UUID, roles: [PartyRole], representativeID: UUID? = nil, designation: String? = nil) {
        self.id = id
        self.$convention.id = conventionID
        self.$organisation.id = organisationID
        self.roles = roles
        self.$representative.id = representativeID
        self.designation = designation
    }
}

public final class ArticleModel: Model, @unchecked Sendable {
    public static let schema = "articles"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "position") public var position: Int
    @Field(key: "number") public var number: String
    @OptionalField(key: "title") public var title: String?
    @Field(key: "body") public var body: String

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, position: Int, number: String, title: String?, body: String) {
        self.id = id
        self.$convention.id = conventionID
        self.position = position
        self.number = number
        self.title = title
        self.body = body
    }
}

public final class AxisModel: Model, @unchecked Sendable {
    public static let schema = "axes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Field(key: "position") public var position: Int
    @Field(key: "code") public var code: String
    @Field(key: "title") public var title: String

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, position: Int, code: String, title: String) {
        self.id = id
        self.$convention.id = conventionID
        self.position = position
        self.code = code
        self.title = title
    }
}

/// Data one party shares with the others under confidentiality (seed 001, art. 3.1): third parties
/// see it only once every signatory agreed, and always with its source.
public final class ConfidentialItemModel: Model, @unchecked Sendable {
    public static let schema = "confidential_items"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "owner_id") public var owner: OrganisationModel
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @Field(key: "source") public var source: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, ownerID: UUID, title: String, body: String, source: String) {
        self.id = id
        self.$convention.id = conventionID
        self.$owner.id = ownerID
        self.title = title
        self.body = body
        self.source = source
    }
}

public final class ConfidentialConsentModel: Model, @unchecked Sendable {
    public static let schema = "confidential_consents"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "item_id") public var item: ConfidentialItemModel
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Parent(key: "user_id") public var user: UserModel
    @Timestamp(key: "agreed_at", on: .create) public var agreedAt: Date?

    public init() {}

    public init(id: UUID? = nil, itemID: UUID, organisationID: UUID, userID: UUID) {
        self.id = id
        self.$item.id = itemID
        self.$organisation.id = organisationID
        self.$user.id = userID
    }
}
