import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

private let exampleID = UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!

// MARK: - Organisations and people

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
        if let name { m.name = try required(name, "name") }
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

// MARK: - Conventions

public struct PartyOut: Documented {
    public var id: UUID
    public var organisationID: UUID
    public var organisationName: String
    public var roles: [PartyRole]
    public var representativeID: UUID?
    public var designation: String?

    init(_ m: ConventionPartyModel, organisationName: String) throws {
        id = try m.requireID(); organisationID = m.$organisation.id; self.organisationName = organisationName
        roles = m.roles; representativeID = m.$representative.id; designation = m.designation
    }

    public static var example: PartyOut {
        try! PartyOut(ConventionPartyModel(id: exampleID, conventionID: exampleID, organisationID: exampleID, roles: [.signatory, .funder],
                                           representativeID: exampleID, designation: "la Ville"), organisationName: "Ville de Sézanne")
    }
}

public struct ConventionOut: Documented {
    public var id: UUID
    public var title: String
    public var reference: String?
    public var object: String?
    public var status: ConventionStatus
    public var statusLabel: String
    public var signedOn: CivilDate?
    public var startsOn: CivilDate?
    public var endsOn: CivilDate?
    public var durationMonths: Int?
    public var renewal: Renewal?
    public var noticeMonths: Int?
    public var taxRegime: TaxRegime
    /// Exact, `numerator/denominator`.
    public var vatRate: String
    public var dayRate: String?
    public var source: String?
    public var notes: [String]
    public var isDemo: Bool
    public var parties: [PartyOut]

    static func make(_ m: ConventionModel, on db: any Database) async throws -> ConventionOut {
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == m.requireID())
            .with(\.$organisation).all()
        return try ConventionOut(m, parties: parties.map { try PartyOut($0, organisationName: $0.organisation.name) })
    }

    init(_ m: ConventionModel, parties: [PartyOut]) throws {
        id = try m.requireID(); title = m.title; reference = m.reference; object = m.object; status = m.status; statusLabel = m.status.label
        signedOn = m.signedOn; startsOn = m.startsOn; endsOn = m.endsOn; durationMonths = m.durationMonths; renewal = m.renewal
        noticeMonths = m.noticeMonths; taxRegime = m.taxRegime; vatRate = m.vatRate.codedText; dayRate = m.dayRate?.decimalString
        source = m.source; notes = m.notes; isDemo = m.isDemo; self.parties = parties
    }

    public static var example: ConventionOut {
        let m = ConventionModel(id: exampleID, title: "Convention de partenariat pour l'accompagnement au développement économique", status: .signed)
        m.startsOn = try? CivilDate(year: 2019, month: 1, day: 1)
        m.endsOn = try? CivilDate(year: 2021, month: 12, day: 31)
        m.signedOn = m.startsOn
        m.reference = "2019-01"; m.object = "Accompagner les entreprises"; m.durationMonths = 36; m.renewal = .tacit; m.noticeMonths = 3
        m.dayRate = Money(cents: 70_000); m.source = "seed 000"
        return try! ConventionOut(m, parties: [PartyOut.example])
    }
}

public struct ConventionIn: Documented {
    public var title: String?
    public var reference: String?
    public var object: String?
    public var status: ConventionStatus?
    public var signedOn: CivilDate?
    public var startsOn: CivilDate?
    public var endsOn: CivilDate?
    public var durationMonths: Int?
    public var renewal: Renewal?
    public var noticeMonths: Int?
    public var taxRegime: TaxRegime?
    public var vatRate: Rate?
    public var dayRate: AmountInput?
    public var source: String?
    public var notes: [String]?
    /// On creation: the organisation the convention is drafted for (becomes its first party). Defaults to the user's only organisation.
    public var organisationID: UUID?

    public static var example: ConventionIn {
        ConventionIn(title: "Convention de partenariat", reference: "2026-01", object: "Accompagner les entreprises", status: .draft,
                     signedOn: nil, startsOn: try? CivilDate(year: 2026, month: 1, day: 1), endsOn: try? CivilDate(year: 2028, month: 12, day: 31),
                     durationMonths: 36, renewal: .express, noticeMonths: 3, taxRegime: .ht, vatRate: .standardVAT,
                     dayRate: AmountInput(Money(cents: 70_000)), source: nil, notes: [], organisationID: exampleID)
    }

