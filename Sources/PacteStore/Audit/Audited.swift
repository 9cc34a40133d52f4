import Fluent
import Foundation

/// Writes that leave a trace: each one saves the model and appends its before/after to the audit chain
/// in the same transaction. Call them inside `Store.write`.
public enum Audited {
    public static func create<M: Model & Sendable>(_ model: M, _ entityType: String, conventionID: UUID?, actor: Actor, on db: any Database) async throws where M.IDValue == UUID {
        try await model.create(on: db)
        try await AuditTrail.record(on: db, actor: actor, action: .create, entityType: entityType, entityID: model.id,
                                    conventionID: conventionID, before: nil, after: try AuditTrail.snapshot(model))
    }

    /// Applies `change` to the model and records the state before and after; nothing is recorded when nothing changed.
    public static func update<M: Model & Sendable>(_ model: M, _ entityType: String, conventionID: UUID?, actor: Actor, on db: any Database,
                                                   change: (M) throws -> Void) async throws where M.IDValue == UUID {
        let before = try AuditTrail.snapshot(model)
        try change(model)
        try await saveChanges(model, before: before, entityType, conventionID: conventionID, actor: actor, on: db)
    }

    /// Saves a model already changed in place and records it against `before`, its snapshot taken before the
    /// change (for changes made outside the write's transaction); nothing is recorded when nothing changed.
    public static func saveChanges<M: Model & Sendable>(_ model: M, before: String, _ entityType: String, conventionID: UUID?, actor: Actor,
                                                        on db: any Database) async throws where M.IDValue == UUID {
        guard model.hasChanges else { return }
        try await model.update(on: db)
        try await AuditTrail.record(on: db, actor: actor, action: .update, entityType: entityType, entityID: model.id,
                                    conventionID: conventionID, before: before, after: try AuditTrail.snapshot(model))
    }

    public static func delete<M: Model & Sendable>(_ model: M, _ entityType: String, conventionID: UUID?, actor: Actor, on db: any Database) async throws where M.IDValue == UUID {
        let before = try AuditTrail.snapshot(model)
        try await model.delete(on: db)
        try await AuditTrail.record(on: db, actor: actor, action: .delete, entityType: entityType, entityID: model.id,
                                    conventionID: conventionID, before: before, after: nil)
    }
}

