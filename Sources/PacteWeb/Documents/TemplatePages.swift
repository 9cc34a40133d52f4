import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore
import Plot
import Vapor

public struct TemplateOut: Documented {
    public var id: UUID
    public var organisationID: UUID
    /// `convention`, `avenant`, `avis-de-financement`, `releve-de-minimis`.
    public var kind: String
    public var name: String
    /// `odt` or `docx`.
    public var format: String
    public var fileName: String
    public var byteCount: Int
    public var sha256: String
    public var createdAt: Date?

    init(_ m: DocumentTemplateModel) throws {
        id = try m.requireID(); organisationID = m.$organisation.id; kind = m.kind; name = m.name; format = m.format
        fileName = m.fileName; byteCount = m.byteCount; sha256 = m.sha256; createdAt = m.createdAt
    }

    public static var example: TemplateOut {
        let m = DocumentTemplateModel(id: exampleID, organisationID: exampleID, kind: "convention", name: "Convention à en-tête de la Ville",
                                      format: "docx", fileName: "modele-convention.docx", data: Data())
        return try! TemplateOut(m)
    }
}

public struct TemplateIn: Documented {
    public var kind: String
    public var name: String
    public var fileName: String
    /// The ODT or DOCX file, in base 64.
    public var content: String

    public static var example: TemplateIn {
        TemplateIn(kind: "convention", name: "Convention à en-tête de la Ville", fileName: "modele-convention.docx", content: "UEsDBBQAAAAIAA==")
    }
}

/// What a template may use, per kind of document, for the page that lists them.
public struct TemplateFieldsOut: Documented {
    public var kind: String
    public var label: String
    public var names: [String]

    public static var example: TemplateFieldsOut {
        TemplateFieldsOut(kind: "convention", label: "Convention", names: ["convention.titre", "actions", "actions.code"])
    }
}

/// An organisation's own ODT and DOCX templates: uploaded by its agents and administrators,
/// checked on upload against the names Pacte fills (an unknown one is refused, with the list of
/// the known ones), used by every member from the document links.
enum TemplatePages {
    static let maximumBytes = 10 * 1024 * 1024

