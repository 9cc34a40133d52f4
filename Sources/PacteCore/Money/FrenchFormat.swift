/// French display of numbers, amounts, rates and dates, as users read them in conventions:
/// `1 400,00 €`, `33,33 %`, `24/12/2020`.
///
/// Thousands are separated by a narrow no-break space (U+202F) and the unit by a no-break space
/// (U+00A0), as French typography (and CLDR's `fr` locale) does; nothing depends on the machine's locale.
public enum FrenchFormat {
    public static let groupSeparator = "\u{202F}"
    public static let unitSeparator = "\u{00A0}"

    /// `1 400,00 €`
    public static func money(_ amount: Money) -> String {
        amountNumber(amount) + unitSeparator + "€"
    }

    /// `1 400,00` (no currency sign), for table cells under a "€" header.
    public static func amountNumber(_ amount: Money) -> String {
        let magnitude = amount.cents.magnitude
        let cents = magnitude % 100
        return (amount.cents < 0 ? "-" : "") + grouped(magnitude / 100) + "," + (cents < 10 ? "0\(cents)" : "\(cents)")
    }

    /// `1 234 567`
    public static func grouped<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: groupSeparator)
    }

    /// A fraction as a French decimal with at most `maxFractionDigits` decimals, trailing zeros dropped:
    /// `1,5`, `12`, `681,25`. Rounded half away from zero when it does not terminate.
    public static func decimal(_ value: Fraction, maxFractionDigits: Int = 2) -> String {
        guard let scaled = try? value.rounded(toDecimalPlaces: maxFractionDigits) else { return value.description }
        var scale: Int128 = 1
        for _ in 0..<maxFractionDigits { scale *= 10 }
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt128(scale)
        var fraction = String(magnitude % UInt128(scale))
        fraction = String(repeating: "0", count: max(0, maxFractionDigits - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = scaled < 0 ? "-" : ""
        return sign + grouped(whole) + (fraction.isEmpty ? "" : "," + fraction)
    }

    /// `33,33 %`; a rate that has no exact two-decimal form is shown rounded with `≈` (`≈ 66,67 %` for 2/3).
    public static func percent(_ rate: Rate) -> String {
        let percent = (try? rate.fraction.multiplied(by: Fraction(100))) ?? rate.fraction
        let exact = (try? percent.rounded(toDecimalPlaces: 2)).map { rounded in
            (try? Fraction(reducing: rounded, 100)) == percent
        } ?? false
        return (exact ? "" : "≈" + unitSeparator) + decimal(percent, maxFractionDigits: 2) + unitSeparator + "%"
    }

    /// `24/12/2020`
    public static func date(_ date: CivilDate) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return two(date.day) + "/" + two(date.month) + "/" + String(date.year)
    }

    /// `1,5 j`
    public static func days(_ quantity: Quantity) -> String {
        decimal(quantity.value, maxFractionDigits: 3) + unitSeparator + "j"
    }
}
