import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// Conventions and everything inside them. Every write is one transaction with its audit events;
/// a write that would leave the financing plan malformed is refused and rolled back.
enum ConventionRoutes {
    static func register(_ api: APIBuilder) {
        api.on(.GET, "conventions", summary: "Conventions visibles (filtres : status, q)", tag: "Conventions",
               response: Paged(items: [ConventionOut.example], page: 1, per: 50, total: 1), paged: true) { req in
            let principal = try req.requirePrincipal()
            let query = ConventionModel.query(on: req.db)
            if let visible = try await Access.visibleConventionIDs(principal, on: req.db) { query.filter(\.$id ~~ visible) }
            if let status = try req.query.get(String?.self, at: "status") {
                guard let value = ConventionStatus(rawValue: status) else { throw Problem.invalid("status", "Statut inconnu : « \(status) ».") }
                query.filter(\.$status == value)
            }
            if let q = try req.query.get(String?.self, at: "q"), !q.isEmpty { query.filter(\.$title, containsIgnoringCase: q, on: req.db) }
            return try await Paged.fetch(query.sort(\.$title), for: req) { try await ConventionOut.make($0, on: req.db) }
        }
        api.on(.POST, "conventions", summary: "Créer une convention (votre organisation en devient partie)", tag: "Conventions",
               request: ConventionIn.example, response: ConventionOut.example, status: .created) { req in
            let saved = try await create(req, try req.content.decode(ConventionIn.self))
            return try await ConventionOut.make(saved, on: req.db)
        }
        api.on(.GET, "conventions", ":conventionID", summary: "Lire une convention", tag: "Conventions", response: ConventionOut.example) { req in
            try await ConventionOut.make(try await Access.convention(req), on: req.db)
        }
        api.on(.PATCH, "conventions", ":conventionID", summary: "Modifier une convention", tag: "Conventions",
               request: ConventionIn.example, response: ConventionOut.example) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(ConventionIn.self)
            try await update(req, convention) { try input.apply(to: $0) }
            return try await ConventionOut.make(convention, on: req.db)
        }
        api.on(.DELETE, "conventions", ":conventionID", summary: "Supprimer une convention et son contenu", tag: "Conventions",
               response: nil, status: .noContent) { req in
            let convention = try await Access.writableConvention(req)
            let actor = try req.requirePrincipal().actor
            try await Store.write(on: req.db) { tx in
                try await Audited.delete(convention, "convention", conventionID: convention.id, actor: actor, on: tx)
            }
            return HTTPStatus.noContent
        }
        api.on(.GET, "conventions", ":conventionID", "plan", summary: "Plan de financement calculé (totaux, parts, écarts, constats)",
               tag: "Conventions", response: PlanReportExample.example) { req in
            let convention = try await Access.convention(req)
            let plan = try await PlanMapping.plan(for: convention, on: req.db)
            return EncodedJSON(value: PlanJSONReport(try plan.evaluate()))
        }
        api.on(.GET, "conventions", ":conventionID", "audit-events", summary: "Journal d'audit de la convention", tag: "Audit",
               response: Paged(items: [AuditEventOut.example], page: 1, per: 50, total: 1), paged: true) { req in
            let convention = try await Access.convention(req)
            let query = AuditEventModel.query(on: req.db).filter(\.$conventionID == (try convention.requireID())).sort(\.$id)
            return try await Paged.fetch(query, for: req) { AuditEventOut($0) }
        }

