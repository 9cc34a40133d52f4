/// One line of an action's forecast costs ("coût et nature des dépenses prévisionnelles").
public struct CostLine: Hashable, Sendable {
    public enum Pricing: Hashable, Sendable {
        /// `5 × 650 €`
        case quantity(Quantity, unitPrice: Money)
        /// `12 j × 700 €`
        case days(Quantity, dayRate: Money)
        /// A flat fee.
        case forfait(Money)
        /// Sur devis: the amount is not known until a quote is made. Never counted as 0.
        case onQuote
    }

    /// Unique within its action, so that shares can name the lines they pay for.
    public var id: String
    public var label: String
    public var pricing: Pricing
    public var regime: TaxRegime
    /// The amount the document writes on the line, when it writes one.
    public var statedAmount: Money?
    /// Days written next to a flat amount, as in `8 400 € (12 j)`.
    public var effortDays: Quantity?
    /// The budget year, for multi-year plans.
    public var year: Int?

    public init(id: String, label: String, pricing: Pricing, regime: TaxRegime = .ht, statedAmount: Money? = nil, effortDays: Quantity? = nil, year: Int? = nil) {
        self.id = id
        self.label = label
        self.pricing = pricing
        self.regime = regime
        self.statedAmount = statedAmount
        self.effortDays = effortDays
        self.year = year
    }

    public var isPending: Bool { pricing == .onQuote && statedAmount == nil }

    /// What the pricing gives: quantity × unit price (rounded half up to the cent), days × rate, the
    /// flat fee; nil when sur devis.
    public func computedAmount() throws(ArithmeticError) -> Money? {
        switch pricing {
        case let .quantity(q, unitPrice): try unitPrice.multiplied(by: q.value)
        case let .days(d, dayRate): try dayRate.multiplied(by: d.value)
        case let .forfait(amount): amount
        case .onQuote: nil
        }
    }

    /// The amount that counts in totals: the stated amount when the document states one (the
    /// financing was computed from it), else the computed one. A disagreement between the two
    /// is reported as `line-mismatch`, never silently resolved.
    public func retainedAmount() throws(ArithmeticError) -> Money? {
        if let statedAmount { return statedAmount }
        return try computedAmount()
    }

    /// The days this line represents, written or priced.
    public var days: Quantity? {
        if case let .days(d, _) = pricing { return d }
        return effortDays
    }

    /// `5 × 650,00 €`, `12 j × 700,00 €`, `forfait`, `sur devis`
    public var pricingDescription: String {
        switch pricing {
        case let .quantity(q, unitPrice): "\(q) × \(unitPrice)"
        case let .days(d, dayRate): "\(FrenchFormat.days(d)) × \(dayRate)"
        case let .forfait(amount): "forfait \(amount)"
        case .onQuote: "sur devis"
        }
    }
}
