/// Writes an `EInvoice` as UN/CEFACT Cross Industry Invoice (CII D16B) XML in the Factur-X EN 16931
/// profile: the XML a Factur-X PDF embeds, and what Chorus Pro accepts on its own.
///
/// Elements follow the order of the Factur-X XSD sequences; each carries its EN 16931 business term
/// in a comment of the code, not of the output.
public enum CrossIndustryInvoice {
    /// The profile's guideline identifier (BT-24).
    public static let guideline = "urn:cen.eu:en16931:2017"

    public static func xml(_ invoice: EInvoice) -> String {
        var w = XMLText()
        w.raw(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        w.open("rsm:CrossIndustryInvoice", attributes: [
            ("xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"),
            ("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"),
            ("xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"),
            ("xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"),
        ])
        w.open("rsm:ExchangedDocumentContext")
        w.open("ram:BusinessProcessSpecifiedDocumentContextParameter") // BT-23: French billing mode S1, services, invoice to be paid
        w.leaf("ram:ID", "S1")
        w.close("ram:BusinessProcessSpecifiedDocumentContextParameter")
        w.open("ram:GuidelineSpecifiedDocumentContextParameter")
        w.leaf("ram:ID", guideline)
        w.close("ram:GuidelineSpecifiedDocumentContextParameter")
        w.close("rsm:ExchangedDocumentContext")

        w.open("rsm:ExchangedDocument")
        w.leaf("ram:ID", invoice.number)                       // BT-1
        w.leaf("ram:TypeCode", "380")                          // BT-3: commercial invoice
        w.open("ram:IssueDateTime")                            // BT-2
        date(&w, invoice.issueDate)
        w.close("ram:IssueDateTime")
        for (subject, content) in notes(invoice) {               // BT-21, BT-22
            w.open("ram:IncludedNote")
            w.leaf("ram:Content", content)
            if let subject { w.leaf("ram:SubjectCode", subject) }
            w.close("ram:IncludedNote")
        }
        w.close("rsm:ExchangedDocument")

        w.open("rsm:SupplyChainTradeTransaction")
        for (index, line) in invoice.lines.enumerated() { self.line(&w, line, number: index + 1, vat: invoice.vat) }
        agreement(&w, invoice)
        w.open("ram:ApplicableHeaderTradeDelivery")
        w.open("ram:ActualDeliverySupplyChainEvent")           // BT-72
        w.open("ram:OccurrenceDateTime")
        date(&w, invoice.deliveryDate)
        w.close("ram:OccurrenceDateTime")
        w.close("ram:ActualDeliverySupplyChainEvent")
        w.close("ram:ApplicableHeaderTradeDelivery")
        settlement(&w, invoice)
        w.close("rsm:SupplyChainTradeTransaction")
        w.close("rsm:CrossIndustryInvoice")
        return w.text
    }

    /// The mentions French law requires on an invoice between professionals (code de commerce L441-9),
    /// with the subject codes the French e-invoicing rules look for, then the invoice's own note.
    static func notes(_ invoice: EInvoice) -> [(subject: String?, content: String)] {
        var notes: [(subject: String?, content: String)] = legalMentions.map { ($0.subject, $0.content) }
        if let note = invoice.note, !note.isEmpty { notes.append((nil, note)) }
        return notes
    }

    public static let legalMentions: [(subject: String, content: String)] = [
        ("PMT", "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."),
        ("PMD", "Pénalités de retard : taux d'intérêt de la Banque centrale européenne majoré de 10 points (code de commerce, art. L441-10)."),
        ("AAB", "Pas d'escompte pour paiement anticipé."),
    ]

    private static func line(_ w: inout XMLText, _ line: EInvoice.Line, number: Int, vat: EInvoice.VAT) {
        w.open("ram:IncludedSupplyChainTradeLineItem")
        w.open("ram:AssociatedDocumentLineDocument")
        w.leaf("ram:LineID", String(number))                   // BT-126
        if let note = line.note, !note.isEmpty {               // BT-127
            w.open("ram:IncludedNote")
            w.leaf("ram:Content", note)
            w.close("ram:IncludedNote")
        }
        w.close("ram:AssociatedDocumentLineDocument")
        w.open("ram:SpecifiedTradeProduct")
        w.leaf("ram:Name", line.label)                         // BT-153
        w.close("ram:SpecifiedTradeProduct")
        w.open("ram:SpecifiedLineTradeAgreement")
        w.open("ram:NetPriceProductTradePrice")
        w.leaf("ram:ChargeAmount", line.netAmount.decimalString) // BT-146
        w.close("ram:NetPriceProductTradePrice")
        w.close("ram:SpecifiedLineTradeAgreement")
        w.open("ram:SpecifiedLineTradeDelivery")
        w.leaf("ram:BilledQuantity", "1", attributes: [("unitCode", "C62")]) // BT-129, BT-130: one unit
        w.close("ram:SpecifiedLineTradeDelivery")
        w.open("ram:SpecifiedLineTradeSettlement")
        w.open("ram:ApplicableTradeTax")
        w.leaf("ram:TypeCode", "VAT")
        w.leaf("ram:CategoryCode", vat.categoryCode)            // BT-151
        if case .standard(let rate) = vat { w.leaf("ram:RateApplicablePercent", percent(rate)) } // BT-152
        w.close("ram:ApplicableTradeTax")
        w.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
        w.leaf("ram:LineTotalAmount", line.netAmount.decimalString) // BT-131
        w.close("ram:SpecifiedTradeSettlementLineMonetarySummation")
        w.close("ram:SpecifiedLineTradeSettlement")
        w.close("ram:IncludedSupplyChainTradeLineItem")
    }

    private static func agreement(_ w: inout XMLText, _ invoice: EInvoice) {
        w.open("ram:ApplicableHeaderTradeAgreement")
        party(&w, "ram:SellerTradeParty", invoice.seller, withVAT: invoice.vat != .notSubject)
        // A buyer's VAT number is forbidden on a "not subject to VAT" invoice (BR-O-02) and not needed otherwise.
        party(&w, "ram:BuyerTradeParty", invoice.buyer, withVAT: false)
        w.open("ram:BuyerOrderReferencedDocument")             // BT-13
        w.leaf("ram:IssuerAssignedID", invoice.buyerOrderReference)
        w.close("ram:BuyerOrderReferencedDocument")
        if let contract = invoice.contractReference, !contract.isEmpty { // BT-12
            w.open("ram:ContractReferencedDocument")
            w.leaf("ram:IssuerAssignedID", contract)
            w.close("ram:ContractReferencedDocument")
        }
        w.close("ram:ApplicableHeaderTradeAgreement")
    }

    /// A party named by its SIRET (identifier, scheme 0009) and its SIREN (legal registration, scheme 0002).
    private static func party(_ w: inout XMLText, _ element: String, _ party: EInvoice.Party, withVAT: Bool) {
        w.open(element)
        w.leaf("ram:GlobalID", party.siret.digits, attributes: [("schemeID", "0009")]) // BT-29 / BT-46
        w.leaf("ram:Name", party.name)                          // BT-27 / BT-44
        w.open("ram:SpecifiedLegalOrganization")
        w.leaf("ram:ID", party.siret.siren.digits, attributes: [("schemeID", "0002")]) // BT-30 / BT-47
        w.close("ram:SpecifiedLegalOrganization")
        w.open("ram:PostalTradeAddress")                        // BG-5 / BG-8
        if let address = party.address, !address.isEmpty { w.leaf("ram:LineOne", address) }
        w.leaf("ram:CountryID", "FR")
        w.close("ram:PostalTradeAddress")
        w.open("ram:URIUniversalCommunication")                 // BT-34 / BT-49: the SIREN, France's e-invoicing address
        w.leaf("ram:URIID", party.siret.siren.digits, attributes: [("schemeID", "0225")])
        w.close("ram:URIUniversalCommunication")
        if withVAT {
            w.open("ram:SpecifiedTaxRegistration")              // BT-31
            w.leaf("ram:ID", party.vatNumber, attributes: [("schemeID", "VA")])
            w.close("ram:SpecifiedTaxRegistration")
        }
        w.close(element)
    }

    private static func settlement(_ w: inout XMLText, _ invoice: EInvoice) {
        w.open("ram:ApplicableHeaderTradeSettlement")
        w.leaf("ram:InvoiceCurrencyCode", "EUR")                // BT-5
        if let iban = invoice.sellerIBAN {
            w.open("ram:SpecifiedTradeSettlementPaymentMeans")  // BG-16
            w.leaf("ram:TypeCode", "58")                        // BT-81: SEPA credit transfer
            w.open("ram:PayeePartyCreditorFinancialAccount")
            w.leaf("ram:IBANID", iban.compact)                  // BT-84
            w.close("ram:PayeePartyCreditorFinancialAccount")
            w.close("ram:SpecifiedTradeSettlementPaymentMeans")
        }
        w.open("ram:ApplicableTradeTax")                        // BG-23
        w.leaf("ram:CalculatedAmount", invoice.vatTotal.decimalString) // BT-117
        w.leaf("ram:TypeCode", "VAT")
        if invoice.vat == .notSubject { w.leaf("ram:ExemptionReason", EInvoice.VAT.exemptionReason) } // BT-120
        w.leaf("ram:BasisAmount", invoice.lineTotal.decimalString) // BT-116
        w.leaf("ram:CategoryCode", invoice.vat.categoryCode)    // BT-118
        switch invoice.vat {
        case .notSubject: w.leaf("ram:ExemptionReasonCode", EInvoice.VAT.exemptionReasonCode) // BT-121
        case .standard(let rate): w.leaf("ram:RateApplicablePercent", percent(rate))          // BT-119
        }
        w.close("ram:ApplicableTradeTax")
        w.open("ram:BillingSpecifiedPeriod")                    // BG-14
        w.open("ram:StartDateTime")
        date(&w, invoice.periodStart)
        w.close("ram:StartDateTime")
        w.open("ram:EndDateTime")
        date(&w, invoice.periodEnd)
        w.close("ram:EndDateTime")
        w.close("ram:BillingSpecifiedPeriod")
        w.open("ram:SpecifiedTradePaymentTerms")                // BT-20, BT-9
        w.leaf("ram:Description", "Paiement par virement au plus tard le \(FrenchFormat.date(invoice.dueDate)).")
        w.open("ram:DueDateDateTime")
        date(&w, invoice.dueDate)
        w.close("ram:DueDateDateTime")
        w.close("ram:SpecifiedTradePaymentTerms")
        w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        w.leaf("ram:LineTotalAmount", invoice.lineTotal.decimalString)                     // BT-106
        w.leaf("ram:TaxBasisTotalAmount", invoice.lineTotal.decimalString)                 // BT-109
        w.leaf("ram:TaxTotalAmount", invoice.vatTotal.decimalString, attributes: [("currencyID", "EUR")]) // BT-110
        w.leaf("ram:GrandTotalAmount", invoice.grandTotal.decimalString)                   // BT-112
        w.leaf("ram:DuePayableAmount", invoice.grandTotal.decimalString)                   // BT-115
        w.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        w.close("ram:ApplicableHeaderTradeSettlement")
    }

    private static func date(_ w: inout XMLText, _ date: CivilDate) {
        let digits = date.isoString.filter { $0 != "-" }
        w.leaf("udt:DateTimeString", digits, attributes: [("format", "102")])
    }

    /// `20.00` for 20 %: a percentage with two decimals, exact for every French VAT rate.
    static func percent(_ rate: Rate) -> String {
        ((try? Money(cents: 100_00).multiplied(by: rate.fraction)) ?? .zero).decimalString
    }
}

/// A small indented XML writer: text and attribute values are escaped, nothing else is interpreted.
struct XMLText {
    private(set) var text = ""
    private var depth = 0

    mutating func raw(_ line: String) { text += line + "\n" }

    mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += indent + "<" + name + Self.attributes(attributes) + ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</" + name + ">\n"
    }

    mutating func leaf(_ name: String, _ value: String, attributes: [(String, String)] = []) {
        text += indent + "<" + name + Self.attributes(attributes) + ">" + XMLEscaping.escape(value) + "</" + name + ">\n"
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.escape($0.1))\"" }.joined()
    }
}

/// XML text and attribute escaping, shared by every XML Pacte writes (invoices, XLSX, ODS).
public enum XMLEscaping {
    /// Escapes the five XML characters and drops what XML 1.0 cannot hold (control characters other
    /// than tab and line ends, U+FFFE, U+FFFF).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
