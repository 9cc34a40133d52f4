/// The Luhn checksum that SIREN and SIRET numbers carry.
enum Luhn {
    /// True when the digits pass the Luhn check (every second digit from the right doubled).
    static func isValid<S: StringProtocol>(_ digits: S) -> Bool {
        var sum = 0
        for (position, character) in digits.reversed().enumerated() {
            guard let digit = character.wholeNumberValue else { return false }
            if position % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func digitSum<S: StringProtocol>(_ digits: S) -> Int {
        digits.reduce(0) { $0 + ($1.wholeNumberValue ?? 0) }
    }
}

public struct IdentifierError: Error, Equatable, Sendable, CustomStringConvertible {
    public let input: String
    public let message: String

    public var description: String { "« \(input) » : \(message)" }
}

/// Removes the spaces, dots and no-break spaces people write inside identifiers (`356 000 000 00048`).
func compactDigits(_ text: String) -> String {
    String(text.filter { !($0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" || $0 == "." || $0 == "\t") })
}
