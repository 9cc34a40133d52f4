import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct EstablishmentOut: Content, Sendable {
    public var id: UUID
    public var siret: Siret
    public var address: String?
    public var communeCode: String?
    public var isHeadOffice: Bool
}

public struct CompanyOut: Documented {
    public var id: UUID
    public var siren: Siren
    public var name: String
    public var naf: NafCode?
    public var nafLabel: String?
    public var workforceBand: WorkforceBand?
    public var workforceBandLabel: String?
    public var address: String?
    public var communeCode: String?
    public var contactName: String?
    public var contactEmail: String?
    public var contactPhone: String?
    /// Companies sharing this id form one single undertaking (de minimis).
    public var undertakingID: UUID
    public var establishments: [EstablishmentOut]

    init(_ m: CompanyModel, establishments: [EstablishmentModel]) throws {
        id = try m.requireID(); siren = m.siren; name = m.name; naf = m.naf; nafLabel = m.naf?.label
        workforceBand = m.workforceBand; workforceBandLabel = m.workforceBand?.label; address = m.address; communeCode = m.communeCode
        contactName = m.contactName; contactEmail = m.contactEmail; contactPhone = m.contactPhone; undertakingID = m.undertakingID
        self.establishments = try establishments.map {
            EstablishmentOut(id: try $0.requireID(), siret: $0.siret, address: $0.address, communeCode: $0.communeCode, isHeadOffice: $0.isHeadOffice)
        }
    }

    public static var example: CompanyOut {
        let m = CompanyModel(id: exampleID, siren: try! Siren("356000000"), name: "La Poste")
        m.naf = try? NafCode("53.10Z"); m.workforceBand = try? WorkforceBand("53")
        return try! CompanyOut(m, establishments: [EstablishmentModel(id: exampleID, companyID: exampleID, siret: try! Siret("35600000000048"), isHeadOffice: true)])
    }
}

public struct CompanyIn: Documented {
    /// The SIRET of the establishment served; the SIREN is read from it.
    public var siret: Siret?
    public var siren: Siren?
    public var name: String?
    public var naf: NafCode?
    public var workforceBand: WorkforceBand?
    public var address: String?
    public var communeCode: String?
    public var contactName: String?
    public var contactEmail: String?
    public var contactPhone: String?

    public static var example: CompanyIn {
        CompanyIn(siret: try? Siret("35600000000048"), siren: nil, name: "La Poste", naf: try? NafCode("53.10Z"), workforceBand: try? WorkforceBand("53"),
                  address: "9 rue du Colonel Pierre Avia, 75015 Paris", communeCode: "75115", contactName: nil, contactEmail: nil, contactPhone: nil)
    }

    func apply(to m: CompanyModel) throws {
        if let name { m.name = try required(name, "name") }
        if let naf { m.naf = naf }
        if let workforceBand { m.workforceBand = workforceBand }
        if let address { m.address = address }
        if let communeCode { m.communeCode = try Self.commune(communeCode) }
        if let contactName { m.contactName = contactName }
        if let contactEmail { m.contactEmail = contactEmail }
        if let contactPhone { m.contactPhone = contactPhone }
    }

    /// An INSEE commune code: five characters, the first two a département (`2A`/`2B` for Corsica).
    static func commune(_ text: String) throws -> String {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        let head = code.prefix(2)
        guard code.count == 5, code.dropFirst(2).allSatisfy(\.isNumber), head.allSatisfy(\.isNumber) || head == "2A" || head == "2B" else {
            throw Problem.invalid("communeCode", "Code commune INSEE invalide : « \(text) » (cinq caractères, par exemple 51535).")
        }
        return code
    }
}

public struct EstablishmentIn: Documented {
    public var siret: Siret
    public var address: String?
    public var communeCode: String?
    public var isHeadOffice: Bool?

    public static var example: EstablishmentIn { EstablishmentIn(siret: try! Siret("35600000000048"), address: nil, communeCode: "75115", isHeadOffice: true) }
}

public struct UndertakingLinkIn: Documented {
    /// Another company that forms one single undertaking with this one.
    public var companyID: UUID
    public static var example: UndertakingLinkIn { UndertakingLinkIn(companyID: exampleID) }
}

public struct DeMinimisGrantOut: Content, Sendable {
    public var id: UUID
    public var companyID: UUID
    public var grantedOn: CivilDate
    public var amount: String
    public var grantor: String
    public var regulation: DeMinimisRegulation
    public var overrideReason: String?

    init(_ m: DeMinimisGrantModel) throws {
        id = try m.requireID(); companyID = m.$company.id; grantedOn = m.grantedOn; amount = Money(cents: m.amountCents).decimalString
        grantor = m.grantor; regulation = m.regulation; overrideReason = m.overrideReason
    }
}

