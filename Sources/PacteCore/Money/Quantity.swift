/// A non-negative exact quantity: a number of units, sites, companies or days (`5`, `1,5`).
public struct Quantity: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: Fraction

    public init(_ value: Fraction) throws(AmountParseError) {
        guard !value.isNegative else { throw AmountParseError(input: value.description, reason: .negativeQuantity) }
        self.value = value
    }

    public init(_ whole: Int64) {
        precondition(whole >= 0, "a quantity cannot be negative")
        // A whole number over 1 is always a valid fraction.
        self.value = (try? Fraction(whole)) ?? .zero
    }

    /// `5`, `1,5`, `1.5`, `2 000`. Three decimals after a dot are ambiguous (`1.500`) and refused.
    public static func parse(_ text: String) throws(AmountParseError) -> Quantity {
        try parse(text, input: text)
    }

    static func parse(_ text: String, input: String) throws(AmountParseError) -> Quantity {
        let body = AmountParser.normalizeSpaces(text)
        if body.hasPrefix("-") || body.hasPrefix("\u{2212}") {
            throw AmountParseError(input: input, reason: .negativeQuantity)
        }
        let digits = try AmountParser.parseNumber(body, input: input, mode: .quantity)
        guard digits.fractionDigits.count <= 6 else {
            throw AmountParseError(input: input, reason: .tooManyDecimals(found: digits.fractionDigits.count, allowed: 6))
        }
        let scale = digits.fractionDigits.count
        let scaled = try digits.scaled(toDecimals: scale, input: input)
        var denominator: Int64 = 1
        for _ in 0..<scale { denominator *= 10 }
        do {
            return try Quantity(try Fraction(scaled, denominator))
        } catch let error as AmountParseError {
            throw error
        } catch {
            throw AmountParseError(input: input, reason: .tooLarge)
        }
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value < rhs.value }

    /// French form: `1,5`.
    public var description: String { FrenchFormat.decimal(value, maxFractionDigits: 6) }
}

extension Quantity: Codable {
    /// Quantities travel as strings (`"1.5"`, `"12"`) or whole JSON numbers.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let whole = try? container.decode(Int64.self), whole >= 0 {
            self.init(whole)
            return
        }
        let text = try container.decode(String.self)
        do {
            self = try Quantity.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isInteger {
            try container.encode(value.numerator)
        } else {
            try container.encode(FrenchFormat.decimal(value, maxFractionDigits: 6).replacingOccurrences(",", "."))
        }
    }
}

extension String {
    package func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
