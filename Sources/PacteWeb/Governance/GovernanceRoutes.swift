import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct FindingOut: Content, Sendable {
    public var severity: String
    public var code: String
    public var message: String
    public var stated: String?
    public var computed: String?
    public var location: String?

    init(_ f: Finding) {
        severity = f.severity.rawValue; code = f.code.rawValue; message = f.message; stated = f.stated; computed = f.computed; location = f.location
    }
}

public struct DeliberationOutcomeOut: Content, Sendable {
    public var regime: String
    public var regimeName: String
    public var quorumRequired: Int
    public var quorumMet: Bool
    public var votesCast: Int
    /// `adopted`, `rejected` or `invalid` (quorum not met).
    public var verdict: String
    public var verdictLabel: String
    public var decidedByChair: Bool
    public var findings: [FindingOut]

    init(_ o: DeliberationOutcome) {
        regime = o.regime.id; regimeName = o.regime.name; quorumRequired = o.quorumRequired; quorumMet = o.quorumMet; votesCast = o.votesCast
        verdict = o.verdict.rawValue; verdictLabel = o.verdict.label; decidedByChair = o.decidedByChair; findings = o.findings.map(FindingOut.init)
    }
}

public struct DeliberationOut: Documented {
    public var id: UUID
    public var conventionID: UUID?
    public var organisationID: UUID
    public var body: DecidingBody
    public var sessionDate: CivilDate
    public var place: String?
    public var convocationDate: CivilDate?
    public var membersInOffice: Int
    public var itemNumber: String
    public var subject: String
    public var rapporteur: String?
    public var matterCode: String?
    public var matterName: String?
    public var actesID: String?
    public var transmittedOn: CivilDate?
    public var vote: ItemVote
    public var attendance: [Attendance]
    public var outcome: DeliberationOutcomeOut

    init(_ m: DeliberationModel) throws {
        id = try m.requireID(); conventionID = m.$convention.id; organisationID = m.$organisation.id; body = m.body; sessionDate = m.sessionDate
        place = m.place; convocationDate = m.convocationDate; membersInOffice = m.membersInOffice; itemNumber = m.itemNumber; subject = m.subject
        rapporteur = m.rapporteur; matterCode = m.matterCode; matterName = m.matterName; actesID = m.actesID?.description
        transmittedOn = m.transmittedOn; vote = m.vote; attendance = m.attendance; outcome = DeliberationOutcomeOut(m.outcome)
    }

    public static var example: DeliberationOut {
        let m = DeliberationModel(id: exampleID, organisationID: exampleID, conventionID: exampleID, body: .council,
                                  sessionDate: try! CivilDate(year: 2020, month: 12, day: 17), membersInOffice: 122, itemNumber: "DC2020/114",
                                  subject: "Approbation de la convention de partenariat",
                                  vote: ItemVote(present: 81, represented: 19, votants: 100, votesFor: 82, votesAgainst: 8, abstentions: 10))
        m.actesID = try? ActesId("008-240800920-20201217-DC2020_114-DE")
        return try! DeliberationOut(m)
    }
}

public struct DeliberationIn: Documented {
    /// The deciding authority: a party of the convention.
    public var organisationID: UUID
    public var body: DecidingBody?
    public var sessionDate: CivilDate
    public var place: String?
    public var convocationDate: CivilDate?
    public var membersInOffice: Int
    public var itemNumber: String
    public var subject: String
    public var rapporteur: String?
    public var matterCode: String?
    public var matterName: String?
    /// The département code on three characters (`008`), to generate the @CTES identifier.
    public var departement: String?
    /// The act number for @CTES; by default the item number with `/`, `-` and `.` made `_`.
    public var actNumber: String?
    public var transmittedOn: CivilDate?
    public var vote: ItemVote
    public var attendance: [Attendance]?

