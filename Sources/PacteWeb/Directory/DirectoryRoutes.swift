import Fluent
import Foundation
import PacteCore
import PacteStore
import SQLKit
import Vapor

public struct ReferenceEntryOut: Documented {
    /// INSEE code, SIREN of an EPCI, or NAF code.
    public var code: String
    public var name: String
    public var siren: String?
    public var population: Int64?
    public var populationYear: Int?
    public var detail: String?

    public static var example: ReferenceEntryOut {
        ReferenceEntryOut(code: "51535", name: "Sézanne", siren: "215104985", population: 4800, populationYear: 2025, detail: "51")
    }
}

/// Organisations and their people (a shared directory), and the public reference data.
enum DirectoryRoutes {
    static func register(_ api: APIBuilder) {
        api.on(.GET, "organisations", summary: "Annuaire des organisations (filtres : q, kind, siren)", tag: "Organisations",
               response: Paged(items: [OrganisationOut.example], page: 1, per: 50, total: 1), paged: true) { req in
            let query = OrganisationModel.query(on: req.db)
            if let kind = try req.query.get(String?.self, at: "kind") {
                guard let value = OrganisationKind(rawValue: kind) else { throw Problem.invalid("kind", "Nature d'organisation inconnue : « \(kind) ».") }
                query.filter(\.$kind == value)
            }
            if let siren = try req.query.get(String?.self, at: "siren") {
                guard let value = try? Siren(siren) else { throw Problem.invalid("siren", "SIREN invalide : « \(siren) ».") }
                query.filter(\.$siren == value)
            }
            if let q = try req.query.get(String?.self, at: "q"), !q.isEmpty {
                query.filter(\.$name, containsIgnoringCase: q, on: req.db)
            }
            return try await Paged.fetch(query.sort(\.$name), for: req) { try OrganisationOut($0) }
        }
        api.on(.POST, "organisations", summary: "Créer une organisation", tag: "Organisations",
               request: OrganisationIn.example, response: OrganisationOut.example, status: .created) { req in
            guard try req.requirePrincipal().canWriteSomewhere else { throw Problem.readOnly }
            return try OrganisationOut(try await create(req, try req.content.decode(OrganisationIn.self)))
        }
        api.on(.GET, "organisations", ":organisationID", summary: "Lire une organisation", tag: "Organisations", response: OrganisationOut.example) { req in
            try OrganisationOut(try await organisation(req))
        }
        api.on(.PATCH, "organisations", ":organisationID", summary: "Modifier une organisation (ses agents ou un administrateur)", tag: "Organisations",
               request: OrganisationIn.example, response: OrganisationOut.example) { req in
            let model = try await writableOrganisation(req)
            try await patch(req, model, try req.content.decode(OrganisationIn.self))
            return try OrganisationOut(model)
        }
        api.on(.DELETE, "organisations", ":organisationID", summary: "Supprimer une organisation (administrateur de la plateforme ; refusé si elle est partie ou financeur)",
               tag: "Organisations", response: nil, status: .noContent) { req in
            let principal = try req.requirePrincipal()
            let model = try await organisation(req)
            guard principal.isPlatformAdmin else { throw Problem(.forbidden, "Réservé à l'administrateur de la plateforme.") }
            try await Store.write(on: req.db) { tx in
                try await Audited.delete(model, "organisation", conventionID: nil, actor: principal.actor, on: tx)
            }
            return HTTPStatus.noContent
        }
        api.on(.GET, "organisations", ":organisationID", "people", summary: "Représentants et référents", tag: "Organisations",
               response: [PersonOut.example]) { req in
            let org = try await organisation(req)
            return try await PersonModel.query(on: req.db).filter(\.$organisation.$id == org.requireID()).sort(\.$name).all().map(PersonOut.init)
        }
        api.on(.POST, "organisations", ":organisationID", "people", summary: "Ajouter un représentant ou un référent", tag: "Organisations",
               request: PersonIn.example, response: PersonOut.example, status: .created) { req in
            let org = try await writableOrganisation(req)
            let input = try req.content.decode(PersonIn.self)
            let person = PersonModel(id: UUID(), organisationID: try org.requireID(), name: try required(input.name, "name"))
            try input.apply(to: person)
            let actor = try req.requirePrincipal().actor
            try await Store.write(on: req.db) { tx in try await Audited.create(person, "person", conventionID: nil, actor: actor, on: tx) }
            return try PersonOut(person)
        }
        api.on(.PATCH, "organisations", ":organisationID", "people", ":personID", summary: "Modifier une personne", tag: "Organisations",
               request: PersonIn.example, response: PersonOut.example) { req in
            let person = try await person(req, writable: true)
            let input = try req.content.decode(PersonIn.self)
            let actor = try req.requirePrincipal().actor
            try await Store.write(on: req.db) { tx in
                try await Audited.update(person, "person", conventionID: nil, actor: actor, on: tx) { try input.apply(to: $0) }
            }
            return try PersonOut(person)
        }
        api.on(.DELETE, "organisations", ":organisationID", "people", ":personID", summary: "Retirer une personne", tag: "Organisations",
               response: nil, status: .noContent) { req in
            let person = try await person(req, writable: true)
            let actor = try req.requirePrincipal().actor
            try await Store.write(on: req.db) { tx in try await Audited.delete(person, "person", conventionID: nil, actor: actor, on: tx) }
            return HTTPStatus.noContent
        }

        for (path, table, summary) in [("communes", "ref_communes", "Communes (COG 2026, SIREN et population 2025) : q = nom, code ou SIREN"),
                                       ("epci", "ref_epci", "Intercommunalités à fiscalité propre 2026 : q = nom ou SIREN"),
                                       ("naf", "ref_naf", "Nomenclature NAF rév. 2 : q = code ou libellé")] {
            api.on(.GET, "reference", PathComponent(stringLiteral: path), summary: summary, tag: "Référentiels",
                   response: [ReferenceEntryOut.example],
                   query: [QueryParameter(name: "q", description: "texte cherché, deux caractères au moins", isRequired: true, minimumLength: 2)]) { req in
                try await searchReference(table: table, req)
            }
        }
    }

