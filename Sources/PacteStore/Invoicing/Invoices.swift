import Fluent
import Foundation
import PacteCore

/// An invoice the operator issued to a public funder for the services delivered in a period. The
/// XML is kept exactly as issued: an invoice is never rewritten, whatever later happens to the
/// parties' names or addresses.
public final class InvoiceModel: Model, @unchecked Sendable {
    public static let schema = "invoices"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "convention_id") public var convention: ConventionModel
    @Parent(key: "seller_id") public var seller: OrganisationModel
    @Parent(key: "buyer_id") public var buyer: OrganisationModel
    /// `F2021-0001`: one series per seller and year, without gaps.
    @Field(key: "number") public var number: String
    @Field(key: "issued_on") public var issuedOn: CivilDate
    @Field(key: "due_on") public var dueOn: CivilDate
    @Field(key: "period_start") public var periodStart: CivilDate
    @Field(key: "period_end") public var periodEnd: CivilDate
    @Field(key: "buyer_reference") public var buyerReference: String
    @Field(key: "tax_regime") public var taxRegime: TaxRegime
    @Field(key: "net_cents") public var netCents: Int64
    @Field(key: "vat_cents") public var vatCents: Int64
    @Field(key: "total_cents") public var totalCents: Int64
    @Field(key: "cii_xml") public var ciiXML: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Children(for: \.$invoice) public var items: [InvoiceItemModel]

    public init() {}

    init(id: UUID, conventionID: UUID, sellerID: UUID, buyerID: UUID, invoice: EInvoice) {
        self.id = id
        self.$convention.id = conventionID
        self.$seller.id = sellerID
        self.$buyer.id = buyerID
        number = invoice.number
        issuedOn = invoice.issueDate
        dueOn = invoice.dueDate
        periodStart = invoice.periodStart
        periodEnd = invoice.periodEnd
        buyerReference = invoice.buyerOrderReference
        taxRegime = invoice.regime
        netCents = invoice.lineTotal.cents
        vatCents = invoice.vatTotal.cents
        totalCents = invoice.grandTotal.cents
        ciiXML = CrossIndustryInvoice.xml(invoice)
    }
}

/// One service on an invoice. A service is invoiced to a given funder once only: the unique index
/// on (intervention, buyer) holds that even against two instances issuing at the same instant.
public final class InvoiceItemModel: Model, @unchecked Sendable {
    public static let schema = "invoice_items"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "invoice_id") public var invoice: InvoiceModel
    @Parent(key: "intervention_id") public var intervention: InterventionModel
    @Parent(key: "buyer_id") public var buyer: OrganisationModel
    @Field(key: "label") public var label: String
    @Field(key: "amount_cents") public var amountCents: Int64
    @OptionalField(key: "delivered_on") public var deliveredOn: CivilDate?

    public init() {}

    init(invoiceID: UUID, candidate: Invoices.Candidate, buyerID: UUID) {
        self.$invoice.id = invoiceID
        self.$intervention.id = candidate.interventionID
        self.$buyer.id = buyerID
        label = candidate.line.label
        amountCents = candidate.line.amount.cents
        deliveredOn = candidate.line.deliveredOn
    }
}

struct M031CreateInvoices: AsyncMigration {
    var name: String { "031_CreateInvoices" }
    func prepare(on db: any Database) async throws {
        try await db.schema(OrganisationModel.schema).field("iban", .string).update()
        try await db.schema(InvoiceModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .restrict))
            .field("seller_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("buyer_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("number", .string, .required)
            .field("issued_on", .string, .required)
            .field("due_on", .string, .required)
            .field("period_start", .string, .required)
            .field("period_end", .string, .required)
            .field("buyer_reference", .string, .required)
            .field("tax_regime", .string, .required)
            .field("net_cents", .int64, .required)
            .field("vat_cents", .int64, .required)
            .field("total_cents", .int64, .required)
            .field("cii_xml", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "seller_id", "number")
            .create()
        try await db.schema(InvoiceItemModel.schema)
            .id()
            .field("invoice_id", .uuid, .required, .references(InvoiceModel.schema, .id, onDelete: .restrict))
            .field("intervention_id", .uuid, .required, .references(InterventionModel.schema, .id, onDelete: .restrict))
            .field("buyer_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("label", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("delivered_on", .string)
            .unique(on: "intervention_id", "buyer_id")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(InvoiceItemModel.schema).delete()
        try await db.schema(InvoiceModel.schema).delete()
        try await db.schema(OrganisationModel.schema).deleteField("iban").update()
    }
}

/// Invoicing a funder for the services delivered under a convention.
public enum Invoices {
    /// A delivered service not yet invoiced to the buyer, and the buyer's part of it.
    public struct Candidate: Sendable {
        public var interventionID: UUID
        public var line: EInvoice.Line
    }

