import Fluent
import SQLKit

/// ProConnect sign-ins under way (state, nonce, PKCE verifier), shared by every instance.
struct M038OIDCSignIns: AsyncMigration {
    var name: String { "038_OIDCSignIns" }

    func prepare(on db: any Database) async throws {
        try await db.schema(OIDCSignInModel.schema)
            .id()
            .field("state_hash", .string, .required)
            .field("nonce", .string, .required)
            .field("code_verifier", .string, .required)
            .field("return_to", .string, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "state_hash")
            .create()
        try await (db as! any SQLDatabase).raw("CREATE INDEX oidc_sign_ins_expiry ON oidc_sign_ins (expires_at)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(OIDCSignInModel.schema).delete()
    }
}
