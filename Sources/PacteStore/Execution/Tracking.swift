import Fluent
import Foundation
import PacteCore
import SQLKit

/// The monthly tracking table of a convention, read from its interventions and their commitments.
public enum Tracking {
    /// `actionNames`: the convention's actions by id, when the caller has them already.
    public static func table(for convention: ConventionModel, actionNames: [UUID: String]? = nil, on db: any Database) async throws -> TrackingTable {
        let conventionID = try convention.requireID()
        // Only the columns the table reads, decoded column by column: a convention at scale has
        // hundreds of services and commitments, and building whole models was most of the page's time.
        let sql = db as! any SQLDatabase
        let interventions = try await sql.raw("""
            SELECT id, action_id, quote_cents, status, accepted_on, delivered_on, invoiced_on, paid_on, created_at
            FROM \(unsafeRaw: InterventionModel.schema)
            WHERE convention_id = \(bind: conventionID) AND status <> \(bind: InterventionStatus.cancelled.rawValue)
            """).all().map(ServiceDates.init)
        let actions: [UUID: String]
        if let actionNames {
            actions = actionNames
        } else {
            actions = Dictionary(uniqueKeysWithValues: try await ActionModel.query(on: db).filter(\.$convention.$id == conventionID).all()
                .map { ($0.id!, $0.displayName) })
        }
        let commitments = try await sql.raw("""
            SELECT funder_id, amount_cents, intervention_id FROM \(unsafeRaw: CommitmentModel.schema)
            WHERE convention_id = \(bind: conventionID) AND status = \(bind: CommitmentStatus.committed.rawValue)
            """).all().map { row in
                (funderID: try row.decode(column: "funder_id", as: UUID.self), amountCents: try row.decode(column: "amount_cents", as: Int64.self),
                 interventionID: try row.decode(column: "intervention_id", as: UUID?.self))
            }
        let envelopes = try await EnvelopeModel.query(on: db).filter(\.$convention.$id == conventionID).all()
        let named = Set(commitments.map(\.funderID) + envelopes.map(\.$funder.id))
        let organisations = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(named)).all().map { ($0.id!, $0) })
        func name(_ id: UUID) -> String { organisations[id].map { $0.shortName ?? $0.name } ?? "—" }
        var funding: Interventions.Funding?
        // Grouped once: filtering every commitment for each service is quadratic at two million services.
        let commitmentsByIntervention = Dictionary(grouping: commitments.filter { $0.interventionID != nil }) { $0.interventionID! }

        var facts: [TrackingTable.Fact] = []
        for intervention in interventions {
            let action = actions[intervention.actionID] ?? "—"
            // A quote entered after the fact (accepted on an earlier date) was prescribed by then at the latest.
            let entered = YearMonth(CivilDate(instant: intervention.createdAt))
            let prescribed = intervention.acceptedOn.map { min(entered, YearMonth($0)) } ?? entered
            var parts = (commitmentsByIntervention[intervention.id] ?? []).map { (name($0.funderID), Money(cents: $0.amountCents)) }
            if parts.isEmpty, intervention.status == .quoted {
                // Not accepted yet: the parts it would commit, for the prescriptions column. A service
                // the plan cannot fund (its page says why) prescribes nothing.
                if funding == nil { funding = try await Interventions.Funding(for: convention, on: db) }
                parts = ((try? funding!.parts(action: intervention.actionID, amount: Money(cents: intervention.quoteCents),
                                              year: (intervention.acceptedOn ?? CivilDate(instant: intervention.createdAt)).year)) ?? [])
                    .filter { $0.0.kind != .company }.map { ($0.0.shortName ?? $0.0.name, $0.1) }
            }
            for (funder, amount) in parts {
                facts.append(TrackingTable.Fact(action: action, funder: funder, prescribedIn: prescribed,
                                                acceptedIn: intervention.acceptedOn.map(YearMonth.init),
                                                deliveredIn: intervention.deliveredOn.map(YearMonth.init),
                                                invoicedIn: intervention.invoicedOn.map(YearMonth.init),
                                                paidIn: intervention.paidOn.map(YearMonth.init), amount: amount))
            }
        }
        // Each funder's convention-wide envelopes (not those limited to one action or one year).
        var caps: [String: Money] = [:]
        for envelope in envelopes where envelope.$action.id == nil && envelope.year == nil {
            caps[name(envelope.$funder.id)] = try (caps[name(envelope.$funder.id)] ?? .zero).adding(Money(cents: envelope.capCents))
        }
        return try TrackingTable(facts: facts, envelopes: caps)
    }
}

/// What the tracking table reads of a service.
private struct ServiceDates {
    var id: UUID
    var actionID: UUID
    var quoteCents: Int64
    var status: InterventionStatus
    var acceptedOn, deliveredOn, invoicedOn, paidOn: CivilDate?
    var createdAt: Date

    init(_ row: any SQLRow) throws {
        id = try row.decode(column: "id", as: UUID.self)
        actionID = try row.decode(column: "action_id", as: UUID.self)
        quoteCents = try row.decode(column: "quote_cents", as: Int64.self)
        status = try row.decode(column: "status", as: InterventionStatus.self)
        acceptedOn = try row.decode(column: "accepted_on", as: CivilDate?.self)
        deliveredOn = try row.decode(column: "delivered_on", as: CivilDate?.self)
        invoicedOn = try row.decode(column: "invoiced_on", as: CivilDate?.self)
        paidOn = try row.decode(column: "paid_on", as: CivilDate?.self)
        createdAt = try row.decode(column: "created_at", as: Date?.self) ?? Date()
    }
}
