import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct InvoiceLineOut: Content, Sendable {
    public var interventionID: UUID?
    public var label: String
    public var amount: String
    public var deliveredOn: CivilDate?
}

public struct InvoiceOut: Documented {
    public var id: UUID
    public var number: String
    public var sellerID: UUID
    public var buyerID: UUID
    public var issuedOn: CivilDate
    public var dueOn: CivilDate
    public var periodStart: CivilDate
    public var periodEnd: CivilDate
    public var buyerReference: String
    public var taxRegime: TaxRegime
    public var net: String
    public var vat: String
    public var total: String
    public var lines: [InvoiceLineOut]
    /// The CII XML as issued (`GET …/invoices/{invoiceID}/cii`).
    public var xmlURL: String

    public static var example: InvoiceOut {
        let day = try! CivilDate(year: 2021, month: 3, day: 31)
        return InvoiceOut(id: exampleID, number: "F2021-0001", sellerID: exampleID, buyerID: exampleID, issuedOn: day, dueOn: day.adding(days: 30),
                          periodStart: try! CivilDate(year: 2021, month: 3, day: 1), periodEnd: day, buyerReference: "EJ-2021-0042",
                          taxRegime: .netDeTaxes, net: "1500.00", vat: "0.00", total: "1500.00",
                          lines: [InvoiceLineOut(interventionID: exampleID, label: "Coaching Rebond — Boulangerie Martin", amount: "300.00", deliveredOn: day)],
                          xmlURL: "/api/v1/conventions/\(exampleID)/invoices/\(exampleID)/cii")
    }
}

extension InvoiceOut {
    init(_ m: InvoiceModel) throws {
        id = try m.requireID(); number = m.number; sellerID = m.$seller.id; buyerID = m.$buyer.id; issuedOn = m.issuedOn; dueOn = m.dueOn
        periodStart = m.periodStart; periodEnd = m.periodEnd; buyerReference = m.buyerReference; taxRegime = m.taxRegime
        net = Money(cents: m.netCents).decimalString; vat = Money(cents: m.vatCents).decimalString; total = Money(cents: m.totalCents).decimalString
        lines = (m.$items.value ?? []).map {
            InvoiceLineOut(interventionID: $0.$intervention.id, label: $0.label, amount: Money(cents: $0.amountCents).decimalString, deliveredOn: $0.deliveredOn)
        }
        xmlURL = "/api/v1/conventions/\(m.$convention.id)/invoices/\(id)/cii"
    }
}

public struct InvoicePreviewOut: Documented {
    public var sellerID: UUID
    public var buyerID: UUID
    public var lines: [InvoiceLineOut]
    public var total: String
    public static var example: InvoicePreviewOut {
        InvoicePreviewOut(sellerID: exampleID, buyerID: exampleID, lines: InvoiceOut.example.lines, total: "300.00")
    }
}

public struct IssueInvoiceIn: Documented {
    /// The operator that delivered the services; by default the convention's maître d'ouvrage.
    public var sellerID: UUID?
    public var buyerID: UUID
    public var periodStart: CivilDate
    public var periodEnd: CivilDate
    /// Today by default.
    public var issuedOn: CivilDate?
    /// Thirty days after issue by default (seed 000: « dans les 30 jours »).
    public var dueOn: CivilDate?
    /// The buyer's engagement juridique or purchase order number (BT-13).
    public var buyerReference: String
    public var note: String?

    public static var example: IssueInvoiceIn {
        IssueInvoiceIn(sellerID: nil, buyerID: exampleID, periodStart: try! CivilDate(year: 2021, month: 3, day: 1),
                       periodEnd: try! CivilDate(year: 2021, month: 3, day: 31), issuedOn: nil, dueOn: nil, buyerReference: "EJ-2021-0042", note: nil)
    }
}

/// EN 16931 invoices from the operator to a public funder for the services delivered in a period.
enum InvoiceRoutes {
    static let paymentDays = 30

