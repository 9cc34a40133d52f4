import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The HTML pages. Handlers are thin: a query from `PageQueries`, a page from the `*Page` builders.
enum PageRoutes {
    static func register(on app: Application) {
        StaticAssets.register(on: app.routes)
        SignInPages.register(on: app.routes)
        let pagesWithoutSession = app.routes
        let pages = app.routes.grouped(SignedInOnly())

        DashboardPage.register(on: pages)
        DirectoryPage.register(on: pages)
        pages.get("formulaires", "verifier") { req async throws -> FieldCheck in
            FieldCheck.check(kind: req.query[String.self, at: "type"] ?? "", value: req.query[String.self, at: "valeur"] ?? "")
        }

        let convention = pages.grouped("conventions", ":conventionID")
        ConventionPage.register(on: convention)
        ActionPage.register(on: convention)
        FormPages.register(pages)
        InterventionPages.register(convention)
        GovernancePages.register(convention)
        StatementPages.register(convention)
        BillingIdentityForm.register(pages)
        InvoicePages.register(convention)
        IndicatorForms.register(convention)
        AnnualReviewPage.register(convention)
        DeliverablePages.registerPages(convention)
        CompanyForms.register(pages)
        AidRegister.register(on: pages)
        ScdlSubventions.register(on: pages)
        CalendarPages.register(pages: pages, open: pagesWithoutSession)
        ExecutionPages.register(on: pages)
        ImportPages.register(pages)
        RegisterPages.register(on: pages)
        DepartementPages.register(on: pages)
        OrganisationForms.register(pages)
        AccountPages.register(pages: pages, open: pagesWithoutSession)
        DocumentRoutes.registerPages(pages)
        TemplatePages.registerPages(pages)
    }
}

extension PageRoutes {
    /// A page of a convention, from `PageCache` when nothing changed since it was rendered. A page
    /// showing a confirmation (`?ok=…`) is rendered afresh.
    static func cached(_ req: Request, _ name: String,
                       render: (ConventionModel, Viewer, String?) async throws -> Page) async throws -> Page {
        let notice = req.query[String.self, at: "ok"].flatMap(Notices.text)
        guard notice == nil, req.application.pageCache.budget > 0 else {
            return try await render(try await Access.convention(req), try req.viewer(), notice)
        }
        let id = try Access.uuid(req, "conventionID", "Convention")
        let right = try await Access.right(req, conventionID: id)
        let stamp = try await req.databaseStamp()
        return try await req.application.pageCache.page("\(name)/\(id)/\(right.canWrite)", viewer: try req.viewer(), stamp: stamp) { viewer in
            guard let model = try await ConventionModel.find(id, on: req.db) else { throw Problem.notFound("Convention") }
            return try await render(model, viewer, nil)
        }
    }
}

/// Pages need a signed-in user: anyone else is sent to the sign-in form, then back.
struct SignedInOnly: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.principal != nil else {
            let target = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
            return request.redirect(to: "/connexion?retour=" + urlPart(target))
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The layout's view of the signed-in user, with the session's CSRF token for its forms.
    func viewer() throws -> Viewer {
        let principal = try requirePrincipal()
        var csrf = ""
        if hasSession {
            if let token = session.data["csrf"] { csrf = token } else {
                csrf = TokenHash.newToken(prefix: "")
                session.data["csrf"] = csrf
            }
        }
        return Viewer(email: principal.email, csrf: csrf, isAdmin: principal.isPlatformAdmin)
    }

    /// Wants a page rather than JSON: everything outside the API.
    var wantsHTML: Bool {
        let path = url.path
        return !(path.hasPrefix("/api/") || OperationsRoutes.paths.contains(path) || path == "/formulaires/verifier" || path.hasPrefix("/static/"))
    }
}