public struct DeMinimisAssessmentOut: Content, Sendable {
    public var regulation: DeMinimisRegulation
    public var windowStart: CivilDate
    public var windowEnd: CivilDate
    public var received: String
    public var requested: String
    public var ceiling: String
    public var room: String
    /// `within`, `nearCeiling` (past the warning threshold) or `overCeiling`.
    public var verdict: String
    public var message: String

    init(_ a: DeMinimisAssessment) {
        regulation = a.regulation; windowStart = a.window.lowerBound; windowEnd = a.window.upperBound
        received = a.received.decimalString; requested = a.requested.decimalString; ceiling = a.ceiling.decimalString
        room = a.room.decimalString; message = a.message
        verdict = switch a.verdict { case .within: "within"; case .nearCeiling: "nearCeiling"; case .overCeiling: "overCeiling" }
    }
}

public struct DeMinimisLedgerOut: Documented {
    /// The companies of the single undertaking, whose aid is summed.
    public var undertaking: [UUID]
    public var grants: [DeMinimisGrantOut]
    public var assessment: DeMinimisAssessmentOut

    public static var example: DeMinimisLedgerOut {
        let date = try! CivilDate(year: 2025, month: 2, day: 1)
        let ledger = DeMinimisLedger(grants: [DeMinimisGrant(grantedOn: try! CivilDate(year: 2023, month: 6, day: 1), amount: Money(cents: 40_000_00), grantor: "Département")])
        return DeMinimisLedgerOut(undertaking: [exampleID], grants: [], assessment: DeMinimisAssessmentOut(try! ledger.assess(Money(cents: 10_000_00), on: date)))
    }
}

public struct DeMinimisGrantIn: Documented {
    public var grantedOn: CivilDate
    public var amount: AmountInput
    public var grantor: String
    /// Past the ceiling, a platform administrator may record the grant anyway, with a reason (audited).
    public var overrideReason: String?

    public static var example: DeMinimisGrantIn {
        DeMinimisGrantIn(grantedOn: try! CivilDate(year: 2025, month: 2, day: 1), amount: AmountInput(Money(cents: 1_200_00)), grantor: "CCST", overrideReason: nil)
    }
}

public struct DeMinimisGrantCreatedOut: Documented {
    public var grant: DeMinimisGrantOut
    public var assessment: DeMinimisAssessmentOut
    public static var example: DeMinimisGrantCreatedOut {
        let m = DeMinimisGrantModel(id: exampleID, companyID: exampleID, grant: DeMinimisGrant(grantedOn: try! CivilDate(year: 2025, month: 2, day: 1),
                                    amount: Money(cents: 1_200_00), grantor: "CCST"), regulation: .eu2023_2831)
        return DeMinimisGrantCreatedOut(grant: try! DeMinimisGrantOut(m), assessment: DeMinimisLedgerOut.example.assessment)
    }
}

/// Companies (beneficiaries), their establishments and the single undertakings they form.
/// Read by every signed-in user; written by agents and administrators.
enum CompanyRoutes {
    static func writer(_ req: Request) throws -> Principal {
        let principal = try req.requirePrincipal()
        guard principal.canWriteSomewhere else { throw Problem.readOnly }
        return principal
    }

    static func company(_ req: Request) async throws -> CompanyModel {
        let id = try Access.uuid(req, "companyID", "Entreprise")
        guard let found = try await CompanyModel.find(id, on: req.db) else { throw Problem.notFound("Entreprise") }
        return found
    }

    /// A commune code must name a commune of the COG once the reference data is loaded.
    static func checkCommune(_ code: String?, on db: any Database) async throws {
        guard let code, try await ReferenceData.hasCommunes(on: db) else { return }
        let normalised = try CompanyIn.commune(code)
        guard try await ReferenceData.commune(normalised, on: db) != nil else {
            throw Problem.invalid("communeCode", "Commune inconnue du code officiel géographique : « \(code) ».")
        }
    }