    /// What the buyer has not been invoiced yet for services delivered in the period: its committed
    /// part of each (which follows the invoiced amount when the service's invoice differed from the quote).
    /// Without dates, every service delivered so far.
    public static func candidates(conventionID: UUID, buyerID: UUID, from start: CivilDate?, to end: CivilDate?,
                                  on db: any Database) async throws -> [Candidate] {
        try await candidates(conventionID: conventionID, buyerIDs: [buyerID], from: start, to: end, on: db)[buyerID] ?? []
    }

    /// The same for several buyers at once: the services, commitments and invoice lines are read once.
    public static func candidates(conventionID: UUID, buyerIDs: [UUID], from start: CivilDate?, to end: CivilDate?,
                                  on db: any Database) async throws -> [UUID: [Candidate]] {
        let interventions = try await InterventionModel.query(on: db).filter(\.$convention.$id == conventionID)
            .filter(\.$status ~~ [.delivered, .invoiced, .paid]).with(\.$company).all()
            .filter { intervention in
                guard let day = intervention.deliveredOn else { return false }
                return start.map { $0 <= day } ?? true && end.map { day <= $0 } ?? true
            }
            .sorted { ($0.deliveredOn!, $0.label, $0.company.name) < ($1.deliveredOn!, $1.label, $1.company.name) }
        guard !interventions.isEmpty, !buyerIDs.isEmpty else { return [:] }
        let ids = interventions.compactMap(\.id)
        let commitments = try await CommitmentModel.query(on: db).filter(\.$interventionID ~~ ids).filter(\.$funder.$id ~~ buyerIDs)
            .filter(\.$status == .committed).all()
        let invoiced = Set(try await InvoiceItemModel.query(on: db).filter(\.$intervention.$id ~~ ids).filter(\.$buyer.$id ~~ buyerIDs).all()
            .map { "\($0.$buyer.id) \($0.$intervention.id)" })
        var parts: [UUID: [UUID: Int64]] = [:]
        for commitment in commitments {
            if let id = commitment.interventionID { parts[commitment.$funder.id, default: [:]][id, default: 0] += commitment.amountCents }
        }
        var result: [UUID: [Candidate]] = [:]
        for buyerID in buyerIDs {
            let lines = interventions.compactMap { intervention -> Candidate? in
                guard let id = intervention.id, !invoiced.contains("\(buyerID) \(id)"), let cents = parts[buyerID]?[id], cents > 0 else { return nil }
                let company = intervention.company
                return Candidate(interventionID: id, line: EInvoice.Line(
                    label: "\(intervention.label) — \(company.name)", note: "Réalisée le \(FrenchFormat.date(intervention.deliveredOn!)) pour \(company.name) (SIREN \(company.siren.formatted))",
                    amount: Money(cents: cents), deliveredOn: intervention.deliveredOn))
            }
            if !lines.isEmpty { result[buyerID] = lines }
        }
        return result
    }

    public struct Request: Sendable {
        public var sellerID: UUID
        public var buyerID: UUID
        public var periodStart: CivilDate
        public var periodEnd: CivilDate
        public var issuedOn: CivilDate
        public var dueOn: CivilDate
        public var buyerReference: String
        public var note: String?

        public init(sellerID: UUID, buyerID: UUID, periodStart: CivilDate, periodEnd: CivilDate, issuedOn: CivilDate, dueOn: CivilDate,
                    buyerReference: String, note: String? = nil) {
            self.sellerID = sellerID
            self.buyerID = buyerID
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.issuedOn = issuedOn
            self.dueOn = dueOn
            self.buyerReference = buyerReference
            self.note = note
        }
    }

