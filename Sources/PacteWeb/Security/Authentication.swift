import Fluent
import Foundation
import PacteCore
import PacteStore
import SQLKit
import Vapor

/// The signed-in user and the organisations they act for.
public struct Principal: Sendable {
    public let userID: UUID
    public let email: String
    public let isPlatformAdmin: Bool
    /// Organisation id → role.
    public let roles: [UUID: MembershipRole]
    /// Signed in by cookie (CSRF applies) rather than by bearer token.
    public let viaSession: Bool
    /// The account's session epoch: a session opened in an older epoch is ended.
    public let sessionEpoch: Int

    public var actor: Actor { Actor(userID: userID, name: email) }
    public var organisationIDs: [UUID] { Array(roles.keys) }
    public var canWriteSomewhere: Bool { isPlatformAdmin || roles.values.contains { $0.canWrite } }

    func signedIn(viaSession: Bool) -> Principal {
        Principal(userID: userID, email: email, isPlatformAdmin: isPlatformAdmin, roles: roles, viaSession: viaSession, sessionEpoch: sessionEpoch)
    }
}

struct PrincipalKey: StorageKey { typealias Value = Principal }

extension Request {
    public var principal: Principal? { storage[PrincipalKey.self] }

    /// The principal, or 401.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated }
        return principal
    }
}

package enum TokenHash {
    package static func of(_ token: String) -> String { sha256Hex(token) }

    /// 32 random bytes, URL-safe.
    package static func newToken(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// Finds who is calling: a bearer token first, then the session cookie. Never refuses by itself.
public struct PrincipalMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The probes and the metrics serve no account: `/metrics`'s bearer is its own token, not an API token.
        if OperationsRoutes.paths.contains(request.url.path) { return try await next.respond(to: request) }
        let memos = request.application.pageCache.memos
        if let bearer = request.headers.bearerAuthorization {
            guard let principal = try await Self.fromToken(bearer.token, request: request, memos: memos) else {
                throw Problem(.unauthorized, "Jeton d'API inconnu, révoqué ou expiré.")
            }
            request.storage[PrincipalKey.self] = principal
        } else if request.hasSession, let text = request.session.data["user"], let id = UUID(uuidString: text) {
            let stamp = memos.enabled ? try await request.databaseStamp() : 0
            let epoch = Int(request.session.data["epoch"] ?? "0") ?? -1
            if let principal = try await Self.load(userID: id, viaSession: true, stamp: stamp, memos: memos, on: request.db),
               principal.sessionEpoch == epoch {
                request.storage[PrincipalKey.self] = principal
            } else {
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }

    /// The token's owner. The token is looked up on every request (revoking one is not traced), in
    /// the same statement as the database stamp when the memos are on: one round trip in all.
    static func fromToken(_ token: String, request: Request, memos: StampedMemos) async throws -> Principal? {
        guard memos.enabled, let sql = request.db as? any SQLDatabase else { return try await fromToken(token, on: request.db) }
        let row = try await sql.raw("""
            SELECT user_id, expires_at, \(unsafeRaw: DatabaseStamp.subquery) AS stamp
            FROM \(unsafeRaw: APITokenModel.schema) WHERE token_hash = \(bind: TokenHash.of(token))
            """).first()
        guard let row else { return nil }
        let stamp = try DatabaseStamp.decode(row)
        request.storage[DatabaseStampKey.self] = stamp
        if let expiry = try row.decode(column: "expires_at", as: Date?.self), expiry < Date() { return nil }
        return try await load(userID: try row.decode(column: "user_id", as: UUID.self), viaSession: false, stamp: stamp, memos: memos, on: request.db)
    }

    static func fromToken(_ token: String, on db: any Database) async throws -> Principal? {
        guard let record = try await APITokenModel.query(on: db).filter(\.$tokenHash == TokenHash.of(token)).first() else { return nil }
        if let expiry = record.expiresAt, expiry < Date() { return nil }
        return try await load(userID: record.$user.id, viaSession: false, on: db)
    }

    /// The user and their memberships, remembered for `stamp` (accounts and memberships are only
    /// changed through traced writes).
    static func load(userID: UUID, viaSession: Bool, stamp: Int64, memos: StampedMemos, on db: any Database) async throws -> Principal? {
        guard memos.enabled else { return try await load(userID: userID, viaSession: viaSession, on: db) }
        if let known = memos.principals.value(for: userID, stamp: stamp) { return known.signedIn(viaSession: viaSession) }
        guard let principal = try await load(userID: userID, viaSession: viaSession, on: db) else { return nil }
        memos.principals.store(principal, for: userID, stamp: stamp)
        return principal
    }

    static func load(userID: UUID, viaSession: Bool, on db: any Database) async throws -> Principal? {
        guard let user = try await UserModel.query(on: db).filter(\.$id == userID).with(\.$memberships).first(),
              user.disabledAt == nil else { return nil }
        var roles: [UUID: MembershipRole] = [:]
        for membership in user.memberships { roles[membership.$organisation.id] = membership.role }
        return Principal(userID: userID, email: user.email, isPlatformAdmin: user.isPlatformAdmin, roles: roles, viaSession: viaSession,
                         sessionEpoch: user.sessionEpoch)
    }
}

/// Cookie-authenticated writes must carry the session's CSRF token (`X-CSRF-Token` header or `_csrf` form
/// field, URL-encoded or multipart). Bearer-token calls are not exposed to CSRF and need none.
public struct CSRFMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let unsafe: [HTTPMethod] = [.POST, .PUT, .PATCH, .DELETE]
        if unsafe.contains(request.method), let principal = request.principal, principal.viaSession, request.hasSession {
            let expected = request.session.data["csrf"]
            var presented = request.headers.first(name: "X-CSRF-Token")
            let isMultipart = request.headers.contentType.map { $0.type == "multipart" && $0.subType == "form-data" } ?? false
            if presented == nil, request.headers.contentType == .urlEncodedForm || isMultipart, request.body.data == nil {
                // A body larger than one network read is still streaming here (routes collect it after the
                // middleware): collect it now, within the routes' limit, to read the form's field.
                let limit = DocumentUploads.takesFile(request.url.path) ? DocumentUploads.maximumBodyBytes : request.application.routes.defaultMaxBodySize.value
                _ = try await request.body.collect(max: limit).get()
            }
            if presented == nil, request.headers.contentType == .urlEncodedForm {
                presented = try? request.content.get(String.self, at: "_csrf")
            }
            if presented == nil, isMultipart {
                // A form that uploads a file: the field is one part of the body.
                struct Field: Decodable { var _csrf: String? }
                presented = (try? request.content.decode(Field.self))?._csrf
            }
            guard let expected, let presented, constantTimeEqual(expected, presented) else {
                throw Problem(.forbidden, "Jeton anti-falsification (CSRF) absent ou invalide : rechargez la page et recommencez.")
            }
        }
        return try await next.respond(to: request)
    }

}

