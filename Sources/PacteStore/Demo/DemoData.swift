import Fluent
import Foundation
import PacteCore

/// The five source conventions as demo data: real parties, articles, actions, cost lines and financing,
/// plus demo accounts (marked `is_demo`) whose credentials the caller prints.
public enum DemoData {
    public static let files = ["000-sezanne", "001-sud-territoire", "002-ardennes", "003-dijon", "004-chaumont"]
    public static let emailDomain = "demo.pacte.fr"

    struct File: Decodable {
        struct Organisation: Decodable {
            var key: String
            var name: String
            var shortName: String?
            var kind: OrganisationKind
            var siren: Siren?
            var address: String?
            var population: Int64?
            var populationYear: Int?
            var people: [Person]
        }
        struct Person: Decodable { var name: String; var role: String? }
        struct Party: Decodable { var organisation: String; var roles: [PartyRole]; var representative: String?; var designation: String? }
        struct Article: Decodable { var number: String; var title: String?; var body: String }
        struct Axis: Decodable { var code: String; var title: String }
        struct Indicator: Decodable { var label: String; var target: String?; var unit: String?; var year: Int? }
        struct ActionDetail: Decodable {
            var axis: String?
            var context: String?
            var objectives: String?
            var content: String?
            var method: String?
            var `operator`: String?
            var calendar: String?
            var technicalPartners: String?
            var evaluation: String?
            var indicators: [Indicator]?
        }
        struct Confidential: Decodable { var title: String; var body: String; var source: String; var owner: String }
        struct Service: Decodable {
            var provider: String
            var name: String
            var description: String?
            var unitPrice: Money
            var taxRegime: TaxRegime
            var unit: ServiceUnit
        }

        var key: String
        var title: String
        var reference: String?
        var object: String?
        var status: ConventionStatus
        var signedOn: CivilDate?
        var startsOn: CivilDate?
        var endsOn: CivilDate?
        var durationMonths: Int?
        var renewal: Renewal?
        var noticeMonths: Int?
        var source: String?
        var organisations: [Organisation]
        var parties: [Party]
        var articles: [Article]
        var axes: [Axis]
        var plan: String
        var actions: [String: ActionDetail]
        var confidentialItems: [Confidential]
        /// The provider's service catalogue, as the convention prices it.
        var services: [Service]?
        struct Deliberation: Decodable {
            var organisation: String
            var body: DecidingBody
            var sessionDate: CivilDate
            var place: String?
            var convocationDate: CivilDate?
            var membersInOffice: Int
            var itemNumber: String
            var subject: String
            var rapporteur: String?
            var matterCode: String?
            var matterName: String?
            var actesID: ActesId?
            var transmittedOn: CivilDate?
            var vote: ItemVote
            var attendance: [Attendance]?
        }
        var deliberations: [Deliberation]?
    }

    public struct Account: Sendable, Equatable {
        public var email: String
        public var role: String
        public var organisation: String
        public var conventions: [String]
    }

    public struct Report: Sendable {
        public var conventions: [String] = []
        public var accounts: [Account] = []
        public var password: String = ""
        public var alreadyLoaded = false
    }

