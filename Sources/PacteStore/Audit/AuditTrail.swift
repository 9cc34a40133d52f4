import Fluent
import Foundation
import SQLKit
import Vapor

public final class AuditEventModel: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    @ID(custom: "id", generatedBy: .database) public var id: Int64?
    /// ISO 8601 with milliseconds, kept as text so that the hashed bytes are the same on every engine.
    @Field(key: "occurred_at") public var occurredAt: String
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @Field(key: "actor") public var actor: String
    @Field(key: "action") public var action: AuditAction
    @Field(key: "entity_type") public var entityType: String
    @Field(key: "entity_id") public var entityID: String
    @OptionalField(key: "convention_id") public var conventionID: UUID?
    @OptionalField(key: "before") public var before: String?
    @OptionalField(key: "after") public var after: String?
    @Field(key: "previous_hash") public var previousHash: String
    @Field(key: "hash") public var hash: String

    public init() {}
}

public enum AuditAction: String, Codable, Sendable, CaseIterable {
    case create, update, delete
}

/// Who made a change: a signed-in user, or Pacte itself (demo loading, imports).
public struct Actor: Sendable {
    public let userID: UUID?
    public let name: String

    public init(userID: UUID?, name: String) {
        self.userID = userID
        self.name = name
    }

    public static let system = Actor(userID: nil, name: "système Pacte")
}

/// The append-only, hash-chained log of every change to public money and its context.
/// Each event's hash covers its content and the previous event's hash, so that editing or
/// deleting one event breaks the chain at that point.
public enum AuditTrail {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Records a change. Must run inside `Store.write`, which serialises writers so that the chain stays linear.
    /// `before` and `after` are canonical JSON snapshots (`snapshot(_:)`); nil for a creation or a deletion.
    public static func record(
        on db: any Database, actor: Actor, action: AuditAction, entityType: String, entityID: UUID?,
        conventionID: UUID?, before: String?, after: String?
    ) async throws {
        let last = try await AuditEventModel.query(on: db).sort(\.$id, .descending).first()
        let event = AuditEventModel()
        event.occurredAt = timestamp(Date())
        event.actorID = actor.userID
        event.actor = actor.name
        event.action = action
        event.entityType = entityType
        event.entityID = entityID?.uuidString ?? ""
        event.conventionID = conventionID
        event.before = before
        event.after = after
        event.previousHash = last?.hash ?? genesisHash
        event.hash = hash(of: event)
        try await event.create(on: db)
    }

    /// Canonical JSON of an entity: sorted keys, so that the same state always gives the same text.
    public static func snapshot<E: Encodable>(_ value: E) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func hash(of event: AuditEventModel) -> String {
        let fields: [String] = [
            event.previousHash, event.occurredAt, event.actorID?.uuidString ?? "", event.actor,
            event.action.rawValue, event.entityType, event.entityID, event.conventionID?.uuidString ?? "",
            event.before ?? "", event.after ?? "",
        ]
        // Unit separator between fields: no field can make two different events hash alike.
        return sha256Hex(fields.joined(separator: "\u{1F}"))
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public struct Verification: Sendable, Equatable {
        public var checked: Int
        public var firstBroken: Broken?

        public struct Broken: Sendable, Equatable {
            public var eventID: Int64
            public var reason: String
        }
    }

    /// Walks the whole chain in order and stops at the first event whose link or hash is wrong.
    public static func verify(on db: any Database, pageSize: Int = 1000) async throws -> Verification {
        var expectedPrevious = genesisHash
        var checked = 0
        var after: Int64 = 0
        while true {
            let page = try await AuditEventModel.query(on: db)
                .filter(\.$id > after).sort(\.$id, .ascending).limit(pageSize).all()
            if page.isEmpty { break }
            for event in page {
                let id = event.id ?? 0
                if event.previousHash != expectedPrevious {
                    return Verification(checked: checked, firstBroken: .init(
                        eventID: id, reason: "le lien vers l'événement précédent est rompu (événement supprimé, inséré ou réordonné)"))
                }
                if hash(of: event) != event.hash {
                    return Verification(checked: checked, firstBroken: .init(
                        eventID: id, reason: "le contenu ne correspond plus à son empreinte (événement modifié)"))
                }
                expectedPrevious = event.hash
                checked += 1
                after = id
            }
        }
        return Verification(checked: checked, firstBroken: nil)
    }
}

/// Lower-case hexadecimal SHA-256 of a text: audit hashes and stored API-token hashes.
public func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
