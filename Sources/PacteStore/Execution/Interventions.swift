import Fluent
import Foundation
import PacteCore

/// The life of a service given to a company. Accepting it commits, in one write, each public
/// funder's part (checked against the envelopes) and records that part as de minimis aid to the
/// company (checked against the ceiling): if either refuses, nothing is committed.
public enum Interventions {
    public static func accept(_ intervention: InterventionModel, on date: CivilDate, actor: Actor, db: any Database) async throws {
        try await Store.write(on: db) { tx in
            let next = try intervention.status.moving(to: .accepted)
            try await fund(intervention, amount: Money(cents: intervention.quoteCents), on: date, actor: actor, tx: tx)
            try await Audited.update(intervention, "intervention", conventionID: intervention.$convention.id, actor: actor, on: tx) {
                $0.status = next
                $0.acceptedOn = date
            }
        }
    }

    public static func deliver(_ intervention: InterventionModel, on date: CivilDate, deliverable: String?, actor: Actor, db: any Database) async throws {
        try await Store.write(on: db) { tx in
            let next = try intervention.status.moving(to: .delivered)
            try await Audited.update(intervention, "intervention", conventionID: intervention.$convention.id, actor: actor, on: tx) {
                $0.status = next
                $0.deliveredOn = date
                $0.deliverable = deliverable
            }
        }
    }

    /// An invoice that differs from the quote moves the commitments with it: below the quote the
    /// difference is released; above it the difference must be covered, so the parts are committed
    /// again on the invoiced amount, against the envelopes and the de minimis ceiling, or nothing changes.
    public static func invoice(_ intervention: InterventionModel, number: String, on date: CivilDate, amount: Money, actor: Actor, db: any Database) async throws {
        guard amount.cents > 0 else {
            throw StoreError.invalid(field: "amount", message: "Le montant facturé doit être positif.")
        }
        try await Store.write(on: db) { tx in
            let next = try intervention.status.moving(to: .invoiced)
            let quote = Money(cents: intervention.quoteCents)
            if amount < quote {
                try await unfund(intervention, actor: actor, tx: tx)
                try await fund(intervention, amount: amount, on: intervention.acceptedOn ?? date, actor: actor, tx: tx)
            } else if amount > quote {
                try await cover(intervention, from: quote, to: amount, on: intervention.acceptedOn ?? date, actor: actor, tx: tx)
            }
            try await Audited.update(intervention, "intervention", conventionID: intervention.$convention.id, actor: actor, on: tx) {
                $0.status = next
                $0.invoiceNumber = number
                $0.invoicedOn = date
                $0.invoiceCents = amount.cents
            }
        }
    }

    public static func pay(_ intervention: InterventionModel, on date: CivilDate, actor: Actor, db: any Database) async throws {
        try await Store.write(on: db) { tx in
            let next = try intervention.status.moving(to: .paid)
            try await Audited.update(intervention, "intervention", conventionID: intervention.$convention.id, actor: actor, on: tx) {
                $0.status = next
                $0.paidOn = date
            }
        }
    }

    /// Cancelling releases the commitments and withdraws the de minimis aid that was not given.
    public static func cancel(_ intervention: InterventionModel, reason: String, actor: Actor, db: any Database) async throws {
        try await Store.write(on: db) { tx in
            let next = try intervention.status.moving(to: .cancelled)
            try await unfund(intervention, actor: actor, tx: tx)
            try await Audited.update(intervention, "intervention", conventionID: intervention.$convention.id, actor: actor, on: tx) {
                $0.status = next
                $0.cancelReason = reason
            }
        }
    }

    /// What it takes to split a service's price under any action of one convention: read once, used
    /// for every service (the tracking table splits all the quotes of a convention).
    public struct Funding: Sendable {
        var regime: TaxRegime
        var plan: ConventionPlan
        /// Action id → its place in `plan.actions`.
        var actionIndex: [UUID: Int]
        var organisations: [UUID: OrganisationModel]

        public init(for convention: ConventionModel, on db: any Database) async throws {
            regime = convention.taxRegime
            plan = try await PlanMapping.plan(for: convention, on: db)
            let actions = try await ActionModel.query(on: db).filter(\.$convention.$id == convention.requireID()).sort(\.$position).all()
            actionIndex = Dictionary(uniqueKeysWithValues: try actions.enumerated().map { (try $0.element.requireID(), $0.offset) })
            let ids = plan.funders.compactMap { UUID(uuidString: $0.id.rawValue) }
            organisations = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        }

