import PropertyBased
import Testing
@testable import PacteCore

@Suite struct MoneyParsingTests {
    @Test("Amounts as the source documents write them", arguments: [
        ("1 400 €", 140_000 as Int64),
        ("1 400,00 €", 140_000),
        ("1.400 €", 140_000),
        ("22.300 €", 2_230_000),
        ("3 835.58 €", 383_558),
        ("8 400 € (12 j)", 840_000),
        ("82 500€ HT", 8_250_000),
        ("10 800 €", 1_080_000),
        ("1\u{202F}400,00\u{00A0}€", 140_000),
        ("1\u{00A0}400 €", 140_000),
        ("€ 250", 25_000),
        ("250 euros", 25_000),
        ("1 400,5 €", 140_050),
        ("0,05 €", 5),
        ("1.400.000,25 €", 140_000_025),
        ("1,400.25", 140_025),
        ("-1 400 €", -140_000),
        ("3500", 350_000),
        ("59975.00", 5_997_500),
        ("1 400 € hors taxes", 140_000),
        ("0,50 €", 50),
        ("700 €/j", 70_000),
    ])
    func parsesDocumentAmounts(text: String, cents: Int64) throws {
        #expect(try Money(parsing: text) == Money(cents: cents))
    }

    @Test("The annotations next to an amount are kept: regime and days")
    func keepsAnnotations() throws {
        let withDays = try AmountParser.parse("8 400 € (12 j)")
        #expect(withDays.days == Quantity(12))
        #expect(withDays.regime == nil)
        let withRegime = try AmountParser.parse("82 500€ HT")
        #expect(withRegime.regime == .ht)
        #expect(try AmountParser.parse("21 000 € TTC").regime == .ttc)
        #expect(try AmountParser.parse("300 € net de taxes").regime == .netDeTaxes)
        #expect(try AmountParser.parse("2 800 € (4j)").days == Quantity(4))
        let halfDays = try #require(try AmountParser.parse("1 050 € (1,5j)").days)
        #expect(halfDays.value == (try Fraction(3, 2)))
    }

    @Test("Days are read as quantities, not amounts", arguments: [("1,5j", 3 as Int64, 2 as Int64), ("12 j", 12, 1), ("2 jours", 2, 1), ("2,5j", 5, 2), ("(8j)", 8, 1)])
    func parsesDays(text: String, numerator: Int64, denominator: Int64) throws {
        #expect(try AmountParser.parseDays(text).value == (try Fraction(numerator, denominator)))
    }

    @Test("A number of days is not an amount")
    func daysAreNotMoney() {
        #expect(throws: AmountParseError(input: "1,5j", reason: .daysNotAnAmount)) { try Money(parsing: "1,5j") }
    }

    @Test("Ambiguous or malformed input is an error that says why, never a guess", arguments: [
        ("1,400 €", AmountParseError.Reason.ambiguousComma),
        ("1,005 €", .ambiguousComma),
        ("12,3456 €", .tooManyDecimals(found: 4, allowed: 2)),
        ("1.2345 €", .tooManyDecimals(found: 4, allowed: 2)),
        ("0.500 €", .irregularGrouping),
        ("0 500 €", .irregularGrouping),
        ("012 345 €", .irregularGrouping),
        ("100 € abc", .unrecognizedText("€ abc")),
        ("1 500 10 000 4 000", .irregularGrouping),
        ("1 40 €", .irregularGrouping),
        ("1 400.000 €", .mixedGroupSeparators),
        ("", .empty),
        ("€", .noDigits),
        ("12 € €", .severalCurrencySigns),
        ("12 $", .unrecognizedText("$")),
        (",50 €", .misplacedSeparator),
        ("1,2,3", .ambiguousComma),
        ("8 400 € (note)", .unknownAnnotation("note")),
    ])
    func refusesAmbiguity(text: String, reason: AmountParseError.Reason) {
        #expect(throws: AmountParseError(input: text, reason: reason)) { try Money(parsing: text) }
    }

    @Test("Error messages are French and quote the input")
    func frenchErrors() {
        do {
            _ = try Money(parsing: "1,400 €")
            Issue.record("should have failed")
        } catch {
            #expect(error.description.contains("« 1,400 € »"))
            #expect(error.description.contains("séparateur de milliers ou décimales"))
        }
    }
}

@Suite struct MoneyFormattingTests {
    @Test("French formatting with a narrow no-break space for thousands", arguments: [
        (140_000 as Int64, "1\u{202F}400,00\u{00A0}€"),
        (5_997_500, "59\u{202F}975,00\u{00A0}€"),
        (5, "0,05\u{00A0}€"),
        (-140_050, "-1\u{202F}400,50\u{00A0}€"),
        (123_456_789_01, "123\u{202F}456\u{202F}789,01\u{00A0}€"),
        (0, "0,00\u{00A0}€"),
    ])
    func formats(cents: Int64, text: String) {
        #expect(Money(cents: cents).description == text)
    }

    @Test("Decimal strings for machines")
    func decimalStrings() throws {
        #expect(Money(cents: 5_997_500).decimalString == "59975.00")
        #expect(Money(cents: -5).decimalString == "-0.05")
        #expect(try Money(decimalString: "59975.00") == Money(cents: 5_997_500))
        #expect(try Money(decimalString: "12.5") == Money(cents: 1250))
        #expect(throws: AmountParseError.self) { try Money(decimalString: "1 400,00") }
        #expect(throws: AmountParseError.self) { try Money(decimalString: "1.234") }
    }