/// Compares secrets (CSRF tokens, OpenID `state` and `nonce`) in a time that does not depend on
/// where they first differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

/// Sign-in attempts are counted in the database, per account and per address, so that every
/// instance behind a load balancer applies the same limit.
enum SignInLimiter {
    static let window: TimeInterval = 15 * 60
    static let perAccount = 5
    static let perAddress = 20

    static func address(of request: Request) -> String {
        // The last address is the one our load balancer saw and appended; those before it are
        // whatever the client wrote, and a client must not choose the address its attempts count on.
        if request.application.pacteSettings.trustProxy,
           let forwarded = request.headers[.xForwardedFor].joined(separator: ",").split(separator: ",").last?
               .trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
            return forwarded
        }
        return request.remoteAddress?.ipAddress ?? "inconnue"
    }

    static func check(email: String, address: String, on db: any Database) async throws {
        let since = Date().addingTimeInterval(-window)
        let byAccount = try await LoginAttemptModel.query(on: db)
            .filter(\.$email == email).filter(\.$succeeded == false).filter(\.$attemptedAt >= since).count()
        let byAddress = try await LoginAttemptModel.query(on: db)
            .filter(\.$address == address).filter(\.$succeeded == false).filter(\.$attemptedAt >= since).count()
        if byAccount >= perAccount || byAddress >= perAddress {
            throw Problem(.tooManyRequests, "Trop de tentatives de connexion échouées : réessayez dans 15 minutes.")
        }
    }

    static func record(email: String, address: String, succeeded: Bool, on db: any Database) async throws {
        try await LoginAttemptModel(email: email, address: address, succeeded: succeeded, attemptedAt: Date()).create(on: db)
    }
}
