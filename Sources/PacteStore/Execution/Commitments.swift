import Fluent
import SQLKit
import Foundation
import PacteCore

/// Commitments against envelopes. The check (what is committed under each envelope that covers the
/// new commitment) and the insert happen inside one `Store.write`: one transaction holding the
/// write lock (the PostgreSQL advisory lock shared by every app instance, or the SQLite turnstile),
/// so two commitments made at the same instant cannot both pass a cap that only one fits under.
public enum Commitments {
    public struct EnvelopeState: Sendable {
        public var id: UUID
        public var funderID: UUID
        public var actionID: UUID?
        public var year: Int?
        public var envelope: Envelope
        public var committed: Money
        public var remaining: Money
    }

    /// Commits funds, refusing with `EnvelopeRefusal` when any envelope covering the commitment would be passed.
    public static func commit(_ commitment: CommitmentModel, actor: Actor, on db: any Database) async throws -> CommitmentModel {
        try await Store.write(on: db) { tx in try await admit(commitment, actor: actor, inside: tx) }
    }

    /// A partner whose withdrawal has taken effect by `date` takes no new commitment.
    static func checkNotWithdrawn(_ commitment: CommitmentModel, on date: CivilDate, inside tx: any Database) async throws {
        guard let effective = try await ConventionLife.withdrawals(of: commitment.$convention.id, on: tx)[commitment.$funder.id],
              effective <= date else { return }
        let name = try await OrganisationModel.find(commitment.$funder.id, on: tx)?.name ?? "Ce financeur"
        throw StoreError.invalid(field: "funderID", message: "\(name) s'est retiré de la convention le \(FrenchFormat.date(effective)) : "
            + "il ne prend plus d'engagement nouveau (ceux d'avant restent dus).")
    }

    /// The check and the insert, inside a write the caller already holds (`Store.write`).
    public static func admit(_ commitment: CommitmentModel, on date: CivilDate = .today(), actor: Actor,
                             inside tx: any Database) async throws -> CommitmentModel {
        try await checkNotWithdrawn(commitment, on: date, inside: tx)
        guard commitment.amountCents > 0 else {
            throw EnvelopeRefusal(envelope: Envelope(name: commitment.label, cap: .zero), requested: Money(cents: commitment.amountCents),
                                  remaining: .zero, reason: .notPositive)
        }
        let envelopes = try await EnvelopeModel.query(on: tx)
            .filter(\.$convention.$id == commitment.$convention.id).filter(\.$funder.$id == commitment.$funder.id).all()
            .filter { $0.covers(commitment) }
        if !envelopes.isEmpty {
            let active = try await CommitmentModel.query(on: tx)
                .filter(\.$convention.$id == commitment.$convention.id).filter(\.$funder.$id == commitment.$funder.id)
                .filter(\.$status == .committed).all()
            for envelope in envelopes {
                let committed = try active.filter { envelope.covers($0) }.reduce(Money.zero) { try $0.adding(Money(cents: $1.amountCents)) }
                _ = try envelope.envelope.admit(Money(cents: commitment.amountCents), committed: committed)
            }
        }
        commitment.id = commitment.id ?? UUID()
        try await Audited.create(commitment, "commitment", conventionID: commitment.$convention.id, actor: actor, on: tx)
        return commitment
    }

    /// Releases a commitment (a cancelled service): its funds count no more.
    public static func release(_ commitment: CommitmentModel, actor: Actor, on db: any Database) async throws {
        guard commitment.status == .committed else { throw StoreError.conflict("Cet engagement est déjà libéré.") }
        try await Store.write(on: db) { tx in try await release(commitment, actor: actor, inside: tx) }
    }

    public static func release(_ commitment: CommitmentModel, actor: Actor, inside tx: any Database) async throws {
        try await Audited.update(commitment, "commitment", conventionID: commitment.$convention.id, actor: actor, on: tx) { m in
            m.status = .released
            m.releasedAt = Date()
        }
    }

    /// Every envelope of a convention with what is committed under it and what is left.
    public static func envelopes(of conventionID: UUID, on db: any Database) async throws -> [EnvelopeState] {
        let envelopes = try await EnvelopeModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$name).all()
        guard !envelopes.isEmpty else { return [] }
        // Sums per funder, action and year: a convention holds thousands of commitments, an envelope needs only these.
        let sql = db as! any SQLDatabase
        let sums = try await sql.raw("""
            SELECT funder_id, action_id, year, CAST(SUM(amount_cents) AS BIGINT) AS total FROM \(unsafeRaw: CommitmentModel.schema)
            WHERE convention_id = \(bind: conventionID) AND status = \(bind: CommitmentStatus.committed.rawValue)
            GROUP BY funder_id, action_id, year
            """).all().map { row in
                (funder: try row.decode(column: "funder_id", as: UUID.self), action: try row.decode(column: "action_id", as: UUID?.self),
                 year: try row.decode(column: "year", as: Int?.self), total: try row.decode(column: "total", as: Int64.self))
            }
        return try envelopes.map { envelope in
            let committed = try sums.filter { sum in
                sum.funder == envelope.$funder.id && (envelope.$action.id == nil || sum.action == envelope.$action.id)
                    && (envelope.year == nil || sum.year == envelope.year)
            }.reduce(Money.zero) { try $0.adding(Money(cents: $1.total)) }
            return EnvelopeState(id: try envelope.requireID(), funderID: envelope.$funder.id, actionID: envelope.$action.id, year: envelope.year,
                                 envelope: envelope.envelope, committed: committed,
                                 remaining: envelope.envelope.remaining(after: committed))
        }
    }

    /// Funds committed under each convention (for the dashboard's consumption bars).
    public static func committedByConvention(_ ids: [UUID], on db: any Database) async throws -> [UUID: Money] {
        guard !ids.isEmpty else { return [:] }
        var result: [UUID: Money] = [:]
        for row in try await CommitmentModel.query(on: db).filter(\.$convention.$id ~~ ids).filter(\.$status == .committed).all() {
            result[row.$convention.id] = try (result[row.$convention.id] ?? .zero).adding(Money(cents: row.amountCents))
        }
        return result
    }
}
