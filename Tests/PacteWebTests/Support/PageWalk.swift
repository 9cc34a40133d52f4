import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import Testing
import Vapor
import VaporTesting

/// The walk of every page of the demo, shared by the accessibility check (BrowserTests) and the
/// query-plan check (QueryPlanTests).
enum PageWalk {
    /// Adds what the demo lacks for some pages to show something (a company with aid received
    /// elsewhere, an accepted service of seed 001, a pending import of seed 003), then lists the
    /// pages: the global ones, and for each convention its pages, forms and two action sheets.
    static func accessibilityPaths(_ app: Application) async throws -> [String] {
        let admin = try await app.token("admin@demo.pacte.fr")
        let company = try await app.call(.POST, "/api/v1/companies", token: admin, json: #"{"siret":"12345678200010","name":"Boulangerie Martin","naf":"10.71C"}"#)
        let companyID = try #require((try json(company) as? [String: Any])?["id"] as? String)
        _ = try await app.call(.POST, "/api/v1/companies/\(companyID)/de-minimis-grants", token: admin, json: #"{"grantedOn":"2025-02-01","amount":"1200","grantor":"CCST"}"#)
        var paths = ["/", "/conventions", "/organisations", "/organisations?q=Marne", "/conventions/nouvelle", "/conventions/\(UUID())",
                     "/prestations", "/prestations/nouvelle", "/entreprises", "/entreprises/nouvelle", "/entreprises/\(companyID)",
                     "/entreprises/\(companyID)/modifier", "/entreprises/\(companyID)/etablissements/nouveau", "/entreprises/\(companyID)/aides/nouvelle",
                     "/entreprises/\(companyID)/entreprise-unique", "/entreprises/\(companyID)/attestation-de-minimis", "/aides-de-minimis",
                     "/parametres", "/calendrier", "/territoires/departements", "/territoires/departements/51",
                     "/registre", "/registre?communes=21231%2C99999", "/registre/effectifs", "/organisations/nouvelle",
                     "/organisations/\(try #require(try await OrganisationModel.query(on: app.db).first()?.id))/modifier",
                     "/organisations/\(try #require(try await OrganisationModel.query(on: app.db).first()?.id))/facturation",
                     "/organisations/\(try #require(try await OrganisationModel.query(on: app.db).first()?.id))/modeles"]
        // One service of seed 001, accepted, for the execution pages, its step forms and its notice.
        let seed001 = try await app.conventionID(titled: "seed 001")
        let fa3 = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == seed001).all().first { $0.code == "FA3" }?.id)
        let quoted = try await app.call(.POST, "/api/v1/conventions/\(seed001)/interventions", token: admin,
                                        json: #"{"actionID":"\#(fa3)","companyID":"\#(companyID)","label":"Circuits courts","quote":"600"}"#)
        let intervention = try #require((try json(quoted) as? [String: Any])?["id"] as? String)
        _ = try await app.call(.POST, "/api/v1/conventions/\(seed001)/interventions/\(intervention)/accept", token: admin, json: #"{"date":"2021-03-01"}"#)
        paths += ["realiser", "annuler", "avis"].map { "/conventions/\(seed001)/prestations/\(intervention)/\($0)" }
        // A pending import of seed 003 (the longest text) for its review page.
        let dijon = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Dijon Métropole").first()?.id)
        let seed003 = try seedDocument("003")
        let importBody = String(decoding: try JSONEncoder().encode(["text": String(decoding: seed003.data, as: UTF8.self), "fileName": seed003.name,
                                                                     "organisationID": dijon.uuidString]), as: UTF8.self)
        let imported = try await app.call(.POST, "/api/v1/imports", token: admin, json: importBody)
        let importID = try #require((try json(imported) as? [String: Any])?["id"] as? String)
        paths += ["/imports", "/imports/nouveau", "/imports/\(importID)"]
        for convention in try await ConventionModel.query(on: app.db).sort(\.$title).all() {
            let id = try convention.requireID()
            paths += ["/conventions/\(id)", "/conventions/\(id)/imprimer", "/conventions/\(id)/documents", "/conventions/\(id)/modifier", "/conventions/\(id)/parties/nouvelle",
                      "/conventions/\(id)/actions/nouvelle", "/conventions/\(id)/articles/nouvelle", "/conventions/\(id)/axes/nouvelle",
                      "/conventions/\(id)/execution", "/conventions/\(id)/enveloppes/nouvelle", "/conventions/\(id)/prestations/nouvelle",
                      "/conventions/\(id)/engagements/nouveau", "/conventions/\(id)/gouvernance", "/conventions/\(id)/etape",
                      "/conventions/\(id)/reconduction", "/conventions/\(id)/fin", "/conventions/\(id)/deliberations/nouvelle",
                      "/conventions/\(id)/versions/nouvelle", "/conventions/\(id)/versions?a=current", "/conventions/\(id)/comites/nouveau",
                      "/conventions/\(id)/releves", "/conventions/\(id)/bilan?annee=2021",
                      "/conventions/\(id)/livrables", "/conventions/\(id)/livrables/nouveau",
                      "/conventions/\(id)/factures", "/conventions/\(id)/factures/nouvelle"]
            if let article = try await ArticleModel.query(on: app.db).filter(\.$convention.$id == id).first() {
                paths.append("/conventions/\(id)/articles/\(try article.requireID())/modifier")
            }
            if let party = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == id).first() {
                paths.append("/conventions/\(id)/parties/\(try party.requireID())/modifier")
                paths.append("/conventions/\(id)/parties/\(try party.requireID())/signer")
            }
            // Two action sheets per convention, with their forms: the sheets share one template.
            for action in try await ActionModel.query(on: app.db).filter(\.$convention.$id == id).sort(\.$position).limit(2).all() {
                let actionPath = "/conventions/\(id)/actions/\(try action.requireID())"
                paths += [actionPath, actionPath + "/modifier", actionPath + "/lignes/nouvelle", actionPath + "/parts/nouvelle",
                          actionPath + "/indicateurs/nouvelle"]
                if let indicator = try await IndicatorModel.query(on: app.db).filter(\.$action.$id == action.requireID()).first() {
                    paths += [actionPath + "/indicateurs/\(try indicator.requireID())/objectif", actionPath + "/indicateurs/\(try indicator.requireID())/mesure"]
                }
            }
        }
        return paths
    }

    /// Every `GET` route of the application (pages, downloads and API), once for each convention,
    /// each parameter filled with a real id of that convention (its first action, party, service…)
    /// or of the demo. A parameter this walk does not know is returned apart, so that a new route
    /// cannot escape the walk unnoticed.
    static func routePaths(_ app: Application, skipping skipped: Set<String> = []) async throws -> (paths: [String], unknownParameters: Set<String>) {
        var paths: [String] = []
        var unknown: Set<String> = []
        let global = try await globalParameters(app)
        let routes = app.routes.all.filter { $0.method == .GET }
        for convention in try await ConventionModel.query(on: app.db).sort(\.$title).all() {
            var values = global
            values.merge(try await conventionParameters(app, convention: try convention.requireID())) { _, own in own }
            for route in routes {
                var components: [String] = []
                for component in route.path {
                    switch component {
                    case .constant(let text): components.append(text)
                    case .parameter(let name):
                        if let value = values[name] { components.append(value) } else {
                            unknown.insert(name)
                            components.append(UUID().uuidString)
                        }
                    case .anything, .catchall: components.append("x")
                    }
                }
                let path = "/" + components.joined(separator: "/")
                if !skipped.contains(where: { path.hasPrefix($0) }) && !paths.contains(path) { paths.append(path) }
            }
        }
        return (paths, unknown)
    }

    /// Ids that do not belong to one convention.
    static func globalParameters(_ app: Application) async throws -> [String: String] {
        var values: [String: String] = ["feed": "inconnu.ics", "version": "0", "name": "pacte.css", "departementCode": "51"]
        values["companyID"] = try await CompanyModel.query(on: app.db).sort(\.$name).first()?.id?.uuidString
        values["serviceID"] = try await ServiceModel.query(on: app.db).first()?.id?.uuidString
        values["organisationID"] = try await OrganisationModel.query(on: app.db).filter(\.$name == "Dijon Métropole").first()?.id?.uuidString
        values["importID"] = try await DocumentImportModel.query(on: app.db).first()?.id?.uuidString
        values["personID"] = try await PersonModel.query(on: app.db).first()?.id?.uuidString
        values["userID"] = try await UserModel.query(on: app.db).first()?.id?.uuidString
        values["tokenID"] = try await APITokenModel.query(on: app.db).first()?.id?.uuidString
        for name in ["companyID", "serviceID", "organisationID", "importID", "personID", "userID", "tokenID"] where values[name] == nil {
            values[name] = UUID().uuidString
        }
        // An invitation and a password reset under the same walk token, so that both pages show their form.
        let token = "jeton-du-parcours-des-pages"
        if try await InvitationModel.query(on: app.db).filter(\.$tokenHash == TokenHash.of(token)).count() == 0,
           let organisation = values["organisationID"].flatMap(UUID.init(uuidString:)),
           let user = try await UserModel.query(on: app.db).sort(\.$email).first() {
            try await InvitationModel(organisationID: organisation, email: "parcours@exemple.fr", role: .reader, tokenHash: TokenHash.of(token),
                                      expiresAt: Date().addingTimeInterval(3_600), invitedBy: nil).create(on: app.db)
            try await PasswordResetModel(userID: try user.requireID(), tokenHash: TokenHash.of(token),
                                         expiresAt: Date().addingTimeInterval(3_600)).create(on: app.db)
        }
        values["token"] = token
        return values
    }

    /// The first of each kind of row of one convention.
    static func conventionParameters(_ app: Application, convention id: UUID) async throws -> [String: String] {
        let db = app.db
        var values: [String: String] = ["conventionID": id.uuidString]
        let action = try await ActionModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).first()
        if let actionID = action?.id {
            values["actionID"] = actionID.uuidString
            values["lineID"] = try await CostLineModel.query(on: db).filter(\.$action.$id == actionID).first()?.id?.uuidString
            values["shareID"] = try await ShareModel.query(on: db).filter(\.$action.$id == actionID).first()?.id?.uuidString
            values["indicatorID"] = try await IndicatorModel.query(on: db).filter(\.$action.$id == actionID).first()?.id?.uuidString
        }
        values["partyID"] = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["articleID"] = try await ArticleModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["axisID"] = try await AxisModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["interventionID"] = try await InterventionModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["commitmentID"] = try await CommitmentModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["committeeID"] = try await CommitteeModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["orderID"] = try await RevenueOrderModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["invoiceID"] = try await InvoiceModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["deliverableID"] = try await DeliverableModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        values["itemID"] = try await ConfidentialItemModel.query(on: db).filter(\.$convention.$id == id).first()?.id?.uuidString
        // A kind the demo has none of still walks its routes, to their « not found ».
        for name in ["actionID", "lineID", "shareID", "indicatorID", "partyID", "articleID", "axisID", "interventionID", "commitmentID",
                     "committeeID", "orderID", "invoiceID", "deliverableID", "itemID"] where values[name] == nil {
            values[name] = UUID().uuidString
        }
        return values
    }
}
