/// An exact rate: `25 %`, `33,33 %` (3333/10000) or `2/3`. Never a double.
public struct Rate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let fraction: Fraction

    public init(_ fraction: Fraction) throws(RateParseError) {
        guard !fraction.isNegative else { throw RateParseError(input: fraction.description, reason: .negative) }
        self.fraction = fraction
    }

    /// A whole percentage, for literals: `Rate.percent(25)`.
    public static func percent(_ percent: Int64) -> Rate {
        precondition(percent >= 0, "a rate cannot be negative")
        return Rate(unchecked: (try? Fraction(percent, 100)) ?? .zero)
    }

    /// Basis points: 3333 for 33,33 %.
    public static func basisPoints(_ points: Int64) -> Rate {
        precondition(points >= 0, "a rate cannot be negative")
        return Rate(unchecked: (try? Fraction(points, 10_000)) ?? .zero)
    }

    private init(unchecked fraction: Fraction) { self.fraction = fraction }

    public static let zero = Rate(unchecked: .zero)
    public static let full = Rate(unchecked: .one)

    public var isZero: Bool { fraction.isZero }

    /// `amount × rate`, rounded half away from zero to the cent.
    public func applied(to amount: Money) throws(ArithmeticError) -> Money {
        try amount.multiplied(by: fraction)
    }

    public func adding(_ other: Rate) throws(ArithmeticError) -> Rate {
        Rate(unchecked: try fraction.adding(other.fraction))
    }

    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.fraction < rhs.fraction }

    /// French form: `33,33 %`, `≈ 66,67 %` for 2/3.
    public var description: String { FrenchFormat.percent(self) }

    /// `25 %`, `25%`, `33,33 %`, `12.5 %`, `2/3`. A bare number is refused: is `0,5` half or half a percent?
    public static func parse(_ text: String) throws(RateParseError) -> Rate {
        let body = AmountParser.normalizeSpaces(text)
        guard !body.isEmpty else { throw RateParseError(input: text, reason: .empty) }
        if body.hasPrefix("-") || body.hasPrefix("\u{2212}") { throw RateParseError(input: text, reason: .negative) }
        if let slash = body.firstIndex(of: "/") {
            let top = body[..<slash].trimmingSpaces
            let bottom = body[body.index(after: slash)...].trimmingSpaces
            guard !top.isEmpty, !bottom.isEmpty, top.allSatisfy(\.isASCIIDigit), bottom.allSatisfy(\.isASCIIDigit),
                  let n = Int64(top), let d = Int64(bottom)
            else { throw RateParseError(input: text, reason: .malformedFraction) }
            guard d != 0 else { throw RateParseError(input: text, reason: .zeroDenominator) }
            do { return Rate(unchecked: try Fraction(n, d)) } catch { throw RateParseError(input: text, reason: .malformedFraction) }
        }
        guard body.hasSuffix("%") else { throw RateParseError(input: text, reason: .missingPercentSign) }
        let number = String(body.dropLast()).trimmingSpaces
        let digits: AmountParser.DecimalDigits
        do {
            digits = try AmountParser.parseNumber(number, input: text, mode: .quantity)
        } catch {
            throw RateParseError(input: text, reason: .malformedNumber(error.reason.message))
        }
        guard digits.fractionDigits.count <= 6 else { throw RateParseError(input: text, reason: .malformedNumber("trop de décimales.")) }
        var denominator: Int64 = 100
        for _ in 0..<digits.fractionDigits.count { denominator *= 10 }
        guard let scaled = try? digits.scaled(toDecimals: digits.fractionDigits.count, input: text),
              let fraction = try? Fraction(scaled, denominator)
        else { throw RateParseError(input: text, reason: .malformedNumber("nombre trop grand.")) }
        return Rate(unchecked: fraction)
    }
}

public struct RateParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case empty, negative, missingPercentSign, malformedFraction, zeroDenominator
        case malformedNumber(String)
    }

    public let input: String
    public let reason: Reason

    public var description: String {
        let message = switch reason {
        case .empty: "aucun taux n'est indiqué."
        case .negative: "un taux ne peut pas être négatif."
        case .missingPercentSign: "indiquez un pourcentage (« 25 % ») ou une fraction (« 2/3 ») : un nombre seul est ambigu."
        case .malformedFraction: "fraction illisible (attendu par exemple « 2/3 »)."
        case .zeroDenominator: "le dénominateur d'une fraction ne peut pas être nul."
        case .malformedNumber(let why): "pourcentage illisible : \(why)"
        }
        return "« \(input) » : \(message)"
    }
}

extension Rate: TextCodable {
    /// Rates travel as exact strings: `"1/4"`, `"3333/10000"`; any form `parse` reads is accepted.
    public init(codedText: String) throws { self = try Rate.parse(codedText) }
    public var codedText: String { "\(fraction.numerator)/\(fraction.denominator)" }
}
