import Foundation
import Testing
@testable import PacteCore

@Suite struct TaxRegimeTests {
    static func ht(_ cents: Int64) -> TaxedAmount { TaxedAmount(Money(cents: cents), .ht) }
    static func ttc(_ cents: Int64) -> TaxedAmount { TaxedAmount(Money(cents: cents), .ttc) }
    static func net(_ cents: Int64) -> TaxedAmount { TaxedAmount(Money(cents: cents), .netDeTaxes) }

    // MARK: - HT → TTC

    @Test("1 000,00 € HT à 20 % = 1 200,00 € TTC")
    func htToTtcRound() throws {
        let converted = try Self.ht(100_000).converted(to: .ttc, vat: .percent(20))
        #expect(converted == Self.ttc(120_000))
        #expect(converted.amount.description == "1\u{202F}200,00\u{00A0}€")
    }

    @Test("La TVA par défaut est de 20 %")
    func defaultVAT() throws {
        #expect(Rate.standardVAT == Rate.percent(20))
        #expect(try Self.ht(100_000).converted(to: .ttc) == Self.ttc(120_000))
    }

    @Test("0,01 € HT = 0,01 € TTC : 0,012 s'arrondit à 0,01")
    func htToTtcOneCent() throws {
        #expect(try Self.ht(1).converted(to: .ttc, vat: .standardVAT) == Self.ttc(1))
    }

    @Test("0,03 € HT = 0,04 € TTC : 0,036 s'arrondit à 0,04")
    func htToTtcThreeCents() throws {
        #expect(try Self.ht(3).converted(to: .ttc, vat: .standardVAT) == Self.ttc(4))
    }

    @Test("0,05 € HT = 0,06 € TTC : 0,06 exact ; 0,13 € HT = 0,16 € TTC : 0,156 arrondi au-dessus")
    func htToTtcMoreCents() throws {
        #expect(try Self.ht(5).converted(to: .ttc) == Self.ttc(6))
        #expect(try Self.ht(13).converted(to: .ttc) == Self.ttc(16))
    }

    @Test("TVA à 5,5 % : 100,00 € HT = 105,50 € TTC")
    func otherVATRate() throws {
        #expect(try Self.ht(10_000).converted(to: .ttc, vat: .basisPoints(550)) == Self.ttc(10_550))
    }

    @Test("Un montant HT négatif (avoir) se convertit aussi : −1 000,00 € HT = −1 200,00 € TTC")
    func negativeAmount() throws {
        #expect(try Self.ht(-100_000).converted(to: .ttc) == Self.ttc(-120_000))
    }

    // MARK: - TTC → HT

    @Test("Seed 002 : 19 308,00 € TTC = 16 090,00 € HT")
    func ttcToHtSeed002() throws {
        #expect(try Self.ttc(1_930_800).converted(to: .ht, vat: .standardVAT) == Self.ht(1_609_000))
    }

    @Test("Seed 002 : 3 835,58 € TTC = 3 196,32 € HT (319 631,67 centimes arrondis à 319 632)")
    func ttcToHtRounded() throws {
        #expect(try Self.ttc(383_558).converted(to: .ht, vat: .standardVAT) == Self.ht(319_632))
    }

    @Test("1,00 € TTC = 0,83 € HT (83,33 centimes arrondis à 83)")
    func ttcToHtRoundDown() throws {
        #expect(try Self.ttc(100).converted(to: .ht) == Self.ht(83))
    }

    @Test("Convertir vers le même régime rend le montant inchangé")
    func sameRegime() throws {
        #expect(try Self.ht(12_345).converted(to: .ht) == Self.ht(12_345))
        #expect(try Self.ttc(12_345).converted(to: .ttc) == Self.ttc(12_345))
    }

    // MARK: - Net de taxes

    @Test("Seed 001 : un montant net de taxes est le même en HT et en TTC")
    func netDeTaxesUnchanged() throws {
        #expect(try Self.net(30_000).converted(to: .ht) == Self.ht(30_000))
        #expect(try Self.net(120_000).converted(to: .ttc) == Self.ttc(120_000))
        #expect(try Self.net(60_000).converted(to: .netDeTaxes) == Self.net(60_000))
    }

