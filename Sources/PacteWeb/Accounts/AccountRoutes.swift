import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct MembershipOut: Content, Sendable {
    public var organisationID: UUID
    public var role: MembershipRole
}

public struct UserOut: Documented {
    public var id: UUID
    public var email: String
    public var displayName: String
    public var isPlatformAdmin: Bool
    public var isDemo: Bool
    public var memberships: [MembershipOut]

    init(_ m: UserModel, memberships: [MembershipModel]) throws {
        id = try m.requireID(); email = m.email; displayName = m.displayName; isPlatformAdmin = m.isPlatformAdmin; isDemo = m.isDemo
        self.memberships = memberships.map { MembershipOut(organisationID: $0.$organisation.id, role: $0.role) }
    }

    public static var example: UserOut {
        UserOut(id: exampleID, email: "agent@ville-sezanne.fr", displayName: "Agent de Sézanne", isPlatformAdmin: false, isDemo: false,
                memberships: [MembershipOut(organisationID: exampleID, role: .agent)])
    }

    init(id: UUID, email: String, displayName: String, isPlatformAdmin: Bool, isDemo: Bool, memberships: [MembershipOut]) {
        self.id = id; self.email = email; self.displayName = displayName; self.isPlatformAdmin = isPlatformAdmin; self.isDemo = isDemo
        self.memberships = memberships
    }
}

public struct UserIn: Documented {
    public var email: String
    public var displayName: String?
    public var password: String
    public var organisationID: UUID
    public var role: MembershipRole

    public static var example: UserIn {
        UserIn(email: "agent@ville-sezanne.fr", displayName: "Agent de Sézanne", password: "une phrase de passe longue", organisationID: exampleID, role: .agent)
    }
}

public struct LoginIn: Documented {
    public var email: String
    public var password: String
    public static var example: LoginIn { LoginIn(email: "agent@ville-sezanne.fr", password: "…") }
}

public struct LoginOut: Documented {
    public var user: UserOut
    /// To send as `X-CSRF-Token` with every cookie-authenticated write.
    public var csrfToken: String
    public static var example: LoginOut { LoginOut(user: .example, csrfToken: "…") }
}

public struct TokenIn: Documented {
    public var email: String
    public var password: String
    public var name: String?
    /// 1 to 365 days; 90 by default.
    public var expiresInDays: Int?
    public static var example: TokenIn { TokenIn(email: "agent@ville-sezanne.fr", password: "…", name: "tableur de suivi", expiresInDays: 90) }
}

public struct TokenCreatedOut: Documented {
    /// Shown once; Pacte keeps only its SHA-256.
    public var token: String
    public var id: UUID
    public var name: String
    public var expiresAt: Date?
    public static var example: TokenCreatedOut { TokenCreatedOut(token: "pacte_…", id: exampleID, name: "tableur de suivi", expiresAt: Date(timeIntervalSince1970: 1_800_000_000)) }
}

public struct TokenOut: Documented {
    public var id: UUID
    public var name: String
    public var createdAt: Date?
    public var expiresAt: Date?
    public static var example: TokenOut { TokenOut(id: exampleID, name: "tableur de suivi", createdAt: Date(timeIntervalSince1970: 1_790_000_000), expiresAt: Date(timeIntervalSince1970: 1_800_000_000)) }
}

