/// An amount of euros held as a whole number of cents. Never binary floating point.
///
/// The throwing operations (`adding`, `multiplied(by:)`, `sum`) report an overflow as an error;
/// the operators `+` and `-` are for amounts known to be small and trap on overflow, as Swift's
/// integer arithmetic does.
public struct Money: Hashable, Sendable, Comparable {
    public let cents: Int64

    public init(cents: Int64) { self.cents = cents }

    /// Whole euros, for literals in code and tests.
    public static func euros(_ euros: Int64) -> Money { Money(cents: euros * 100) }

    public static let zero = Money(cents: 0)

    public var isZero: Bool { cents == 0 }
    public var isNegative: Bool { cents < 0 }
    public var isPositive: Bool { cents > 0 }
    public var magnitude: Money { Money(cents: cents < 0 ? -cents : cents) }
    public var negated: Money { Money(cents: -cents) }

    public func adding(_ other: Money) throws(ArithmeticError) -> Money {
        let (value, overflow) = cents.addingReportingOverflow(other.cents)
        guard !overflow else { throw .overflow }
        return Money(cents: value)
    }

    public func subtracting(_ other: Money) throws(ArithmeticError) -> Money {
        let (value, overflow) = cents.subtractingReportingOverflow(other.cents)
        guard !overflow else { throw .overflow }
        return Money(cents: value)
    }

    /// `self × factor`, rounded half away from zero to the cent.
    public func multiplied(by factor: Fraction) throws(ArithmeticError) -> Money {
        let exact = Int128(cents) * Int128(factor.numerator)
        return Money(cents: try Exact.toInt64(try Exact.divideRoundingHalfUp(exact, Int128(factor.denominator))))
    }

    /// `self × count`, exact.
    public func multiplied(by count: Int64) throws(ArithmeticError) -> Money {
        let (value, overflow) = cents.multipliedReportingOverflow(by: count)
        guard !overflow else { throw .overflow }
        return Money(cents: value)
    }

    /// `self / divisor` as an exact fraction of euros (for implied rates such as 10 900 € / 16 j).
    public func ratio(to divisor: Fraction) throws(ArithmeticError) -> Fraction {
        try Fraction(cents, 100).divided(by: divisor)
    }

    /// The exact sum, or an overflow error.
    public static func sum<S: Sequence>(_ amounts: S) throws(ArithmeticError) -> Money where S.Element == Money {
        var total = Money.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents - rhs.cents) }
    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    public static prefix func - (amount: Money) -> Money { amount.negated }

    /// The amount as a fraction of euros, for exact comparisons with rates and quantities.
    public var euroFraction: Fraction {
        // Cannot fail: any Int64 over 100 is representable.
        (try? Fraction(cents, 100)) ?? .zero
    }

    /// Machine form for JSON and CSV: `59975.00`, `-0.05`.
    public var decimalString: String {
        let negative = cents < 0
        let magnitude = cents.magnitude
        let euros = magnitude / 100
        let rest = magnitude % 100
        return (negative ? "-" : "") + "\(euros)." + (rest < 10 ? "0\(rest)" : "\(rest)")
    }

    /// Parses the machine form written by `decimalString` (`59975.00`, `12`, `-3.5`). Strict: no grouping.
    public init(decimalString text: String) throws(AmountParseError) {
        var body = Substring(text)
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || (parts[1].count >= 1 && parts[1].count <= 2 && parts[1].allSatisfy(\.isASCIIDigit))
        else {
            throw AmountParseError(input: text, reason: .notADecimal)
        }
        var fraction = parts.count == 2 ? String(parts[1]) : "00"
        if fraction.count == 1 { fraction += "0" }
        guard let euros = Int64(whole), let centsPart = Int64(fraction) else {
            throw AmountParseError(input: text, reason: .tooLarge)
        }
        let (scaled, o1) = euros.multipliedReportingOverflow(by: 100)
        let (total, o2) = scaled.addingReportingOverflow(centsPart)
        guard !o1, !o2 else { throw AmountParseError(input: text, reason: .tooLarge) }
        self.cents = negative ? -total : total
    }
}

extension Money: TextCodable {
    /// Amounts travel as decimal strings (`"59975.00"`), never as JSON numbers that a client would read as doubles.
    public init(codedText: String) throws { try self.init(decimalString: codedText) }
    public var codedText: String { decimalString }
}

extension Money: CustomStringConvertible {
    /// French form, `1 400,00 €`.
    public var description: String { FrenchFormat.money(self) }
}

extension Character {
    package var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
