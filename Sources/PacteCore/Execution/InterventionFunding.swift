/// Who pays for one service delivered under an action: the action's shares that scale with the cost
/// (percentages, the remainder, prorata pools) applied to the service's price. A fixed amount is a
/// contribution to the whole action and a cap limits the whole action (envelopes hold it), so
/// neither is applied to one service; a share without an amount pays nothing yet.
public enum InterventionFunding {
    public struct Part: Hashable, Sendable {
        public var funder: FunderID
        public var amount: Money
        public var condition: String?
    }

    public static func split(_ price: Money, regime: TaxRegime, action: PlannedAction, funders: [Funder]) throws -> [Part] {
        let shares = action.shares.compactMap { share -> Share? in
            switch share.size {
            case .percentage, .remainder:
                var scaled = share
                scaled.cap = nil
                scaled.basisLines = nil
                scaled.year = nil
                scaled.statedAmount = nil
                return scaled
            case .fixed, .undetermined:
                return nil
            }
        }
        let line = CostLine(id: "prestation", label: "prestation", pricing: .forfait(price), regime: regime)
        let single = PlannedAction(code: action.code, title: action.title, lines: [line], shares: shares)
        let evaluation = try ConventionPlan(title: "prestation", regime: regime, funders: funders, actions: [single]).evaluate()
        return funders.compactMap { funder in
            let amount = evaluation.amount(for: funder.id)
            guard amount.cents > 0 else { return nil }
            let condition = evaluation.actions.first?.periods.flatMap(\.outcomes).first { $0.funder == funder.id && $0.condition != nil }?.condition
            return Part(funder: funder.id, amount: amount, condition: condition)
        }
    }
}