        /// Each funder's part of `amount` under the action (see `InterventionFunding`), with the organisation behind it.
        public func parts(action: UUID, amount: Money, year: Int? = nil) throws -> [(OrganisationModel, Money)] {
            organisations(of: try split(action: action, amount: amount, year: year))
        }

        /// The organisation behind each part of a split.
        public func organisations(of split: InterventionFunding.Split) -> [(OrganisationModel, Money)] {
            split.parts.compactMap { part in UUID(uuidString: part.funder.rawValue).flatMap { organisations[$0] }.map { ($0, part.amount) } }
        }

        /// The plan's split of `amount` under the action, with what it leaves unfunded; throws the
        /// French `InterventionFunding.Refusal` when the plan cannot say who pays.
        public func split(action: UUID, amount: Money, year: Int? = nil) throws -> InterventionFunding.Split {
            guard let index = actionIndex[action], plan.actions.indices.contains(index) else { throw StoreError.notFound("Action") }
            do {
                return try InterventionFunding.split(amount, year: year, action: plan.actions[index], funders: plan.funders, regime: regime)
            } catch let refusal as InterventionFunding.Refusal {
                throw StoreError.conflict(refusal.description)
            }
        }
    }

    static func fund(_ intervention: InterventionModel, amount: Money, on date: CivilDate, actor: Actor, tx: any Database) async throws {
        guard let convention = try await ConventionModel.find(intervention.$convention.id, on: tx) else { throw StoreError.notFound("Convention") }
        let funding = try await Funding(for: convention, on: tx)
        try await commit(try funding.parts(action: intervention.$action.id, amount: amount, year: date.year), of: intervention, on: date, note: "", actor: actor, tx: tx)
    }

    /// An invoice above the quote: each funder's extra part (its part of the invoice less its part of
    /// the quote) is committed and recorded on top of what the quote holds.
    static func cover(_ intervention: InterventionModel, from quote: Money, to invoice: Money, on date: CivilDate, actor: Actor, tx: any Database) async throws {
        guard let convention = try await ConventionModel.find(intervention.$convention.id, on: tx) else { throw StoreError.notFound("Convention") }
        let funding = try await Funding(for: convention, on: tx)
        let before = try funding.parts(action: intervention.$action.id, amount: quote, year: date.year)
        let extras = try funding.parts(action: intervention.$action.id, amount: invoice, year: date.year).compactMap { organisation, part -> (OrganisationModel, Money)? in
            let held = before.first { $0.0.id == organisation.id }?.1 ?? .zero
            let extra = try part.subtracting(held)
            return extra.cents > 0 ? (organisation, extra) : nil
        }
        try await commit(extras, of: intervention, on: date, note: " (écart de facture)", actor: actor, tx: tx)
    }

    /// Commits each public funder's part against the envelopes and records it as de minimis aid; the
    /// company's own share is not public aid and commits no public funds.
    static func commit(_ parts: [(OrganisationModel, Money)], of intervention: InterventionModel, on date: CivilDate, note: String,
                       actor: Actor, tx: any Database) async throws {
        guard let company = try await CompanyModel.find(intervention.$company.id, on: tx) else { throw StoreError.notFound("Entreprise") }
        for (organisation, part) in parts where organisation.kind != .company {
            let commitment = CommitmentModel(conventionID: intervention.$convention.id, funderID: try organisation.requireID(),
                                             actionID: intervention.$action.id, year: date.year,
                                             label: "\(intervention.label) — \(company.name)\(note)", amount: part)
            commitment.interventionID = intervention.id
            _ = try await Commitments.admit(commitment, on: date, actor: actor, inside: tx)
            _ = try await DeMinimisStore.record(DeMinimisGrant(grantedOn: date, amount: part, grantor: organisation.name), for: company,
                                                override: nil, conventionID: intervention.$convention.id, interventionID: intervention.id,
                                                actor: actor, inside: tx)
        }
    }

    static func unfund(_ intervention: InterventionModel, actor: Actor, tx: any Database) async throws {
        let id = try intervention.requireID()
        for commitment in try await CommitmentModel.query(on: tx).filter(\.$interventionID == id).filter(\.$status == .committed).all() {
            try await Commitments.release(commitment, actor: actor, inside: tx)
        }
        for grant in try await DeMinimisGrantModel.query(on: tx).filter(\.$interventionID == id).all() {
            try await Audited.delete(grant, "de-minimis-grant", conventionID: intervention.$convention.id, actor: actor, on: tx)
        }
    }
}
