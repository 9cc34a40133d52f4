import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

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
        if let title { m.title = try publishable(try required(title, "title"), "title", label: "Intitulé") }
        if let reference { m.reference = try publishable(reference, "reference", label: "Référence") }
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