        registerParties(api)
        registerSimpleChildren(api)
        registerActions(api)
        registerConfidentialItems(api)
        registerEnvelopes(api)
        registerInterventions(api)
        TrackingExport.register(api: api, pages: api.app.routes.grouped(SignedInOnly()))
    }

    /// Creates a convention; the organisation it is drafted for becomes its first party (signatory).
    static func create(_ req: Request, _ input: ConventionIn) async throws -> ConventionModel {
        let principal = try req.requirePrincipal()
        let writable = principal.roles.filter { $0.value.canWrite }.map(\.key)
        let organisationID: UUID
        if let chosen = input.organisationID {
            guard Access.writesFor(principal, organisation: chosen) else {
                throw Problem(.forbidden, "Vous n'écrivez pas pour cette organisation.", field: "organisationID")
            }
            organisationID = chosen
        } else if writable.count == 1 {
            organisationID = writable[0]
        } else if writable.isEmpty {
            throw principal.isPlatformAdmin
                ? Problem.invalid("organisationID", "Précisez « organisationID » : l'organisation pour laquelle la convention est rédigée.")
                : Problem.readOnly
        } else {
            throw Problem.invalid("organisationID", "Vous agissez pour plusieurs organisations : précisez « organisationID ».")
        }
        guard try await OrganisationModel.find(organisationID, on: req.db) != nil else {
            throw Problem.invalid("organisationID", "Organisation inconnue.")
        }
        let model = ConventionModel(title: try required(input.title, "title"))
        try input.apply(to: model)
        let actor = principal.actor
        let saved = try await Store.write(on: req.db) { tx in
            model.id = UUID()
            try await Audited.create(model, "convention", conventionID: model.id, actor: actor, on: tx)
            let party = ConventionPartyModel(conventionID: model.id!, organisationID: organisationID, roles: [.signatory])
            try await Audited.create(party, "party", conventionID: model.id, actor: actor, on: tx)
            return model
        }
        return saved
    }

    /// Applies `change` to the convention in one audited transaction.
    static func update(_ req: Request, _ convention: ConventionModel, change: @escaping @Sendable (ConventionModel) throws -> Void) async throws {
        let actor = try req.requirePrincipal().actor
        let status = convention.status
        try await Store.write(on: req.db) { tx in
            try await Audited.update(convention, "convention", conventionID: convention.id, actor: actor, on: tx, change: change)
            // A status edited by hand must still be a step of the convention's life, and joins its history.
            try await ConventionLife.recordEdit(convention, from: status, actor: actor, inside: tx)
        }
    }

    /// A plan rule broken by a write (a share naming a deleted line…) rolls the write back.
    static func checkPlan(_ convention: ConventionModel, on db: any Database) async throws {
        try await PlanMapping.plan(for: convention, on: db).validate()
    }

    // MARK: Parties

    /// Adds an organisation to a convention with its roles.
    static func addParty(_ req: Request, _ convention: ConventionModel, _ input: PartyIn) async throws -> (ConventionPartyModel, OrganisationModel) {
        let organisationID = try required(input.organisationID, "organisationID")
        guard let organisation = try await OrganisationModel.find(organisationID, on: req.db) else {
            throw Problem.invalid("organisationID", "Organisation inconnue.")
        }
        try await validate(input, organisationID: organisationID, on: req.db)
        let party = ConventionPartyModel(conventionID: try convention.requireID(), organisationID: organisationID,
                                         roles: try required(input.roles, "roles"), representativeID: input.representativeID,
                                         designation: input.designation)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(party, "party", conventionID: convention.id, actor: actor, on: tx)
        }
        return (party, organisation)
    }

    static func validate(_ input: PartyIn, organisationID: UUID, on db: any Database) async throws {
        if let roles = input.roles, roles.isEmpty { throw Problem.invalid("roles", "Une partie a au moins un rôle.") }
        if let person = input.representativeID {
            guard let found = try await PersonModel.find(person, on: db), found.$organisation.id == organisationID else {
                throw Problem.invalid("representativeID", "Ce représentant n'appartient pas à l'organisation de la partie.")
            }
        }
    }

    /// The party named in the path (`partyID`), within the convention.
    static func findParty(_ req: Request, _ convention: ConventionModel) async throws -> ConventionPartyModel {
        let id = try Access.uuid(req, "partyID", "Partie")
        guard let party = try await ConventionPartyModel.query(on: req.db).filter(\.$id == id)
            .filter(\.$convention.$id == convention.requireID()).with(\.$organisation).first() else { throw Problem.notFound("Partie") }
        return party
    }

    /// Changes a party's roles, representative or designation (never its organisation). `adjust` runs
    /// after the input: the HTML form clears there what was left empty.
    static func updateParty(_ req: Request, _ convention: ConventionModel, _ party: ConventionPartyModel, _ input: PartyIn,
                            adjust: @escaping @Sendable (ConventionPartyModel) -> Void = { _ in }) async throws {
        if input.organisationID != nil, input.organisationID != party.$organisation.id {
            throw Problem.invalid("organisationID", "On ne change pas l'organisation d'une partie : retirez-la et ajoutez l'autre.")
        }
        try await validate(input, organisationID: party.$organisation.id, on: req.db)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.update(party, "party", conventionID: convention.id, actor: actor, on: tx) { p in
                if let roles = input.roles { p.roles = roles }
                if let person = input.representativeID { p.$representative.id = person }
                if let designation = input.designation { p.designation = designation }
                adjust(p)
            }
        }
    }

    /// Removes a party; a convention keeps at least one.
    static func removeParty(_ req: Request, _ convention: ConventionModel, _ party: ConventionPartyModel) async throws {
        let count = try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == convention.requireID()).count()
        guard count > 1 else { throw Problem(.conflict, "Une convention garde au moins une partie.") }
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.delete(party, "party", conventionID: convention.id, actor: actor, on: tx)
        }
    }

    static func registerParties(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "parties"]
        let one = base + [":partyID"]
        api.on(.GET, base, summary: "Parties de la convention", tag: "Parties", response: [PartyOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await ConventionPartyModel.query(on: req.db).filter(\.$convention.$id == convention.requireID())
                .with(\.$organisation).all().map { try PartyOut($0, organisationName: $0.organisation.name) }
        }
        api.on(.POST, base, summary: "Ajouter une partie", tag: "Parties", request: PartyIn.example, response: PartyOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let (party, organisation) = try await addParty(req, convention, try req.content.decode(PartyIn.self))
            return try PartyOut(party, organisationName: organisation.name)
        }
        api.on(.GET, one, summary: "Lire une partie", tag: "Parties", response: PartyOut.example) { req in
            let party = try await findParty(req, try await Access.convention(req))
            return try PartyOut(party, organisationName: party.organisation.name)
        }
        api.on(.PATCH, one, summary: "Modifier une partie (rôles, représentant)", tag: "Parties", request: PartyIn.example, response: PartyOut.example) { req in
            let convention = try await Access.writableConvention(req)
            let party = try await findParty(req, convention)
            try await updateParty(req, convention, party, try req.content.decode(PartyIn.self))
            return try PartyOut(party, organisationName: party.organisation.name)
        }
        api.on(.DELETE, one, summary: "Retirer une partie", tag: "Parties", response: nil, status: .noContent) { req in
            let convention = try await Access.writableConvention(req)
            try await removeParty(req, convention, try await findParty(req, convention))
            return HTTPStatus.noContent
        }
    }
}