    static func resource(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "demo/\(name)", withExtension: nil) else {
            throw StoreError.notFound("Fichier de démonstration \(name)")
        }
        return try Data(contentsOf: url)
    }

    /// Loads the demo conventions once (a second call reports `alreadyLoaded`), in one transaction.
    /// `hash` turns the generated demo password into a stored hash.
    /// With `execution`, each convention also gets a year and a half of execution (`DemoExecution`),
    /// played after the conventions are written, through the same operations as the screens.
    public static func load(on db: any Database, password: String, hash: String, execution: Bool = false) async throws -> Report {
        let report = try await loadConventions(on: db, password: password, hash: hash)
        if execution { try await DemoExecution.play(on: db) }
        return report
    }

    static func loadConventions(on db: any Database, password: String, hash: String) async throws -> Report {
        if try await ConventionModel.query(on: db).filter(\.$isDemo == true).count() > 0 {
            var report = Report()
            report.alreadyLoaded = true
            report.accounts = try await existingAccounts(on: db)
            return report
        }
        let files = try Self.files.map { try JSONDecoder().decode(File.self, from: resource("\($0).json")) }
        return try await Store.write(on: db) { tx in
            var report = Report()
            report.password = password
            let actor = Actor.system
            var organisationsBySIREN: [String: UUID] = [:]
            var organisationsByName: [String: UUID] = [:]
            var accountsByOrganisation: [UUID: Int] = [:]

            let admin = UserModel(id: UUID(), email: "admin@\(emailDomain)", displayName: "Administrateur (démo)", passwordHash: hash, isPlatformAdmin: true, isDemo: true)
            try await admin.create(on: tx)
            report.accounts.append(Account(email: admin.email, role: "administrateur de la plateforme", organisation: "—", conventions: ["toutes"]))

            for file in files {
                var keys: [String: UUID] = [:]
                var people: [String: UUID] = [:]
                for org in file.organisations {
                    let existing = org.siren.flatMap { organisationsBySIREN[$0.digits] } ?? organisationsByName[org.name]
                    let id: UUID
                    if let existing {
                        id = existing
                    } else {
                        let model = OrganisationModel(id: UUID(), name: org.name, shortName: org.shortName, kind: org.kind, siren: org.siren,
                                                      address: org.address, population: org.population, populationYear: org.populationYear, isDemo: true)
                        model.departementCode = try await departement(name: org.name, siren: org.siren, on: tx)
                        try await Audited.create(model, "organisation", conventionID: nil, actor: actor, on: tx)
                        id = model.id!
                        if let siren = org.siren { organisationsBySIREN[siren.digits] = id }
                        organisationsByName[org.name] = id
                    }
                    keys[org.key] = id
                    for person in org.people {
                        let model = PersonModel(id: UUID(), organisationID: id, name: person.name, function: person.role)
                        try await Audited.create(model, "person", conventionID: nil, actor: actor, on: tx)
                        people[person.name] = model.id!
                    }
                }
                func organisation(_ key: String) throws -> UUID {
                    guard let id = keys[key] else { throw StoreError.corrupt("démo \(file.key) : organisation « \(key) » inconnue") }
                    return id
                }

                for service in file.services ?? [] {
                    let model = ServiceModel(id: UUID(), providerID: try organisation(service.provider), name: service.name, details: service.description,
                                             unitPrice: service.unitPrice, taxRegime: service.taxRegime, unit: service.unit, isDemo: true)
                    try await Audited.create(model, "service", conventionID: nil, actor: actor, on: tx)
                }

                let plan = try PlanFile.decode(try resource(file.plan))
                let convention = ConventionModel(id: UUID(), title: file.title, status: file.status, taxRegime: plan.regime, vatRate: plan.vat, isDemo: true)
                convention.reference = file.reference
                convention.object = file.object
                convention.signedOn = file.signedOn
                convention.startsOn = file.startsOn
                convention.endsOn = file.endsOn
                convention.durationMonths = file.durationMonths
                convention.renewal = file.renewal
                convention.noticeMonths = file.noticeMonths
                convention.source = file.source
                convention.dayRate = plan.referenceDayRate
                convention.notes = plan.notes
                let conventionID = convention.id!
                try await Audited.create(convention, "convention", conventionID: conventionID, actor: actor, on: tx)
                report.conventions.append(file.title)

                for party in file.parties {
                    let model = ConventionPartyModel(id: UUID(), conventionID: conventionID, organisationID: try organisation(party.organisation),
                                                     roles: party.roles, representativeID: party.representative.flatMap { people[$0] },
                                                     designation: party.designation)
                    try await Audited.create(model, "party", conventionID: conventionID, actor: actor, on: tx)
                }
                for (index, article) in file.articles.enumerated() {
                    let model = ArticleModel(id: UUID(), conventionID: conventionID, position: index + 1, number: article.number, title: article.title, body: article.body)
                    try await Audited.create(model, "article", conventionID: conventionID, actor: actor, on: tx)
                }
                var axes: [String: UUID] = [:]
                for (index, axis) in file.axes.enumerated() {
                    let model = AxisModel(id: UUID(), conventionID: conventionID, position: index + 1, code: axis.code, title: axis.title)
                    try await Audited.create(model, "axis", conventionID: conventionID, actor: actor, on: tx)
                    axes[axis.code] = model.id!
                }
                // Plan funder ids are the organisation keys of the demo file.
                let funder: (FunderID) throws -> UUID = { try organisation($0.rawValue) }
                for (index, planned) in plan.actions.enumerated() {
                    let detail = file.actions[planned.code]
                    let action = try await PlanMapping.store(planned, position: index + 1, conventionID: conventionID, funder: funder,
                                                             actor: actor, on: tx) { action in
                        action.$axis.id = (detail?.axis ?? planned.axis).flatMap { axes[$0] }
                        action.context = detail?.context
                        action.objectives = detail?.objectives
                        action.content = detail?.content
                        action.method = detail?.method
                        action.$operator.id = try detail?.operator.map(organisation)
                        action.calendar = detail?.calendar
                        action.technicalPartners = detail?.technicalPartners
                        action.evaluation = detail?.evaluation
                    }
                    let actionID = try action.requireID()
                    for (position, indicator) in (detail?.indicators ?? []).enumerated() {
                        let model = IndicatorModel(id: UUID(), actionID: actionID, position: position + 1, label: indicator.label)
                        model.unit = indicator.unit
                        if var target = indicator.target {
                            // « 60 % » is a target of 60 in percent.
                            if target.hasSuffix("%") {
                                target = String(target.dropLast()).trimmingCharacters(in: .whitespaces)
                                model.unit = "%" + (indicator.unit.map { " " + $0 } ?? "")
                            }
                            model.targetText = StoredFraction.text(try Quantity.parse(target).value)
                        }
                        model.year = indicator.year
                        try await Audited.create(model, "indicator", conventionID: conventionID, actor: actor, on: tx)
                    }
                }
                for item in file.deliberations ?? [] {
                    let model = DeliberationModel(id: UUID(), organisationID: try organisation(item.organisation), conventionID: conventionID,
                                                  body: item.body, sessionDate: item.sessionDate, membersInOffice: item.membersInOffice,
                                                  itemNumber: item.itemNumber, subject: item.subject, vote: item.vote,
                                                  attendance: item.attendance ?? [], isDemo: true)
                    model.place = item.place; model.convocationDate = item.convocationDate; model.rapporteur = item.rapporteur
                    model.matterCode = item.matterCode; model.matterName = item.matterName; model.actesID = item.actesID
                    model.transmittedOn = item.transmittedOn
                    try await Audited.create(model, "deliberation", conventionID: conventionID, actor: actor, on: tx)
                }
                for item in file.confidentialItems {
                    let model = ConfidentialItemModel(id: UUID(), conventionID: conventionID, ownerID: try organisation(item.owner),
                                                      title: item.title, body: item.body, source: item.source)
                    try await Audited.create(model, "confidential-item", conventionID: conventionID, actor: actor, on: tx)
                }

                // The text as the source document gives it is the initial version: avenants compare against it.
                _ = try await ConventionVersions.record(convention, summary: "Texte du document source", approval: nil, approvedOn: nil,
                                                        signedOn: file.signedOn, actor: actor, inside: tx)

                // One agent per signatory organisation, and one reader (élu) for the first signatory.
                for (index, party) in file.parties.enumerated() where party.roles.contains(.signatory) {
                    let orgID = try organisation(party.organisation)
                    let name = file.organisations.first { $0.key == party.organisation }?.name ?? party.organisation
                    if accountsByOrganisation[orgID] == nil {
                        accountsByOrganisation[orgID] = report.accounts.count
                        try await makeAccount(prefix: "agent", key: "\(file.key).\(party.organisation)", orgID: orgID, orgName: name,
                                              role: .agent, hash: hash, on: tx, report: &report)
                        if index == 0 {
                            try await makeAccount(prefix: "elu", key: "\(file.key).\(party.organisation)", orgID: orgID, orgName: name,
                                                  role: .reader, hash: hash, on: tx, report: &report)
                        }
                    }
                }
            }
            return report
        }
    }

    static func makeAccount(prefix: String, key: String, orgID: UUID, orgName: String, role: MembershipRole, hash: String,
                            on db: any Database, report: inout Report) async throws {
        let email = "\(prefix).\(key)@\(emailDomain)".lowercased()
        let user = UserModel(id: UUID(), email: email, displayName: "\(role.label) — \(orgName) (démo)", passwordHash: hash, isDemo: true)
        try await user.create(on: db)
        try await MembershipModel(userID: user.id!, organisationID: orgID, role: role).create(on: db)
        report.accounts.append(Account(email: email, role: role.label, organisation: orgName, conventions: []))
    }

    static func existingAccounts(on db: any Database) async throws -> [Account] {
        try await UserModel.query(on: db).filter(\.$isDemo == true).with(\.$memberships) { $0.with(\.$organisation) }.sort(\.$email).all()
            .map { user in
                Account(email: user.email, role: user.isPlatformAdmin ? "administrateur de la plateforme" : (user.memberships.first?.role.label ?? ""),
                        organisation: user.memberships.first?.organisation.name ?? "—", conventions: [])
            }
    }
}
