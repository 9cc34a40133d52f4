import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore
import Plot
import Vapor

/// The editable documents (ODT, DOCX) of a convention, its avenants, a funding notice and a de
/// minimis statement: one handler per document serves the page link (`….odt`, `….docx`) and the
/// API route (`?format=`), so both give the same file.
enum DocumentRoutes {
    static let formatQuery = QueryParameter(name: "format", description: "odt (par défaut) ou docx", values: ["odt", "docx"])
    static let templateQuery = QueryParameter(name: "template", description: "identifiant d'un modèle de l'une de vos organisations (le fichier est alors au format du modèle) ; vide ou absent : le modèle de Pacte")

    static func convention(_ req: Request, format: OfficeFormat) async throws -> Response {
        let model = try await Access.convention(req)
        let view = try await PageQueries.convention(model, principal: try req.requirePrincipal(), on: req.db)
        let source = try await ConventionDocument.source(view, on: req.db)
        return try await OfficeDownload.response(req, kind: .convention, format: format, title: "\(model.title) \(source.version)",
                                                 document: { ConventionDocument.document(source) }, values: { TemplateValues.convention(source) })
    }

    static func avenant(_ req: Request, format: OfficeFormat) async throws -> Response {
        let model = try await Access.convention(req)
        let view = try await PageQueries.convention(model, principal: try req.requirePrincipal(), on: req.db)
        let source = try await AvenantDocument.source(view, which: req.parameters.get("version") ?? "", on: req.db)
        return try await OfficeDownload.response(req, kind: .avenant, format: format,
                                                 title: "\(source.isDraft ? "projet d'avenant" : "avenant") \(source.number) \(model.title)",
                                                 document: { AvenantDocument.document(source) }, values: { TemplateValues.avenant(source) })
    }

    static func fundingNotice(_ req: Request, format: OfficeFormat) async throws -> Response {
        let model = try await Access.convention(req)
        let intervention = try await ConventionRoutes.findIntervention(req, model)
        let facts = try await FundingNotice.facts(intervention, convention: model, on: req.db)
        return try await OfficeDownload.response(req, kind: .fundingNotice, format: format, title: "avis de financement \(facts.company.name)",
                                                 document: { FundingNotice.document(facts) }, values: { TemplateValues.fundingNotice(facts) })
    }

    static func deMinimisStatement(_ req: Request, format: OfficeFormat) async throws -> Response {
        let company = try await CompanyRoutes.company(req)
        let facts = try await DeMinimisStatement.facts(company, on: try DeMinimisStatement.requestedDate(req), db: req.db)
        return try await OfficeDownload.response(req, kind: .deMinimisStatement, format: format, title: "releve de minimis \(company.name)",
                                                 document: { DeMinimisStatement.document(facts) }, values: { TemplateValues.deMinimisStatement(facts) })
    }

    typealias Handler = @Sendable (Request, OfficeFormat) async throws -> Response

    /// `name.odt` and `name.docx` under `routes`.
    static func files(_ routes: any RoutesBuilder, _ path: [PathComponent], name: String, _ handler: @escaping Handler) {
        for format in [OfficeFormat.odt, .docx] {
            routes.get(path + [.constant("\(name).\(format.fileExtension)")]) { req async throws -> Response in
                try await handler(req, format)
            }
        }
    }

    static func registerPages(_ pages: any RoutesBuilder) {
        let convention: [PathComponent] = ["conventions", ":conventionID"]
        files(pages, convention, name: "convention", self.convention)
        files(pages, convention + ["versions", ":version"], name: "avenant", avenant)
        files(pages, convention + ["prestations", ":interventionID"], name: "avis", fundingNotice)
        files(pages, ["entreprises", ":companyID"], name: "attestation-de-minimis", deMinimisStatement)
        pages.get(convention + ["documents"]) { req async throws -> Page in try await DocumentsPage.page(req) }
    }