    static func organisation(_ req: Request) async throws -> OrganisationModel {
        let id = try Access.uuid(req, "organisationID", "Organisation")
        guard let model = try await OrganisationModel.find(id, on: req.db) else { throw Problem.notFound("Organisation") }
        return model
    }

    /// Shared by the API and the organisation form: the département comes from the SIREN when the
    /// reference data knows the body, else from the input (checked).
    static func create(_ req: Request, _ input: OrganisationIn) async throws -> OrganisationModel {
        let model = OrganisationModel(name: try required(input.name, "name"), kind: try required(input.kind, "kind"))
        try input.apply(to: model)
        model.departementCode = try await DepartementCode.resolve(input.departementCode, siren: model.siren, current: nil, on: req.db)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            model.id = UUID()
            try await Audited.create(model, "organisation", conventionID: nil, actor: actor, on: tx)
        }
        return model
    }

    /// Shared by the API and the organisation form; `clearing` names the optional fields a form
    /// sent empty (`shortName`, `siren`, `address`), which the JSON API leaves alone when absent.
    static func patch(_ req: Request, _ model: OrganisationModel, _ input: OrganisationIn, clearing: Set<String> = []) async throws {
        let siren = clearing.contains("siren") ? nil : input.siret?.siren ?? input.siren ?? model.siren
        let departement = try await DepartementCode.resolve(input.departementCode, siren: siren, current: model.departementCode, on: req.db)
        try await update(req, model) { m in
            try input.apply(to: m)
            if clearing.contains("shortName") { m.shortName = nil }
            if clearing.contains("siren") { m.siren = nil; m.siret = nil }
            if clearing.contains("address") { m.address = nil }
            m.departementCode = departement
        }
    }

    /// Shared by the API and the billing form: one audited write.
    static func update(_ req: Request, _ model: OrganisationModel, change: @escaping @Sendable (OrganisationModel) throws -> Void) async throws {
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in
            try await Audited.update(model, "organisation", conventionID: nil, actor: actor, on: tx, change: change)
        }
    }

    static func writableOrganisation(_ req: Request) async throws -> OrganisationModel {
        let principal = try req.requirePrincipal()
        let model = try await organisation(req)
        guard Access.writesFor(principal, organisation: try model.requireID()) else {
            throw Problem(.forbidden, "Seuls les agents de cette organisation ou un administrateur la modifient.")
        }
        return model
    }

    static func person(_ req: Request, writable: Bool) async throws -> PersonModel {
        let org = writable ? try await writableOrganisation(req) : try await organisation(req)
        let id = try Access.uuid(req, "personID", "Personne")
        guard let person = try await PersonModel.query(on: req.db).filter(\.$id == id).filter(\.$organisation.$id == org.requireID()).first() else {
            throw Problem.notFound("Personne")
        }
        return person
    }

    static func searchReference(table: String, _ req: Request) async throws -> [ReferenceEntryOut] {
        let q = try req.query.get(String?.self, at: "q") ?? ""
        guard q.trimmingCharacters(in: .whitespaces).count >= 2 else {
            throw Problem.invalid("q", "Tapez au moins deux caractères (nom, code ou SIREN).")
        }
        let limit = min(try req.query.get(Int?.self, at: "limit") ?? 20, 100)
        let sql = req.db as! any SQLDatabase
        let key = "%" + ReferenceData.searchKey(q) + "%"
        switch table {
        case "ref_communes":
            struct Row: Decodable { var code: String; var name: String; var siren: String?; var population: Int64?; var population_year: Int?; var departement_code: String? }
            return try await sql.select().columns("code", "name", "siren", "population", "population_year", "departement_code").from(table)
                .where("search_key", .like, key).orderBy("name").limit(limit).all(decoding: Row.self)
                .map { ReferenceEntryOut(code: $0.code, name: $0.name, siren: $0.siren, population: $0.population, populationYear: $0.population_year, detail: $0.departement_code) }
        case "ref_epci":
            struct Row: Decodable { var siren: String; var name: String; var nature: String; var population: Int64; var population_year: Int }
            return try await sql.select().columns("siren", "name", "nature", "population", "population_year").from(table)
                .where("search_key", .like, key).orderBy("name").limit(limit).all(decoding: Row.self)
                .map { ReferenceEntryOut(code: $0.siren, name: $0.name, siren: $0.siren, population: $0.population, populationYear: $0.population_year, detail: $0.nature) }
        default:
            struct Row: Decodable { var code: String; var label: String }
            return try await sql.select().columns("code", "label").from(table)
                .where("search_key", .like, key).orderBy("code").limit(limit).all(decoding: Row.self)
                .map { ReferenceEntryOut(code: $0.code, name: $0.label, siren: nil, population: nil, populationYear: nil, detail: nil) }
        }
    }
}
