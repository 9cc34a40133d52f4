import Fluent
import Foundation
import PacteCore

/// One platform setting. Kept in the database rather than in each instance's environment so that
/// every app instance behind the load balancer applies the same value.
public final class SettingModel: Model, @unchecked Sendable {
    public static let schema = "settings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "key") public var key: String
    @Field(key: "value") public var value: String
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, key: String, value: String) {
        self.id = id
        self.key = key
        self.value = value
    }
}

/// The platform settings an administrator may change, with their defaults.
public struct PlatformSettings: Hashable, Sendable {
    /// Share of the de minimis ceiling from which Pacte warns (the aid is still granted).
    public var deMinimisWarning: Rate

    public static let defaults = PlatformSettings(deMinimisWarning: .percent(80))

    public init(deMinimisWarning: Rate) {
        self.deMinimisWarning = deMinimisWarning
    }

    static let deMinimisWarningKey = "de_minimis_warning"

    public static func load(on db: any Database) async throws -> PlatformSettings {
        var settings = defaults
        if let row = try await SettingModel.query(on: db).filter(\.$key == deMinimisWarningKey).first(),
           let rate = try? Rate.parse(row.value) {
            settings.deMinimisWarning = rate
        }
        return settings
    }

    /// Saves the settings in one audited write; the threshold must lie between 1 % and 100 %.
    public func save(actor: Actor, on db: any Database) async throws {
        guard deMinimisWarning >= .percent(1), deMinimisWarning <= .full else {
            throw StoreError.invalid(field: "deMinimisWarning", message: "Le seuil d'alerte de minimis est un pourcentage du plafond, entre 1 % et 100 %.")
        }
        let value = deMinimisWarning.codedText
        try await Store.write(on: db) { tx in
            if let row = try await SettingModel.query(on: tx).filter(\.$key == Self.deMinimisWarningKey).first() {
                try await Audited.update(row, "setting", conventionID: nil, actor: actor, on: tx) { $0.value = value }
            } else {
                try await Audited.create(SettingModel(id: UUID(), key: Self.deMinimisWarningKey, value: value), "setting",
                                         conventionID: nil, actor: actor, on: tx)
            }
        }
    }
}

struct M020CreateSettings: AsyncMigration {
    var name: String { "020_CreateSettings" }
    func prepare(on db: any Database) async throws {
        try await db.schema(SettingModel.schema)
            .id()
            .field("key", .string, .required)
            .field("value", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "key")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(SettingModel.schema).delete()
    }
}
