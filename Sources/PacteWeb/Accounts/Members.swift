import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct MemberOut: Documented {
    public var userID: UUID
    public var email: String
    public var displayName: String
    public var role: MembershipRole
    /// In French: « Agent », « Lecteur (élu) »…
    public var roleLabel: String
    public var lastSignInAt: Date?

    public static var example: MemberOut {
        MemberOut(userID: exampleID, email: "agent@ville-sezanne.fr", displayName: "Agent de Sézanne", role: .agent,
                  roleLabel: MembershipRole.agent.label, lastSignInAt: nil)
    }
}

public struct MemberRoleIn: Documented {
    public var role: MembershipRole
    public static var example: MemberRoleIn { MemberRoleIn(role: .reader) }
}

/// What the audit trail keeps of an account: never its password hash.
struct AccountAuditView: Codable, Sendable {
    var email: String
    var displayName: String
    var isPlatformAdmin: Bool
    var disabledAt: Date?
    var sessionEpoch: Int
    var oidcSubject: String?
    var tokensRevoked: Int?

    init(_ user: UserModel, tokensRevoked: Int? = nil) {
        email = user.email; displayName = user.displayName; isPlatformAdmin = user.isPlatformAdmin
        disabledAt = user.disabledAt; sessionEpoch = user.sessionEpoch; oidcSubject = user.oidcSubject
        self.tokensRevoked = tokensRevoked
    }
}

/// The members of an organisation: who they are, their role, revocation. Every change is traced
/// (who, whom, before, after) in the transaction that makes it.
enum Members {
    /// The organisation of the path, for someone who belongs to it (or a platform administrator);
    /// others learn nothing about its members.
    static func organisation(_ req: Request, administering: Bool) async throws -> OrganisationModel {
        let principal = try req.requirePrincipal()
        let id = try Access.uuid(req, "organisationID", "Organisation")
        guard principal.isPlatformAdmin || principal.roles[id] != nil, let model = try await OrganisationModel.find(id, on: req.db) else {
            throw Problem.notFound("Organisation")
        }
        if administering, !Access.administers(principal, organisation: id) {
            throw Problem(.forbidden, "Seuls les administrateurs de l'organisation gèrent ses membres.")
        }
        return model
    }

    static func list(_ organisationID: UUID, on db: any Database) async throws -> [MemberOut] {
        let memberships = try await MembershipModel.query(on: db).filter(\.$organisation.$id == organisationID).with(\.$user).all()
        return memberships.filter { $0.user.disabledAt == nil }
            .sorted { ($0.user.displayName.lowercased(), $0.user.email) < ($1.user.displayName.lowercased(), $1.user.email) }
            .map { MemberOut(userID: $0.user.id!, email: $0.user.email, displayName: $0.user.displayName, role: $0.role,
                             roleLabel: $0.role.label, lastSignInAt: $0.user.lastSignInAt) }
    }

    static func membership(_ userID: UUID, in organisationID: UUID, on db: any Database) async throws -> MembershipModel {
        guard let found = try await MembershipModel.query(on: db).filter(\.$organisation.$id == organisationID)
            .filter(\.$user.$id == userID).first() else { throw Problem.notFound("Membre") }
        return found
    }

    /// An organisation keeps at least one administrator: removing or demoting the last one is refused.
    static func keepsAnAdministrator(_ membership: MembershipModel, losing: Bool, on db: any Database) async throws {
        guard losing, membership.role == .orgAdmin else { return }
        let admins = try await MembershipModel.query(on: db).filter(\.$organisation.$id == membership.$organisation.id)
            .filter(\.$role == .orgAdmin).count()
        if admins <= 1 {
            throw Problem(.conflict, "C'est le dernier administrateur de l'organisation : nommez-en un autre avant de le retirer ou de changer son rôle.")
        }
    }

