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

        pages.get { req async throws -> Page in
            let principal = try req.requirePrincipal()
            let data = try await PageQueries.dashboard(for: principal, on: req.db)
            return DashboardPage.page(data, viewer: try req.viewer(), canCreate: principal.canWriteSomewhere)
        }
        pages.get("conventions") { req async throws -> Page in
            let principal = try req.requirePrincipal()
            let data = try await PageQueries.dashboard(for: principal, on: req.db)
            return DashboardPage.list(data, viewer: try req.viewer(), canCreate: principal.canWriteSomewhere)
        }
        pages.get("organisations") { req async throws -> Page in
            let search = req.query[String.self, at: "q"]
            let entries = try await PageQueries.directory(search: search, on: req.db)
            let principal = try req.requirePrincipal()
            return DirectoryPage.page(entries, search: search, viewer: try req.viewer(), canCreate: principal.canWriteSomewhere,
                                      editable: { Access.writesFor(principal, organisation: $0) })
        }
        pages.get("formulaires", "verifier") { req async throws -> FieldCheck in
            FieldCheck.check(kind: req.query[String.self, at: "type"] ?? "", value: req.query[String.self, at: "valeur"] ?? "")
        }

        let convention = pages.grouped("conventions", ":conventionID")
        convention.get { req async throws -> Page in
            let principal = try req.requirePrincipal()
            return try await cached(req, "convention") { model, viewer, notice in
                ConventionPage.page(try await PageQueries.convention(model, principal: principal, on: req.db), viewer: viewer, notice: notice)
            }
        }
        convention.get("imprimer") { req async throws -> Page in
            let model = try await Access.convention(req)
            let view = try await PageQueries.convention(model, principal: try req.requirePrincipal(), on: req.db)
            return PrintPage.page(view, viewer: try req.viewer())
        }
        convention.get("convention.pdf") { req async throws -> Response in
            let model = try await Access.convention(req)
            let view = try await PageQueries.convention(model, principal: try req.requirePrincipal(), on: req.db)
            return try await PDFExport.response(for: view, request: req)
        }
        convention.get("actions", ":actionID") { req async throws -> Page in
            let model = try await Access.convention(req)
            let action = try await Access.action(req, in: model)
            let view = try await PageQueries.action(action, in: model, principal: try req.requirePrincipal(), on: req.db)
            return ActionPage.page(view, viewer: try req.viewer(), notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
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

/// Short confirmations shown after a redirect (`?ok=ligne`), from a fixed list so that the address
/// cannot make the page say anything.
enum Notices {
    static func text(_ key: String) -> String? {
        [
            "convention": "Convention enregistrée.",
            "partie": "Partie ajoutée.",
            "partie-retiree": "Partie retirée.",
            "partie-modifiee": "Partie modifiée.",
            "action": "Action enregistrée.",
            "ligne": "Ligne de coût enregistrée.",
            "ligne-supprimee": "Ligne de coût supprimée.",
            "part": "Part de financement enregistrée.",
            "part-supprimee": "Part de financement supprimée.",
            "article": "Article enregistré.",
            "article-supprime": "Article supprimé.",
            "axe": "Axe enregistré.",
            "axe-supprime": "Axe supprimé.",
            "indicateur": "Indicateur enregistré.",
            "indicateur-supprime": "Indicateur supprimé.",
            "enveloppe": "Enveloppe créée.",
            "etape-convention": "Étape de la convention enregistrée.",
            "reconduction": "Reconduction enregistrée.",
            "fin": "Fin de la convention ou retrait enregistré.",
            "deliberation": "Délibération inscrite.",
            "version": "Version enregistrée.",
            "comite": "Comité créé.",
            "signature": "Signature enregistrée.",
            "titres": "Titres de recettes émis.",
            "facture": "Facture émise.",
            "mesure": "Mesure enregistrée.",
            "bilan": "Observations enregistrées.",
            "livrable": "Livrable ajouté.",
            "livraison": "Livraison enregistrée.",
            "paiement": "Paiement enregistré.",
            "reunion": "Réunion inscrite.",
            "engagement": "Fonds engagés.",
            "engagement-libere": "Engagement libéré.",
            "prestation": "Prestation prescrite (devis enregistré).",
            "etape": "Étape enregistrée.",
            "entreprise": "Entreprise enregistrée.",
            "etablissement": "Établissement ajouté.",
            "aide": "Aide de minimis inscrite.",
            "entreprise-unique": "Entreprises réunies en une entreprise unique.",
            "service": "Prestation du catalogue enregistrée.",
            "parametres": "Paramètres enregistrés.",
            "import": "Convention enregistrée en brouillon à partir du document importé : complétez-la (dates, articles) avant de la soumettre à approbation.",
            "brouillon-verifie": "Le brouillon se lit sans erreur : relisez les constats, puis enregistrez la convention en brouillon.",
        ][key]
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
        return !(path.hasPrefix("/api/") || path == "/health" || path.hasPrefix("/static/") || path == "/formulaires/verifier")
    }
}

/// The answer to the inline check of one field as the user leaves it (same parsers as on submission).
struct FieldCheck: Content {
    var ok: Bool
    var message: String?
    /// The value as Pacte read it, in French (`1 400,00 €`).
    var normalized: String?

    static func check(kind: String, value: String) -> FieldCheck {
        var state = FormState(values: ["v": [value]])
        let normalized: String?
        switch kind {
        case "amount": normalized = state.amount("v", label: "montant").map(FrenchFormat.money)
        case "quantity": normalized = state.quantity("v", label: "quantité").map(FrenchFormat.days)
        case "rate": normalized = state.rate("v", label: "taux").map(FrenchFormat.percent)
        case "date": normalized = state.date("v", label: "date").map(FrenchFormat.date)
        default: return FieldCheck(ok: false, message: "Type de champ inconnu.", normalized: nil)
        }
        if let error = state.errors["v"] { return FieldCheck(ok: false, message: error, normalized: nil) }
        return FieldCheck(ok: true, message: nil, normalized: normalized)
    }
}
