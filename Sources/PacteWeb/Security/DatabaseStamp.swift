import Fluent
import Foundation
import NIOConcurrencyHelpers
import PacteStore
import SQLKit
import Vapor

/// The state of the whole database as one number: the last audit event's id (0 before the first).
///
/// Every change Pacte makes to its data, accounts and memberships included, is written to the audit
/// trail in the same transaction, under the write lock (`Store.write`): anything read from the
/// database while the stamp is N stays right as long as the stamp is N, on every instance behind a
/// load balancer. API tokens are the exception (created and revoked without a trace), so a token
/// itself is looked up on every request, never remembered.
enum DatabaseStamp {
    static func read(on db: any Database) async throws -> Int64 {
        guard let sql = db as? any SQLDatabase else { return 0 }
        let row = try await sql.raw("SELECT MAX(id) AS stamp FROM \(unsafeRaw: AuditEventModel.schema)").first()
        return try row.map { try decode($0) } ?? 0
    }

    /// The `stamp` column of a row (NULL when the trail is empty).
    static func decode(_ row: any SQLRow) throws -> Int64 {
        try row.decodeNil(column: "stamp") ? 0 : try row.decode(column: "stamp", as: Int64.self)
    }

    /// The stamp in SQL, to be read in the same statement as something else.
    static let subquery = "(SELECT MAX(id) FROM \(AuditEventModel.schema))"

    /// How long anything read under a stamp is kept at most, so that a change made outside Pacte
    /// (SQL by hand, a restore that takes the trail back) is seen within that time.
    static let maxAge: Duration = .seconds(30)
}

struct DatabaseStampKey: StorageKey { typealias Value = Int64 }

extension Request {
    /// The database stamp, read once per request, before anything that depends on it: a change
    /// committed after it only makes what is remembered under it older than its data, never newer.
    func databaseStamp() async throws -> Int64 {
        if let stamp = storage[DatabaseStampKey.self] { return stamp }
        let stamp = try await DatabaseStamp.read(on: db)
        storage[DatabaseStampKey.self] = stamp
        return stamp
    }
}

/// Values remembered for one database stamp only: a new stamp forgets everything older, and so
/// does `DatabaseStamp.maxAge`.
final class StampedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {

    private struct State {
        var stamp: Int64 = .min
        var since = ContinuousClock.now
        var values: [Key: Value] = [:]
    }

    private let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(capacity: Int) { self.capacity = capacity }

    func value(for key: Key, stamp: Int64) -> Value? {
        state.withLockedValue { $0.stamp == stamp && ContinuousClock.now - $0.since < DatabaseStamp.maxAge ? $0.values[key] : nil }
    }

    func store(_ value: Value, for key: Key, stamp: Int64) {
        state.withLockedValue { state in
            if stamp > state.stamp || ContinuousClock.now - state.since >= DatabaseStamp.maxAge {
                state.stamp = stamp
                state.since = ContinuousClock.now
                state.values.removeAll(keepingCapacity: true)
            }
            guard stamp == state.stamp else { return }
            if state.values.count >= capacity { state.values.removeAll(keepingCapacity: true) }
            state.values[key] = value
        }
    }

    var count: Int { state.withLockedValue { $0.values.count } }
}

/// What a signed-in user may do with one convention; `hidden` also stands for one that does not exist.
enum ConventionRight: Sendable {
    case hidden, read, write
    var canWrite: Bool { self == .write }
}

struct ConventionRightKey: Hashable, Sendable {
    var userID: UUID
    var conventionID: UUID
}

/// The rights and accounts remembered per database stamp, so that a request that changes nothing
/// does not read them again. Held by `PageCache`, and off with it (`PACTE_PAGE_CACHE_MB=0`).
final class StampedMemos: Sendable {
    let enabled: Bool
    /// Users (with their memberships) by id, as loaded by `PrincipalMiddleware`.
    let principals = StampedMemo<UUID, Principal>(capacity: 10_000)
    /// Each user's right on each convention.
    let conventionRights = StampedMemo<ConventionRightKey, ConventionRight>(capacity: 100_000)

    init(enabled: Bool) { self.enabled = enabled }
}
