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

    @Children(for: \.$user) public var memberships: [MembershipModel]

    public init() {}

    public init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, isPlatformAdmin: Bool = false, isDemo: Bool = false) {
        self.id = id
        self.email = email.lowercased()
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.isPlatformAdmin = isPlatformAdmin
        self.isDemo = isDemo
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