    static func changeRole(organisationID: UUID, userID: UUID, to role: MembershipRole, actor: Actor, on db: any Database) async throws {
        try await Store.write(on: db) { tx in
            let membership = try await membership(userID, in: organisationID, on: tx)
            guard membership.role != role else { return }
            try await keepsAnAdministrator(membership, losing: true, on: tx)
            try await Audited.update(membership, "membership", conventionID: nil, actor: actor, on: tx) { $0.role = role }
        }
    }

    /// Removes the member. Their sessions and API tokens stop at once, on every instance (the session
    /// epoch is raised, the tokens deleted); an account left without organisation is disabled.
    static func revoke(organisationID: UUID, userID: UUID, actor: Actor, on db: any Database) async throws {
        try await Store.write(on: db) { tx in
            let membership = try await membership(userID, in: organisationID, on: tx)
            try await keepsAnAdministrator(membership, losing: true, on: tx)
            try await Audited.delete(membership, "membership", conventionID: nil, actor: actor, on: tx)
            guard let user = try await UserModel.find(userID, on: tx) else { return }
            let remaining = try await MembershipModel.query(on: tx).filter(\.$user.$id == userID).count()
            try await endAccess(user, disable: remaining == 0 && !user.isPlatformAdmin, actor: actor, on: tx)
        }
    }

    /// Ends every session and API token of the account (and disables it if asked), traced.
    static func endAccess(_ user: UserModel, disable: Bool, actor: Actor, on db: any Database) async throws {
        let tokens = try await APITokenModel.query(on: db).filter(\.$user.$id == user.requireID()).count()
        try await APITokenModel.query(on: db).filter(\.$user.$id == user.requireID()).delete()
        try await changeAccount(user, actor: actor, on: db, tokensRevoked: tokens) { user in
            user.sessionEpoch += 1
            if disable { user.disabledAt = Date() }
        }
    }

    /// Applies `change` to the account and traces it (before and after, never the password hash);
    /// nothing is written when nothing changed. Call it inside `Store.write`.
    static func changeAccount(_ user: UserModel, actor: Actor, on db: any Database, tokensRevoked: Int? = nil,
                              _ change: (UserModel) -> Void) async throws {
        let before = try AuditTrail.snapshot(AccountAuditView(user))
        change(user)
        guard user.hasChanges else { return }
        try await user.update(on: db)
        try await AuditTrail.record(on: db, actor: actor, action: .update, entityType: "user", entityID: user.id, conventionID: nil,
                                    before: before, after: try AuditTrail.snapshot(AccountAuditView(user, tokensRevoked: tokensRevoked)))
    }

    static func register(_ api: APIBuilder) {
        api.on(.GET, "organisations", ":organisationID", "members", summary: "Membres d'une organisation, avec leur rôle et leur dernière connexion",
               tag: "Membres", response: [MemberOut.example]) { req in
            try await list(try organisation(req, administering: false).requireID(), on: req.db)
        }
        api.on(.PATCH, "organisations", ":organisationID", "members", ":userID", summary: "Changer le rôle d'un membre (administrateurs)",
               tag: "Membres", request: MemberRoleIn.example, response: [MemberOut.example]) { req in
            let org = try await organisation(req, administering: true)
            let input = try req.content.decode(MemberRoleIn.self)
            try await changeRole(organisationID: try org.requireID(), userID: try Access.uuid(req, "userID", "Membre"), to: input.role,
                                 actor: try req.requirePrincipal().actor, on: req.db)
            return try await list(try org.requireID(), on: req.db)
        }
        api.on(.DELETE, "organisations", ":organisationID", "members", ":userID",
               summary: "Retirer un membre : ses sessions et ses jetons cessent aussitôt (administrateurs)",
               tag: "Membres", response: nil, status: .noContent) { req in
            let org = try await organisation(req, administering: true)
            try await revoke(organisationID: try org.requireID(), userID: try Access.uuid(req, "userID", "Membre"),
                             actor: try req.requirePrincipal().actor, on: req.db)
            return HTTPStatus.noContent
        }
    }
}
