/// The annual review (bilan annuel) of a convention: for each action and funder, what the plan
/// provides for the year against what the tracking table records — committed, delivered, invoiced,
/// paid — so that the review and the monthly table agree to the cent.
public struct AnnualReview: Sendable {
    /// Planned, committed, delivered, invoiced and paid: of one row, one funder or the whole year.
    public struct Totals: Hashable, Sendable {
        public var planned = Money.zero
        public var committed = Money.zero
        public var delivered = Money.zero
        public var invoiced = Money.zero
        public var paid = Money.zero

        public init() {}

        mutating func add(_ other: Totals) throws(ArithmeticError) {
            planned = try planned.adding(other.planned)
            committed = try committed.adding(other.committed)
            delivered = try delivered.adding(other.delivered)
            invoiced = try invoiced.adding(other.invoiced)
            paid = try paid.adding(other.paid)
        }
    }

    public struct Row: Hashable, Sendable {
        public var action: String
        public var funder: String
        public var figures: Totals
    }

    public var year: Int
    public var rows: [Row]
    public var byFunder: [(funder: String, totals: Totals)]
    public var total: Totals
    /// Whether the planned figures are the whole convention's (a plan without years).
    public var plannedOverWholeConvention: Bool

    /// Actions and funders are matched by the names the tracking table uses (`PlannedAction.displayName`,
    /// `Funder.displayName`).
    public init(year: Int, evaluation: PlanEvaluation, tracking: TrackingTable) throws(ArithmeticError) {
        self.year = year
        struct Key: Hashable { var action: String; var funder: String }
        var table: [Key: Row] = [:]
        var order: [Key] = []
        func row(_ key: Key) -> Row {
            table[key] ?? Row(action: key.action, funder: key.funder, figures: Totals())
        }
        let names = Dictionary(evaluation.plan.funders.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        var wholeConvention = false
        for result in evaluation.actions {
            // A plan without years gives the whole convention's amounts; a dated one, the year's.
            let undated = result.periods.allSatisfy { $0.year == nil }
            let periods = undated ? result.periods : result.periods.filter { $0.year == year }
            if undated, !result.periods.isEmpty { wholeConvention = true }
            for period in periods {
                for outcome in period.outcomes {
                    guard let amount = outcome.amount else { continue }
                    let key = Key(action: result.action.displayName, funder: names[outcome.funder] ?? outcome.funder.rawValue)
                    if table[key] == nil { order.append(key) }
                    var current = row(key)
                    current.figures.planned = try current.figures.planned.adding(amount)
                    table[key] = current
                }
            }
        }
        for tracked in tracking.rows where tracked.month.year == year {
            let key = Key(action: tracked.action, funder: tracked.funder)
            if table[key] == nil { order.append(key) }
            var current = row(key)
            var done = Totals()
            done.committed = tracked.committed
            done.delivered = tracked.delivered
            done.invoiced = tracked.invoiced
            done.paid = tracked.paid
            try current.figures.add(done)
            table[key] = current
        }
        rows = order.map { table[$0]! }
        var funderTotals: [String: Totals] = [:]
        var funderOrder: [String] = []
        var total = Totals()
        for row in rows {
            if funderTotals[row.funder] == nil { funderOrder.append(row.funder); funderTotals[row.funder] = Totals() }
            try funderTotals[row.funder]!.add(row.figures)
            try total.add(row.figures)
        }
        byFunder = funderOrder.map { ($0, funderTotals[$0]!) }
        self.total = total
        plannedOverWholeConvention = wholeConvention
    }
}
