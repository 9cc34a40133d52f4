/// Who pays for one service delivered under an action. The action's financing plan is evaluated as
/// a whole (percentages, fixed amounts, the remainder, prorata pools, caps and conditions) and the
/// service's price is shared in the proportions the plan gives each funder of the action's cost:
/// a fixed 1 750 € on a 3 500 € action pays half of every service, a capped share only what is left
/// of it after the cap. The split is to the cent by largest remainder; what the plan leaves unfunded
/// stays apart as `unfunded`, so the parts and the rest always add up to the price.
public enum InterventionFunding {
    public struct Part: Hashable, Sendable {
        public var funder: FunderID
        public var amount: Money
        public var condition: String?
    }

    public struct Split: Hashable, Sendable {
        public var parts: [Part]
        /// The part of the price that no share of the plan pays.
        public var unfunded: Money
        public var funded: Money { parts.map(\.amount).reduce(.zero, +) }
    }

    /// Why the plan cannot say who pays a service.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// Every cost line is sur devis and some share is not a plain rate: no proportion is known.
        case costUnknown(action: String)
        /// No share of the action pays any amount (only undetermined shares, or none).
        case noShare(action: String)

        public var description: String {
            switch self {
            case .costUnknown(let action):
                "Le coût de l'action « \(action) » est sur devis et ses parts ne sont pas toutes des pourcentages : le plan de financement ne dit pas qui paie cette prestation. Chiffrez la ligne de coût dans le tableau de financement avant d'accepter."
            case .noShare(let action):
                "Aucune part du plan de financement de l'action « \(action) » n'a de montant : cette prestation ne serait financée par personne. Complétez le tableau de financement avant d'accepter."
            }
        }
    }

    /// Shares `price` among the funders of `action` in the proportions of its evaluated plan; `year`
    /// picks the budget year of a multi-year action (the whole action when it has no such year).
    public static func split(_ price: Money, year: Int? = nil, action: PlannedAction, funders: [Funder],
                             regime: TaxRegime = .ht) throws -> Split {
        let plan = ConventionPlan(title: action.displayName, regime: regime, funders: funders, actions: [action])
        let result = try plan.evaluate().actions[0]
        let periods = result.periods.contains { $0.year == year && year != nil } ? result.periods.filter { $0.year == year } : result.periods
        let cost = periods.map(\.cost).reduce(.zero, +)
        guard cost.cents > 0 else { return try scaleFree(price, action: action, funders: funders, regime: regime) }

        let outcomes = periods.flatMap(\.outcomes)
        let paying = funders.compactMap { funder -> (Funder, Money, String?)? in
            let amount = outcomes.filter { $0.funder == funder.id }.compactMap(\.amount).reduce(.zero, +)
            guard amount.cents > 0 else { return nil }
            return (funder, amount, outcomes.first { $0.funder == funder.id && $0.condition != nil }?.condition)
        }
        let funded = paying.map(\.1).reduce(.zero, +)
        guard funded.cents > 0 else { throw Refusal.noShare(action: action.displayName) }
        // The rest of the cost is one more weight, so that the parts keep the plan's proportions of
        // the cost; an over-funded plan has no rest and shares the whole price.
        let rest = cost > funded ? cost - funded : .zero
        let amounts = try Allocation.split(price, weights: paying.map(\.1.cents) + [rest.cents])
        let parts = zip(paying, amounts).compactMap { payer, amount in
            amount.cents > 0 ? Part(funder: payer.0.id, amount: amount, condition: payer.2) : nil
        }
        return Split(parts: parts, unfunded: amounts[amounts.count - 1])
    }

    /// An action whose cost is all sur devis still has proportions when its shares are plain rates
    /// (percentages and the remainder): they are applied to the price itself.
    static func scaleFree(_ price: Money, action: PlannedAction, funders: [Funder], regime: TaxRegime) throws -> Split {
        let rates = action.shares.allSatisfy { share in
            switch share.size {
            case .percentage, .remainder: share.cap == nil && share.basisLines == nil
            case .fixed, .undetermined: false
            }
        }
        guard rates, !action.shares.isEmpty else {
            throw action.shares.contains(where: { $0.size != .undetermined }) ? Refusal.costUnknown(action: action.displayName)
                                                                              : Refusal.noShare(action: action.displayName)
        }
        let shares = action.shares.map { share in
            var scaled = share
            scaled.year = nil
            scaled.statedAmount = nil
            return scaled
        }
        let line = CostLine(id: "prestation", label: "prestation", pricing: .forfait(price), regime: regime)
        let single = PlannedAction(code: action.code, title: action.title, lines: [line], shares: shares)
        let period = try ConventionPlan(title: "prestation", regime: regime, funders: funders, actions: [single]).evaluate().actions[0].periods[0]
        let parts = funders.compactMap { funder -> Part? in
            let amount = period.amount(for: funder.id)
            guard amount.cents > 0 else { return nil }
            return Part(funder: funder.id, amount: amount, condition: period.outcomes.first { $0.funder == funder.id && $0.condition != nil }?.condition)
        }
        return Split(parts: parts, unfunded: period.unfunded)
    }
}
