import Fluent
import Foundation
import PacteCore

public final class OrganisationModel: Model, @unchecked Sendable {
    public static let schema = "organisations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @OptionalField(key: "short_name") public var shortName: String?
    @Field(key: "kind") public var kind: OrganisationKind
    @OptionalField(key: "siren") public var siren: Siren?
    /// The head office's SIRET, which open-data schemas ask for (SCDL « Subventions »).
    @OptionalField(key: "siret") public var siret: Siret?
    /// Where partners pay this organisation's invoices.
    @OptionalField(key: "iban") public var iban: Iban?
    @OptionalField(key: "address") public var address: String?
    @OptionalField(key: "population") public var population: Int64?
    @OptionalField(key: "population_year") public var populationYear: Int?
    /// The département it belongs to (INSEE code, « 51 », « 2A »): the key of the département roll-up.
    @OptionalField(key: "departement_code") public var departementCode: String?
    @Field(key: "is_demo") public var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, shortName: String? = nil, kind: OrganisationKind, siren: Siren? = nil,
                address: String? = nil, population: Int64? = nil, populationYear: Int? = nil, isDemo: Bool = false) {
        self.id = id
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.siren = siren
        self.address = address
        self.population = population
        self.populationYear = populationYear
        self.isDemo = isDemo
    }

    public var displayName: String { shortName ?? name }
}

/// A representative or a referent of an organisation.
public final class PersonModel: Model, @unchecked Sendable {
    public static let schema = "people"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Field(key: "name") public var name: String
    /// Président, maire, chargé de mission…
    @OptionalField(key: "function") public var function: String?
    @OptionalField(key: "email") public var email: String?
    @OptionalField(key: "phone") public var phone: String?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, name: String, function: String? = nil, email: String? = nil, phone: String? = nil) {
        self.id = id
        self.$organisation.id = organisationID
        self.name = name
        self.function = function
        self.email = email
        self.phone = phone
    }
}