    static func register(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "invoices"]
        api.on(.GET, base, summary: "Factures émises au titre de la convention", tag: "Factures", response: [InvoiceOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await Invoices.invoices(of: try convention.requireID(), on: req.db).map(InvoiceOut.init)
        }
        api.on(.GET, base + ["preview"], summary: "Prestations réalisées sur la période et pas encore facturées à ce financeur (buyerID, from, to)",
               tag: "Factures", response: InvoicePreviewOut.example,
               query: [QueryParameter(name: "buyerID", description: "le financeur à facturer", isRequired: true, isUUID: true),
                       QueryParameter(name: "from", description: "début de la période, AAAA-MM-JJ", isRequired: true),
                       QueryParameter(name: "to", description: "fin de la période, AAAA-MM-JJ", isRequired: true),
                       QueryParameter(name: "sellerID", description: "l'émetteur, quand la convention en a plusieurs", isUUID: true)]) { req in
            let convention = try await Access.convention(req)
            let buyer = try req.query.get(UUID.self, at: "buyerID")
            let from = try Access.date(try req.query.get(String.self, at: "from"), field: "from")
            let to = try Access.date(try req.query.get(String.self, at: "to"), field: "to")
            let seller = try defaultSeller(try await parties(convention, on: req.db), given: try req.query.get(UUID?.self, at: "sellerID"), buyer: buyer)
            let candidates = try await Invoices.candidates(conventionID: try convention.requireID(), buyerID: buyer, from: from, to: to, on: req.db)
            return InvoicePreviewOut(sellerID: seller, buyerID: buyer, lines: candidates.map(line),
                                     total: try Money.sum(candidates.map(\.line.amount)).decimalString)
        }
        api.on(.POST, base, summary: "Émettre la facture EN 16931 d'une période à un financeur", tag: "Factures",
               request: IssueInvoiceIn.example, response: InvoiceOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            let input = try req.content.decode(IssueInvoiceIn.self)
            let invoice = try await issue(req, convention, input)
            return try InvoiceOut(invoice)
        }
        api.on(.GET, base + [":invoiceID"], summary: "Lire une facture", tag: "Factures", response: InvoiceOut.example) { req in
            try InvoiceOut(try await find(req, try await Access.convention(req)))
        }
        api.on(.GET, base + [":invoiceID", "cii"], summary: "La facture au format CII (Factur-X, profil EN 16931), telle qu'émise",
               tag: "Factures", response: nil) { req in
            xmlResponse(try await find(req, try await Access.convention(req)))
        }
    }

    static func line(_ candidate: Invoices.Candidate) -> InvoiceLineOut {
        InvoiceLineOut(interventionID: candidate.interventionID, label: candidate.line.label, amount: candidate.line.amount.decimalString,
                       deliveredOn: candidate.line.deliveredOn)
    }

    /// Shared by the API and the form.
    static func issue(_ req: Request, _ convention: ConventionModel, _ input: IssueInvoiceIn) async throws -> InvoiceModel {
        let parties = try await parties(convention, on: req.db)
        let seller = try defaultSeller(parties, given: input.sellerID, buyer: input.buyerID)
        guard parties.contains(where: { $0.$organisation.id == input.buyerID && $0.roles.contains(.funder) }) else {
            throw Problem.invalid("buyerID", "L'acheteur facturé est un financeur de la convention.")
        }
        let issued = input.issuedOn ?? .today()
        let request = Invoices.Request(sellerID: seller, buyerID: input.buyerID, periodStart: input.periodStart, periodEnd: input.periodEnd,
                                       issuedOn: issued, dueOn: input.dueOn ?? issued.adding(days: paymentDays),
                                       buyerReference: input.buyerReference, note: input.note)
        let invoice = try await Invoices.issue(convention, request, actor: try req.requirePrincipal().actor, db: req.db)
        try await invoice.$items.load(on: req.db)
        return invoice
    }

    static func parties(_ convention: ConventionModel, on db: any Database) async throws -> [ConventionPartyModel] {
        try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == convention.requireID()).all()
    }

    static func find(_ req: Request, _ convention: ConventionModel) async throws -> InvoiceModel {
        let id = try Access.uuid(req, "invoiceID", "Facture")
        guard let invoice = try await InvoiceModel.query(on: req.db).filter(\.$id == id).filter(\.$convention.$id == convention.requireID())
            .with(\.$items).first() else { throw Problem.notFound("Facture") }
        return invoice
    }

    static func xmlResponse(_ invoice: InvoiceModel) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "xml", parameters: ["charset": "utf-8"])
        headers.contentDisposition = .init(.attachment, filename: "facture-\(invoice.number).xml")
        return Response(status: .ok, headers: headers, body: .init(string: invoice.ciiXML))
    }

    /// The seller named, which must be a maître d'ouvrage of the convention; else the first one that is not the buyer.
    static func defaultSeller(_ parties: [ConventionPartyModel], given: UUID?, buyer: UUID?) throws -> UUID {
        let operators = parties.filter { $0.roles.contains(.operator) }.map(\.$organisation.id)
        if let given {
            guard operators.contains(given) else {
                throw Problem.invalid("sellerID", "Le vendeur est le maître d'ouvrage qui a réalisé les prestations.")
            }
            return given
        }
        guard let chosen = operators.first(where: { $0 != buyer }) else {
            throw Problem.invalid("sellerID", "La convention n'a pas de maître d'ouvrage pour facturer les prestations.")
        }
        return chosen
    }
}