    /// Registers a company and the establishment of its SIRET; shared by the API and the form.
    static func create(_ req: Request, _ input: CompanyIn) async throws -> CompanyModel {
        let principal = try writer(req)
        guard let siren = input.siret?.siren ?? input.siren else {
            throw Problem.invalid("siret", "Indiquez le SIRET de l'établissement (ou au moins le SIREN de l'entreprise).")
        }
        if let given = input.siren, let fromSiret = input.siret?.siren, given != fromSiret {
            throw Problem.invalid("siren", "Le SIREN \(given) ne correspond pas au SIRET \(input.siret!) (SIREN \(fromSiret)).")
        }
        if try await CompanyModel.query(on: req.db).filter(\.$siren == siren).count() > 0 {
            throw Problem(.conflict, "L'entreprise de SIREN \(siren) est déjà enregistrée.", field: input.siret == nil ? "siren" : "siret")
        }
        try await checkCommune(input.communeCode, on: req.db)
        let model = CompanyModel(siren: siren, name: try required(input.name, "name"))
        try input.apply(to: model)
        let establishment = input.siret.map {
            EstablishmentModel(id: UUID(), companyID: model.id!, siret: $0, address: input.address, communeCode: model.communeCode, isHeadOffice: false)
        }
        let actor = principal.actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "company", conventionID: nil, actor: actor, on: tx)
            if let establishment { try await Audited.create(establishment, "establishment", conventionID: nil, actor: actor, on: tx) }
        }
        return model
    }

    /// Changes a company; `clear` empties what a form left blank. Shared by the API and the form.
    static func update(_ req: Request, _ model: CompanyModel, _ input: CompanyIn, clear: (CompanyModel) -> Void = { _ in }) async throws {
        let actor = try writer(req).actor
        if let siren = input.siret?.siren ?? input.siren, siren != model.siren {
            throw Problem.invalid("siren", "On ne change pas le SIREN d'une entreprise : enregistrez l'autre entreprise.")
        }
        try await checkCommune(input.communeCode, on: req.db)
        let before = try AuditTrail.snapshot(model)
        clear(model)
        try input.apply(to: model)
        try await Store.write(on: req.db) { tx in
            try await Audited.saveChanges(model, before: before, "company", conventionID: nil, actor: actor, on: tx)
        }
    }

    static func addEstablishment(_ req: Request, _ model: CompanyModel, _ input: EstablishmentIn) async throws {
        let actor = try writer(req).actor
        guard input.siret.siren == model.siren else {
            throw Problem.invalid("siret", "Le SIRET \(input.siret) n'appartient pas à l'entreprise de SIREN \(model.siren).")
        }
        try await checkCommune(input.communeCode, on: req.db)
        if try await EstablishmentModel.query(on: req.db).filter(\.$siret == input.siret).count() > 0 {
            throw Problem(.conflict, "L'établissement \(input.siret) est déjà enregistré.", field: "siret")
        }
        let establishment = EstablishmentModel(id: UUID(), companyID: try model.requireID(), siret: input.siret, address: input.address,
                                               communeCode: try input.communeCode.map(CompanyIn.commune), isHeadOffice: input.isHeadOffice ?? false)
        try await Store.write(on: req.db) { tx in
            try await Audited.create(establishment, "establishment", conventionID: nil, actor: actor, on: tx)
        }
    }

    /// Records a de minimis grant; past the ceiling only for an administrator giving a reason.
    static func recordGrant(_ req: Request, _ model: CompanyModel, _ input: DeMinimisGrantIn) async throws -> (DeMinimisAssessment, DeMinimisGrantModel) {
        let principal = try writer(req)
        let reason = input.overrideReason?.trimmingCharacters(in: .whitespaces)
        if let reason, !reason.isEmpty, !principal.isPlatformAdmin {
            throw Problem(.forbidden, "Seul un administrateur peut inscrire une aide au-delà du plafond.", field: "overrideReason")
        }
        guard input.amount.money.cents > 0 else { throw Problem.invalid("amount", "Le montant d'une aide doit être positif.") }
        let grant = DeMinimisGrant(grantedOn: input.grantedOn, amount: input.amount.money, grantor: try required(input.grantor, "grantor"))
        return try await DeMinimisStore.record(grant, for: model, override: reason?.isEmpty == true ? nil : reason, actor: principal.actor, on: req.db)
    }

    /// Joins the undertaking of `other` to that of `model`; returns the members.
    static func link(_ req: Request, _ model: CompanyModel, to otherID: UUID) async throws -> [CompanyModel] {
        let actor = try writer(req).actor
        guard let other = try await CompanyModel.find(otherID, on: req.db) else { throw Problem.invalid("companyID", "Entreprise inconnue.") }
        let target = model.undertakingID, absorbed = other.undertakingID
        return try await Store.write(on: req.db) { tx -> [CompanyModel] in
            if absorbed != target {
                for member in try await CompanyModel.query(on: tx).filter(\.$undertakingID == absorbed).all() {
                    try await Audited.update(member, "company", conventionID: nil, actor: actor, on: tx) { $0.undertakingID = target }
                }
            }
            return try await CompanyModel.query(on: tx).filter(\.$undertakingID == target).sort(\.$name).all()
        }
    }

    static func register(_ api: APIBuilder) {
        @Sendable func output(_ m: CompanyModel, on db: any Database) async throws -> CompanyOut {
            try CompanyOut(m, establishments: try await EstablishmentModel.query(on: db).filter(\.$company.$id == m.requireID()).sort(\.$siret).all())
        }

        api.on(.GET, "companies", summary: "Entreprises bénéficiaires (recherche q : nom, SIREN ou SIRET)", tag: "Entreprises",
               response: Paged(items: [CompanyOut.example], page: 1, per: 50, total: 1), paged: true) { req in
            _ = try req.requirePrincipal()
            let query = CompanyModel.query(on: req.db).sort(\.$name)
            let q = try req.query.get(String?.self, at: "q")?.trimmingCharacters(in: .whitespaces) ?? ""
            // A SIRET begins with its SIREN; digits that make no SIREN are searched in the names, like words.
            if case .digits(let digits)? = SearchTerm(q, minimumDigits: 9), let siren = try? Siren(String(digits.prefix(9))) {
                query.filter(\.$siren == siren)
            } else if !q.isEmpty {
                query.filter(\.$name, containsIgnoringCase: q, on: req.db)
            }
            return try await Paged.fetch(query, for: req) { try await output($0, on: req.db) }
        }
        api.on(.POST, "companies", summary: "Enregistrer une entreprise (et l'établissement de son SIRET)", tag: "Entreprises",
               request: CompanyIn.example, response: CompanyOut.example, status: .created) { req in
            _ = try writer(req)
            let model = try await create(req, try req.content.decode(CompanyIn.self))
            return try await output(model, on: req.db)
        }
        api.on(.GET, "companies", ":companyID", summary: "Lire une entreprise et ses établissements", tag: "Entreprises",
               response: CompanyOut.example) { req in
            _ = try req.requirePrincipal()
            return try await output(try await company(req), on: req.db)
        }
        api.on(.PATCH, "companies", ":companyID", summary: "Modifier une entreprise", tag: "Entreprises",
               request: CompanyIn.example, response: CompanyOut.example) { req in
            _ = try writer(req)
            let model = try await company(req)
            try await update(req, model, try req.content.decode(CompanyIn.self))
            return try await output(model, on: req.db)
        }
        api.on(.POST, "companies", ":companyID", "establishments", summary: "Ajouter un établissement (SIRET de l'entreprise)", tag: "Entreprises",
               request: EstablishmentIn.example, response: CompanyOut.example, status: .created) { req in
            _ = try writer(req)
            let model = try await company(req)
            try await addEstablishment(req, model, try req.content.decode(EstablishmentIn.self))
            return try await output(model, on: req.db)
        }
        api.on(.GET, "companies", ":companyID", "de-minimis", summary: "Registre de minimis de l'entreprise unique (paramètres : on, amount)",
               tag: "Entreprises", response: DeMinimisLedgerOut.example) { req in
            _ = try req.requirePrincipal()
            let model = try await company(req)
            let date = try req.query.get(String?.self, at: "on").map { try Access.date($0, field: "on") } ?? .today()
            let amount = try req.query.get(String?.self, at: "amount").map { try Access.amount($0, field: "amount") } ?? .zero
            let (ledger, rows) = try await DeMinimisStore.ledger(of: model, on: req.db)
            let members = try await DeMinimisStore.undertaking(of: model, on: req.db).map { try $0.requireID() }
            return DeMinimisLedgerOut(undertaking: members, grants: try rows.map(DeMinimisGrantOut.init),
                                      assessment: DeMinimisAssessmentOut(try ledger.assess(amount, on: date)))
        }
        api.on(.POST, "companies", ":companyID", "de-minimis-grants", summary: "Inscrire une aide de minimis (refusée, 409, au-delà du plafond)",
               tag: "Entreprises", request: DeMinimisGrantIn.example, response: DeMinimisGrantCreatedOut.example, status: .created) { req in
            _ = try writer(req)
            let (assessment, saved) = try await recordGrant(req, try await company(req), try req.content.decode(DeMinimisGrantIn.self))
            return DeMinimisGrantCreatedOut(grant: try DeMinimisGrantOut(saved), assessment: DeMinimisAssessmentOut(assessment))
        }
        api.on(.POST, "companies", ":companyID", "undertaking", summary: "Réunir deux entreprises en une entreprise unique (de minimis)",
               tag: "Entreprises", request: UndertakingLinkIn.example, response: [CompanyOut.example]) { req in
            _ = try writer(req)
            let input = try req.content.decode(UndertakingLinkIn.self)
            let members = try await link(req, try await company(req), to: input.companyID)
            var result: [CompanyOut] = []
            for member in members { result.append(try await output(member, on: req.db)) }
            return result
        }
    }
}