    public static var example: DeliberationIn {
        DeliberationIn(organisationID: exampleID, body: .council, sessionDate: try! CivilDate(year: 2020, month: 12, day: 17), place: "Vouziers",
                       convocationDate: try! CivilDate(year: 2020, month: 12, day: 10), membersInOffice: 122, itemNumber: "DC2020/114",
                       subject: "Approbation de la convention de partenariat", rapporteur: nil, matterCode: "7.5", matterName: "Subventions",
                       departement: "008", actNumber: nil, transmittedOn: nil,
                       vote: ItemVote(present: 81, represented: 19, votants: 100, votesFor: 82, votesAgainst: 8, abstentions: 10), attendance: nil)
    }
}

public struct ConventionEventOut: Documented {
    public var id: UUID
    public var kind: String
    public var kindLabel: String
    public var fromStatus: ConventionStatus?
    public var toStatus: ConventionStatus?
    public var onDate: CivilDate
    public var effectiveOn: CivilDate?
    public var noticeMonths: Int?
    public var organisationID: UUID?
    public var reason: String?

    init(_ m: ConventionEventModel) throws {
        id = try m.requireID(); kind = m.kind; kindLabel = ConventionLife.EventKind(rawValue: m.kind)?.label ?? m.kind
        fromStatus = m.fromStatus; toStatus = m.toStatus; onDate = m.onDate; effectiveOn = m.effectiveOn; noticeMonths = m.noticeMonths
        organisationID = m.organisationID; reason = m.reason
    }

    public static var example: ConventionEventOut {
        try! ConventionEventOut(ConventionEventModel(id: exampleID, conventionID: exampleID, kind: "withdrawal", from: nil, to: nil,
                                                     on: try! CivilDate(year: 2021, month: 10, day: 15),
                                                     effectiveOn: try! CivilDate(year: 2021, month: 12, day: 15), noticeMonths: 2,
                                                     organisationID: exampleID, reason: "retrait notifié aux partenaires"))
    }
}

public struct SignatureIn: Documented {
    public var date: CivilDate
    public static var example: SignatureIn { SignatureIn(date: try! CivilDate(year: 2020, month: 11, day: 27)) }
}

public struct StatusMoveIn: Documented {
    public var status: ConventionStatus
    public var date: CivilDate?
    public var reason: String?
    public static var example: StatusMoveIn { StatusMoveIn(status: .signed, date: try! CivilDate(year: 2020, month: 11, day: 27), reason: nil) }
}

public struct RenewalIn: Documented {
    public var endsOn: CivilDate
    public var date: CivilDate?
    public var reason: String?
    public static var example: RenewalIn { RenewalIn(endsOn: try! CivilDate(year: 2022, month: 12, day: 31), date: nil, reason: "reconduction expresse") }
}

public struct EndingIn: Documented {
    /// `mutualAgreement` or `breach`.
    public var kind: ConventionEnding.Kind
    /// The day of the agreement, of the formal notice or of the notification.
    public var notifiedOn: CivilDate
    /// Notice period in months; by default the convention's (`noticeMonths`) for a breach or a withdrawal.
    public var noticeMonths: Int?
    /// The day chosen (agreement), or a later day than the notice's end (withdrawal).
    public var requestedOn: CivilDate?
    /// The partner that withdraws (withdrawals only).
    public var organisationID: UUID?
    public var reason: String?

    public static var example: EndingIn {
        EndingIn(kind: .breach, notifiedOn: try! CivilDate(year: 2021, month: 1, day: 31), noticeMonths: 3, requestedOn: nil, organisationID: nil,
                 reason: "engagements non tenus")
    }
}


public struct VersionOut: Documented {
    public var id: UUID
    public var number: Int
    public var label: String
    public var summary: String?
    public var approval: String?
    public var approvedOn: CivilDate?
    public var signedOn: CivilDate?
    public var facts: [VersionFact]

    init(_ m: ConventionVersionModel) throws {
        id = try m.requireID(); number = m.number; label = m.label; summary = m.summary; approval = m.approval
        approvedOn = m.approvedOn; signedOn = m.signedOn; facts = m.facts
    }

