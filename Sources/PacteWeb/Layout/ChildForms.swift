import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The create, edit and delete forms of a record that lives in a convention or in one of its
/// actions (article, axis, cost line, share, indicator), written once. Each form goes through the
/// API's `ChildResource`, so a form write is the same audited transaction as an API write.
struct ChildForm<M: Model & Sendable, In: Documented, Out: Documented>: Sendable where M.IDValue == UUID {
    var resource: ChildResource<M, In, Out>
    /// The French path segment (`articles`, `lignes`…).
    var segment: String
    /// Under an action (`/actions/{actionID}/…`) rather than directly under the convention.
    var underAction: Bool
    /// Where the list sits on the parent page.
    var anchor: String
    var createTitle: String
    var editTitle: String
    /// `?ok=` keys of `Notices` after a save and after a deletion.
    var savedNotice: String
    var deletedNotice: String
    var fields: @Sendable (Request, ConventionModel) async throws -> [Field]
    /// The values of a new form.
    var defaults: @Sendable (ConventionModel) -> FormState = { _ in FormState() }
    /// Reads the form field by field; nil (with errors in the state) when it cannot be used.
    var read: @Sendable (inout FormState) -> In?
    /// The values of the edit form.
    var prefill: @Sendable (M) throws -> FormState
    /// A form sends every field: what was left empty is cleared after the input is applied.
    var clear: @Sendable (FormState, M) -> Void = { _, _ in }
    /// Last touches on a new record's input (a generated key).
    var prepare: @Sendable (inout In) -> Void = { _ in }

    func register(on convention: any RoutesBuilder) {
        let routes = underAction ? convention.grouped("actions", ":actionID") : convention
        let form = self
        let one: [PathComponent] = [.constant(segment), .parameter(resource.idParameter)]
        routes.get(.constant(segment), "nouvelle") { req async throws -> Page in
            let (model, parent) = try await form.parent(req)
            return try await form.page(req, state: form.defaults(model), convention: model, parent: parent, rowID: nil)
        }
        routes.post(.constant(segment), "nouvelle") { req async throws -> Response in
            let (model, parent) = try await form.parent(req)
            var state = try FormState(request: req)
            guard var input = form.read(&state), !state.hasErrors else {
                return try await form.page(req, state: state, convention: model, parent: parent, rowID: nil).encodeResponse(for: req)
            }
            form.prepare(&input)
            do {
                try await form.resource.create(req, model, input)
                return req.redirect(to: "\(parent.path)?ok=\(form.savedNotice)#\(form.anchor)", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await form.page(req, state: state, convention: model, parent: parent, rowID: nil).encodeResponse(for: req)
            }
        }
        routes.get(one + ["modifier"]) { req async throws -> Page in
            let (model, parent) = try await form.parent(req)
            let row = try await form.resource.find(req, model)
            return try await form.page(req, state: try form.prefill(row), convention: model, parent: parent, rowID: row.id)
        }
        routes.post(one + ["modifier"]) { req async throws -> Response in
            let (model, parent) = try await form.parent(req)
            let row = try await form.resource.find(req, model)
            var state = try FormState(request: req)
            guard let input = form.read(&state), !state.hasErrors else {
                return try await form.page(req, state: state, convention: model, parent: parent, rowID: row.id).encodeResponse(for: req)
            }
            let submitted = state
            do {
                try await form.resource.update(req, model, row, input) { form.clear(submitted, $0) }
                return req.redirect(to: "\(parent.path)?ok=\(form.savedNotice)#\(form.anchor)", redirectType: .normal)
            } catch {
                state.absorb(error)
                return try await form.page(req, state: state, convention: model, parent: parent, rowID: row.id).encodeResponse(for: req)
            }
        }
        routes.post(one + ["supprimer"]) { req async throws -> Response in
            let (model, parent) = try await form.parent(req)
            try await form.resource.delete(req, model, try await form.resource.find(req, model))
            return req.redirect(to: "\(parent.path)?ok=\(form.deletedNotice)#\(form.anchor)", redirectType: .normal)
        }
    }

    /// The page the record belongs to: the convention, or the action sheet.
    struct Parent {
        var path: String
        var crumbs: [(label: String, path: String?)]
    }

    func parent(_ req: Request) async throws -> (ConventionModel, Parent) {
        let model = try await Access.writableConvention(req)
        let base = "/conventions/\(try model.requireID())"
        var crumbs: [(label: String, path: String?)] = [("Tableau de bord", "/"), ("Conventions", "/conventions"), (model.title, base)]
        guard underAction else { return (model, Parent(path: base, crumbs: crumbs)) }
        let action = try await Access.action(req, in: model)
        let path = "\(base)/actions/\(try action.requireID())"
        crumbs.append((action.displayName, path))
        return (model, Parent(path: path, crumbs: crumbs))
    }

    func page(_ req: Request, state: FormState, convention: ConventionModel, parent: Parent, rowID: UUID?) async throws -> Page {
        let title = rowID == nil ? createTitle : editTitle
        let action = rowID.map { "\(parent.path)/\(segment)/\($0)/modifier" } ?? "\(parent.path)/\(segment)/nouvelle"
        return FormPages.formPage(title: title, crumbs: parent.crumbs + [(title, nil)], state: state, fields: try await fields(req, convention),
                                  action: action, back: "\(parent.path)#\(anchor)", viewer: try req.viewer())
    }
}

/// The « Modifier » link and « Supprimer » button of one row, for writers.
func rowControls(edit: String, delete: String, name: String, csrf: String) -> BodyNode {
    .group(
        .a(.href(edit), .text("Modifier"), .ariaLabel(escapeAttribute("Modifier \(name)"))),
        .form(.method(.post), .action(delete),
              .data(named: "confirm", value: escapeAttribute("Supprimer \(name) ?")),
              CSRF.field(csrf),
              .button(.class("button danger"), .type(.submit), .text("Supprimer"), .ariaLabel(escapeAttribute("Supprimer \(name)"))))
    )
}
