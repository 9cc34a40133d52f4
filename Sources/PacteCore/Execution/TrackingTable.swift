/// The monthly tracking table (tableau de suivi): per month, action and funder, the services
/// prescribed and the funds committed, delivered, invoiced and paid, and what is left of the funder's
/// envelope at the end of the month.
public struct TrackingTable: Hashable, Sendable {
    /// One service given to a company, with the part of one funder (one fact per funder).
    public struct Fact: Hashable, Sendable {
        public var action: String
        public var funder: String
        public var prescribedIn: YearMonth
        public var acceptedIn: YearMonth?
        public var deliveredIn: YearMonth?
        public var invoicedIn: YearMonth?
        public var paidIn: YearMonth?
        /// The funder's part (committed while the service holds its commitment).
        public var amount: Money

        public init(action: String, funder: String, prescribedIn: YearMonth, acceptedIn: YearMonth? = nil, deliveredIn: YearMonth? = nil,
                    invoicedIn: YearMonth? = nil, paidIn: YearMonth? = nil, amount: Money) {
            self.action = action
            self.funder = funder
            self.prescribedIn = prescribedIn
            self.acceptedIn = acceptedIn
            self.deliveredIn = deliveredIn
            self.invoicedIn = invoicedIn
            self.paidIn = paidIn
            self.amount = amount
        }
    }

    public struct Row: Hashable, Sendable {
        public var month: YearMonth
        public var action: String
        public var funder: String
        public var prescribed: Int
        public var committed: Money
        public var delivered: Money
        public var invoiced: Money
        public var paid: Money
        /// The funder's envelope left at the end of the month, when the funder has one.
        public var envelopeLeft: Money?
    }

    public var rows: [Row]

    /// `envelopes`: each funder's cap (all its envelopes of the convention together).
    public init(facts: [Fact], envelopes: [String: Money]) throws {
        struct Key: Hashable, Comparable {
            var month: YearMonth, action: String, funder: String
            static func < (a: Key, b: Key) -> Bool { (a.month, a.action, a.funder) < (b.month, b.action, b.funder) }
        }
        var table: [Key: Row] = [:]
        func add(_ month: YearMonth?, _ fact: Fact, _ change: (inout Row) throws -> Void) rethrows {
            guard let month else { return }
            let key = Key(month: month, action: fact.action, funder: fact.funder)
            var row = table[key] ?? Row(month: month, action: fact.action, funder: fact.funder, prescribed: 0,
                                        committed: .zero, delivered: .zero, invoiced: .zero, paid: .zero, envelopeLeft: nil)
            try change(&row)
            table[key] = row
        }
        for fact in facts {
            add(fact.prescribedIn, fact) { $0.prescribed += 1 }
            try add(fact.acceptedIn, fact) { $0.committed = try $0.committed.adding(fact.amount) }
            try add(fact.deliveredIn, fact) { $0.delivered = try $0.delivered.adding(fact.amount) }
            try add(fact.invoicedIn, fact) { $0.invoiced = try $0.invoiced.adding(fact.amount) }
            try add(fact.paidIn, fact) { $0.paid = try $0.paid.adding(fact.amount) }
        }
        var rows = table.keys.sorted().map { table[$0]! }
        // What is left of each funder's envelope once the month's commitments are counted.
        var committedSoFar: [String: Money] = [:]
        for month in Set(rows.map(\.month)).sorted() {
            for index in rows.indices where rows[index].month == month {
                committedSoFar[rows[index].funder] = try (committedSoFar[rows[index].funder] ?? .zero).adding(rows[index].committed)
            }
            for index in rows.indices where rows[index].month == month {
                if let cap = envelopes[rows[index].funder] {
                    rows[index].envelopeLeft = try cap.subtracting(committedSoFar[rows[index].funder] ?? .zero)
                }
            }
        }
        self.rows = rows
    }
}
