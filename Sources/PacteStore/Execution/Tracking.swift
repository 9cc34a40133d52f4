import Fluent
import Foundation
import PacteCore

/// The monthly tracking table of a convention, read from its interventions and their commitments.
public enum Tracking {
    public static func table(for convention: ConventionModel, on db: any Database) async throws -> TrackingTable {
        let conventionID = try convention.requireID()
        // Only the columns the table reads: a convention at scale has hundreds of services and
        // commitments, and decoding whole models was most of the page's time.
        let interventions = try await InterventionModel.query(on: db).filter(\.$convention.$id == conventionID)
            .filter(\.$status != .cancelled)
            .field(\.$id).field(\.$action.$id).field(\.$quoteCents).field(\.$status).field(\.$acceptedOn).field(\.$deliveredOn)
            .field(\.$invoicedOn).field(\.$paidOn).field(\.$createdAt).all()
        let actions = Dictionary(uniqueKeysWithValues: try await ActionModel.query(on: db).filter(\.$convention.$id == conventionID).all()
            .map { ($0.id!, $0.displayName) })
        let commitments = try await CommitmentModel.query(on: db).filter(\.$convention.$id == conventionID)
            .filter(\.$status == .committed).field(\.$id).field(\.$funder.$id).field(\.$amountCents).field(\.$interventionID).all()
        let envelopes = try await EnvelopeModel.query(on: db).filter(\.$convention.$id == conventionID).all()
        let named = Set(commitments.map(\.$funder.id) + envelopes.map(\.$funder.id))
        let organisations = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(named)).all().map { ($0.id!, $0) })
        func name(_ id: UUID) -> String { organisations[id].map { $0.shortName ?? $0.name } ?? "—" }
        var funding: Interventions.Funding?
        // Grouped once: filtering every commitment for each service is quadratic at two million services.
        let commitmentsByIntervention = Dictionary(grouping: commitments.filter { $0.interventionID != nil }) { $0.interventionID! }

        var facts: [TrackingTable.Fact] = []
        for intervention in interventions {
            let action = actions[intervention.$action.id] ?? "—"
            // A quote entered after the fact (accepted on an earlier date) was prescribed by then at the latest.
            let entered = YearMonth(CivilDate(instant: intervention.createdAt ?? Date()))
            let prescribed = intervention.acceptedOn.map { min(entered, YearMonth($0)) } ?? entered
            var parts = (intervention.id.flatMap { commitmentsByIntervention[$0] } ?? []).map { (name($0.$funder.id), Money(cents: $0.amountCents)) }
            if parts.isEmpty, intervention.status == .quoted {
                // Not accepted yet: the parts it would commit, for the prescriptions column.
                if funding == nil { funding = try await Interventions.Funding(for: convention, on: db) }
                parts = try funding!.parts(action: intervention.$action.id, amount: Money(cents: intervention.quoteCents))
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