    public static var example: VersionOut {
        let m = ConventionVersionModel(id: exampleID, conventionID: exampleID, number: 1, summary: "Prix du parcours digital porté à 6 500 € HT",
                                       facts: [VersionFact("Action 2.c Parcours digital › Ligne Parcours", "5 × 6 500,00 € HT")])
        m.approval = "Délibération n° 2021-12 du conseil municipal"
        return try! VersionOut(m)
    }
}

public struct VersionIn: Documented {
    public var summary: String?
    public var approval: String?
    public var approvedOn: CivilDate?
    public var signedOn: CivilDate?
    public static var example: VersionIn {
        VersionIn(summary: "Prix du parcours digital porté à 6 500 € HT", approval: "Délibération n° 2021-12", approvedOn: nil, signedOn: nil)
    }
}

public struct VersionChangeOut: Content, Sendable {
    /// `added`, `removed` or `changed`.
    public var kind: String
    public var key: String
    public var before: String?
    public var after: String?
}

public struct VersionDiffOut: Documented {
    public var from: String
    public var to: String
    public var changes: [VersionChangeOut]

    public static var example: VersionDiffOut {
        VersionDiffOut(from: "Convention initiale", to: "Avenant n° 1", changes: [
            VersionChangeOut(kind: "changed", key: "Action 2.c Parcours digital › Ligne Parcours", before: "5 × 6 000,00 € HT", after: "5 × 6 500,00 € HT"),
        ])
    }
}

