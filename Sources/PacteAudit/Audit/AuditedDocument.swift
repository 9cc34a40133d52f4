import PacteCore

/// What `DocumentAudit` read in a document's plain text, and what it found wrong. Every item keeps
/// the line it was read from, so a report (or the import page) can point at the source.
public struct AuditedDocument: Sendable, Equatable {
    public var file: String
    public var parties: [AuditedParty] = []
    public var axes: [AuditedAxis] = []
    public var actions: [AuditedAction] = []
    public var votes: [AuditedVote] = []
    public var actesIds: [String] = []
    public var findings: [Finding] = []
    /// The first line of each page after the first, when the text came with pages (PDF, scans,
    /// page breaks of a Word file): findings then say the page too.
    public var pageStarts: [Int] = []
    /// The text came from optical character recognition: a count that breaks an identity may be
    /// a misread digit rather than a mistake of the document.
    public var fromOCR = false

    public init(file: String) { self.file = file }

    /// The page a line is on, 1-based.
    public func page(ofLine line: Int) -> Int {
        1 + pageStarts.prefix { $0 <= line }.count
    }

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
}

public struct AuditedParty: Sendable, Equatable {
    public var name: String
    /// The name the document uses afterwards (« la CCIM »).
    public var shortName: String?
    public var siren: Siren?
    public var representative: String?
    public var line: Int
}

public struct AuditedAxis: Sendable, Equatable {
    public var code: String
    public var title: String
    public var line: Int
}

/// An action sheet, a row of a financing table or one year of a multi-year sheet: a title, cost
/// lines, the total the document states, and who pays what.
public struct AuditedAction: Sendable, Equatable {
    public var title: String
    public var code: String?
    public var axis: String?
    /// For one column of a multi-year table.
    public var year: Int?
    public var lines: [AuditedLine] = []
    public var statedTotal: Money?
    public var statedDays: Quantity?
    /// The line of the total row.
    public var statedTotalLine: Int?
    /// Other totals stated for the same operation, not checked against its lines: the TTC beside
    /// the HT, the base a subsidy is computed on, a subtotal of the shares (« soit un apport de … »).
    public var statedBases: [Money] = []
    public var financing: [AuditedShare] = []
    /// The line the action starts at (its title or its table row).
    public var line: Int

    public init(title: String, code: String? = nil, axis: String? = nil, year: Int? = nil, line: Int) {
        self.title = title
        self.code = code
        self.axis = axis
        self.year = year
        self.line = line
    }

    /// The sum of the lines whose amount is known; `sur devis` lines are pending, not zero.
    public var computedTotal: Money { lines.compactMap(\.amount).reduce(.zero, +) }
    public var hasPendingLines: Bool { lines.contains(where: \.onQuote) }
}

public struct AuditedLine: Sendable, Equatable {
    public var label: String
    public var amount: Money?
    public var days: Quantity?
    /// Days read in the label (« Animation (30 jours) ») rather than next to the amount: less sure.
    public var daysFromLabel = false
    public var unitPrice: Money?
    public var quantity: Quantity?
    public var regime: TaxRegime?
    /// `sur devis`: the amount is pending, excluded from totals.
    public var onQuote = false
    public var line: Int

    public init(label: String, amount: Money? = nil, days: Quantity? = nil, unitPrice: Money? = nil, quantity: Quantity? = nil,
                regime: TaxRegime? = nil, onQuote: Bool = false, line: Int) {
        self.label = label
        self.amount = amount
        self.days = days
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.regime = regime
        self.onQuote = onQuote
        self.line = line
    }
}

public struct AuditedShare: Sendable, Equatable {
    public var funder: String
    public var rate: Rate?
    public var amount: Money?
    /// « sous réserve », « ? »: the share may fall through.
    public var conditional = false
    public var condition: String?
    public var line: Int

    public init(funder: String, rate: Rate? = nil, amount: Money? = nil, conditional: Bool = false, condition: String? = nil, line: Int) {
        self.funder = funder
        self.rate = rate
        self.amount = amount
        self.conditional = conditional
        self.condition = condition
        self.line = line
    }
}

/// The counts of one agenda item of a council register.
public struct AuditedVote: Sendable, Equatable {
    public var body: String?
    public var sessionDate: CivilDate?
    public var inOffice: Int?
    public var present: Int?
    /// Substitutes sitting with a vote (« suppléants ayant voix délibérative »), counted apart
    /// from the members present as the register does; they vote as present members.
    public var substitutes: Int?
    public var represented: Int?
    public var voters: Int?
    /// Members who did not take part in the vote (« ne prend pas part au vote »).
    public var notVoting: Int?
    public var votesFor: Int?
    public var against: Int?
    public var abstentions: Int?
    public var unanimous = false
    public var adopted: Bool?
    /// The regime the counts were judged by, when the session's date is known.
    public var regime: String?
    /// The SIREN of the authority, from the @CTES identifier of the act.
    public var authoritySiren: Siren?
    public var presentNames: [String] = []
    public var proxies: [Attendance] = []
    public var line: Int
}
