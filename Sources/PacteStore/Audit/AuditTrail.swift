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
    /// HMAC-SHA256 of `hash` with `PACTE_AUDIT_KEY`; nil when written without a key.
    @OptionalField(key: "seal") public var seal: String?

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
/// Each event's hash covers its content and the previous event's hash, so that editing, deleting,
/// inserting or reordering events breaks the chain at that point. The chain alone cannot show the
/// loss of its last events, nor an event appended with a recomputed hash: checkpoints kept outside
/// the database show the first, the seal (`PACTE_AUDIT_KEY`) the second.
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
        event.seal = AuditKey.sealing?.seal(event.hash)
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

    /// The head of the trail now, sealed when a key is given.
    public static func checkpoint(on db: any Database, key: AuditKey?) async throws -> AuditCheckpoint {
        let count = try await AuditEventModel.query(on: db).count()
        let last = try await AuditEventModel.query(on: db).sort(\.$id, .descending).first()
        var checkpoint = AuditCheckpoint(count: count, lastID: last?.id ?? 0, lastHash: last?.hash ?? genesisHash,
                                         writtenAt: timestamp(Date()), seal: nil)
        checkpoint.seal = key?.seal(checkpoint.sealedText)
        return checkpoint
    }

    public struct Verification: Sendable, Equatable {
        public var checked: Int
        public var firstBroken: Broken?
        /// Events written before the key was set (verified only by the chain), when a key is given.
        public var unsealed = 0
        /// Checkpoints the trail was checked against.
        public var checkpoints = 0

        public struct Broken: Sendable, Equatable {
            public var eventID: Int64
            public var reason: String
        }
    }

    /// Walks the whole chain in order and stops at the first event whose link, hash or seal is wrong;
    /// then checks that the trail still reaches every checkpoint's head. With a key, every event
    /// after the first sealed one must carry a valid seal.
    public static func verify(on db: any Database, key: AuditKey? = nil, checkpoints: [AuditCheckpoint] = [],
                              pageSize: Int = 1000) async throws -> Verification {
        var expectedPrevious = genesisHash
        var checked = 0
        var after: Int64 = 0
        var unsealed = 0
        var sealedSeen = false
        let wanted = Set(checkpoints.map(\.lastID))
        var seen: [Int64: (position: Int, hash: String)] = [:]
        func broken(_ eventID: Int64, _ reason: String) -> Verification {
            Verification(checked: checked, firstBroken: .init(eventID: eventID, reason: reason), unsealed: unsealed)
        }
        while true {
            let page = try await AuditEventModel.query(on: db)
                .filter(\.$id > after).sort(\.$id, .ascending).limit(pageSize).all()
            if page.isEmpty { break }
            for event in page {
                let id = event.id ?? 0
                if event.previousHash != expectedPrevious {
                    return broken(id, "le lien vers l'événement précédent est rompu (événement supprimé, inséré ou réordonné)")
                }
                if hash(of: event) != event.hash {
                    return broken(id, "le contenu ne correspond plus à son empreinte (événement modifié)")
                }
                if let key {
                    if event.seal == nil && !sealedSeen {
                        unsealed += 1
                    } else if !key.verifies(event.seal, of: event.hash) {
                        return broken(id, event.seal == nil
                            ? "événement sans sceau après des événements scellés (ajouté sans la clé PACTE_AUDIT_KEY)"
                            : "le sceau ne correspond pas (événement forgé, ou empreinte recalculée sans la clé PACTE_AUDIT_KEY)")
                    } else {
                        sealedSeen = true
                    }
                }
                expectedPrevious = event.hash
                checked += 1
                after = id
                if wanted.contains(id) { seen[id] = (checked, event.hash) }
            }
        }
        for checkpoint in checkpoints {
            let when = "le point de contrôle du \(checkpoint.writtenAt.prefix(10))"
            if let key, checkpoint.seal != nil, !key.verifies(checkpoint.seal, of: checkpoint.sealedText) {
                return broken(checkpoint.lastID, "\(when) ne porte pas un sceau valide (fichier de points de contrôle falsifié, ou autre clé)")
            }
            guard checkpoint.count > 0 else { continue }
            guard let head = seen[checkpoint.lastID] else {
                return broken(checkpoint.lastID, "l'événement n° \(checkpoint.lastID), dernier vu par \(when), a disparu (fin du journal supprimée)")
            }
            if head.hash != checkpoint.lastHash || head.position != checkpoint.count {
                return broken(checkpoint.lastID,
                              "le journal ne correspond plus à \(when) (\(checkpoint.count) événements jusqu'à celui-ci, \(head.position) aujourd'hui : journal réécrit)")
            }
        }
        return Verification(checked: checked, firstBroken: nil, unsealed: unsealed, checkpoints: checkpoints.count)
    }
}

/// Lower-case hexadecimal SHA-256 of a text: audit hashes and stored API-token hashes.
public func sha256Hex(_ text: String) -> String { hexString(SHA256.hash(data: Data(text.utf8))) }

/// Bytes (a digest, an HMAC) as lower-case hexadecimal.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}
