/// Identifies a funder within a plan (`ccim`, `ville-sezanne`).
public struct FunderID: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: FunderID, rhs: FunderID) -> Bool { lhs.rawValue < rhs.rawValue }
}

public struct Funder: Hashable, Sendable {
    public var id: FunderID
    public var name: String
    /// A short name for table headers (`Région GE`).
    public var shortName: String?
    public var siren: Siren?

    public init(id: FunderID, name: String, shortName: String? = nil, siren: Siren? = nil) {
        self.id = id
        self.name = name
        self.shortName = shortName
        self.siren = siren
    }

    public var displayName: String { shortName ?? name }
}

/// A group that shares a pool in proportion to a named quantity, such as the seven EPCI of seed 002
/// sharing 50 % of the cost by population. Which quantity and which year are kept with the plan,
/// so that a plan computed in 2020 stays reproducible when populations change.
public struct ProrataGroup: Hashable, Sendable {
    public struct Member: Hashable, Sendable {
        public var funder: FunderID
        public var weight: Int64
        public init(funder: FunderID, weight: Int64) {
            self.funder = funder
            self.weight = weight
        }
    }

    /// `population totale`
    public var quantity: String
    /// The year the quantity refers to (2025 for the populations of the 2026 DGCL list).
    public var year: Int
    /// Where the figures come from (`DGCL, liste des EPCI 2026 (ptot_2025)`).
    public var source: String?
    public var members: [Member]

    public init(quantity: String, year: Int, source: String? = nil, members: [Member]) {
        self.quantity = quantity
        self.year = year
        self.source = source
        self.members = members
    }
}

/// A ceiling on a share: `20 000 € maxi`, `80 %` of the expense at most.
public struct Cap: Hashable, Sendable {
    public enum Limit: Hashable, Sendable {
        case amount(Money)
        /// A rate of the share's basis cost.
        case rate(Rate)
    }

    public var limit: Limit
    /// Who takes over what the cap cuts off; nil leaves it unfunded (and visible as such).
    public var overflowTo: FunderID?
    /// The rule as written (`36 000 € par an et par ETP`).
    public var label: String?

    public init(limit: Limit, overflowTo: FunderID? = nil, label: String? = nil) {
        self.limit = limit
        self.overflowTo = overflowTo
        self.label = label
    }
}

/// One share of a financing plan.
public struct Share: Hashable, Sendable {
    public enum Size: Hashable, Sendable {
        /// `25 % soit 7 500 €`
        case percentage(Rate)
        case fixed(Money)
        /// What the other shares leave.
        case remainder
        /// A funder named without an amount (`Banque des Territoires ?`).
        case undetermined
    }

    public enum Payer: Hashable, Sendable {
        case funder(FunderID)
        /// The share is a pool split among a group by largest remainder.
        case prorata(ProrataGroup)
    }

    public var payer: Payer
    public var size: Size
    /// The cost lines the share pays a part of; nil for the whole cost.
    public var basisLines: [String]?
    public var cap: Cap?
    /// Set when the share is conditional (`sous réserve adoption du nouveau PO`).
    public var condition: String?
    /// For multi-year plans: the year the share belongs to; nil applies to every year.
    public var year: Int?
    /// The amount the document writes for the share (`soit 7 500 €`), checked against the computation.
    public var statedAmount: Money?

    public init(payer: Payer, size: Size, basisLines: [String]? = nil, cap: Cap? = nil, condition: String? = nil, year: Int? = nil, statedAmount: Money? = nil) {
        self.payer = payer
        self.size = size
        self.basisLines = basisLines
        self.cap = cap
        self.condition = condition
        self.year = year
        self.statedAmount = statedAmount
    }

    public static func funder(_ id: FunderID, _ size: Size, condition: String? = nil, year: Int? = nil, statedAmount: Money? = nil) -> Share {
        Share(payer: .funder(id), size: size, condition: condition, year: year, statedAmount: statedAmount)
    }

    public var isConditional: Bool { condition != nil }

    public var funders: [FunderID] {
        switch payer {
        case .funder(let id): [id]
        case .prorata(let group): group.members.map(\.funder)
        }
    }
}

/// An action (fiche-action or a row of a convention's financing table) with its costs and plan.
public struct PlannedAction: Hashable, Sendable {
    public var code: String
    public var title: String
    public var axis: String?
    public var lines: [CostLine]
    public var shares: [Share]
    /// The total the document states, per year (nil key: the whole action).
    public var statedTotals: [Int?: Money]
    /// The days the document states in its total, as in `6 000 € (8j)`.
    public var statedDays: Quantity?
    /// What the document states each funder pays in total (`6 000 €` for the Agence de l'eau).
    public var statedFunderTotals: [FunderID: Money]
    /// The day rate this action is priced at, when it differs from the convention's.
    public var referenceDayRate: Money?
    public var notes: [String]

    public init(code: String, title: String, axis: String? = nil, lines: [CostLine], shares: [Share] = [], statedTotals: [Int?: Money] = [:], statedDays: Quantity? = nil, statedFunderTotals: [FunderID: Money] = [:], referenceDayRate: Money? = nil, notes: [String] = []) {
        self.code = code
        self.title = title
        self.axis = axis
        self.lines = lines
        self.shares = shares
        self.statedTotals = statedTotals
        self.statedDays = statedDays
        self.statedFunderTotals = statedFunderTotals
        self.referenceDayRate = referenceDayRate
        self.notes = notes
    }

    /// `Axe 2 / 2.c Parcours digital`
    public var displayName: String {
        [code, title].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The years of a multi-year plan, or `[nil]` for a single-period one.
    public var periods: [Int?] {
        let years = Set(lines.compactMap(\.year))
        if years.isEmpty { return [nil] }
        return years.sorted().map { Optional($0) } + (lines.contains { $0.year == nil } ? [nil] : [])
    }
}

/// The whole financing of a convention: its funders, actions and the rules that apply to all.
public struct ConventionPlan: Hashable, Sendable {
    public var title: String
    public var regime: TaxRegime
    public var vat: Rate
    /// The convention's day rate (700 € in seed 003), against which day-priced lines are checked.
    public var referenceDayRate: Money?
    public var funders: [Funder]
    public var actions: [PlannedAction]
    public var notes: [String]

    public init(title: String, regime: TaxRegime = .ht, vat: Rate = .standardVAT, referenceDayRate: Money? = nil, funders: [Funder], actions: [PlannedAction], notes: [String] = []) {
        self.title = title
        self.regime = regime
        self.vat = vat
        self.referenceDayRate = referenceDayRate
        self.funders = funders
        self.actions = actions
        self.notes = notes
    }

    public func funder(_ id: FunderID) -> Funder? { funders.first { $0.id == id } }
}

/// A plan that cannot be evaluated as written. Messages in French.
public struct PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    public let location: String
    public let message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { location.isEmpty ? message : "\(location) : \(message)" }
}
