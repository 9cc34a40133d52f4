import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Adding an organisation to the directory and correcting it, through the same create and update
/// code as `POST` and `PATCH /api/v1/organisations`: the département is derived from the SIREN of a
/// commune or an EPCI, and typed for the others (chambers, départements, associations).
enum OrganisationForms {
    static func fields(creating: Bool) -> [Field] {
        var fields = [
            Field(name: "name", label: "Nom", isRequired: true),
            Field(name: "shortName", label: "Nom court", hint: "Tel que les tableaux l'affichent, par exemple « CCIM ».", short: true),
        ]
        if creating {
            fields.append(Field(name: "kind", label: "Nature", control: .select(OrganisationKind.allCases.map { (value: $0.rawValue, label: $0.label) },
                                                                                 placeholder: "Choisir…"), isRequired: true))
        }
        fields += [
            Field(name: "siren", label: "SIREN", hint: "9 chiffres, espaces permis.", short: true),
            Field(name: "departementCode", label: "Département",
                  hint: "Déduit du SIREN pour une commune ou une intercommunalité ; sinon son code INSEE (51, 2A, 971), ou vide si l'organisation couvre plusieurs départements.",
                  short: true),
            Field(name: "address", label: "Adresse"),
        ]
        return fields
    }

    static func register(_ pages: any RoutesBuilder) {
        pages.get("organisations", "nouvelle") { req async throws -> Page in
            guard try req.requirePrincipal().canWriteSomewhere else { throw Problem.readOnly }
            return try form(req, FormState(), organisation: nil)
        }
        pages.post("organisations", "nouvelle") { req async throws -> Response in
            guard try req.requirePrincipal().canWriteSomewhere else { throw Problem.readOnly }
            var state = try FormState(request: req)
            let input = read(&state, creating: true)
            let name = state["name"]
            let saved = FormPages.SavedID()
            let platformAdmin = try req.requirePrincipal().isPlatformAdmin
            // A platform administrator goes on to invite the new organisation's first administrator.
            return try await FormPages.submit(req, state: state, redirect: {
                if platformAdmin, let id = saved.id { return "/organisations/\(id)/membres?ok=organisation" }
                return "/organisations?q=" + urlPart(name)
            }, form: { try form(req, $0, organisation: nil) }) {
                saved.id = try await DirectoryRoutes.create(req, input).requireID()
            }
        }
        pages.get("organisations", ":organisationID", "modifier") { req async throws -> Page in
            let model = try await DirectoryRoutes.writableOrganisation(req)
            var state = FormState()
            state.set("name", model.name)
            state.set("shortName", model.shortName)
            state.set("siren", model.siren?.formatted)
            state.set("departementCode", model.departementCode)
            state.set("address", model.address)
            return try form(req, state, organisation: model)
        }
        pages.post("organisations", ":organisationID", "modifier") { req async throws -> Response in
            let model = try await DirectoryRoutes.writableOrganisation(req)
            var state = try FormState(request: req)
            let input = read(&state, creating: false)
            let clearing = Set(["shortName", "siren", "address"].filter { state.text($0) == nil })
            let name = state["name"]
            return try await FormPages.submit(req, state: state, redirect: { "/organisations?q=" + urlPart(name) },
                                              form: { try form(req, $0, organisation: model) }) {
                try await DirectoryRoutes.patch(req, model, input, clearing: clearing)
            }
        }
    }

    /// The input the API would receive; an empty département field clears it ("").
    static func read(_ state: inout FormState, creating: Bool) -> OrganisationIn {
        let name = state.required("name", "Nom")
        let kind = creating ? state.choice("kind", OrganisationKind.self, label: "Nature") : nil
        let siren = state.identifier("siren", label: "SIREN") { text throws(IdentifierError) in try Siren(text) }
        return OrganisationIn(name: name, shortName: state.text("shortName"), kind: kind, siren: siren, address: state.text("address"),
                              departementCode: state.text("departementCode") ?? "")
    }

    static func form(_ req: Request, _ state: FormState, organisation: OrganisationModel?) throws -> Page {
        let title = organisation.map { "Modifier « \($0.name) »" } ?? "Ajouter une organisation"
        let action = organisation.map { "/organisations/\($0.id!)/modifier" } ?? "/organisations/nouvelle"
        return FormPages.formPage(title: title, crumbs: [("Tableau de bord", "/"), ("Annuaire", "/organisations"), (title, nil)],
                                  state: state, fields: fields(creating: organisation == nil), action: action, back: "/organisations",
                                  viewer: try req.viewer(), section: .directory,
                                  intro: "Le département rattache les conventions de l'organisation à la page de ce département.")
    }
}
