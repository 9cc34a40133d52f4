/// Something Pacte noticed in a plan or a document: a total that does not add up, a share that
/// disagrees with its rate, a vote count that does not match. Findings are reported, never hidden.
public struct Finding: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
        case error, warning, info

        public var pluralLabel: String {
            switch self {
            case .error: "erreurs"
            case .warning: "avertissements"
            case .info: "informations"
            }
        }

        public var label: String {
            switch self {
            case .error: "erreur"
            case .warning: "avertissement"
            case .info: "information"
            }
        }

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .info: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public let severity: Severity
    /// A stable code, for filters and tests: `total-mismatch`, `line-mismatch`…
    public let code: Code
    /// The explanation, in French, with French-formatted values.
    public let message: String
    /// What the document or the user states, in machine form (`3350.00`, `37`).
    public let stated: String?
    /// What Pacte computes, in machine form.
    public let computed: String?
    /// Where: an action, a line, an article.
    public let location: String?
    /// The line of the source document, when the finding comes from reading one.
    public var line: Int?

    public init(_ severity: Severity, _ code: Code, _ message: String, stated: String? = nil, computed: String? = nil, location: String? = nil, line: Int? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.stated = stated
        self.computed = computed
        self.location = location
        self.line = line
    }

    public var description: String {
        "[\(severity.label)] \(code.rawValue)" + (location.map { " — \($0)" } ?? "") + " : \(message)"
    }

    public struct Code: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// A stated total differs from the sum of its lines.
        public static let totalMismatch: Code = "total-mismatch"
        /// Quantity × unit price (or days × day rate) differs from the line's stated amount.
        public static let lineMismatch: Code = "line-mismatch"
        /// A line's implied day rate differs from the convention's day rate.
        public static let dayRateOutlier: Code = "day-rate-outlier"
        /// A rate and its amount disagree, or the shares do not cover the cost exactly.
        public static let shareMismatch: Code = "share-mismatch"
        /// A cost has no financing at all.
        public static let noFinancing: Code = "no-financing"
        /// A share depends on a decision not yet taken (`sous réserve`).
        public static let conditionalShare: Code = "conditional-share"
        /// A cap cut a share down.
        public static let capApplied: Code = "cap-applied"
        /// A `sur devis` line: amount pending, excluded from totals.
        public static let pendingCost: Code = "pending-cost"
        /// An amount was converted between HT and TTC.
        public static let taxConversion: Code = "tax-conversion"
        /// A share whose amount is not known yet (`?` in a table).
        public static let undeterminedShare: Code = "undetermined-share"
    }
}
