/// Why a piece of text is not an amount. Messages are in French: they reach the user as they are.
public struct AmountParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case empty
        case noDigits
        case notADecimal
        case tooLarge
        case unexpectedCharacter(Character)
        case tooManyDecimals(found: Int, allowed: Int)
        case unrecognizedText(String)
        case ambiguousComma
        case ambiguousDot
        case irregularGrouping
        case mixedGroupSeparators
        case misplacedSeparator
        case severalCurrencySigns
        case unknownAnnotation(String)
        case daysNotAnAmount
        case missingDayUnit
        case negativeQuantity
    }

    public let input: String
    public let reason: Reason

    public init(input: String, reason: Reason) {
        self.input = input
        self.reason = reason
    }

    public var description: String {
        // « douze » : « douze » n'est pas reconnu… says the input twice; once is enough.
        if case .unrecognizedText(let junk) = reason, junk == input.trimmingSpaces { return reason.message }
        return "« \(input) » : \(reason.message)"
    }
}

extension AmountParseError.Reason {
    var message: String {
        switch self {
        case .empty: "aucun montant n'est indiqué."
        case .noDigits: "aucun chiffre n'a été trouvé."
        case .notADecimal: "attendu un nombre décimal à point, comme 59975.00."
        case .tooLarge: "le nombre est trop grand."
        case .unexpectedCharacter(let c): "le caractère « \(c) » n'a pas sa place dans un montant."
        case let .tooManyDecimals(found, allowed):
            allowed == 2
                ? "\(found) chiffres après le séparateur décimal : un montant s'exprime au centime près (2 décimales au plus)."
                : "\(found) chiffres après le séparateur décimal : \(allowed) au plus."
        case .unrecognizedText(let text): "« \(text) » n'est pas reconnu (attendu un montant, éventuellement suivi de HT, TTC ou net de taxes)."
        case .ambiguousComma: "trois chiffres après la virgule : séparateur de milliers ou décimales ? Écrivez par exemple 1 400 € ou 1,40 €."
        case .ambiguousDot: "trois chiffres après le point : séparateur de milliers ou décimales ? Écrivez par exemple 1 500 ou 1,5."
        case .irregularGrouping: "les chiffres ne sont pas groupés par trois : s'agit-il de plusieurs nombres ?"
        case .mixedGroupSeparators: "deux séparateurs de milliers différents sont mêlés."
        case .misplacedSeparator: "un séparateur est mal placé (en tête, en fin ou doublé)."
        case .severalCurrencySigns: "la devise est indiquée plusieurs fois."
        case .unknownAnnotation(let a): "l'annotation « (\(a)) » n'est pas reconnue (attendu un nombre de jours, comme « (12 j) »)."
        case .daysNotAnAmount: "c'est un nombre de jours, pas un montant."
        case .missingDayUnit: "un nombre de jours doit être suivi de « j » ou « jours »."
        case .negativeQuantity: "une quantité ne peut pas être négative."
        }
    }
}

/// An amount as written in a document, with what was written around it.
public struct ParsedAmount: Equatable, Sendable {
    public var amount: Money
    /// `HT`, `TTC` or `net de taxes`, when the text says it.
    public var regime: TaxRegime?
    /// The days in a `(12 j)` annotation, when there is one.
    public var days: Quantity?
    /// Written as a day rate: `700 €/j`, `700 € par jour`.
    public var perDay: Bool = false
}

