/// An exact rational number, always in lowest terms with a positive denominator.
/// Rates and quantities are built on it so that `2/3` or `33,33 %` stay exact.
public struct Fraction: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    public init(_ numerator: Int64, _ denominator: Int64 = 1) throws(ArithmeticError) {
        try self.init(reducing: Int128(numerator), Int128(denominator))
    }

    init(reducing numerator: Int128, _ denominator: Int128) throws(ArithmeticError) {
        guard denominator != 0 else { throw .divisionByZero }
        var n = numerator
        var d = denominator
        if d < 0 { n = -n; d = -d }
        let g = Exact.gcd(n, d)
        if g > 1 { n /= g; d /= g }
        self.numerator = try Exact.toInt64(n)
        self.denominator = try Exact.toInt64(d)
    }

    private init(unchecked numerator: Int64, _ denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public static let zero = Fraction(unchecked: 0, 1)
    public static let one = Fraction(unchecked: 1, 1)

    public var isZero: Bool { numerator == 0 }
    public var isNegative: Bool { numerator < 0 }
    public var isInteger: Bool { denominator == 1 }

    public func adding(_ other: Fraction) throws(ArithmeticError) -> Fraction {
        try Fraction(
            reducing: Int128(numerator) * Int128(other.denominator) + Int128(other.numerator) * Int128(denominator),
            Int128(denominator) * Int128(other.denominator))
    }

    public func subtracting(_ other: Fraction) throws(ArithmeticError) -> Fraction {
        try adding(Fraction(unchecked: -other.numerator, other.denominator))
    }

    public func multiplied(by other: Fraction) throws(ArithmeticError) -> Fraction {
        try Fraction(
            reducing: Int128(numerator) * Int128(other.numerator),
            Int128(denominator) * Int128(other.denominator))
    }

    public func divided(by other: Fraction) throws(ArithmeticError) -> Fraction {
        guard other.numerator != 0 else { throw .divisionByZero }
        return try Fraction(
            reducing: Int128(numerator) * Int128(other.denominator),
            Int128(denominator) * Int128(other.numerator))
    }

    public static func < (lhs: Fraction, rhs: Fraction) -> Bool {
        Int128(lhs.numerator) * Int128(rhs.denominator) < Int128(rhs.numerator) * Int128(lhs.denominator)
    }

    /// Plain `n/d` (or `n` for an integer), for logs and tests.
    public var description: String { isInteger ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// The value rounded half away from zero to `places` decimals, as an integer of 10^-places units.
    func rounded(toDecimalPlaces places: Int) throws(ArithmeticError) -> Int128 {
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        return try Exact.divideRoundingHalfUp(Int128(numerator) * scale, Int128(denominator))
    }
}
