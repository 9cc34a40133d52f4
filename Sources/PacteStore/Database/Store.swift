import Fluent
import Foundation
import SQLKit

/// Lets one task through at a time, the others wait their turn in order.
public actor Turnstile {
    /// SQLite allows one writer at a time; taking turns here turns "database is locked" errors into a short wait.
    static let writes = Turnstile()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    public func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

public enum Store {
    /// Runs `body` in one transaction, serialised with every other write so that the audit chain
    /// stays linear: an in-process turnstile on SQLite, a transaction-scoped advisory lock on
    /// PostgreSQL (which also serialises several app instances sharing one database).
    public static func write<T: Sendable>(
        on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        // Fluent runs a transaction's body in a task of its own, where task-local values are lost: the audit key is carried over.
        let key = AuditKey.sealing
        if isPostgres(db) {
            return try await db.transaction { tx in
                try await (tx as! any SQLDatabase).raw("SELECT pg_advisory_xact_lock(7267822)").run()
                return try await AuditKey.$current.withValue(key) { try await body(tx) }
            }
        }
        await Turnstile.writes.enter()
        do {
            let result = try await db.transaction { tx in try await AuditKey.$current.withValue(key) { try await body(tx) } }
            await Turnstile.writes.leave()
            return result
        } catch {
            await Turnstile.writes.leave()
            throw error
        }
    }

    public static func isPostgres(_ db: any Database) -> Bool {
        (db as? any SQLDatabase)?.dialect.name == "postgresql"
    }
}