    static func registerAPI(_ api: APIBuilder) {
        func on(_ path: [PathComponent], _ summary: String, tag: String, extraQuery: [QueryParameter] = [], _ handler: @escaping Handler) {
            api.on(.GET, path, summary: summary, tag: tag, response: nil, fileTypes: OfficeDownload.mediaTypes,
                   query: [formatQuery, templateQuery] + extraQuery) { req async throws -> Response in
                try await handler(req, try OfficeDownload.format(req.query[String.self, at: "format"] ?? "odt"))
            }
        }
        let convention: [PathComponent] = ["conventions", ":conventionID"]
        on(convention + ["document"], "La convention entière en document modifiable (ODT ou DOCX)", tag: "Documents", self.convention)
        on(convention + ["versions", ":version", "avenant"], "Un avenant (numéro de version, ou « projet » : l'avenant en cours de négociation) en document modifiable",
           tag: "Documents", avenant)
        on(convention + ["interventions", ":interventionID", "funding-notice"], "L'avis de financement d'une prestation en document modifiable",
           tag: "Documents", fundingNotice)
        on(["companies", ":companyID", "de-minimis-statement"], "Le relevé des aides de minimis d'une entreprise en document modifiable",
           tag: "Documents", extraQuery: [QueryParameter(name: "date", description: "date du relevé, AAAA-MM-JJ ou jj/mm/aaaa (aujourd'hui par défaut)")], deMinimisStatement)
    }
}

/// A convention's editable documents on one page: the convention, each avenant and the avenant in
/// negotiation, in Pacte's layout or in a template of the viewer's organisations.
enum DocumentsPage {
    static func page(_ req: Request) async throws -> Page {
        let model = try await Access.convention(req)
        let id = try model.requireID()
        let base = "/conventions/\(id)"
        let versions = try await ConventionVersions.all(of: id, on: req.db)
        let templates = try await OfficeDownload.templates(for: req)
        let avenants = versions.filter { $0.number >= 1 }
        let organisationIDs = try req.requirePrincipal().organisationIDs
        let organisations = organisationIDs.isEmpty ? [] : try await OrganisationModel.query(on: req.db).filter(\.$id ~~ organisationIDs).sort(\.$name).all()
        let content: BodyNode = .group(
            .h1(.text("Documents modifiables")),
            .p(.class("lead"), .text("La convention, ses avenants, au format OpenDocument (LibreOffice) ou Word, avec les chiffres que Pacte calcule : "
                                     + "à faire circuler entre partenaires, à annexer à une délibération. Les styles sont nommés (Titre 1, Titre 2, Tableau) : "
                                     + "modifiez-les pour changer la mise en page de tout le document.")),
            .h2(.text("La convention")),
            OfficeDownload.links("\(base)/convention", templates: templates, kind: .convention),
            .h2(.text("Avenants")),
            avenants.isEmpty ? .p(.class("muted"), .text("Aucun avenant enregistré.")) : .ul(.forEach(avenants) { version in
                .li(.text("\(version.label)" + (version.summary.map { " — \($0)" } ?? "") + " : "),
                    OfficeDownload.links("\(base)/versions/\(version.number)/avenant", templates: templates, kind: .avenant))
            }),
            versions.isEmpty
                ? .p(.class("muted"), .text("Figez la version initiale (page « Vie et gouvernance ») pour préparer un avenant."))
                : .group(.h3(.text("Projet d'avenant n° \((versions.last?.number ?? 0) + 1)")),
                         .p(.text("Les modifications apportées depuis la dernière version figée, avec le plan de financement d'aujourd'hui.")),
                         OfficeDownload.links("\(base)/versions/projet/avenant", templates: templates, kind: .avenant)),
            .h2(.text("Modèles de vos organisations")),
            .p(.text("Une organisation peut déposer son propre modèle (ODT ou DOCX, avec des champs comme {{convention.titre}}) ; Pacte le remplit. ")),
            .ul(.forEach(organisations) { organisation in
                .li(.a(.href("/organisations/\(organisation.id?.uuidString ?? "")/modeles"), .text("Modèles de \(organisation.name)")))
            }),
            .p(.a(.href(base), .text("Retour à la convention")))
        )
        return Page(title: "Documents — \(model.title)", section: .conventions, viewer: try req.viewer(),
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (model.title, base), ("Documents modifiables", nil)],
                    content: content)
    }
}
