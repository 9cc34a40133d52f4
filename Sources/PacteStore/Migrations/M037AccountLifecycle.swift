import Fluent
import SQLKit

/// Accounts run from the web: revoked accounts, last sign-in, an epoch that ends every session of
/// an account at once, the ProConnect subject; invitations and password resets (hashed tokens).
struct M037AccountLifecycle: AsyncMigration {
    var name: String { "037_AccountLifecycle" }

    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await db.schema(UserModel.schema).field("disabled_at", .datetime).update()
        try await db.schema(UserModel.schema).field("last_sign_in_at", .datetime).update()
        try await db.schema(UserModel.schema).field("session_epoch", .int, .required, .sql(.default(0))).update()
        try await db.schema(UserModel.schema).field("oidc_subject", .string).update()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_subject)").run()
        try await db.schema(InvitationModel.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .cascade))
            .field("email", .string, .required)
            .field("role", .string, .required)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("invited_by", .uuid)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await sql.raw("CREATE INDEX invitations_organisation ON invitations (organisation_id, email)").run()
        try await db.schema(PasswordResetModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await sql.raw("CREATE INDEX password_resets_user ON password_resets (user_id)").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX IF EXISTS users_oidc_subject").run()
        try await db.schema(PasswordResetModel.schema).delete()
        try await db.schema(InvitationModel.schema).delete()
        for field in ["oidc_subject", "session_epoch", "last_sign_in_at", "disabled_at"] {
            try await db.schema(UserModel.schema).deleteField(.key(.string(field))).update()
        }
    }
}
