/// Errors of exact arithmetic: the core never wraps around silently and never divides by zero.
public enum ArithmeticError: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow
    case divisionByZero

    public var description: String {
        switch self {
        case .overflow: "Dépassement de capacité : le montant est trop grand pour être calculé exactement."
        case .divisionByZero: "Division par zéro."
        }
    }
}

/// Integer helpers shared by the exact types. Intermediate products use `Int128`,
/// so `cents × numerator` never overflows before the final check.
enum Exact {
    static func gcd(_ a: Int128, _ b: Int128) -> Int128 {
        var x = a.magnitude
        var y = b.magnitude
        while y != 0 { (x, y) = (y, x % y) }
        return Int128(x)
    }

    /// `numerator / denominator` rounded half away from zero ("arrondi au plus proche, demi vers le haut").
    static func divideRoundingHalfUp(_ numerator: Int128, _ denominator: Int128) throws(ArithmeticError) -> Int128 {
        guard denominator != 0 else { throw .divisionByZero }
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator.magnitude
        let d = denominator.magnitude
        let (q, r) = n.quotientAndRemainder(dividingBy: d)
        let rounded = r * 2 >= d ? q + 1 : q
        guard rounded <= UInt128(Int128.max) else { throw .overflow }
        return negative ? -Int128(rounded) : Int128(rounded)
    }

    /// Floor division and remainder for non-negative operands.
    static func divideFloor(_ numerator: Int128, _ denominator: Int128) -> (quotient: Int128, remainder: Int128) {
        numerator.quotientAndRemainder(dividingBy: denominator)
    }

    static func toInt64(_ value: Int128) throws(ArithmeticError) -> Int64 {
        guard let v = Int64(exactly: value) else { throw .overflow }
        return v
    }
}