    @Test("Parsing the French form gives back the amount", .tags(.property))
    func frenchRoundTrip() async {
        await propertyCheck(count: 500, input: Gen.int64(in: -10_000_000_000_00...10_000_000_000_00)) { (cents: Int64) async throws in
            let money = Money(cents: cents)
            #expect(try Money(parsing: money.description) == money)
            #expect(try Money(decimalString: money.decimalString) == money)
        }
    }

    @Test("Parsing and formatting round-trip from text", .tags(.property))
    func textRoundTrip() async {
        let euros = Gen.int64(in: 0...999_999_999)
        let cents = Gen.int64(in: 0...99)
        await propertyCheck(count: 300, input: euros, cents) { euros, cents in
            let text = FrenchFormat.grouped(euros) + "," + (cents < 10 ? "0\(cents)" : "\(cents)") + " €"
            let money = try Money(parsing: text)
            #expect(money.cents == euros * 100 + cents)
            #expect(AmountParser.normalizeSpaces(money.description) == AmountParser.normalizeSpaces(text))
        }
    }
}

@Suite struct MoneyArithmeticTests {
    @Test("Overflow is reported, not wrapped")
    func overflow() {
        let big = Money(cents: .max)
        #expect(throws: ArithmeticError.overflow) { try big.adding(Money(cents: 1)) }
        #expect(throws: ArithmeticError.overflow) { try Money(cents: .min).subtracting(Money(cents: 1)) }
        #expect(throws: ArithmeticError.overflow) { try big.multiplied(by: 2 as Int64) }
        #expect(throws: ArithmeticError.overflow) { try Money.sum([big, big]) }
        #expect(throws: ArithmeticError.overflow) { try big.multiplied(by: try Fraction(3, 2)) }
    }

    @Test("Multiplying by an exact fraction rounds half up to the cent")
    func multiplication() throws {
        #expect(try Money(cents: 70_000).multiplied(by: try Fraction(3, 2)) == Money(cents: 105_000)) // 1,5 j × 700 €
        #expect(try Money(cents: 1).multiplied(by: try Fraction(1, 2)) == Money(cents: 1))            // 0,005 → 0,01
        #expect(try Money(cents: 1).multiplied(by: try Fraction(49, 100)) == Money(cents: 0))
        #expect(try Money(cents: -1).multiplied(by: try Fraction(1, 2)) == Money(cents: -1))          // half away from zero
        #expect(try Money(cents: 100).multiplied(by: try Fraction(2, 3)) == Money(cents: 67))
    }

    @Test("An implied day rate is exact: 10 900 € for 16 days is 681,25 €/j")
    func impliedRate() throws {
        let rate = try Money.euros(10_900).ratio(to: try Fraction(16))
        #expect(rate == (try Fraction(68_125, 100)))
        #expect(FrenchFormat.decimal(rate) == "681,25")
    }
}

@Suite struct RateTests {
    @Test("Rates are exact", arguments: [
        ("25 %", 1 as Int64, 4 as Int64), ("25%", 1, 4), ("33,33 %", 3333, 10_000), ("2/3", 2, 3),
        ("12.5 %", 1, 8), ("100 %", 1, 1), ("0 %", 0, 1), ("150 %", 3, 2),
    ])
    func parses(text: String, numerator: Int64, denominator: Int64) throws {
        #expect(try Rate.parse(text).fraction == (try Fraction(numerator, denominator)))
    }

    @Test("A bare number, a negative rate or a zero denominator is refused", arguments: ["0,5", "-5 %", "1/0", "abc %", ""])
    func refuses(text: String) {
        #expect(throws: RateParseError.self) { try Rate.parse(text) }
    }

    @Test("French display of rates")
    func display() throws {
        #expect(Rate.percent(25).description == "25\u{00A0}%")
        #expect(try Rate.parse("33,33 %").description == "33,33\u{00A0}%")
        #expect(try Rate.parse("2/3").description == "≈\u{00A0}66,67\u{00A0}%")
        #expect(Rate.basisPoints(1250).description == "12,5\u{00A0}%")
    }

    @Test("Applying a rate rounds half up: 25 % of 30 000 € is 7 500 €; 33,33 % of 100 € is 33,33 €")
    func apply() throws {
        #expect(try Rate.percent(25).applied(to: .euros(30_000)) == .euros(7_500))
        #expect(try Rate.parse("33,33 %").applied(to: .euros(100)) == Money(cents: 3333))
        #expect(try Rate.parse("2/3").applied(to: Money(cents: 100)) == Money(cents: 67))
    }

    @Test("Codable form is exact")
    func codable() throws {
        let rate = try Rate.parse("2/3")
        let data = try JSONEncoder().encode([rate])
        #expect(String(decoding: data, as: UTF8.self) == #"["2\/3"]"# || String(decoding: data, as: UTF8.self) == #"["2/3"]"#)
        #expect(try JSONDecoder().decode([Rate].self, from: data) == [rate])
    }
}

@Suite struct QuantityTests {
    @Test("Quantities: whole, French and dot decimals")
    func parses() throws {
        #expect(try Quantity.parse("5") == Quantity(5))
        #expect(try Quantity.parse("1,5").value == (try Fraction(3, 2)))
        #expect(try Quantity.parse("2.5").value == (try Fraction(5, 2)))
        #expect(try Quantity.parse("2 000") == Quantity(2000))
        #expect(throws: AmountParseError.self) { try Quantity.parse("1.500") }
        #expect(throws: AmountParseError.self) { try Quantity.parse("-2") }
        #expect(Quantity(12).description == "12")
        #expect(try Quantity.parse("1,5").description == "1,5")
    }
}

extension Tag {
    @Tag static var property: Self
    @Tag static var golden: Self
}

import Foundation
