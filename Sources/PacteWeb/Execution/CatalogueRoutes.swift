import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct ServiceOut: Documented {
    public var id: UUID
    public var providerID: UUID
    public var name: String
    public var description: String?
    public var unitPrice: String
    public var taxRegime: TaxRegime
    public var unit: ServiceUnit
    public var validFrom: CivilDate?
    public var validTo: CivilDate?

    init(_ m: ServiceModel) throws {
        id = try m.requireID(); providerID = m.$provider.id; name = m.name; description = m.details
        unitPrice = m.unitPrice.decimalString; taxRegime = m.taxRegime; unit = m.unit; validFrom = m.validFrom; validTo = m.validTo
    }

    public static var example: ServiceOut {
        try! ServiceOut(ServiceModel(id: exampleID, providerID: exampleID, name: "Diagnostic Digipilote", unitPrice: Money(cents: 650_00),
                                     taxRegime: .ht, unit: .perCompany))
    }
}

public struct ServiceIn: Documented {
    public var providerID: UUID?
    public var name: String?
    public var description: String?
    public var unitPrice: AmountInput?
    public var taxRegime: TaxRegime?
    public var unit: ServiceUnit?
    public var validFrom: CivilDate?
    public var validTo: CivilDate?

    public static var example: ServiceIn {
        ServiceIn(providerID: exampleID, name: "Diagnostic Digipilote", description: "Maturité digitale de l'entreprise",
                  unitPrice: AmountInput(Money(cents: 650_00)), taxRegime: .ht, unit: .perCompany, validFrom: nil, validTo: nil)
    }

    func apply(to m: ServiceModel) throws {
        if let name { m.name = try required(name, "name") }
        if let description { m.details = description }
        if let unitPrice {
            guard unitPrice.money.cents >= 0 else { throw Problem.invalid("unitPrice", "Un prix ne peut pas être négatif.") }
            m.unitPriceCents = unitPrice.money.cents
        }
        if let taxRegime { m.taxRegime = taxRegime }
        if let unit { m.unit = unit }
        if let validFrom { m.validFrom = validFrom }
        if let validTo { m.validTo = validTo }
        do { _ = try DateRange(start: m.validFrom, end: m.validTo) } catch { throw Problem.invalid("validTo", error.description) }
    }
}

/// The service catalogue of each chamber: read by every signed-in user, written by the provider's writers.
enum CatalogueRoutes {
    static func service(_ req: Request) async throws -> ServiceModel {
        let id = try Access.uuid(req, "serviceID", "Prestation")
        guard let model = try await ServiceModel.find(id, on: req.db) else { throw Problem.notFound("Prestation") }
        return model
    }

    /// Adds a service to its provider's catalogue; shared by the API and the form.
    static func create(_ req: Request, _ input: ServiceIn) async throws -> ServiceModel {
        let principal = try req.requirePrincipal()
        let provider = try required(input.providerID, "providerID")
        guard try await OrganisationModel.find(provider, on: req.db) != nil else { throw Problem.invalid("providerID", "Organisation inconnue.") }
        guard Access.writesFor(principal, organisation: provider) else {
            throw Problem(.forbidden, "Vous n'écrivez pas pour cette organisation.", field: "providerID")
        }
        let model = ServiceModel(id: UUID(), providerID: provider, name: try required(input.name, "name"),
                                 unitPrice: try required(input.unitPrice, "unitPrice").money,
                                 taxRegime: try required(input.taxRegime, "taxRegime"), unit: input.unit ?? .perCompany)
        try input.apply(to: model)
        let actor = principal.actor
        try await Store.write(on: req.db) { tx in
            try await Audited.create(model, "service", conventionID: nil, actor: actor, on: tx)
        }
        return model
    }

    /// Changes a service; `clear` empties what a form left blank. Shared by the API and the form.
    static func update(_ req: Request, _ model: ServiceModel, _ input: ServiceIn, clear: (ServiceModel) -> Void = { _ in }) async throws {
        let principal = try req.requirePrincipal()
        guard Access.writesFor(principal, organisation: model.$provider.id) else {
            throw Problem(.forbidden, "Vous n'écrivez pas pour l'organisation de cette prestation.")
        }
        if let provider = input.providerID, provider != model.$provider.id {
            throw Problem.invalid("providerID", "Une prestation reste au catalogue de son organisation.")
        }
        let before = try AuditTrail.snapshot(model)
        clear(model)
        try input.apply(to: model)
        let actor = principal.actor
        try await Store.write(on: req.db) { tx in
            try await Audited.saveChanges(model, before: before, "service", conventionID: nil, actor: actor, on: tx)
        }
    }

    static func register(_ api: APIBuilder) {
        api.on(.GET, "services", summary: "Catalogue des prestations (filtre : providerID, validOn=aaaa-mm-jj)", tag: "Catalogue",
               response: [ServiceOut.example]) { req in
            _ = try req.requirePrincipal()
            let query = ServiceModel.query(on: req.db).sort(\.$name)
            if let provider = try req.query.get(String?.self, at: "providerID") {
                guard let id = UUID(uuidString: provider) else { throw Problem.invalid("providerID", "Identifiant d'organisation invalide.") }
                query.filter(\.$provider.$id == id)
            }
            var services = try await query.all()
            if let text = try req.query.get(String?.self, at: "validOn") {
                let date = try Access.date(text, field: "validOn")
                services = services.filter { $0.isValid(on: date) }
            }
            return try services.map(ServiceOut.init)
        }
        api.on(.POST, "services", summary: "Ajouter une prestation au catalogue de son organisation", tag: "Catalogue",
               request: ServiceIn.example, response: ServiceOut.example, status: .created) { req in
            try ServiceOut(try await create(req, try req.content.decode(ServiceIn.self)))
        }
        api.on(.PATCH, "services", ":serviceID", summary: "Modifier une prestation du catalogue", tag: "Catalogue",
               request: ServiceIn.example, response: ServiceOut.example) { req in
            let model = try await service(req)
            try await update(req, model, try req.content.decode(ServiceIn.self))
            return try ServiceOut(model)
        }
    }
}
