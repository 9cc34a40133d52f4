import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct ProfileIn: Documented {
    public var displayName: String
    public static var example: ProfileIn { ProfileIn(displayName: "Camille Martin") }
}

public struct PasswordChangeIn: Documented {
    public var currentPassword: String
    public var newPassword: String
    public static var example: PasswordChangeIn { PasswordChangeIn(currentPassword: "…", newPassword: "une autre phrase de passe") }
}

public struct NewTokenIn: Documented {
    public var name: String
    /// 1 to 365 days; 90 by default.
    public var expiresInDays: Int?
    public static var example: NewTokenIn { NewTokenIn(name: "Tableur du service financier", expiresInDays: 30) }
}

/// What a signed-in person changes of their own account. Every change is traced.
enum MyAccount {
    static let minimumPassword = 12

    static func user(_ req: Request) async throws -> UserModel {
        guard let user = try await UserModel.find(try req.requirePrincipal().userID, on: req.db) else { throw Problem.unauthenticated }
        return user
    }

    static func rename(_ req: Request, to name: String) async throws {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Problem.invalid("displayName", "Indiquez votre nom.") }
        let user = try await user(req)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Members.changeAccount(user, actor: actor, on: tx) { $0.displayName = name }
        }
    }

    /// Sets a new password and ends every session of the account; with `keepSession`, the request
    /// changing it stays signed in, in the new epoch. `first` runs first in the same transaction.
    static func setPassword(_ user: UserModel, to password: String, actor: Actor, req: Request, keepSession: Bool,
                            first: @escaping @Sendable (any Database) async throws -> Void = { _ in }) async throws {
        guard password.count >= minimumPassword else {
            throw Problem.invalid("newPassword", "Le mot de passe doit compter au moins \(minimumPassword) caractères.")
        }
        let hash = try await req.password.async.hash(password)
        try await Store.write(on: req.db) { tx in
            try await first(tx)
            try await Members.changeAccount(user, actor: actor, on: tx) { user in
                user.passwordHash = hash
                user.sessionEpoch += 1
            }
        }
        if keepSession, req.hasSession, req.session.data["user"] != nil {
            req.session.data["epoch"] = String(user.sessionEpoch)
        }
    }

    static func changePassword(_ req: Request, current: String, new: String) async throws {
        let user = try await user(req)
        // An account opened through ProConnect has no password yet: its owner, signed in, sets one.
        let currentIsRight = try await user.passwordHash.isEmpty ? true : req.password.async.verify(current, created: user.passwordHash)
        guard currentIsRight else {
            throw Problem.invalid("currentPassword", "Le mot de passe actuel est incorrect.")
        }
        try await setPassword(user, to: new, actor: try req.requirePrincipal().actor, req: req, keepSession: true)
    }

    static func createToken(_ req: Request, name: String, days: Int) async throws -> (token: String, record: APITokenModel) {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Problem.invalid("name", "Donnez un nom au jeton, pour le reconnaître dans la liste.") }
        guard (1...365).contains(days) else { throw Problem.invalid("expiresInDays", "Entre 1 et 365 jours.") }
        let principal = try req.requirePrincipal()
        return try await issueToken(userID: principal.userID, name: name, days: days, actor: principal.actor, on: req.db)
    }

    /// A new API token, shown once; only its hash is kept. Traced (never the token nor its hash).
    static func issueToken(userID: UUID, name: String, days: Int, actor: Actor, on db: any Database) async throws
        -> (token: String, record: APITokenModel) {
        let token = TokenHash.newToken(prefix: "pacte_")
        let record = APITokenModel(id: UUID(), userID: userID, name: name, tokenHash: TokenHash.of(token),
                                   expiresAt: Date().addingTimeInterval(Double(days) * 86_400))
        try await Store.write(on: db) { tx in
            try await record.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: .create, entityType: "api_token", entityID: record.id, conventionID: nil,
                                        before: nil, after: try AuditTrail.snapshot(TokenAuditView(record)))
        }
        return (token, record)
    }

    /// Revokes one of the signed-in user's tokens; another user's token does not exist (404).
    static func revokeToken(_ req: Request, id: UUID) async throws {
        let principal = try req.requirePrincipal()
        try await Store.write(on: req.db) { tx in
            guard let token = try await APITokenModel.query(on: tx).filter(\.$id == id).filter(\.$user.$id == principal.userID).first() else {
                throw Problem.notFound("Jeton")
            }
            let before = try AuditTrail.snapshot(TokenAuditView(token))
            try await token.delete(on: tx)
            try await AuditTrail.record(on: tx, actor: principal.actor, action: .delete, entityType: "api_token", entityID: token.id,
                                        conventionID: nil, before: before, after: nil)
        }
    }

    /// Ends every session of the account, this one included, on every instance.
    static func signOutEverywhere(_ req: Request) async throws {
        let user = try await user(req)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Members.changeAccount(user, actor: actor, on: tx) { $0.sessionEpoch += 1 }
        }
        if req.hasSession { req.session.destroy() }
    }

    static func register(_ api: APIBuilder) {
        api.on(.PATCH, "auth", "me", summary: "Changer votre nom", tag: "Mon compte", request: ProfileIn.example, response: nil,
               status: .noContent) { req in
            try await rename(req, to: try req.content.decode(ProfileIn.self).displayName)
            return HTTPStatus.noContent
        }
        api.on(.POST, "auth", "password", summary: "Changer votre mot de passe (l'actuel est demandé) ; vos autres sessions prennent fin",
               tag: "Mon compte", request: PasswordChangeIn.example, response: nil, status: .noContent) { req in
            let input = try req.content.decode(PasswordChangeIn.self)
            try await changePassword(req, current: input.currentPassword, new: input.newPassword)
            return HTTPStatus.noContent
        }
        api.on(.POST, "auth", "sessions", "end", summary: "Vous déconnecter partout (toutes vos sessions)", tag: "Mon compte",
               response: nil, status: .noContent) { req in
            try await signOutEverywhere(req)
            return HTTPStatus.noContent
        }
        api.on(.POST, "tokens", summary: "Créer un jeton d'API nommé, avec une échéance", tag: "Mon compte",
               request: NewTokenIn.example, response: TokenCreatedOut.example, status: .created) { req in
            let input = try req.content.decode(NewTokenIn.self)
            let (token, record) = try await createToken(req, name: input.name, days: input.expiresInDays ?? 90)
            return TokenCreatedOut(token: token, id: record.id!, name: record.name, expiresAt: record.expiresAt)
        }
    }
}

/// What the audit trail keeps of an API token: whose, its name and expiry; never the token nor its hash.
struct TokenAuditView: Codable, Sendable {
    var userID: UUID
    var name: String
    var expiresAt: Date?
    init(_ token: APITokenModel) { userID = token.$user.id; name = token.name; expiresAt = token.expiresAt }
}