/// A convention's life and governance: its history, status moves, renewal, ending, withdrawals, and
/// the deliberations of the parties' deciding bodies with their assessment.
enum GovernanceRoutes {
    static func register(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID"]
        api.on(.GET, base + ["history"], summary: "Histoire de la convention (étapes, reconductions, fin, retraits)", tag: "Gouvernance",
               response: [ConventionEventOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await ConventionLife.history(of: try convention.requireID(), on: req.db).map(ConventionEventOut.init)
        }
        api.on(.POST, base + ["status"], summary: "Faire passer la convention à l'étape suivante (409 si l'étape n'est pas possible)", tag: "Gouvernance",
               request: StatusMoveIn.example, response: [ConventionEventOut.example]) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(StatusMoveIn.self)
            try await ConventionLife.move(convention, to: input.status, on: input.date ?? .today(), reason: input.reason,
                                          actor: try req.requirePrincipal().actor, db: req.db)
            return try await ConventionLife.history(of: try convention.requireID(), on: req.db).map(ConventionEventOut.init)
        }
        api.on(.POST, base + ["parties", ":partyID", "signature"], summary: "Enregistrer la signature d'une partie signataire (la dernière rend la convention signée)",
               tag: "Gouvernance", request: SignatureIn.example, response: [ConventionEventOut.example]) { req in
            let convention = try await Access.writableConvention(req)
            let party = try await ConventionRoutes.findParty(req, convention)
            try await ConventionLife.sign(convention, party: party, on: try req.content.decode(SignatureIn.self).date,
                                          actor: try req.requirePrincipal().actor, db: req.db)
            return try await ConventionLife.history(of: try convention.requireID(), on: req.db).map(ConventionEventOut.init)
        }
        api.on(.POST, base + ["renewal"], summary: "Reconduire une convention en vigueur jusqu'à une nouvelle échéance", tag: "Gouvernance",
               request: RenewalIn.example, response: [ConventionEventOut.example]) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(RenewalIn.self)
            try await ConventionLife.renew(convention, until: input.endsOn, on: input.date ?? .today(), reason: input.reason,
                                           actor: try req.requirePrincipal().actor, db: req.db)
            return try await ConventionLife.history(of: try convention.requireID(), on: req.db).map(ConventionEventOut.init)
        }
        api.on(.POST, base + ["ending"], summary: "Mettre fin à la convention (commun accord ou manquement) ou retirer un partenaire", tag: "Gouvernance",
               request: EndingIn.example, response: ConventionEventOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            return try ConventionEventOut(try await end(req, convention, try req.content.decode(EndingIn.self)))
        }
        api.on(.GET, base + ["versions"], summary: "Versions de la convention (texte initial, avenants)", tag: "Gouvernance",
               response: [VersionOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await ConventionVersions.all(of: try convention.requireID(), on: req.db).map(VersionOut.init)
        }
        api.on(.POST, base + ["versions"], summary: "Figer la convention telle qu'elle est : texte initial, puis avenant n° k", tag: "Gouvernance",
               request: VersionIn.example, response: VersionOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(VersionIn.self)
            return try VersionOut(try await ConventionVersions.record(convention, summary: input.summary, approval: input.approval,
                                                                      approvedOn: input.approvedOn, signedOn: input.signedOn,
                                                                      actor: try req.requirePrincipal().actor, db: req.db))
        }
        api.on(.GET, base + ["versions", "diff"], summary: "Différence entre deux versions (from, to : numéros ; to=current pour l'état actuel)",
               tag: "Gouvernance", response: VersionDiffOut.example) { req in
            let convention = try await Access.convention(req)
            return try await diff(req, convention, from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"])
        }
        api.on(.GET, base + ["deliberations"], summary: "Délibérations des parties sur la convention, avec quorum, majorité et constats",
               tag: "Gouvernance", response: [DeliberationOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await DeliberationModel.query(on: req.db).filter(\.$convention.$id == convention.requireID())
                .sort(\.$sessionDate).all().map(DeliberationOut.init)
        }
        api.on(.POST, base + ["deliberations"], summary: "Inscrire une délibération (extrait du registre)", tag: "Gouvernance",
               request: DeliberationIn.example, response: DeliberationOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            return try DeliberationOut(try await createDeliberation(req, convention, try req.content.decode(DeliberationIn.self)))
        }
    }

    /// Ends the convention or withdraws a partner; shared by the API and the form.
    static func end(_ req: Request, _ convention: ConventionModel, _ input: EndingIn) async throws -> ConventionEventModel {
        let actor = try req.requirePrincipal().actor
        let months = input.noticeMonths ?? (input.kind == .mutualAgreement ? nil : convention.noticeMonths)
        if let months, !(0...120).contains(months) { throw Problem.invalid("noticeMonths", "Préavis entre 0 et 120 mois.") }
        if input.kind == .mutualAgreement, input.requestedOn == nil {
            throw Problem.invalid("requestedOn", "Indiquez la date de fin convenue entre les parties.")
        }
        let ending = ConventionEnding(kind: input.kind, notifiedOn: input.notifiedOn, notice: months.map(NoticePeriod.months), requestedOn: input.requestedOn)
        if input.kind == .withdrawal {
            let organisation = try required(input.organisationID, "organisationID")
            return try await ConventionLife.withdraw(convention, organisation: organisation, ending, reason: input.reason, actor: actor, db: req.db)
        }
        return try await ConventionLife.end(convention, ending, reason: input.reason, actor: actor, db: req.db)
    }

    /// Two versions of a convention fact by fact; `to` may be `current`, the convention as it stands.
    static func diff(_ req: Request, _ convention: ConventionModel, from: String?, to: String?) async throws -> VersionDiffOut {
        let versions = try await ConventionVersions.all(of: try convention.requireID(), on: req.db)
        func pick(_ text: String?, _ name: String, fallback: ConventionVersionModel?) throws -> ConventionVersionModel? {
            guard let text, !text.isEmpty else { return fallback }
            guard let number = Int(text), let found = versions.first(where: { $0.number == number }) else {
                throw Problem.invalid(name, "Version inconnue : « \(text) » (numéros \(versions.map { String($0.number) }.joined(separator: ", "))).")
            }
            return found
        }
        let current = to == "current"
        guard let old = try pick(from, "from", fallback: versions.count > 1 && !current ? versions[versions.count - 2] : versions.last) else {
            throw Problem.invalid("from", "Aucune version n'est encore enregistrée pour cette convention.")
        }
        let newFacts: [VersionFact]
        let newLabel: String
        if current {
            newFacts = try await ConventionVersions.facts(of: convention, on: req.db)
            newLabel = "État actuel"
        } else {
            let new = try pick(to, "to", fallback: versions.last) ?? old
            newFacts = new.facts
            newLabel = new.label
        }
        let changes = VersionDiff.compare(old.facts, newFacts).map {
            VersionChangeOut(kind: $0.kind.rawValue, key: $0.key, before: $0.before, after: $0.after)
        }
        return VersionDiffOut(from: old.label, to: newLabel, changes: changes)
    }

    /// The @CTES act number a register's item number gives: capitals, digits and `_`.
    static func actNumber(from itemNumber: String) -> String {
        String(itemNumber.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }.prefix(15))
    }

    static func createDeliberation(_ req: Request, _ convention: ConventionModel, _ input: DeliberationIn) async throws -> DeliberationModel {
        let conventionID = try convention.requireID()
        guard try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == conventionID)
            .filter(\.$organisation.$id == input.organisationID).count() > 0,
              let organisation = try await OrganisationModel.find(input.organisationID, on: req.db) else {
            throw Problem.invalid("organisationID", "L'autorité qui délibère est une partie de la convention.")
        }
        guard input.membersInOffice > 0 else { throw Problem.invalid("membersInOffice", "Indiquez le nombre de membres en exercice.") }
        let vote = input.vote
        for (field, value) in [("present", vote.present), ("votesFor", vote.votesFor), ("votesAgainst", vote.votesAgainst),
                               ("abstentions", vote.abstentions), ("notTakingPart", vote.notTakingPart)] where value < 0 {
            throw Problem.invalid(field, "Un décompte ne peut pas être négatif.")
        }
        if let convocation = input.convocationDate, convocation > input.sessionDate {
            throw Problem.invalid("convocationDate", "La convocation (\(FrenchFormat.date(convocation))) suit la séance (\(FrenchFormat.date(input.sessionDate))).")
        }
        var actesID: ActesId?
        if let departement = input.departement?.trimmingCharacters(in: .whitespaces), !departement.isEmpty {
            guard let siren = organisation.siren else {
                throw Problem.invalid("departement", "L'identifiant @CTES a besoin du SIREN de \(organisation.name), absent de l'annuaire.")
            }
            let number = input.actNumber.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? actNumber(from: input.itemNumber)
            do throws(IdentifierError) {
                actesID = try ActesId(departement: departement.count < 3 ? String(repeating: "0", count: 3 - departement.count) + departement : departement,
                                      siren: siren, decisionDate: input.sessionDate, actNumber: number, nature: .deliberation)
            } catch {
                throw Problem.invalid(input.actNumber == nil ? "departement" : "actNumber", "Identifiant @CTES impossible : \(error.description)")
            }
        }
        let model = DeliberationModel(id: UUID(), organisationID: input.organisationID, conventionID: conventionID, body: input.body ?? .council,
                                      sessionDate: input.sessionDate, membersInOffice: input.membersInOffice,
                                      itemNumber: try publishable(try required(input.itemNumber, "itemNumber"), "itemNumber", label: "Numéro de la délibération"),
                                      subject: try publishable(try required(input.subject, "subject"), "subject", label: "Objet"),
                                      vote: vote, attendance: input.attendance ?? [])
        model.place = input.place; model.convocationDate = input.convocationDate; model.rapporteur = input.rapporteur
        model.matterCode = try input.matterCode.map { try publishable($0, "matterCode", label: "Matière @CTES (code)") }
        model.matterName = try input.matterName.map { try publishable($0, "matterName", label: "Matière @CTES (libellé)") }
        model.actesID = actesID; model.transmittedOn = input.transmittedOn
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "deliberation", conventionID: conventionID, actor: actor, on: tx)
        }
        return model
    }
}
