import Fluent

/// The HMAC of each audit event with `PACTE_AUDIT_KEY` (null for events written without a key).
struct M040AuditSeals: AsyncMigration {
    var name: String { "040_AuditSeals" }

    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEventModel.schema).field("seal", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(AuditEventModel.schema).deleteField("seal").update()
    }
}
