import Fluent
import Foundation
import PacteCore

public final class UserModel: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    /// Always lower-cased, so that sign-in ignores case.
    @Field(key: "email") public var email: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "is_platform_admin") public var isPlatformAdmin: Bool
    @Field(key: "is_demo") public var isDemo: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    /// Set when the account was revoked from its last organisation: it can no longer sign in.
    @OptionalField(key: "disabled_at") public var disabledAt: Date?
    @OptionalField(key: "last_sign_in_at") public var lastSignInAt: Date?
    /// Raised to end every session at once (sign out everywhere, password changed, revocation):
    /// a session remembers the epoch it was opened in.
    @Field(key: "session_epoch") public var sessionEpoch: Int
    /// The ProConnect (OpenID Connect) subject once the account is linked.
    @OptionalField(key: "oidc_subject") public var oidcSubject: String?

    @Children(for: \.$user) public var memberships: [MembershipModel]

    public init() {}

    public init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, isPlatformAdmin: Bool = false, isDemo: Bool = false) {
        self.id = id
        self.email = email.lowercased()
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.isPlatformAdmin = isPlatformAdmin
        self.isDemo = isDemo
        self.sessionEpoch = 0
    }
}

public final class MembershipModel: Model, @unchecked Sendable {
    public static let schema = "memberships"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Field(key: "role") public var role: MembershipRole

    public init() {}

    public init(id: UUID? = nil, userID: UUID, organisationID: UUID, role: MembershipRole) {
        self.id = id
        self.$user.id = userID
        self.$organisation.id = organisationID
        self.role = role
    }
}

/// A bearer token; only its SHA-256 is kept, so a leaked database does not leak tokens.
public final class APITokenModel: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    @Field(key: "name") public var name: String
    @Field(key: "token_hash") public var tokenHash: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @OptionalField(key: "expires_at") public var expiresAt: Date?

    public init() {}

    public init(id: UUID? = nil, userID: UUID, name: String, tokenHash: String, expiresAt: Date?) {
        self.id = id
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}

/// One sign-in attempt, kept in the database so that every app instance sees the same count.
public final class LoginAttemptModel: Model, @unchecked Sendable {
    public static let schema = "login_attempts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "address") public var address: String
    @Field(key: "succeeded") public var succeeded: Bool
    @Field(key: "attempted_at") public var attemptedAt: Date

    public init() {}

    public init(email: String, address: String, succeeded: Bool, attemptedAt: Date) {
        self.email = email
        self.address = address
        self.succeeded = succeeded
        self.attemptedAt = attemptedAt
    }
}

/// An invitation to join an organisation: a single-use link, valid 7 days; only its SHA-256 is kept.
public final class InvitationModel: Model, @unchecked Sendable {
    public static let schema = "invitations"
    public static let validity: TimeInterval = 7 * 86_400

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    /// Always lower-cased.
    @Field(key: "email") public var email: String
    @Field(key: "role") public var role: MembershipRole
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?
    @OptionalField(key: "invited_by") public var invitedBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, email: String, role: MembershipRole, tokenHash: String, expiresAt: Date, invitedBy: UUID?) {
        self.id = id
        self.$organisation.id = organisationID
        self.email = email.lowercased()
        self.role = role
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.invitedBy = invitedBy
    }

    public func isUsable(at date: Date) -> Bool { acceptedAt == nil && expiresAt > date }
}

/// A forgotten-password link: single-use, valid one hour; only its SHA-256 is kept.
public final class PasswordResetModel: Model, @unchecked Sendable {
    public static let schema = "password_resets"
    public static let validity: TimeInterval = 3_600

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, userID: UUID, tokenHash: String, expiresAt: Date) {
        self.id = id
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}

/// A ProConnect sign-in under way: what the browser's return must match (the `state`, whose hash
/// is kept, with the browser's own cookie) and what the provider's answer is checked against (the
/// `nonce`, the PKCE verifier). Kept in the database so that any instance can take the return;
/// used once, valid 10 minutes.
public final class OIDCSignInModel: Model, @unchecked Sendable {
    public static let schema = "oidc_sign_ins"
    public static let validity: TimeInterval = 10 * 60

    @ID(key: .id) public var id: UUID?
    @Field(key: "state_hash") public var stateHash: String
    @Field(key: "nonce") public var nonce: String
    @Field(key: "code_verifier") public var codeVerifier: String
    /// The local page to open once signed in.
    @Field(key: "return_to") public var returnTo: String
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    public init(id: UUID? = nil, stateHash: String, nonce: String, codeVerifier: String, returnTo: String, expiresAt: Date) {
        self.id = id
        self.stateHash = stateHash
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.returnTo = returnTo
        self.expiresAt = expiresAt
    }
}
