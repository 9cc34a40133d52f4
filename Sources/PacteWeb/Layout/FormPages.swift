import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// What every form page shares: its layout, the organisations a user writes for, the submission.
extension FormPages {
    static func organisationsWritable(_ req: Request) async throws -> [(value: String, label: String)] {
        let principal = try req.requirePrincipal()
        let query = OrganisationModel.query(on: req.db).sort(\.$name)
        if !principal.isPlatformAdmin {
            guard principal.canWriteSomewhere else { throw Problem.readOnly }
            query.filter(\.$id ~~ principal.roles.filter { $0.value.canWrite }.map(\.key))
        }
        return try await query.all().map { (value: $0.id!.uuidString, label: $0.name) }
    }

    /// A form page: title, error summary, fields, submit and cancel.
    static func formPage(title: String, crumbs: [(label: String, path: String?)], state: FormState, fields: [Field], action: String, back: String,
                         viewer: Viewer, extra: Node<HTML.FormContext> = .empty, summaryFields: [Field]? = nil,
                         section: NavSection = .conventions, intro: String? = nil, multipart: Bool = false,
                         submitLabel: String = "Enregistrer") -> Page {
        let content: BodyNode = .group(
            .h1(.text(title)),
            .unwrap(intro) { .p(.class("lead"), .text($0)) },
            errorSummary(state, fields: summaryFields ?? fields),
            .p(.class("muted"), .text("Les champs marqués « obligatoire » doivent être remplis. Montants en euros, dates au format jj/mm/aaaa.")),
            .form(
                .class("stacked"), .method(.post), .action(action),
                .attribute(named: "novalidate"),
                .if(multipart, .enctype(.multipartData)),
                CSRF.field(viewer.csrf),
                .forEach(fields) { $0.render(state) },
                extra,
                .div(.class("form-actions"),
                     .button(.class("button"), .type(.submit), .text(submitLabel)),
                     .a(.href(back), .text("Annuler")))
            )
        )
        return Page(title: title, section: section, viewer: viewer, breadcrumbs: crumbs,
                    status: state.hasErrors ? .unprocessableEntity : .ok, content: content)
    }

    /// Renders `form` again with the state when `work` throws a problem; redirects when it succeeds.
    static func submit(_ req: Request, state: FormState, redirect: @Sendable () throws -> String,
                       form: @Sendable (FormState) async throws -> Page, _ work: @Sendable () async throws -> Void) async throws -> Response {
        var state = state
        guard !state.hasErrors else { return try await form(state).encodeResponse(for: req) }
        do {
            try await work()
            return req.redirect(to: try redirect(), redirectType: .normal)
        } catch {
            state.absorb(error)
            return try await form(state).encodeResponse(for: req)
        }
    }

    /// Carries an id out of a `@Sendable` closure run once, on this request.
    final class SavedID: @unchecked Sendable { var id: UUID? }
}
