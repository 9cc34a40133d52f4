import Fluent
import Foundation
import PacteCore
import PacteStore
import SQLKit
import Vapor

enum APIRoutes {
    static func register(on app: Application) throws {
        app.apiOperations = []
        let api = APIBuilder(app: app, routes: app.routes, prefix: ["api", "v1"])
        Accounts.register(api)
        Members.register(api)
        Invitations.register(api)
        MyAccount.register(api)
        PasswordReset.register(api)
        DirectoryRoutes.register(api)
        ConventionRoutes.register(api)
        CatalogueRoutes.register(api)
        CompanyRoutes.register(api)
        SettingsRoutes.register(api)
        GovernanceRoutes.register(api)
        CommitteeRoutes.register(api)
        StatementRoutes.register(api)
        IndicatorRoutes.register(api)
        AnnualReviewRoutes.register(api)
        InvoiceRoutes.register(api)
        DeliverablePages.registerAPI(api)
        ImportRoutes.register(api)
        TerritoryRoutes.register(api)
        DocumentRoutes.registerAPI(api)
        TemplatePages.register(api)

        let document = try OpenAPIDocument.json(for: app.apiOperations)
        app.get("api", "openapi.json") { _ -> Response in
            let response = Response(status: .ok, body: .init(data: document))
            response.headers.contentType = .json
            return response
        }
    }
}