/// Reads the amounts found in real documents: `1 400 €`, `1 400,00 €`, `1.400 €`, `22.300 €`,
/// `3 835.58 €`, `8 400 € (12 j)`, `82 500€ HT`, `10 800 €`.
///
/// The rules, in order:
/// - a comma is the French decimal separator; with three digits after it (`1,400`) it could be a
///   thousands separator, so that is an error rather than a guess;
/// - a single dot followed by exactly three digits (`22.300`) is a thousands separator: money has at
///   most two decimals, so it cannot be a decimal; with one or two digits (`3 835.58`) it is decimal;
/// - when both a dot and a comma appear, the last one is the decimal separator;
/// - groups after the first have exactly three digits, and one kind of thousands separator is used;
/// - more than two decimals is an error (no sub-cent amounts).
public enum AmountParser {
    public static func parse(_ text: String) throws(AmountParseError) -> ParsedAmount {
        var body = normalizeSpaces(text)
        guard !body.isEmpty else { throw AmountParseError(input: text, reason: .empty) }

        var days: Quantity?
        if body.hasSuffix(")"), let open = body.lastIndex(of: "(") {
            let inner = String(body[body.index(after: open)..<body.index(before: body.endIndex)])
            do {
                days = try parseDays(inner)
            } catch {
                throw AmountParseError(input: text, reason: .unknownAnnotation(inner.trimmingSpaces))
            }
            body = String(body[..<open]).trimmingSpaces
        }

        var perDay = false
        for suffix in ["par jour", "/jour", "/ jour", "/j", "/ j"] where body.lowercased().hasSuffix(suffix) {
            body = String(body.dropLast(suffix.count)).trimmingSpaces
            perDay = true
            break
        }
        var regime: TaxRegime?
        (body, regime) = stripRegime(body)
        let currencyCount = countCurrencyMarks(body)
        guard currencyCount <= 1 else { throw AmountParseError(input: text, reason: .severalCurrencySigns) }
        body = stripCurrency(body)
        if regime == nil { (body, regime) = stripRegime(body) }

        if isDayCount(body) { throw AmountParseError(input: text, reason: .daysNotAnAmount) }
        let letters = body.filter { $0.isLetter || $0 == "€" || $0 == "$" || $0 == "£" }
        if !letters.isEmpty {
            let junk = body.drop(while: { $0.isASCIIDigit || $0 == " " || $0 == "." || $0 == "," || $0 == "-" || $0 == "\u{2212}" })
            throw AmountParseError(input: text, reason: .unrecognizedText(junk.trimmingSpaces))
        }

        var negative = false
        if let first = body.first, first == "-" || first == "\u{2212}" {
            negative = true
            body = String(body.dropFirst()).trimmingSpaces
        }
        let number = try parseNumber(body, input: text, mode: .money)
        let cents = try number.scaled(toDecimals: 2, input: text)
        return ParsedAmount(amount: Money(cents: negative ? -cents : cents), regime: regime, days: days, perDay: perDay)
    }

    /// A number of days: `1,5j`, `12 j`, `2 jours`, `(8j)`.
    public static func parseDays(_ text: String) throws(AmountParseError) -> Quantity {
        var body = normalizeSpaces(text)
        if body.hasPrefix("(") && body.hasSuffix(")") { body = String(body.dropFirst().dropLast()).trimmingSpaces }
        let lower = body.lowercased()
        var numberPart: String?
        for unit in ["jours", "jour", "j.", "j"] where lower.hasSuffix(unit) {
            numberPart = String(body.dropLast(unit.count)).trimmingSpaces
            break
        }
        guard let numberPart, !numberPart.isEmpty else {
            throw AmountParseError(input: text, reason: body.isEmpty ? .empty : .missingDayUnit)
        }
        return try Quantity.parse(numberPart, input: text)
    }

    // MARK: - Pieces