    @Test("Un montant HT ne devient pas net de taxes : TaxConversionError")
    func htToNetThrows() {
        #expect(throws: TaxConversionError(from: .ht, to: .netDeTaxes)) {
            try Self.ht(100_000).converted(to: .netDeTaxes)
        }
    }

    @Test("Un montant TTC ne devient pas net de taxes : TaxConversionError")
    func ttcToNetThrows() {
        #expect(throws: TaxConversionError(from: .ttc, to: .netDeTaxes)) {
            try Self.ttc(100_000).converted(to: .netDeTaxes)
        }
    }

    @Test("L'erreur de conversion vers net de taxes s'explique en français")
    func conversionErrorMessage() {
        let text = String(describing: TaxConversionError(from: .ht, to: .netDeTaxes))
        #expect(text.contains("Impossible de convertir"))
        #expect(text.contains("HT"))
        #expect(text.contains("net de taxes"))
    }

    // MARK: - Sums

    @Test("Une somme d'un seul régime s'additionne au centime")
    func sumOneRegime() throws {
        // Seed 002: 21 000 € + 3 835,58 € + 19 308 € TTC = 44 143,58 € TTC.
        let total = try TaxedAmount.sum([Self.ttc(2_100_000), Self.ttc(383_558), Self.ttc(1_930_800)])
        #expect(total == Self.ttc(4_414_358))
        #expect(total?.description == "44\u{202F}143,58\u{00A0}€ TTC")
    }

    @Test("La somme d'une liste vide n'a pas de régime : nil")
    func sumEmpty() throws {
        #expect(try TaxedAmount.sum([]) == nil)
    }

    @Test("Une somme qui mêle HT et TTC est refusée : TaxRegimeMismatch")
    func sumMixedRefused() {
        #expect(throws: TaxRegimeMismatch(regimes: [.ht, .ttc])) {
            try TaxedAmount.sum([Self.ht(100_000), Self.ttc(120_000), Self.ht(1)])
        }
    }

    @Test("Une somme qui mêle net de taxes et HT est refusée aussi")
    func sumNetAndHtRefused() {
        #expect(throws: TaxRegimeMismatch.self) {
            try TaxedAmount.sum([Self.net(30_000), Self.ht(30_000)])
        }
    }

    @Test("Le refus de somme mixte s'explique en français")
    func mismatchMessage() {
        do {
            _ = try TaxedAmount.sum([Self.ttc(1), Self.ht(1)])
            Issue.record("la somme mixte aurait dû être refusée")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("mêle des montants HT et TTC"))
            #expect(text.contains("convertissez"))
        }
    }

    @Test("Après conversion explicite, HT et TTC s'additionnent")
    func sumAfterConversion() throws {
        let converted = try Self.ht(100_000).converted(to: .ttc)
        #expect(try TaxedAmount.sum([converted, Self.ttc(383_558)]) == Self.ttc(503_558))
    }

    // MARK: - Labels

    @Test("Les libellés HT se lisent", arguments: ["HT", "h.t.", "H.T.", "ht", " HT "])
    func labelHT(_ label: String) {
        #expect(TaxRegime(label: label) == .ht)
    }

    @Test("Les libellés TTC se lisent", arguments: ["TTC", "ttc", "T.T.C."])
    func labelTTC(_ label: String) {
        #expect(TaxRegime(label: label) == .ttc)
    }

    @Test("Les libellés net de taxes se lisent", arguments: ["net de taxes", "Nets de taxes", "NET DE TAXES", "net\u{00A0}de  taxes"])
    func labelNet(_ label: String) {
        #expect(TaxRegime(label: label) == .netDeTaxes)
    }

    @Test("« TVA » n'est pas un régime", arguments: ["TVA", "", "HTT", "hors taxes TTC"])
    func labelRejected(_ label: String) {
        #expect(TaxRegime(label: label) == nil)
    }

    @Test("Un régime s'affiche par son libellé")
    func labels() {
        #expect(TaxRegime.ht.label == "HT")
        #expect(TaxRegime.ttc.label == "TTC")
        #expect(TaxRegime.netDeTaxes.label == "net de taxes")
        #expect(Self.net(30_000).description == "300,00\u{00A0}€ net de taxes")
    }
}
