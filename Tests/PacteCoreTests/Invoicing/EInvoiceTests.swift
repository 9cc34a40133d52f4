import Foundation
import Testing
@testable import PacteCore

@Suite("Factures EN 16931 : totaux, TVA ou motif d'exonération, contrôles")
struct EInvoiceTests {
    static let seller = EInvoice.Party(name: "CMA Bourgogne-Franche-Comté", siret: try! Siret("13002798000007"), address: "65-69 rue Daubenton, 21000 Dijon")
    static let buyer = EInvoice.Party(name: "CC du Sud Territoire", siret: try! Siret("24900024100003"))
    static func date(_ text: String) -> CivilDate { try! CivilDate.parse(text) }

    static func invoice(_ regime: TaxRegime, _ amounts: [Int64], reference: String = "EJ-2021-0042", iban: Iban? = nil) throws(EInvoiceError) -> EInvoice {
        try EInvoice.make(number: "F2021-0001", issueDate: date("2021-04-01"), dueDate: date("2021-05-01"),
                          periodStart: date("2021-03-01"), periodEnd: date("2021-03-31"), seller: seller, sellerIBAN: iban, buyer: buyer,
                          buyerOrderReference: reference, contractReference: "Convention CMA–CCST 2021", regime: regime,
                          lines: amounts.enumerated().map { EInvoice.Line(label: "Prestation \($0.offset + 1)", amount: Money(cents: $0.element),
                                                                       deliveredOn: date("2021-03-\(10 + $0.offset)")) })
    }

    @Test("Seed 001, prestations nettes de taxes : 300 + 1 200 + 600 € = 2 100 €, pas de TVA, motif « non soumis »")
    func netDeTaxes() throws {
        let invoice = try Self.invoice(.netDeTaxes, [300_00, 1_200_00, 600_00])
        #expect(invoice.vat == .notSubject)
        #expect(invoice.lineTotal == Money(cents: 2_100_00) && invoice.vatTotal == .zero && invoice.grandTotal == Money(cents: 2_100_00))
        let xml = CrossIndustryInvoice.xml(invoice)
        #expect(xml.contains("<ram:CategoryCode>O</ram:CategoryCode>"))
        #expect(xml.contains("<ram:ExemptionReasonCode>VATEX-EU-O</ram:ExemptionReasonCode>"))
        #expect(!xml.contains("SpecifiedTaxRegistration"), "no VAT number on an invoice outside the scope of VAT (BR-O-02)")
        #expect(xml.contains("<ram:DuePayableAmount>2100.00</ram:DuePayableAmount>"))
    }

    @Test("Seed 000, prestations HT : 650 + 1 625 € HT, TVA 20 % = 455 €, 2 730 € TTC")
    func horsTaxes() throws {
        let invoice = try Self.invoice(.ht, [650_00, 1_625_00], iban: try Iban("FR76 3000 6000 0112 3456 7890 189"))
        #expect(invoice.vat == .standard(.percent(20)))
        #expect(invoice.lineTotal == Money(cents: 2_275_00) && invoice.vatTotal == Money(cents: 455_00) && invoice.grandTotal == Money(cents: 2_730_00))
        let xml = CrossIndustryInvoice.xml(invoice)
        #expect(xml.contains("<ram:RateApplicablePercent>20.00</ram:RateApplicablePercent>"))
        #expect(xml.contains(#"<ram:ID schemeID="VA">FR"#))
        #expect(xml.contains("<ram:IBANID>FR7630006000011234567890189</ram:IBANID>"))
        #expect(xml.contains(#"<udt:DateTimeString format="102">20210311</udt:DateTimeString>"#), "delivered on the last line's date")
    }

    @Test("Montants TTC : chaque ligne ramenée au HT, la TVA calculée sur le total HT")
    func toutesTaxes() throws {
        let invoice = try Self.invoice(.ttc, [21_000_00, 3_835_58])
        #expect(invoice.lines.map(\.netAmount) == [Money(cents: 17_500_00), Money(cents: 3_196_32)])
        #expect(invoice.lineTotal == Money(cents: 20_696_32))
        #expect(invoice.vatTotal == Money(cents: 4_139_26))
        #expect(invoice.grandTotal == Money(cents: 24_835_58))
    }

    @Test("Numéro de TVA intracommunautaire tiré du SIREN : clé (12 + 3 × (SIREN mod 97)) mod 97")
    func vatNumber() throws {
        // La Poste's published number, and a key below ten padded with a zero.
        #expect(EInvoice.Party(name: "La Poste", siret: try Siret("35600000000001")).vatNumber == "FR39356000000")
        #expect(EInvoice.Party(name: "x", siret: try Siret("13002798000007")).vatNumber == "FR04130027980")
    }

    @Test("IBAN : clé mod 97 vérifiée, 27 caractères en France, affiché par groupes de quatre")
    func iban() throws {
        #expect(try Iban("fr76 3000 6000 0112 3456 7890 189").formatted == "FR76 3000 6000 0112 3456 7890 189")
        #expect(throws: IdentifierError.self) { try Iban("FR76 3000 6000 0112 3456 7890 188") }
        #expect(throws: IdentifierError.self) { try Iban("FR76 3000 6000 0112 3456 7890") }
        #expect(throws: IdentifierError.self) { try Iban("3000 6000 0112 3456 7890 189") }
        #expect(try Iban("DE89 3704 0044 0532 0130 00").compact == "DE89370400440532013000")
    }

    @Test("Une facture incomplète est refusée avec un message en français")
    func refusals() {
        #expect(throws: EInvoiceError.missingBuyerReference) { try Self.invoice(.netDeTaxes, [300_00], reference: "  ") }
        #expect(throws: EInvoiceError.noLine) { try Self.invoice(.netDeTaxes, []) }
        #expect(throws: EInvoiceError.lineNotPositive("Prestation 1")) { try Self.invoice(.netDeTaxes, [0]) }
        #expect(throws: EInvoiceError.buyerReferenceTooLong(51)) { try Self.invoice(.ht, [1], reference: String(repeating: "x", count: 51)) }
        #expect(throws: EInvoiceError.sameParty(Self.seller.name)) {
            try EInvoice.make(number: "1", issueDate: Self.date("2021-04-01"), dueDate: Self.date("2021-05-01"), periodStart: Self.date("2021-03-01"),
                              periodEnd: Self.date("2021-03-31"), seller: Self.seller, buyer: Self.seller, buyerOrderReference: "EJ",
                              contractReference: nil, regime: .ht, lines: [EInvoice.Line(label: "x", amount: Money(cents: 1))])
        }
        #expect(EInvoiceError.missingBuyerReference.description.contains("engagement"))
    }

    @Test("Le texte est échappé : esperluette, chevrons et caractères de contrôle")
    func escaping() throws {
        var invoice = try Self.invoice(.netDeTaxes, [1_00])
        invoice.lines[0].label = "R&D <atelier> \u{0007}"
        let xml = CrossIndustryInvoice.xml(invoice)
        #expect(xml.contains("<ram:Name>R&amp;D &lt;atelier&gt; </ram:Name>"))
    }
}
