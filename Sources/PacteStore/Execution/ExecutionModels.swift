import Fluent
import Foundation
import PacteCore
import SQLKit

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
    /// The service this commitment pays for (one commitment per public funder of an accepted service).
    @OptionalField(key: "intervention_id") public var interventionID: UUID?

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

/// How a catalogue service is counted.
public enum ServiceUnit: String, FrenchCodedEnum, Sendable {
    case perCompany, perDay, forfait

    public var label: String {
        switch self {
        case .perCompany: "par entreprise"
        case .perDay: "par jour"
        case .forfait: "forfait"
        }
    }
}

/// A service a chamber offers to companies, at a unit price (seed 000: Digipilote 650 € HT; seed 001:
/// Coaching Rebond 300 € net de taxes).
public final class ServiceModel: Model, @unchecked Sendable {
    public static let schema = "services"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "provider_id") public var provider: OrganisationModel
    @Field(key: "name") public var name: String
    @OptionalField(key: "description") public var details: String?
    @Field(key: "unit_price_cents") public var unitPriceCents: Int64
    @Field(key: "tax_regime") public var taxRegime: TaxRegime
    @Field(key: "unit") public var unit: ServiceUnit
    @OptionalField(key: "valid_from") public var validFrom: CivilDate?
    @OptionalField(key: "valid_to") public var validTo: CivilDate?
    @Field(key: "is_demo") public var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, providerID: UUID, name: String, details: String? = nil, unitPrice: Money, taxRegime: TaxRegime, unit: ServiceUnit,
                validFrom: CivilDate? = nil, validTo: CivilDate? = nil, isDemo: Bool = false) {
        self.id = id
        self.$provider.id = providerID
        self.name = name
        self.details = details
        self.unitPriceCents = unitPrice.cents
        self.taxRegime = taxRegime
        self.unit = unit
        self.validFrom = validFrom
        self.validTo = validTo
        self.isDemo = isDemo
    }

    public var unitPrice: Money { Money(cents: unitPriceCents) }

    /// Offered on `date`: within its validity dates, when it has any.
    public func isValid(on date: CivilDate) -> Bool {
        (validFrom.map { $0 <= date } ?? true) && (validTo.map { date <= $0 } ?? true)
    }
}

/// A company that receives services (bénéficiaire): one record per SIREN, with its establishments.
/// Companies that form a single undertaking (for de minimis) share `undertakingID`.
public final class CompanyModel: Model, @unchecked Sendable {
    public static let schema = "companies"

    @ID(key: .id) public var id: UUID?
    @Field(key: "siren") public var siren: Siren
    @Field(key: "name") public var name: String
    @OptionalField(key: "naf") public var naf: NafCode?
    @OptionalField(key: "workforce_band") public var workforceBand: WorkforceBand?
    @OptionalField(key: "address") public var address: String?
    @OptionalField(key: "commune_code") public var communeCode: String?
    @OptionalField(key: "contact_name") public var contactName: String?
    @OptionalField(key: "contact_email") public var contactEmail: String?
    @OptionalField(key: "contact_phone") public var contactPhone: String?
    @Field(key: "undertaking_id") public var undertakingID: UUID
    @Field(key: "is_demo") public var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Children(for: \.$company) public var establishments: [EstablishmentModel]

    public init() {}

    public init(id: UUID = UUID(), siren: Siren, name: String, isDemo: Bool = false) {
        self.id = id
        self.siren = siren
        self.name = name
        self.undertakingID = id
        self.isDemo = isDemo
    }
}

extension CompanyModel {
    /// Company names by id, read without building models (a page lists dozens of services).
    public static func names(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT id, name FROM \(unsafeRaw: schema) WHERE id IN (\(binds: Array(ids)))
            """).all()
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "name", as: String.self)) })
    }
}

public final class EstablishmentModel: Model, @unchecked Sendable {
    public static let schema = "establishments"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "company_id") public var company: CompanyModel
    @Field(key: "siret") public var siret: Siret
    @OptionalField(key: "address") public var address: String?
    @OptionalField(key: "commune_code") public var communeCode: String?
    @Field(key: "is_head_office") public var isHeadOffice: Bool

    public init() {}

    public init(id: UUID? = nil, companyID: UUID, siret: Siret, address: String? = nil, communeCode: String? = nil, isHeadOffice: Bool = false) {
        self.id = id
        self.$company.id = companyID
        self.siret = siret
        self.address = address
        self.communeCode = communeCode
        self.isHeadOffice = isHeadOffice
    }
}

/// One de minimis aid received by a company (its undertaking's ledger sums them).
public final class DeMinimisGrantModel: Model, @unchecked Sendable {
    public static let schema = "de_minimis_grants"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "company_id") public var company: CompanyModel
    @Field(key: "granted_on") public var grantedOn: CivilDate
    @Field(key: "amount_cents") public var amountCents: Int64
    @Field(key: "grantor") public var grantor: String
    @Field(key: "regulation") public var regulation: DeMinimisRegulation
    /// Why an administrator let a grant past the ceiling through (audited).
    @OptionalField(key: "override_reason") public var overrideReason: String?
    @OptionalField(key: "convention_id") public var conventionID: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @OptionalField(key: "intervention_id") public var interventionID: UUID?

    public init() {}

    public init(id: UUID? = nil, companyID: UUID, grant: DeMinimisGrant, regulation: DeMinimisRegulation, overrideReason: String? = nil, conventionID: UUID? = nil) {
        self.id = id
        self.$company.id = companyID
        self.grantedOn = grant.grantedOn
        self.amountCents = grant.amount.cents
        self.grantor = grant.grantor
        self.regulation = regulation
        self.overrideReason = overrideReason
        self.conventionID = conventionID
    }

    public var grant: DeMinimisGrant { DeMinimisGrant(grantedOn: grantedOn, amount: Money(cents: amountCents), grantor: grantor) }
}

/// A service prescribed to a company under an action of a convention, from quote to payment.
public final class InterventionModel: Model, @unchecked Sendable {
    public static let schema = "interventions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "action_id") public var action: ActionModel
    @OptionalParent(key: "service_id") public var service: ServiceModel?
    @Parent(key: "company_id") public var company: CompanyModel
    @Field(key: "label") public var label: String
    @OptionalField(key: "programme") public var programme: String?
    @Field(key: "quote_cents") public var quoteCents: Int64
    @Field(key: "status") public var status: InterventionStatus
    @OptionalField(key: "accepted_on") public var acceptedOn: CivilDate?
    @OptionalField(key: "delivered_on") public var deliveredOn: CivilDate?
    @OptionalField(key: "deliverable") public var deliverable: String?
    @OptionalField(key: "invoice_number") public var invoiceNumber: String?
    @OptionalField(key: "invoiced_on") public var invoicedOn: CivilDate?
    @OptionalField(key: "invoice_cents") public var invoiceCents: Int64?
    @OptionalField(key: "paid_on") public var paidOn: CivilDate?
    @OptionalField(key: "cancel_reason") public var cancelReason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, conventionID: UUID, actionID: UUID, serviceID: UUID?, companyID: UUID, label: String, quote: Money, programme: String? = nil) {
        self.id = id
        self.$convention.id = conventionID
        self.$action.id = actionID
        self.$service.id = serviceID
        self.$company.id = companyID
        self.label = label
        self.quoteCents = quote.cents
        self.programme = programme
        self.status = .quoted
    }
}

extension InterventionStatus: FrenchCodedEnum {}
