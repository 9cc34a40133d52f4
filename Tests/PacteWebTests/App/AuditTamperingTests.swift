import Fluent
import Foundation
import PacteStore
import SQLKit
import Testing

/// Whoever can write to the database tampers with the trail: edits an event, swaps two, deletes the
/// last, appends a forged one with a recomputed hash. Each must show in `AuditTrail.verify`.
@Suite("Journal d'audit falsifié : modification, réordonnancement, suppression de la fin, ajout forgé — chacun détecté")
struct AuditTamperingTests {
    let key = try! AuditKey(String(repeating: "clé-de-test-", count: 4))

    @Test func aShortKeyIsRefusedInFrench() throws {
        #expect(throws: AuditKeyError.self) { try AuditKey("trop-courte") }
        #expect(try AuditKey.fromEnvironment([:]) == nil)
        do { _ = try AuditKey.fromEnvironment(["PACTE_AUDIT_KEY": "abc"]) } catch { #expect(error.description.contains("32 au moins")) }
    }

    @Test(arguments: Engine.available)
    func everyTamperingIsDetected(engine: Engine) async throws {
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let sql = app.db as! any SQLDatabase
                try await AuditKey.$current.withValue(key) {
                    for number in 1...5 {
                        try await Store.write(on: app.db) { tx in
                            try await AuditTrail.record(on: tx, actor: .system, action: .create, entityType: "essai", entityID: UUID(),
                                                        conventionID: nil, before: nil, after: #"{"montant_centimes":\#(number * 100)}"#)
                        }
                    }
                }
                let events = try await AuditEventModel.query(on: app.db).sort(\.$id).all()
                #expect(events.count == 5 && events.allSatisfy { $0.seal?.count == 64 }, "every event written with the key is sealed")
                let ids = events.compactMap(\.id)
                let checkpoint = try await AuditTrail.checkpoint(on: app.db, key: key)
                #expect(checkpoint.count == 5 && checkpoint.lastID == ids[4] && checkpoint.seal != nil)
                let intact = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint])
                #expect(intact.checked == 5 && intact.firstBroken == nil && intact.unsealed == 0 && intact.checkpoints == 1, "\(intact)")

                // 1. An amount edited.
                try await sql.raw("UPDATE audit_events SET after = \(bind: #"{"montant_centimes":1}"#) WHERE id = \(bind: ids[2])").run()
                let edited = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint])
                #expect(edited.firstBroken?.eventID == ids[2] && edited.firstBroken?.reason.contains("modifié") == true, "\(edited)")
                try await sql.raw("UPDATE audit_events SET after = \(bind: events[2].after) WHERE id = \(bind: ids[2])").run()
                #expect(try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint]).firstBroken == nil)

                // 2. Two events swapped (every column but the id).
                try await write(events[2], into: ids[1], on: sql)
                try await write(events[1], into: ids[2], on: sql)
                let reordered = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint])
                #expect(reordered.firstBroken?.eventID == ids[1] && reordered.firstBroken?.reason.contains("réordonné") == true, "\(reordered)")
                try await write(events[1], into: ids[1], on: sql)
                try await write(events[2], into: ids[2], on: sql)
                #expect(try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint]).firstBroken == nil)

                // 3. A forged event appended with a recomputed hash: the chain alone cannot tell, the seal does.
                let forged = AuditEventModel()
                forged.occurredAt = "2026-12-07T10:00:00.000Z"
                forged.actor = "agent.sezanne.ville@demo.pacte.fr"
                forged.action = .update
                forged.entityType = "commitment"
                forged.entityID = UUID().uuidString
                forged.after = #"{"montant_centimes":999999}"#
                forged.previousHash = events[4].hash
                forged.hash = AuditTrail.hash(of: forged)
                try await forged.create(on: app.db)
                #expect(try await AuditTrail.verify(on: app.db).firstBroken == nil, "without the key, a recomputed hash passes: what the seal is for")
                let unsealed = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint])
                #expect(unsealed.firstBroken?.eventID == forged.id && unsealed.firstBroken?.reason.contains("sans sceau") == true, "\(unsealed)")
                try await sql.raw("UPDATE audit_events SET seal = \(bind: String(repeating: "a", count: 64)) WHERE id = \(bind: forged.id!)").run()
                let badSeal = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint])
                #expect(badSeal.firstBroken?.eventID == forged.id && badSeal.firstBroken?.reason.contains("sceau ne correspond pas") == true, "\(badSeal)")
                try await forged.delete(on: app.db)

                // 4. The last event deleted: the chain is still whole, the checkpoint's head is gone.
                try await sql.raw("DELETE FROM audit_events WHERE id = \(bind: ids[4])").run()
                #expect(try await AuditTrail.verify(on: app.db, key: key).firstBroken == nil, "without a checkpoint a truncation passes")
                let truncated = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [checkpoint])
                #expect(truncated.firstBroken?.eventID == ids[4] && truncated.firstBroken?.reason.contains("fin du journal supprimée") == true, "\(truncated)")
                // …and a checkpoint rewritten to match the truncated trail no longer carries a valid seal.
                var rewritten = checkpoint
                rewritten.count = 4
                rewritten.lastID = ids[3]
                rewritten.lastHash = events[3].hash
                let forgedCheckpoint = try await AuditTrail.verify(on: app.db, key: key, checkpoints: [rewritten])
                #expect(forgedCheckpoint.firstBroken?.reason.contains("sceau valide") == true, "\(forgedCheckpoint)")

                // A checkpoint survives its file: one line per checkpoint, read back as written.
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-checkpoints-\(UUID().uuidString).jsonl")
                defer { try? FileManager.default.removeItem(at: file) }
                try checkpoint.append(to: file)
                try rewritten.append(to: file)
                #expect(try AuditCheckpoint.read(file) == [checkpoint, rewritten])
            }
        }
    }

    @Test("Une clé posée après coup : les événements antérieurs comptent comme non scellés, la suite doit l'être", arguments: Engine.available)
    func eventsBeforeTheKeyAreCountedNotRefused(engine: Engine) async throws {
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                func record() async throws {
                    try await Store.write(on: app.db) { tx in
                        try await AuditTrail.record(on: tx, actor: .system, action: .create, entityType: "essai", entityID: nil,
                                                    conventionID: nil, before: nil, after: "{}")
                    }
                }
                try await record()
                try await record()
                try await AuditKey.$current.withValue(key) { try await record() }
                let result = try await AuditTrail.verify(on: app.db, key: key)
                #expect(result.firstBroken == nil && result.checked == 3 && result.unsealed == 2, "\(result)")
                try await record()
                let after = try await AuditTrail.verify(on: app.db, key: key)
                #expect(after.firstBroken?.reason.contains("sans sceau") == true, "an unsealed event after a sealed one: \(after)")
            }
        }
    }

    /// Writes an event's columns into the row `id` (two calls swap two events).
    private func write(_ content: AuditEventModel, into id: Int64, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE audit_events SET occurred_at = \(bind: content.occurredAt), entity_id = \(bind: content.entityID), after = \(bind: content.after),
            previous_hash = \(bind: content.previousHash), hash = \(bind: content.hash), seal = \(bind: content.seal) WHERE id = \(bind: id)
            """).run()
    }
}
