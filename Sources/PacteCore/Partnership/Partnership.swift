/// The legal nature of an organisation taking part in a partnership.
public enum OrganisationKind: String, CaseIterable, Codable, Sendable {
    case commune
    case communauteDeCommunes
    case communauteAgglomeration
    case communauteUrbaine
    case metropole
    case departement
    case region
    case cci
    case cma
    case chambreAgriculture
    case stateBody
    case euFund
    case funder
    case association
    case company

    public var label: String {
        switch self {
        case .commune: "Commune"
        case .communauteDeCommunes: "Communauté de communes"
        case .communauteAgglomeration: "Communauté d'agglomération"
        case .communauteUrbaine: "Communauté urbaine"
        case .metropole: "Métropole"
        case .departement: "Département"
        case .region: "Région"
        case .cci: "Chambre de commerce et d'industrie"
        case .cma: "Chambre de métiers et de l'artisanat"
        case .chambreAgriculture: "Chambre d'agriculture"
        case .stateBody: "État ou agence de l'État"
        case .euFund: "Fonds européen"
        case .funder: "Banque ou autre financeur"
        case .association: "Association"
        case .company: "Entreprise"
        }
    }
}

/// What a party does under a convention; one party often holds several roles.
public enum PartyRole: String, CaseIterable, Codable, Sendable {
    case signatory
    case funder
    /// Maître d'ouvrage: the party that delivers the actions.
    case `operator`
    case technicalPartner

    public var label: String {
        switch self {
        case .signatory: "Signataire"
        case .funder: "Financeur"
        case .operator: "Maître d'ouvrage"
        case .technicalPartner: "Partenaire technique"
        }
    }
}

public enum ConventionStatus: String, CaseIterable, Codable, Sendable {
    case draft
    /// Before each party's deciding body (council, commission permanente, bureau).
    case underApproval
    case signed
    case inForce
    case ended
    case terminated

    public var label: String {
        switch self {
        case .draft: "Projet"
        case .underApproval: "En cours d'approbation"
        case .signed: "Signée"
        case .inForce: "En vigueur"
        case .ended: "Échue"
        case .terminated: "Résiliée"
        }
    }

    /// The statuses a convention may move to from this one. A renewal keeps a convention in force
    /// (with a new end date); an expired or terminated convention stays so.
    public var next: [ConventionStatus] {
        switch self {
        case .draft: [.underApproval, .signed, .terminated]
        case .underApproval: [.draft, .signed, .terminated]
        case .signed: [.inForce, .terminated]
        case .inForce: [.ended, .terminated]
        case .ended, .terminated: []
        }
    }

    /// The status after a move to `target`, or the reason it is refused.
    public func moving(to target: ConventionStatus) throws(ConventionTransitionError) -> ConventionStatus {
        guard next.contains(target) else { throw ConventionTransitionError(from: self, to: target) }
        return target
    }
}

public struct ConventionTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public let from: ConventionStatus
    public let to: ConventionStatus

    public var description: String {
        let allowed = from.next.map { "« \($0.label) »" }
        return "Une convention « \(from.label) » ne peut pas passer à « \(to.label) » : "
            + (allowed.isEmpty ? "elle n'a plus d'étape possible." : "étapes possibles : \(allowed.joined(separator: ", ")).")
    }
}

public enum Renewal: String, CaseIterable, Codable, Sendable {
    case none
    case express
    case tacit

    public var label: String {
        switch self {
        case .none: "Sans reconduction"
        case .express: "Reconduction expresse"
        case .tacit: "Reconduction tacite"
        }
    }
}

/// What a member of an organisation may do in Pacte.
public enum MembershipRole: String, CaseIterable, Codable, Sendable {
    /// Manages the organisation's accounts and writes for it.
    case orgAdmin
    /// Writes for the organisation (conventions, actions, lines, shares).
    case agent
    /// Reads only (élu).
    case reader

    public var canWrite: Bool { self != .reader }

    public var label: String {
        switch self {
        case .orgAdmin: "Administrateur de l'organisation"
        case .agent: "Agent"
        case .reader: "Lecteur (élu)"
        }
    }
}

/// A period that must not end before it starts.
public struct DateRange: Hashable, Sendable {
    public let start: CivilDate?
    public let end: CivilDate?

    public init(start: CivilDate?, end: CivilDate?) throws(DateRangeError) {
        if let start, let end, end < start { throw DateRangeError(start: start, end: end) }
        self.start = start
        self.end = end
    }
}

public struct DateRangeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let start: CivilDate
    public let end: CivilDate
    public var description: String {
        "La date de fin (\(end)) précède la date de début (\(start))."
    }
}

/// A string enum whose decoding error is French and lists the accepted values.
public protocol FrenchCodedEnum: RawRepresentable<String>, CaseIterable, Codable {}

extension FrenchCodedEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            let allowed = Self.allCases.map { "« \($0.rawValue) »" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "valeur « \(text) » inconnue ; valeurs possibles : \(allowed).")
        }
        self = value
    }
}

extension OrganisationKind: FrenchCodedEnum {}
extension PartyRole: FrenchCodedEnum {}
extension ConventionStatus: FrenchCodedEnum {}
extension Renewal: FrenchCodedEnum {}
extension MembershipRole: FrenchCodedEnum {}