    /// Checks and stores a template; every refusal is a French 4xx and stores nothing.
    static func create(_ req: Request, organisation: OrganisationModel, kind kindText: String?, name: String?, fileName: String?, data: Data) async throws -> DocumentTemplateModel {
        let principal = try req.requirePrincipal()
        let organisationID = try organisation.requireID()
        guard Access.writesFor(principal, organisation: organisationID) else {
            throw Problem(.forbidden, "Seuls les agents et les administrateurs de l'organisation déposent ses modèles.")
        }
        guard let kindText, let kind = TemplateKind(rawValue: kindText) else {
            throw Problem.invalid("kind", "Type de document inconnu : « \(kindText ?? "") ». Types possibles : \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let cleanName = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !cleanName.isEmpty, cleanName.count <= 200 else { throw Problem.invalid("name", "Donnez un nom au modèle (200 caractères au plus).") }
        guard !data.isEmpty else { throw Problem.invalid("file", "Choisissez le fichier du modèle (ODT ou DOCX).") }
        guard data.count <= maximumBytes else {
            throw Problem(.payloadTooLarge, "Le modèle dépasse \(maximumBytes / 1024 / 1024) Mo : allégez ses images.", field: "file")
        }
        let template: OfficeTemplate
        do {
            template = try OfficeTemplate(data: data, schema: kind.schema)
        } catch {
            throw Problem.invalid("file", error.description)
        }
        let model = DocumentTemplateModel(organisationID: organisationID, kind: kind.rawValue, name: cleanName, format: template.format.rawValue,
                                          fileName: ImportRoutes.cleanFileName(fileName) ?? "modele.\(template.format.fileExtension)", data: data)
        try await DocumentTemplates.create(model, data: data, actor: principal.actor, on: req.db)
        return model
    }

    static func find(_ req: Request, organisation: OrganisationModel) async throws -> DocumentTemplateModel {
        let id = try Access.uuid(req, "templateID", "Modèle")
        guard let template = try await DocumentTemplateModel.find(id, on: req.db), template.$organisation.id == organisation.id else {
            throw Problem.notFound("Modèle de document")
        }
        return template
    }

    static func delete(_ req: Request, organisation: OrganisationModel) async throws {
        let principal = try req.requirePrincipal()
        guard Access.writesFor(principal, organisation: try organisation.requireID()) else {
            throw Problem(.forbidden, "Seuls les agents et les administrateurs de l'organisation retirent ses modèles.")
        }
        try await DocumentTemplates.delete(try await find(req, organisation: organisation), actor: principal.actor, on: req.db)
    }

    static func register(_ api: APIBuilder) {
        let base: [PathComponent] = ["organisations", ":organisationID", "templates"]
        api.on(.GET, base, summary: "Les modèles de documents de l'organisation", tag: "Documents", response: [TemplateOut.example]) { req in
            let organisation = try await Members.organisation(req, administering: false)
            return try await DocumentTemplates.all(of: [try organisation.requireID()], on: req.db).map(TemplateOut.init)
        }
        api.on(.POST, base, summary: "Déposer un modèle (ODT ou DOCX en base 64) : refusé avec la liste des champs connus s'il en cite un inconnu",
               tag: "Documents", request: TemplateIn.example, response: TemplateOut.example, status: .created) { req in
            let organisation = try await Members.organisation(req, administering: false)
            let input = try req.content.decode(TemplateIn.self)
            guard let data = Data(base64Encoded: input.content, options: .ignoreUnknownCharacters) else {
                throw Problem.invalid("content", "Le contenu n'est pas du base 64.")
            }
            return try TemplateOut(try await create(req, organisation: organisation, kind: input.kind, name: input.name, fileName: input.fileName, data: data))
        }
        api.on(.DELETE, base + [":templateID"], summary: "Retirer un modèle", tag: "Documents", response: nil, status: .noContent) { req -> HTTPStatus in
            try await delete(req, organisation: try await Members.organisation(req, administering: false))
            return .noContent
        }
        api.on(.GET, ["template-fields"], summary: "Les champs qu'un modèle peut citer, par type de document", tag: "Documents",
               response: [TemplateFieldsOut.example]) { _ in
            TemplateKind.allCases.map { TemplateFieldsOut(kind: $0.rawValue, label: $0.label, names: $0.schema.knownNames) }
        }
    }

    // MARK: Pages

    struct UploadIn: Content {
        var kind: String?
        var name: String?
        var file: File?
    }

    static func registerPages(_ pages: any RoutesBuilder) {
        let templates = pages.grouped("organisations", ":organisationID", "modeles")
        templates.get { req async throws -> Page in try await page(req, state: FormState(values: ["kind": ["convention"]])) }
        templates.on(.POST, body: .collect(maxSize: ByteCount(value: DocumentUploads.maximumBodyBytes))) { req async throws -> Response in
            let organisation = try await Members.organisation(req, administering: false)
            let input = (try? req.content.decode(UploadIn.self)) ?? UploadIn()
            var state = FormState(values: ["kind": [input.kind ?? ""], "name": [input.name ?? ""]])
            do {
                let file = input.file
                let data = file.map { Data($0.data.readableBytesView) } ?? Data()
                _ = try await create(req, organisation: organisation, kind: input.kind, name: input.name, fileName: file?.filename, data: data)
                return req.redirect(to: "/organisations/\(try organisation.requireID())/modeles?ok=modele", redirectType: .normal)
            } catch let problem as Problem {
                state.errors[problem.field ?? "file"] = problem.detail
                let response = try await page(req, state: state).encodeResponse(for: req)
                response.status = problem.status
                return response
            }
        }
        templates.post(":templateID", "retirer") { req async throws -> Response in
            let organisation = try await Members.organisation(req, administering: false)
            try await delete(req, organisation: organisation)
            return req.redirect(to: "/organisations/\(try organisation.requireID())/modeles?ok=modele-retire", redirectType: .normal)
        }
    }

    static func page(_ req: Request, state: FormState) async throws -> Page {
        let organisation = try await Members.organisation(req, administering: false)
        let id = try organisation.requireID()
        let viewer = try req.viewer()
        let canWrite = Access.writesFor(try req.requirePrincipal(), organisation: id)
        let base = "/organisations/\(id)/modeles"
        let templates = try await DocumentTemplates.all(of: [id], on: req.db)
        let rows: [Node<HTML.TableContext>] = templates.map { template in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(template.name)),
                .td(.text(TemplateKind(rawValue: template.kind)?.label ?? template.kind)),
                .td(.text("\(template.fileName) (\(template.format.uppercased()), \("\(max(1, (template.byteCount + 1023) / 1024)) Ko"))")),
                .td(.text(template.createdAt.map { FrenchFormat.date(CivilDate(instant: $0)) } ?? "—")),
                .if(canWrite, .td(.form(.method(.post), .action("\(base)/\(template.id?.uuidString ?? "")/retirer"),
                                        .data(named: "confirm", value: escapeAttribute("Retirer le modèle « \(template.name) » ?")),
                                        CSRF.field(viewer.csrf),
                                        .button(.class("button danger"), .type(.submit), .text("Retirer"), .ariaLabel(escapeAttribute("Retirer le modèle \(template.name)")))))))
        }
        let fields = [
            Field(name: "kind", label: "Document", control: .select(TemplateKind.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
            Field(name: "name", label: "Nom du modèle", hint: "Par exemple « Convention à en-tête de la Ville ».", isRequired: true),
            Field(name: "file", label: "Fichier", control: .file(accept: ".odt,.docx,.ott,.dotx,\(OfficeDownload.mediaTypes.joined(separator: ","))"),
                  hint: "Un document ODT ou DOCX de \(maximumBytes / 1024 / 1024) Mo au plus, avec les champs listés plus bas.", isRequired: true),
        ]
        let notice = req.query[String.self, at: "ok"].flatMap { ["modele": "Modèle enregistré.", "modele-retire": "Modèle retiré."][$0] }
        let content: BodyNode = .group(
            .h1(.text("Modèles de documents — \(organisation.name)")),
            .p(.class("lead"), .text("Vos propres mises en page (en-tête, logo, styles, formules) pour les documents que Pacte écrit : "
                                     + "Pacte remplit les champs entre doubles accolades avec ses chiffres.")),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            templates.isEmpty ? .p(.class("muted"), .text("Aucun modèle : les documents sont écrits dans la mise en page de Pacte.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Modèles de l'organisation")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Nom")), .th(.attribute(named: "scope", value: "col"), .text("Document")),
                           .th(.attribute(named: "scope", value: "col"), .text("Fichier")), .th(.attribute(named: "scope", value: "col"), .text("Déposé le")),
                           .if(canWrite, .th(.attribute(named: "scope", value: "col"), .text("Action"))))),
                .tbody(.group(rows)))),
            .if(canWrite, .group(
                .h2(.text("Déposer un modèle")),
                errorSummary(state, fields: fields),
                .form(.class("stacked"), .method(.post), .action(base), .enctype(.multipartData), .attribute(named: "novalidate"),
                      CSRF.field(viewer.csrf),
                      .group(fields.map { $0.render(state) }),
                      .button(.class("button"), .type(.submit), .text("Vérifier et enregistrer le modèle"))))),
            .h2(.text("Écrire un modèle")),
            .p(.text("Dans votre traitement de texte, tapez les champs entre doubles accolades : {{convention.titre}}. "
                     + "Pour répéter une partie (une action, une ligne de tableau), encadrez-la par {{#actions}} et {{/actions}}, chacun seul sur son paragraphe, "
                     + "ou, pour répéter une ligne de tableau, au début de sa première cellule et à la fin de sa dernière ; à l'intérieur, les champs s'écrivent sans préfixe ({{code}}, {{titre}}). "
                     + "{{^actions}}…{{/actions}} n'apparaît que si la liste est vide. Un modèle qui cite un champ inconnu est refusé, avec la liste ci-dessous.")),
            .group(TemplateKind.allCases.map { kind in
                .details(.summary(.text("Champs du document « \(kind.label) »")),
                         .p(.class("field-list"), .text(kind.schema.knownNames.map { "{{\($0)}}" }.joined(separator: " "))))
            }),
            .p(.a(.href("/organisations/\(id)/membres"), .text("Membres de l'organisation")))
        )
        return Page(title: "Modèles — \(organisation.name)", section: .directory, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Annuaire", "/organisations"), (organisation.name, "/organisations/\(id)/membres"), ("Modèles de documents", nil)],
                    content: content)
    }
}
