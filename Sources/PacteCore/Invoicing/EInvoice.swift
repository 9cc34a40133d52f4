/// An invoice the chamber sends a public funder for the services delivered in a period, with what
/// EN 16931 needs: both parties' SIRET, the buyer's commitment reference (its engagement juridique,
/// BT-13), the lines, and either VAT or the reason there is none.
///
/// Built only through `make`, so an invoice that exists is complete and its totals add up.
public struct EInvoice: Hashable, Sendable {
    public struct Party: Hashable, Sendable {
        public var name: String
        public var siret: Siret
        public var address: String?

        public init(name: String, siret: Siret, address: String? = nil) {
            self.name = name
            self.siret = siret
            self.address = address
        }

        /// The intra-community VAT number France gives every SIREN: `FR`, a two-digit key, the SIREN.
        public var vatNumber: String {
            let siren = Int64(siret.siren.digits) ?? 0
            let key = (12 + 3 * (siren % 97)) % 97
            return "FR" + (key < 10 ? "0" : "") + String(key) + siret.siren.digits
        }
    }

    public struct Line: Hashable, Sendable {
        /// What was delivered: `Coaching Rebond — Boulangerie Martin`.
        public var label: String
        /// When and to whom, for the buyer's checks.
        public var note: String?
        /// The amount as the convention states it (in the invoice's `regime`).
        public var amount: Money
        /// The same amount before VAT: what the line is worth in the totals.
        public var netAmount: Money
        public var deliveredOn: CivilDate?

        public init(label: String, note: String? = nil, amount: Money, deliveredOn: CivilDate? = nil) {
            self.label = label
            self.note = note
            self.amount = amount
            self.netAmount = amount
            self.deliveredOn = deliveredOn
        }
    }

    /// How VAT applies to every line of the invoice (EN 16931 forbids mixing "not subject" with VAT).
    public enum VAT: Hashable, Sendable {
        /// Net de taxes: outside the scope of VAT (category O).
        case notSubject
        /// Standard rate (category S).
        case standard(Rate)

        public var categoryCode: String {
            switch self {
            case .notSubject: "O"
            case .standard: "S"
            }
        }

        public static let exemptionReason = "Non soumis à la TVA"
        /// The VATEX code list's entry for "not subject to VAT".
        public static let exemptionReasonCode = "VATEX-EU-O"
    }

    public var number: String
    public var issueDate: CivilDate
    public var dueDate: CivilDate
    public var periodStart: CivilDate
    public var periodEnd: CivilDate
    public var seller: Party
    /// Where the buyer pays; without it the invoice carries payment terms but no account.
    public var sellerIBAN: Iban?
    public var buyer: Party
    public var buyerOrderReference: String
    /// The convention the services are delivered under (BT-12).
    public var contractReference: String?
    public var regime: TaxRegime
    public var vat: VAT
    public var lines: [Line]
    public var note: String?

    public private(set) var lineTotal: Money
    public private(set) var vatTotal: Money
    public var grandTotal: Money { lineTotal + vatTotal }

    /// The last service's delivery, else the end of the period (BT-72).
    public var deliveryDate: CivilDate { lines.compactMap(\.deliveredOn).max() ?? periodEnd }

    /// Checks everything EN 16931 requires that Pacte can know, converts TTC lines to HT and adds up.
    public static func make(number: String, issueDate: CivilDate, dueDate: CivilDate, periodStart: CivilDate, periodEnd: CivilDate,
                            seller: Party, sellerIBAN: Iban? = nil, buyer: Party, buyerOrderReference: String, contractReference: String?, regime: TaxRegime,
                            lines: [Line], note: String? = nil, vatRate: Rate = .standardVAT) throws(EInvoiceError) -> EInvoice {
        let number = number.trimmingSpaces
        let reference = buyerOrderReference.trimmingSpaces
        guard !number.isEmpty else { throw .missingNumber }
        guard !reference.isEmpty else { throw .missingBuyerReference }
        guard reference.count <= 50 else { throw .buyerReferenceTooLong(reference.count) }
        guard periodStart <= periodEnd else { throw .periodReversed(periodStart, periodEnd) }
        guard issueDate <= dueDate else { throw .dueBeforeIssue(issueDate, dueDate) }
        guard seller.siret.siren != buyer.siret.siren else { throw .sameParty(seller.name) }
        guard !lines.isEmpty else { throw .noLine }
        if let zero = lines.first(where: { !$0.amount.isPositive }) { throw .lineNotPositive(zero.label) }
        let vat: VAT = regime == .netDeTaxes ? .notSubject : .standard(vatRate)
        var priced = lines
        do {
            if regime == .ttc {
                for index in priced.indices {
                    priced[index].netAmount = try TaxedAmount(priced[index].amount, .ttc).converted(to: .ht, vat: vatRate).amount
                }
            }
            let lineTotal = try Money.sum(priced.map(\.netAmount))
            let vatTotal = regime == .netDeTaxes ? Money.zero : try vatRate.applied(to: lineTotal)
            return EInvoice(number: number, issueDate: issueDate, dueDate: dueDate, periodStart: periodStart, periodEnd: periodEnd,
                            seller: seller, sellerIBAN: sellerIBAN, buyer: buyer, buyerOrderReference: reference, contractReference: contractReference?.trimmingSpaces,
                            regime: regime, vat: vat, lines: priced, note: note, lineTotal: lineTotal, vatTotal: vatTotal)
        } catch {
            throw .overflow
        }
    }
}

public enum EInvoiceError: Error, Hashable, Sendable, CustomStringConvertible {
    case missingNumber
    case missingBuyerReference
    case buyerReferenceTooLong(Int)
    case periodReversed(CivilDate, CivilDate)
    case dueBeforeIssue(CivilDate, CivilDate)
    case sameParty(String)
    case noLine
    case lineNotPositive(String)
    case overflow

    public var description: String {
        switch self {
        case .missingNumber: "Une facture porte un numéro."
        case .missingBuyerReference:
            "Indiquez la référence d'engagement de l'acheteur (numéro d'engagement juridique ou de bon de commande) : Chorus Pro la demande aux fournisseurs des collectivités."
        case .buyerReferenceTooLong(let count): "La référence d'engagement fait \(count) caractères ; 50 au plus."
        case .periodReversed(let start, let end): "La période commence le \(FrenchFormat.date(start)), après sa fin le \(FrenchFormat.date(end))."
        case .dueBeforeIssue(let issue, let due): "L'échéance (\(FrenchFormat.date(due))) précède la date de la facture (\(FrenchFormat.date(issue)))."
        case .sameParty(let name): "\(name) ne peut pas se facturer à elle-même."
        case .noLine: "Aucune prestation réalisée sur la période n'est à facturer à ce financeur."
        case .lineNotPositive(let label): "La ligne « \(label) » n'a pas de montant positif."
        case .overflow: "Montants trop grands pour une facture."
        }
    }
}
