/// The financing table as seed 000 lays it out: actions as rows, funders as columns, totals per
/// funder and per action, sur devis lines pending, conditional shares marked. Text, HTML and
/// spreadsheet renderers all start from this model.
public struct FinancingTable: Hashable, Sendable {
    public enum Cell: Hashable, Sendable {
        case empty
        /// A known amount; `conditional` for a share `sous réserve`, `capped` when a cap cut it.
        case amount(Money, conditional: Bool, capped: Bool, partial: Bool)
        /// The basis is sur devis: only the rule is known (`20 %`, `solde`).
        case pending(String)
        /// A funder named without an amount (`?`).
        case undetermined
    }

    public struct Row: Hashable, Sendable {
        public var label: String
        public var axis: String?
        public var year: Int?
        /// nil when every line of the row is sur devis.
        public var cost: Money?
        public var hasPendingLines: Bool
        public var cells: [Cell]
        public var unfunded: Money
        public var excess: Money
        /// The row's action in `PlanEvaluation.actions` (an action spans one row per year).
        public var actionIndex: Int
    }

    public var title: String
    public var regime: TaxRegime
    public var funders: [Funder]
    public var rows: [Row]
    public var totalCost: Money
    public var totalsPerFunder: [Money]
    /// False for a funder whose every share is still pending or undetermined: its total is not 0, it is unknown.
    public var funderHasKnownAmount: [Bool]
    public var totalUnfunded: Money
    public var totalExcess: Money
    /// One entry per sur devis line: `Axe 1 / 1.a Etude territoire — Ville de Sézanne 20 %, Région GE 80 %`.
    public var pendingNotes: [String]

    public var hasGaps: Bool { !totalUnfunded.isZero || !totalExcess.isZero }

    public init(_ evaluation: PlanEvaluation) {
        let plan = evaluation.plan
        title = plan.title
        regime = plan.regime
        funders = plan.funders
        var rows: [Row] = []
        var pendingNotes: [String] = []
        for (actionIndex, result) in evaluation.actions.enumerated() {
            for period in result.periods {
                let cells = plan.funders.map { funder in FinancingTable.cell(period.outcomes(for: funder.id)) }
                let allPending = period.cost.isZero && !period.pendingLines.isEmpty
                rows.append(Row(
                    label: result.action.displayName, axis: result.action.axis,
                    year: period.year,
                    cost: allPending ? nil : period.cost, hasPendingLines: !period.pendingLines.isEmpty,
                    cells: cells, unfunded: period.unfunded, excess: period.excess, actionIndex: actionIndex))
                for line in period.pendingLines {
                    let rules = period.outcomes.filter(\.isPending).map { outcome -> String in
                        let who = plan.funder(outcome.funder)?.displayName ?? outcome.funder.rawValue
                        return "\(who) \(FinancingTable.rule(outcome.size))"
                    }
                    pendingNotes.append("\(result.action.displayName) : « \(line.label) » sur devis"
                        + (rules.isEmpty ? "" : " — " + rules.joined(separator: ", ")))
                }
            }
        }
        self.rows = rows
        self.pendingNotes = pendingNotes
        totalCost = evaluation.cost
        totalsPerFunder = plan.funders.map { evaluation.amount(for: $0.id) }
        let outcomes = evaluation.actions.flatMap(\.periods).flatMap(\.outcomes)
        funderHasKnownAmount = plan.funders.map { funder in
            outcomes.contains { $0.funder == funder.id && $0.amount != nil } || !outcomes.contains { $0.funder == funder.id }
        }
        totalUnfunded = evaluation.unfunded
        totalExcess = evaluation.excess
    }

    static func rule(_ size: Share.Size) -> String {
        switch size {
        case .percentage(let rate): rate.description
        case .fixed(let amount): amount.description
        case .remainder: "solde"
        case .undetermined: "?"
        }
    }

    static func cell(_ outcomes: [ShareOutcome]) -> Cell {
        if outcomes.isEmpty { return .empty }
        let known = outcomes.compactMap(\.amount)
        if !known.isEmpty {
            return .amount(known.reduce(.zero, +),
                           conditional: outcomes.contains { $0.isConditional && $0.amount != nil },
                           capped: outcomes.contains { $0.cappedFrom != nil },
                           partial: outcomes.contains { $0.basisIncludesPending })
        }
        if let pending = outcomes.first(where: \.isPending) { return .pending(rule(pending.size)) }
        return .undetermined
    }
}