    /// Issues one invoice for every service of the period not yet invoiced to the buyer, numbered in
    /// the seller's series for the year of issue; the invoice and its lines are one write, audited.
    public static func issue(_ convention: ConventionModel, _ request: Request, actor: Actor, db: any Database) async throws -> InvoiceModel {
        let conventionID = try convention.requireID()
        return try await Store.write(on: db) { tx in
            guard let seller = try await OrganisationModel.find(request.sellerID, on: tx) else { throw StoreError.notFound("Vendeur") }
            guard let buyer = try await OrganisationModel.find(request.buyerID, on: tx) else { throw StoreError.notFound("Acheteur") }
            let sellerParty = try party(seller, field: "sellerID", role: "du vendeur")
            let buyerParty = try party(buyer, field: "buyerID", role: "de l'acheteur")
            let candidates = try await candidates(conventionID: conventionID, buyerID: request.buyerID, from: request.periodStart,
                                                  to: request.periodEnd, on: tx)
            let number = try await nextNumber(seller: request.sellerID, year: request.issuedOn.year, on: tx)
            let invoice: EInvoice
            do {
                invoice = try EInvoice.make(number: number, issueDate: request.issuedOn, dueDate: request.dueOn, periodStart: request.periodStart,
                                            periodEnd: request.periodEnd, seller: sellerParty, sellerIBAN: seller.iban, buyer: buyerParty,
                                            buyerOrderReference: request.buyerReference,
                                            contractReference: convention.reference ?? convention.title, regime: convention.taxRegime,
                                            lines: candidates.map(\.line), note: request.note, vatRate: convention.vatRate)
            } catch let error as EInvoiceError {
                throw StoreError.invalid(field: field(of: error), message: error.description)
            }
            let model = InvoiceModel(id: UUID(), conventionID: conventionID, sellerID: request.sellerID, buyerID: request.buyerID, invoice: invoice)
            try await Audited.create(model, "invoice", conventionID: conventionID, actor: actor, on: tx)
            for candidate in candidates {
                try await InvoiceItemModel(invoiceID: try model.requireID(), candidate: candidate, buyerID: request.buyerID).create(on: tx)
            }
            return model
        }
    }

    public static func invoices(of conventionID: UUID, on db: any Database) async throws -> [InvoiceModel] {
        try await InvoiceModel.query(on: db).filter(\.$convention.$id == conventionID).with(\.$items).sort(\.$issuedOn).sort(\.$number).all()
    }

    /// The seller's next number for the year: `F2021-0001`, then `F2021-0002`… Writes are serialised
    /// (`Store.write`), so two issues never draw the same number; the unique index is the backstop.
    static func nextNumber(seller: UUID, year: Int, on db: any Database) async throws -> String {
        let prefix = "F\(year)-"
        let numbers = try await InvoiceModel.query(on: db).filter(\.$seller.$id == seller).all(\.$number)
        let last = numbers.filter { $0.hasPrefix(prefix) }.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
        let next = String(last + 1)
        return prefix + String(repeating: "0", count: max(0, 4 - next.count)) + next
    }

    static func party(_ organisation: OrganisationModel, field: String, role: String) throws -> EInvoice.Party {
        guard let siret = organisation.siret else {
            throw StoreError.invalid(field: field, message: "Le SIRET \(role), \(organisation.name), manque : renseignez le SIRET de son siège "
                + "(« Identités de facturation », page des factures) avant de facturer.")
        }
        return EInvoice.Party(name: organisation.name, siret: siret, address: organisation.address)
    }

    static func field(of error: EInvoiceError) -> String {
        switch error {
        case .missingBuyerReference, .buyerReferenceTooLong: "buyerReference"
        case .periodReversed, .noLine: "periodEnd"
        case .dueBeforeIssue: "dueOn"
        case .sameParty: "buyerID"
        case .missingNumber, .lineNotPositive, .overflow: "invoice"
        }
    }
}