    package static func normalizeSpaces(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar == " " || scalar == "\t" || scalar == "\u{00A0}" || scalar == "\u{202F}"
                || scalar == "\u{2009}" || scalar == "\u{2007}" || scalar == "\n" || scalar == "\r"
            if isSpace {
                if !lastWasSpace && !out.isEmpty { out.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        return out.trimmingSpaces
    }

    private static let regimeSuffixes: [(String, TaxRegime)] = [
        ("nets de taxes", .netDeTaxes), ("net de taxes", .netDeTaxes), ("net de taxe", .netDeTaxes),
        ("toutes taxes comprises", .ttc), ("t.t.c.", .ttc), ("t.t.c", .ttc), ("ttc", .ttc),
        ("hors taxes", .ht), ("hors taxe", .ht), ("h.t.", .ht), ("h.t", .ht), ("ht", .ht),
    ]

    private static func stripRegime(_ body: String) -> (String, TaxRegime?) {
        let lower = body.lowercased()
        for (suffix, regime) in regimeSuffixes where lower.hasSuffix(suffix) {
            let rest = String(body.dropLast(suffix.count))
            // A suffix counts only as a whole word: "HT" in "1 400 € HT", not the end of a longer word.
            if let last = rest.last, last.isLetter { continue }
            return (rest.trimmingSpaces, regime)
        }
        return (body, nil)
    }

    private static let currencyWords = ["euros", "euro", "eur"]

    private static func countCurrencyMarks(_ body: String) -> Int {
        let lower = body.lowercased()
        var count = lower.filter { $0 == "€" }.count
        let words = lower.split(whereSeparator: { !$0.isLetter })
        count += words.filter { currencyWords.contains(String($0)) }.count
        return count
    }

    private static func stripCurrency(_ body: String) -> String {
        var result = body.trimmingSpaces
        if result.hasSuffix("€") { return String(result.dropLast()).trimmingSpaces }
        if result.hasPrefix("€") { return String(result.dropFirst()).trimmingSpaces }
        let lower = result.lowercased()
        for word in currencyWords {
            if lower.hasSuffix(word), result.dropLast(word.count).last.map({ !$0.isLetter }) ?? true {
                result = String(result.dropLast(word.count))
                return result.trimmingSpaces
            }
        }
        return result
    }

    private static func isDayCount(_ body: String) -> Bool {
        let lower = body.lowercased()
        guard lower.hasSuffix("j") || lower.hasSuffix("jours") || lower.hasSuffix("jour") else { return false }
        return (try? parseDays(body)) != nil
    }

    enum NumberMode { case money, quantity }

    /// A decimal number split into its digits: `integerDigits.fractionDigits`.
    struct DecimalDigits {
        var integerDigits: String
        var fractionDigits: String

        func scaled(toDecimals places: Int, input: String) throws(AmountParseError) -> Int64 {
            guard fractionDigits.count <= places else {
                throw AmountParseError(input: input, reason: .tooManyDecimals(found: fractionDigits.count, allowed: places))
            }
            let padded = fractionDigits + String(repeating: "0", count: places - fractionDigits.count)
            let digits = (integerDigits + padded).drop(while: { $0 == "0" })
            guard digits.count <= 18, let value = Int64(digits.isEmpty ? "0" : String(digits)) else {
                throw AmountParseError(input: input, reason: .tooLarge)
            }
            return value
        }
    }

    static func parseNumber(_ body: String, input: String, mode: NumberMode) throws(AmountParseError) -> DecimalDigits {
        guard !body.isEmpty else { throw AmountParseError(input: input, reason: .noDigits) }
        for c in body where !(c.isASCIIDigit || c == " " || c == "." || c == ",") {
            throw AmountParseError(input: input, reason: .unexpectedCharacter(c))
        }
        guard body.contains(where: \.isASCIIDigit) else { throw AmountParseError(input: input, reason: .noDigits) }
        guard let first = body.first, let last = body.last, first.isASCIIDigit, last.isASCIIDigit else {
            throw AmountParseError(input: input, reason: .misplacedSeparator)
        }

        let dots = body.filter { $0 == "." }.count
        let commas = body.filter { $0 == "," }.count
        var decimalSeparator: Character?
        var groupSeparators: Set<Character> = body.contains(" ") ? [" "] : []

        if dots > 0 && commas > 0 {
            let lastDot = body.lastIndex(of: ".")!
            let lastComma = body.lastIndex(of: ",")!
            let (decimal, group): (Character, Character) = lastComma > lastDot ? (",", ".") : (".", ",")
            guard body.filter({ $0 == decimal }).count == 1 else {
                throw AmountParseError(input: input, reason: .misplacedSeparator)
            }
            decimalSeparator = decimal
            groupSeparators.insert(group)
        } else if commas > 0 {
            guard commas == 1 else { throw AmountParseError(input: input, reason: .ambiguousComma) }
            decimalSeparator = ","
            let after = body[body.index(after: body.firstIndex(of: ",")!)...]
            if mode == .money && after.count == 3 { throw AmountParseError(input: input, reason: .ambiguousComma) }
        } else if dots > 0 {
            let after = body[body.index(after: body.lastIndex(of: ".")!)...]
            if dots > 1 || after.count == 3 {
                // A dot before three digits is a thousands separator in French money (`22.300 €`).
                // For a quantity, three decimals are plausible, so it stays ambiguous there.
                if mode == .quantity { throw AmountParseError(input: input, reason: .ambiguousDot) }
                groupSeparators.insert(".")
            } else {
                decimalSeparator = "."
            }
        }
        guard groupSeparators.count <= 1 else { throw AmountParseError(input: input, reason: .mixedGroupSeparators) }

        var integerPart = Substring(body)
        var fractionPart: Substring = ""
        if let decimalSeparator, let index = body.firstIndex(of: decimalSeparator) {
            integerPart = body[..<index]
            fractionPart = body[body.index(after: index)...]
            guard !fractionPart.isEmpty, fractionPart.allSatisfy(\.isASCIIDigit) else {
                throw AmountParseError(input: input, reason: .misplacedSeparator)
            }
        }
        if let group = groupSeparators.first {
            let groups = integerPart.split(separator: group, omittingEmptySubsequences: false)
            // A thousands group cannot follow a leading zero: `0.500` or `0 500` would be a guess.
            guard let head = groups.first, (1...3).contains(head.count), groups.count == 1 || head.first != "0",
                  groups.dropFirst().allSatisfy({ $0.count == 3 }),
                  groups.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
            else {
                throw AmountParseError(input: input, reason: .irregularGrouping)
            }
        } else {
            guard !integerPart.isEmpty, integerPart.allSatisfy(\.isASCIIDigit) else {
                throw AmountParseError(input: input, reason: .misplacedSeparator)
            }
        }
        let integerDigits = String(integerPart.filter(\.isASCIIDigit))
        return DecimalDigits(integerDigits: integerDigits, fractionDigits: String(fractionPart))
    }
}

extension Money {
    /// Parses an amount as written in a document (see `AmountParser`); annotations are checked and dropped.
    public init(parsing text: String) throws(AmountParseError) {
        self = try AmountParser.parse(text).amount
    }
}

extension StringProtocol {
    package var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " { s = s.dropFirst() }
        while let l = s.last, l == " " { s = s.dropLast() }
        return String(s)
    }
}