    func apply(to m: ConventionModel) throws {
        if let title { m.title = try required(title, "title") }
        if let reference { m.reference = reference }
        if let object { m.object = object }
        if let status { m.status = status }
        if let signedOn { m.signedOn = signedOn }
        if let startsOn { m.startsOn = startsOn }
        if let endsOn { m.endsOn = endsOn }
        if let durationMonths {
            guard durationMonths > 0 else { throw Problem.invalid("durationMonths", "La durée doit être d'au moins un mois.") }
            m.durationMonths = durationMonths
        }
        if let renewal { m.renewal = renewal }
        if let noticeMonths {
            guard noticeMonths >= 0 else { throw Problem.invalid("noticeMonths", "Le préavis ne peut pas être négatif.") }
            m.noticeMonths = noticeMonths
        }
        if let taxRegime { m.taxRegime = taxRegime }
        if let vatRate { m.vatRate = vatRate }
        if let dayRate {
            guard dayRate.money.cents > 0 else { throw Problem.invalid("dayRate", "Le prix de journée doit être positif.") }
            m.dayRate = dayRate.money
        }
        if let source { m.source = source }
        if let notes { m.notes = notes }
        _ = try DateRange(start: m.startsOn, end: m.endsOn)
    }
}

public struct PartyIn: Documented {
    public var organisationID: UUID?
    public var roles: [PartyRole]?
    public var representativeID: UUID?
    public var designation: String?

    public static var example: PartyIn { PartyIn(organisationID: exampleID, roles: [.signatory, .funder], representativeID: nil, designation: "la Ville") }
}

public struct ArticleOut: Documented {
    public var id: UUID
    public var position: Int
    public var number: String
    public var title: String?
    public var body: String

    init(_ m: ArticleModel) throws { id = try m.requireID(); position = m.position; number = m.number; title = m.title; body = m.body }

    public static var example: ArticleOut {
        try! ArticleOut(ArticleModel(id: exampleID, conventionID: exampleID, position: 1, number: "1", title: "Objet", body: "La présente convention…"))
    }
}

public struct ArticleIn: Documented {
    public var position: Int?
    public var number: String?
    public var title: String?
    public var body: String?

    public static var example: ArticleIn { ArticleIn(position: 1, number: "1", title: "Objet", body: "La présente convention…") }
}

public struct AxisOut: Documented {
    public var id: UUID
    public var position: Int
    public var code: String
    public var title: String

    init(_ m: AxisModel) throws { id = try m.requireID(); position = m.position; code = m.code; title = m.title }

    public static var example: AxisOut { try! AxisOut(AxisModel(id: exampleID, conventionID: exampleID, position: 1, code: "Axe 1", title: "Accompagner")) }
}

public struct AxisIn: Documented {
    public var position: Int?
    public var code: String?
    public var title: String?

    public static var example: AxisIn { AxisIn(position: 1, code: "Axe 1", title: "Accompagner les entreprises") }
}

public struct ConfidentialItemOut: Documented {
    public var id: UUID
    public var ownerID: UUID
    public var title: String
    /// Absent until every signatory has agreed, for the parties that are not signatories.
    public var body: String?
    public var source: String
    public var agreedBy: [UUID]
    public var disclosed: Bool

    public static var example: ConfidentialItemOut {
        ConfidentialItemOut(id: exampleID, ownerID: exampleID, title: "Entreprises accompagnées", body: "…", source: "CCI, fichier consulaire 2021",
                            agreedBy: [exampleID], disclosed: true)
    }
}

public struct ConfidentialItemIn: Documented {
    public var title: String?
    public var body: String?
    public var source: String?

    public static var example: ConfidentialItemIn { ConfidentialItemIn(title: "Entreprises accompagnées", body: "…", source: "CCI, fichier consulaire 2021") }
}

public struct AuditEventOut: Documented {
    public var id: Int64
    public var occurredAt: String
    public var actor: String
    public var action: AuditAction
    public var entityType: String
    public var entityID: String
    public var conventionID: UUID?
    public var before: String?
    public var after: String?
    public var previousHash: String
    public var hash: String

    init(_ m: AuditEventModel) {
        id = m.id ?? 0; occurredAt = m.occurredAt; actor = m.actor; action = m.action; entityType = m.entityType; entityID = m.entityID
        conventionID = m.conventionID; before = m.before; after = m.after; previousHash = m.previousHash; hash = m.hash
    }

    public static var example: AuditEventOut {
        let m = AuditEventModel()
        m.id = 1; m.occurredAt = "2026-11-24T10:00:00.000+0100"; m.actor = "agent@example.fr"; m.action = .update
        m.entityType = "cost-line"; m.entityID = exampleID.uuidString; m.conventionID = exampleID
        m.before = "{\"amount_cents\":335000}"; m.after = "{\"amount_cents\":355000}"; m.previousHash = AuditTrail.genesisHash; m.hash = AuditTrail.genesisHash
        return AuditEventOut(m)
    }
}
