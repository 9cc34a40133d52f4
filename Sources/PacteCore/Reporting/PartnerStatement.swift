/// Shared-cost conventions (seed 002, art. 6): one party carries the expenses and recovers each
/// partner's share by a revenue order (titre de recettes). A partner's statement gives what it owes
/// under the plan, what has been ordered from it and what it has paid.
public struct PartnerStatement: Hashable, Sendable {
    public var partner: FunderID
    public var name: String
    /// The partner's share of the plan for the period.
    public var due: Money
    public var ordered: Money
    public var paid: Money

    public init(partner: FunderID, name: String, due: Money, ordered: Money, paid: Money) {
        self.partner = partner
        self.name = name
        self.due = due
        self.ordered = ordered
        self.paid = paid
    }

    /// Still to order: due less ordered (never negative).
    public var toOrder: Money { due.cents > ordered.cents ? Money(cents: due.cents - ordered.cents) : .zero }
    /// Ordered and not yet paid.
    public var toCollect: Money { ordered.cents > paid.cents ? Money(cents: ordered.cents - paid.cents) : .zero }
}

/// A revenue order as the statements read it.
public struct RevenueOrderFact: Hashable, Sendable {
    public var partner: FunderID
    public var amount: Money
    public var paid: Money

    public init(partner: FunderID, amount: Money, paid: Money) {
        self.partner = partner
        self.amount = amount
        self.paid = paid
    }
}

public enum PartnerStatements {
    /// Every funder of the plan but the `collector` (the party that carries the expenses), with its
    /// share for `year` (every year when nil), the orders issued to it and its payments.
    public static func make(_ evaluation: PlanEvaluation, collector: FunderID, year: Int? = nil,
                            orders: [RevenueOrderFact]) throws(ArithmeticError) -> [PartnerStatement] {
        var statements: [PartnerStatement] = []
        for funder in evaluation.plan.funders where funder.id != collector {
            var due = Money.zero, ordered = Money.zero, paid = Money.zero
            for period in evaluation.actions.flatMap(\.periods) where year == nil || period.year == nil || period.year == year {
                due = try due.adding(period.amount(for: funder.id))
            }
            for order in orders where order.partner == funder.id {
                ordered = try ordered.adding(order.amount)
                paid = try paid.adding(order.paid)
            }
            statements.append(PartnerStatement(partner: funder.id, name: funder.name, due: due, ordered: ordered, paid: paid))
        }
        return statements
    }
}
