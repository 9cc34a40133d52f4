import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct OrganisationOut: Documented {
    public var id: UUID
    public var name: String
    public var shortName: String?
    public var kind: OrganisationKind
    public var kindLabel: String
    public var siren: Siren?
    public var siret: Siret?
    public var iban: Iban?
    public var address: String?
    public var population: Int64?
    public var populationYear: Int?
    /// INSEE code of its département (« 51 »), the key of the département roll-up.
    public var departementCode: String?
    public var isDemo: Bool

    init(_ m: OrganisationModel) throws {
        id = try m.requireID(); name = m.name; shortName = m.shortName; kind = m.kind; kindLabel = m.kind.label
        siren = m.siren; siret = m.siret; iban = m.iban; address = m.address; population = m.population; populationYear = m.populationYear; isDemo = m.isDemo
        departementCode = m.departementCode
    }

    public static var example: OrganisationOut {
        let m = OrganisationModel(id: exampleID, name: "Ville de Sézanne", shortName: "Ville", kind: .commune,
                                  siren: try? Siren("215104985"), address: "7 place de l'hôtel de ville", population: 4800, populationYear: 2025)
        m.departementCode = "51"
        return try! OrganisationOut(m)
    }
}

public struct OrganisationIn: Documented {
    public var name: String?
    public var shortName: String?
    public var kind: OrganisationKind?
    public var siren: Siren?
    /// The head office's SIRET; its first nine digits must be the SIREN.
    public var siret: Siret?
    /// Where partners pay its invoices (written on them).
    public var iban: Iban?
    public var address: String?
    public var population: Int64?
    public var populationYear: Int?
    /// Its département (« 51 », « 2A »): derived from the SIREN when the reference data knows the
    /// body, otherwise checked against the départements; "" clears it.
    public var departementCode: String?

    public static var example: OrganisationIn {
        OrganisationIn(name: "Ville de Sézanne", shortName: "Ville", kind: .commune, siren: try? Siren("215104985"), siret: nil, iban: nil,
                       address: "7 place de l'hôtel de ville", population: 4800, populationYear: 2025, departementCode: "51")
    }

    func apply(to m: OrganisationModel) throws {
        if let name { m.name = try publishable(try required(name, "name"), "name", label: "Nom") }
        if let shortName { m.shortName = shortName }
        if let kind { m.kind = kind }
        if let siren { m.siren = siren }
        if let siret {
            guard m.siren == nil || m.siren == siret.siren else {
                throw Problem.invalid("siret", "Le SIRET \(siret) n'appartient pas au SIREN \(m.siren!) de l'organisation.")
            }
            m.siret = siret
            m.siren = siret.siren
        }
        if let iban { m.iban = iban }
        if let address { m.address = address }
        if let population {
            guard population >= 0 else { throw Problem.invalid("population", "La population ne peut pas être négative.") }
            m.population = population
        }
        if let populationYear { m.populationYear = populationYear }
        if m.population != nil && m.populationYear == nil {
            throw Problem.invalid("populationYear", "Une population s'accompagne de son année (« populationYear »).")
        }
    }
}

public struct PersonOut: Documented {
    public var id: UUID
    public var organisationID: UUID
    public var name: String
    public var function: String?
    public var email: String?
    public var phone: String?

    init(_ m: PersonModel) throws {
        id = try m.requireID(); organisationID = m.$organisation.id; name = m.name; function = m.function; email = m.email; phone = m.phone
    }

    public static var example: PersonOut {
        try! PersonOut(PersonModel(id: exampleID, organisationID: exampleID, name: "Sacha HEWAK", function: "Maire"))
    }
}

public struct PersonIn: Documented {
    public var name: String?
    public var function: String?
    public var email: String?
    public var phone: String?

    public static var example: PersonIn { PersonIn(name: "Sacha HEWAK", function: "Maire", email: "maire@example.fr", phone: nil) }

    func apply(to m: PersonModel) throws {
        if let name { m.name = try required(name, "name") }
        if let function { m.function = function }
        if let email {
            guard email.contains("@") else { throw Problem.invalid("email", "Adresse électronique invalide.") }
            m.email = email
        }
        if let phone { m.phone = phone }
    }
}
