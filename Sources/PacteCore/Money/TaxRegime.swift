/// How an amount stands with VAT.
public enum TaxRegime: String, Codable, Sendable, CaseIterable {
    /// Hors taxes: before VAT.
    case ht = "HT"
    /// Toutes taxes comprises: VAT included.
    case ttc = "TTC"
    /// Net de taxes: outside the scope of VAT (chambers' public-service missions, seed 001).
    case netDeTaxes = "net de taxes"

    public var label: String { rawValue }

    /// Reads `HT`, `TTC`, `net de taxes` (any case, `H.T.` too).
    public init?(label: String) {
        switch AmountParser.normalizeSpaces(label).lowercased() {
        case "ht", "h.t.", "h.t": self = .ht
        case "ttc", "t.t.c.", "t.t.c": self = .ttc
        case "net de taxes", "nets de taxes", "net de taxe", "net", "net-de-taxes": self = .netDeTaxes
        default: return nil
        }
    }
}

extension Rate {
    /// The standard French VAT rate, 20 %.
    public static let standardVAT = Rate.percent(20)
}

public struct TaxConversionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let from: TaxRegime
    public let to: TaxRegime
    public var description: String {
        "Impossible de convertir un montant \(from.label) en montant \(to.label) : un montant soumis à la TVA n'a pas d'équivalent « net de taxes »."
    }
}

/// An amount with its tax regime. Totals mix regimes only through `converted(to:vat:)`.
public struct TaxedAmount: Hashable, Sendable, CustomStringConvertible {
    public var amount: Money
    public var regime: TaxRegime

    public init(_ amount: Money, _ regime: TaxRegime) {
        self.amount = amount
        self.regime = regime
    }

    /// HT → TTC multiplies by (1 + VAT), TTC → HT divides by it, both rounded half up to the cent.
    /// A net-de-taxes amount is outside VAT: it is the same amount in any regime. An amount under
    /// VAT cannot become net de taxes.
    public func converted(to target: TaxRegime, vat: Rate = .standardVAT) throws -> TaxedAmount {
        if target == regime { return self }
        let factor = try Fraction.one.adding(vat.fraction)
        switch (regime, target) {
        case (.ht, .ttc): return TaxedAmount(try amount.multiplied(by: factor), .ttc)
        case (.ttc, .ht): return TaxedAmount(try amount.multiplied(by: try Fraction.one.divided(by: factor)), .ht)
        case (.netDeTaxes, _): return TaxedAmount(amount, target)
        default: throw TaxConversionError(from: regime, to: target)
        }
    }

    public var description: String { "\(amount) \(regime.label)" }
}

public struct TaxRegimeMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public let regimes: [TaxRegime]
    public var description: String {
        "Ce total mêle des montants " + regimes.map(\.label).joined(separator: " et ")
            + " : convertissez-les d'abord dans un même régime."
    }
}

extension TaxedAmount {
    /// The sum of amounts of one regime; mixing regimes is refused (convert explicitly first).
    public static func sum(_ amounts: [TaxedAmount]) throws -> TaxedAmount? {
        guard let first = amounts.first else { return nil }
        let regimes = Array(Set(amounts.map(\.regime))).sorted { $0.rawValue < $1.rawValue }
        guard regimes.count == 1 else { throw TaxRegimeMismatch(regimes: regimes) }
        return TaxedAmount(try Money.sum(amounts.map(\.amount)), first.regime)
    }
}