/// Accounts: sign-in by session or token, tokens, users and memberships.
public enum Accounts {
    /// Creates a user with one membership; used by the API, `pacte user add` and the demo loader.
    public static func createUser(email: String, displayName: String?, password: String, organisationID: UUID, role: MembershipRole,
                                  isPlatformAdmin: Bool = false, isDemo: Bool = false,
                                  actor: Actor, on db: any Database, hash: (String) async throws -> String) async throws -> UserModel {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@")
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else {
            throw Problem.invalid("email", "Adresse électronique invalide : « \(email) ».")
        }
        guard password.count >= 12 else {
            throw Problem.invalid("password", "Le mot de passe doit compter au moins 12 caractères.")
        }
        guard try await OrganisationModel.find(organisationID, on: db) != nil else {
            throw Problem.invalid("organisationID", "Organisation inconnue.")
        }
        if try await UserModel.query(on: db).filter(\.$email == email).count() > 0 {
            throw Problem(.conflict, "Un compte existe déjà pour « \(email) ».", field: "email")
        }
        // Hashed only once the input is valid: bcrypt is deliberately slow.
        let user = UserModel(id: UUID(), email: email, displayName: displayName ?? email, passwordHash: try await hash(password),
                             isPlatformAdmin: isPlatformAdmin, isDemo: isDemo)
        try await Store.write(on: db) { tx in
            try await user.create(on: tx)
            try await MembershipModel(userID: user.id!, organisationID: organisationID, role: role).create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: .create, entityType: "user", entityID: user.id, conventionID: nil,
                                        before: nil, after: try AuditTrail.snapshot(UserOut(id: user.id!, email: email, displayName: user.displayName,
                                                                                            isPlatformAdmin: isPlatformAdmin, isDemo: isDemo,
                                                                                            memberships: [MembershipOut(organisationID: organisationID, role: role)])))
        }
        return user
    }

    /// Checks email and password, counting the attempt against the per-account and per-address limits.
    static func authenticate(email: String, password: String, request: Request) async throws -> UserModel {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let address = SignInLimiter.address(of: request)
        try await SignInLimiter.check(email: email, address: address, on: request.db)
        let user = try await UserModel.query(on: request.db).filter(\.$email == email).filter(\.$disabledAt == nil).first()
        let valid: Bool
        if let user, !user.passwordHash.isEmpty {
            // An empty hash: an account opened through ProConnect, which has no password yet.
            valid = try await request.password.async.verify(password, created: user.passwordHash)
        } else {
            valid = false
        }
        try await SignInLimiter.record(email: email, address: address, succeeded: valid, on: request.db)
        guard valid, let user else { throw Problem(.unauthorized, "Adresse électronique ou mot de passe incorrect.") }
        return user
    }

    /// Opens a browser session for `user`: in the account's current epoch, with a fresh CSRF token.
    /// Returns the CSRF token.
    @discardableResult
    static func openSession(_ req: Request, _ user: UserModel) async throws -> String {
        let csrf = TokenHash.newToken(prefix: "")
        req.session.data["user"] = try user.requireID().uuidString
        req.session.data["epoch"] = String(user.sessionEpoch)
        req.session.data["csrf"] = csrf
        try await recordSignIn(try user.requireID(), on: req.db)
        return csrf
    }

    /// The last sign-in is shown to administrators; it is no change to public money, so it is not
    /// traced (and does not move the database stamp).
    static func recordSignIn(_ userID: UUID, on db: any Database) async throws {
        try await UserModel.query(on: db).filter(\.$id == userID).set(\.$lastSignInAt, to: Date()).update()
    }

    static func register(_ api: APIBuilder) {
        api.on(.POST, "auth", "login", summary: "Ouvrir une session (cookie) ; renvoie le jeton CSRF", tag: "Authentification",
               request: LoginIn.example, response: LoginOut.example, authenticated: false) { req in
            let input = try req.content.decode(LoginIn.self)
            let user = try await authenticate(email: input.email, password: input.password, request: req)
            let csrf = try await openSession(req, user)
            let memberships = try await MembershipModel.query(on: req.db).filter(\.$user.$id == user.requireID()).all()
            return LoginOut(user: try UserOut(user, memberships: memberships), csrfToken: csrf)
        }
        api.on(.POST, "auth", "logout", summary: "Fermer la session", tag: "Authentification", response: nil, status: .noContent) { req in
            req.session.destroy()
            return HTTPStatus.noContent
        }
        api.on(.POST, "auth", "token", summary: "Échanger adresse et mot de passe contre un jeton d'API (Bearer)", tag: "Authentification",
               request: TokenIn.example, response: TokenCreatedOut.example, status: .created, authenticated: false) { req in
            let input = try req.content.decode(TokenIn.self)
            let days = input.expiresInDays ?? 90
            guard (1...365).contains(days) else { throw Problem.invalid("expiresInDays", "Entre 1 et 365 jours.") }
            let user = try await authenticate(email: input.email, password: input.password, request: req)
            let (token, record) = try await MyAccount.issueToken(userID: try user.requireID(), name: input.name ?? "jeton d'API", days: days,
                                                                 actor: Actor(userID: user.id, name: user.email), on: req.db)
            return TokenCreatedOut(token: token, id: record.id!, name: record.name, expiresAt: record.expiresAt)
        }
        api.on(.GET, "auth", "me", summary: "L'utilisateur connecté et ses organisations", tag: "Authentification", response: UserOut.example) { req in
            let principal = try req.requirePrincipal()
            guard let user = try await UserModel.find(principal.userID, on: req.db) else { throw Problem.unauthenticated }
            let memberships = try await MembershipModel.query(on: req.db).filter(\.$user.$id == principal.userID).all()
            return try UserOut(user, memberships: memberships)
        }
        api.on(.GET, "tokens", summary: "Vos jetons d'API", tag: "Authentification", response: [TokenOut.example]) { req in
            let principal = try req.requirePrincipal()
            return try await APITokenModel.query(on: req.db).filter(\.$user.$id == principal.userID).sort(\.$createdAt).all()
                .map { TokenOut(id: try $0.requireID(), name: $0.name, createdAt: $0.createdAt, expiresAt: $0.expiresAt) }
        }
        api.on(.DELETE, "tokens", ":tokenID", summary: "Révoquer un de vos jetons", tag: "Authentification", response: nil, status: .noContent) { req in
            try await MyAccount.revokeToken(req, id: try Access.uuid(req, "tokenID", "Jeton"))
            return HTTPStatus.noContent
        }

        api.on(.GET, "users", summary: "Comptes que vous administrez", tag: "Comptes", response: [UserOut.example]) { req in
            let principal = try req.requirePrincipal()
            let administered = principal.roles.filter { $0.value == .orgAdmin }.map(\.key)
            guard principal.isPlatformAdmin || !administered.isEmpty else {
                throw Problem(.forbidden, "Réservé aux administrateurs.")
            }
            let query = UserModel.query(on: req.db).with(\.$memberships).sort(\.$email)
            if !principal.isPlatformAdmin {
                // Only the members of the organisations administered, found through their memberships.
                let members = try await MembershipModel.query(on: req.db).filter(\.$organisation.$id ~~ administered).all().map(\.$user.id)
                query.filter(\.$id ~~ members)
            }
            let users = try await query.all()
            return try users.filter { user in principal.isPlatformAdmin || user.memberships.contains { administered.contains($0.$organisation.id) } }
                .map { try UserOut($0, memberships: $0.memberships) }
        }
        api.on(.POST, "users", summary: "Créer un compte dans une organisation que vous administrez", tag: "Comptes",
               request: UserIn.example, response: UserOut.example, status: .created) { req in
            let principal = try req.requirePrincipal()
            let input = try req.content.decode(UserIn.self)
            guard Access.administers(principal, organisation: input.organisationID) else {
                throw Problem(.forbidden, "Vous n'administrez pas cette organisation.", field: "organisationID")
            }
            let user = try await createUser(email: input.email, displayName: input.displayName, password: input.password,
                                            organisationID: input.organisationID, role: input.role,
                                            actor: principal.actor, on: req.db) { try await req.password.async.hash($0) }
            let memberships = try await MembershipModel.query(on: req.db).filter(\.$user.$id == user.requireID()).all()
            return try UserOut(user, memberships: memberships)
        }
    }
}
