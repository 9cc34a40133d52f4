import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct InterventionOut: Documented {
    public var id: UUID
    public var actionID: UUID
    public var serviceID: UUID?
    public var companyID: UUID
    public var label: String
    public var programme: String?
    public var quote: String
    public var status: InterventionStatus
    public var acceptedOn: CivilDate?
    public var deliveredOn: CivilDate?
    public var deliverable: String?
    public var invoiceNumber: String?
    public var invoicedOn: CivilDate?
    public var invoiceAmount: String?
    public var paidOn: CivilDate?
    public var cancelReason: String?

    init(_ m: InterventionModel) throws {
        id = try m.requireID(); actionID = m.$action.id; serviceID = m.$service.id; companyID = m.$company.id; label = m.label
        programme = m.programme; quote = Money(cents: m.quoteCents).decimalString; status = m.status; acceptedOn = m.acceptedOn
        deliveredOn = m.deliveredOn; deliverable = m.deliverable; invoiceNumber = m.invoiceNumber; invoicedOn = m.invoicedOn
        invoiceAmount = m.invoiceCents.map { Money(cents: $0).decimalString }; paidOn = m.paidOn; cancelReason = m.cancelReason
    }

    public static var example: InterventionOut {
        try! InterventionOut(InterventionModel(id: exampleID, conventionID: exampleID, actionID: exampleID, serviceID: exampleID, companyID: exampleID,
                                               label: "Coaching Rebond", quote: Money(cents: 300_00)))
    }
}

public struct InterventionIn: Documented {
    public var actionID: UUID
    public var companyID: UUID
    /// A catalogue service: its name and unit price are the defaults of `label` and `quote`.
    public var serviceID: UUID?
    public var label: String?
    public var quote: AmountInput?
    public var programme: String?

    public static var example: InterventionIn {
        InterventionIn(actionID: exampleID, companyID: exampleID, serviceID: exampleID, label: nil, quote: nil, programme: "Deux rendez-vous et un plan d'actions")
    }
}

/// The step of an intervention: its date, and what the step records.
public struct InterventionStepIn: Documented {
    public var date: CivilDate?
    public var deliverable: String?
    public var invoiceNumber: String?
    public var amount: AmountInput?
    public var reason: String?

    public static var example: InterventionStepIn {
        InterventionStepIn(date: try? CivilDate(year: 2021, month: 3, day: 15), deliverable: nil, invoiceNumber: nil, amount: nil, reason: nil)
    }
}

/// One step of an intervention's life, by its API name.
enum InterventionStep: String, CaseIterable, Sendable {
    case accept, deliver, invoice, pay, cancel

    /// The status the step leads to.
    var target: InterventionStatus {
        switch self {
        case .accept: .accepted
        case .deliver: .delivered
        case .invoice: .invoiced
        case .pay: .paid
        case .cancel: .cancelled
        }
    }

    var summary: String {
        switch self {
        case .accept: "Accepter le devis : engage la part de chaque financeur public (409 si une enveloppe ou le plafond de minimis serait dépassé)"
        case .deliver: "Déclarer la prestation réalisée (date, livrable)"
        case .invoice: "Enregistrer la facture (numéro, date, montant ; un écart avec le devis est libéré s'il est inférieur, engagé s'il est supérieur — 409 si une enveloppe ne le couvre pas)"
        case .pay: "Enregistrer le paiement"
        case .cancel: "Annuler (libère les engagements et retire l'aide de minimis)"
        }
    }
}

/// Services given to companies under a convention: quote → accepted (funds committed) → delivered →
/// invoiced → paid, or cancelled.
extension ConventionRoutes {
    static func findIntervention(_ req: Request, _ convention: ConventionModel) async throws -> InterventionModel {
        let id = try Access.uuid(req, "interventionID", "Prestation")
        guard let found = try await InterventionModel.query(on: req.db).filter(\.$id == id)
            .filter(\.$convention.$id == convention.requireID()).first() else { throw Problem.notFound("Prestation") }
        return found
    }

    /// Prescribes a service (a quote); shared by the API and the form.
    static func createIntervention(_ req: Request, _ convention: ConventionModel, _ input: InterventionIn) async throws -> InterventionModel {
        guard let action = try await ActionModel.find(input.actionID, on: req.db), action.$convention.id == convention.id else {
            throw Problem.invalid("actionID", "Cette action n'appartient pas à la convention.")
        }
        guard try await CompanyModel.find(input.companyID, on: req.db) != nil else { throw Problem.invalid("companyID", "Entreprise inconnue.") }
        var service: ServiceModel?
        if let id = input.serviceID {
            guard let found = try await ServiceModel.find(id, on: req.db) else { throw Problem.invalid("serviceID", "Prestation du catalogue inconnue.") }
            service = found
        }
        guard let quote = input.quote?.money ?? service?.unitPrice else {
            throw Problem.invalid("quote", "Indiquez le montant du devis (ou une prestation du catalogue).")
        }
        guard quote.cents > 0 else { throw Problem.invalid("quote", "Le montant du devis doit être positif.") }
        let label = try required(input.label ?? service?.name, "label")
        let model = InterventionModel(id: UUID(), conventionID: try convention.requireID(), actionID: input.actionID, serviceID: input.serviceID,
                                      companyID: input.companyID, label: label, quote: quote, programme: input.programme)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "intervention", conventionID: convention.id, actor: actor, on: tx)
        }
        return model
    }

    /// Moves an intervention one step; shared by the API and the forms.
    static func advance(_ req: Request, _ model: InterventionModel, _ step: InterventionStep, _ input: InterventionStepIn) async throws {
        let actor = try req.requirePrincipal().actor
        let date = input.date ?? .today()
        switch step {
        case .accept: try await req.countingRefusals { try await Interventions.accept(model, on: date, actor: actor, db: req.db) }
        case .deliver: try await Interventions.deliver(model, on: date, deliverable: input.deliverable, actor: actor, db: req.db)
        case .invoice:
            let number = try required(input.invoiceNumber, "invoiceNumber")
            try await req.countingRefusals {
                try await Interventions.invoice(model, number: number, on: date, amount: input.amount?.money ?? Money(cents: model.quoteCents),
                                                actor: actor, db: req.db)
            }
        case .pay: try await Interventions.pay(model, on: date, actor: actor, db: req.db)
        case .cancel: try await Interventions.cancel(model, reason: try required(input.reason, "reason"), actor: actor, db: req.db)
        }
    }

    static func registerInterventions(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "interventions"]
        api.on(.GET, base, summary: "Prestations réalisées pour des entreprises", tag: "Prestations", response: [InterventionOut.example]) { req in
            let convention = try await Access.convention(req)
            return try await InterventionModel.query(on: req.db).filter(\.$convention.$id == convention.requireID())
                .sort(\.$createdAt).all().map(InterventionOut.init)
        }
        api.on(.POST, base, summary: "Prescrire une prestation à une entreprise (devis)", tag: "Prestations",
               request: InterventionIn.example, response: InterventionOut.example, status: .created) { req in
            let convention = try await Access.writableConvention(req)
            return try InterventionOut(try await createIntervention(req, convention, try req.content.decode(InterventionIn.self)))
        }
        for step in InterventionStep.allCases {
            api.on(.POST, base + [":interventionID", .constant(step.rawValue)], summary: step.summary, tag: "Prestations",
                   request: InterventionStepIn.example, response: InterventionOut.example) { req in
                let convention = try await Access.writableConvention(req)
                let model = try await findIntervention(req, convention)
                try await advance(req, model, step, try req.content.decode(InterventionStepIn.self))
                return try InterventionOut(model)
            }
        }
    }
}
