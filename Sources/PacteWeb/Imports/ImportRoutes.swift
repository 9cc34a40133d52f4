import Fluent
import Foundation
import PacteAudit
import PacteCore
import PacteStore
import Vapor

/// A document to import: its plain text and the organisation it is imported for.
public struct ImportIn: Documented {
    public var text: String
    /// The document's name, shown on the review page (default « texte envoyé par l'API »).
    public var fileName: String?
    /// Optional when you write for one organisation only.
    public var organisationID: UUID?

    public static var example: ImportIn {
        ImportIn(text: "TITRE DE L'ACTION : …", fileName: "fiches-actions-2024.txt", organisationID: exampleID)
    }
}

/// A pending (or saved) import: the draft convention proposed from the document and what the
/// reading found. The draft becomes a convention only once reviewed on `reviewURL`.
public struct ImportOut: Documented {
    public var id: UUID
    public var organisationID: UUID
    public var fileName: String
    /// `pending` (to review) or `saved`.
    public var status: String
    public var conventionID: UUID?
    /// The page where a person reviews, corrects and saves the draft.
    public var reviewURL: String
    public var draft: ImportDraft
    public var findings: [Finding]

    public static var example: ImportOut {
        ImportOut(id: exampleID, organisationID: exampleID, fileName: "fiches-actions-2024.txt", status: "pending", conventionID: nil,
                  reviewURL: "/imports/\(exampleID)",
                  draft: ImportDraft(title: "Convention CCI / Métropole", parties: [ImportDraft.Party(name: "Dijon Métropole", shortName: "Métropole", siren: "242100410")],
                                     actions: [ImportDraft.Action(code: "1", axis: "Axe 1", title: "Observatoire",
                                                                  lines: [ImportDraft.Line(label: "Enquête", days: "14", amount: "9 800,00", sourceLine: 302)],
                                                                  shares: [ImportDraft.Share(funder: "Dijon Métropole", percent: "100 %", amount: "9 800,00", sourceLine: 310)],
                                                                  sourceLine: 269)]),
                  findings: [Finding(.error, .totalMismatch, "Le total indiqué est 11 900,00 €, mais les lignes font 12 600,00 €.",
                                     stated: "11900.00", computed: "12600.00", location: "Mobilisation", line: 556)])
    }
}

extension ImportOut {
    init(_ model: DocumentImportModel, findings: [Finding]) throws {
        id = try model.requireID()
        organisationID = model.$organisation.id
        fileName = model.fileName
        status = model.status.rawValue
        conventionID = model.$convention.id
        reviewURL = "/imports/\(id)"
        draft = try model.draft
        self.findings = findings
    }
}

/// Imports over the API: read a document's text into a pending import, read it back. Saving the
/// draft as a convention is done on the review page only, by a person.
enum ImportRoutes {
    static func register(_ api: APIBuilder) {
        api.on(.POST, "imports", summary: "Lire le texte d'un document et préparer sa convention en brouillon, à relire sur reviewURL",
               tag: "Imports", request: ImportIn.example, response: ImportOut.example, status: .created) { req in
            let input = try req.content.decode(ImportIn.self)
            let principal = try req.requirePrincipal()
            let organisationID = try organisation(for: principal, chosen: input.organisationID)
            guard !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Problem.invalid("text", "Le texte du document est vide.")
            }
            let name = cleanFileName(input.fileName) ?? "texte envoyé par l'API"
            let (model, document) = try await start(text: input.text, fileName: name, organisationID: organisationID, principal: principal, on: req.db)
            return try ImportOut(model, findings: document.findings)
        }
        api.on(.GET, "imports", ":importID", summary: "Lire un import : brouillon et constats", tag: "Imports", response: ImportOut.example) { req in
            let model = try await find(req)
            return try ImportOut(model, findings: DocumentAudit.audit(text: model.sourceText, file: model.fileName).findings)
        }
    }

    /// Audits the text and stores the pending import with the draft the reading proposes.
    static func start(text: String, fileName: String, organisationID: UUID, principal: Principal,
                      on db: any Database) async throws -> (DocumentImportModel, AuditedDocument) {
        let document = DocumentAudit.audit(text: text, file: fileName)
        let model = try await DocumentImports.create(organisationID: organisationID, fileName: fileName, text: text,
                                                     draft: ImportDraft(document: document), createdBy: principal.userID,
                                                     actor: principal.actor, on: db)
        return (model, document)
    }

    /// The importing organisation: the one chosen (the principal must write for it), or the only one
    /// the principal writes for.
    static func organisation(for principal: Principal, chosen: UUID?) throws -> UUID {
        if let chosen {
            guard Access.writesFor(principal, organisation: chosen) else {
                throw Problem(.forbidden, "Vous n'écrivez pas pour cette organisation.", field: "organisationID")
            }
            return chosen
        }
        let writable = principal.roles.filter { $0.value.canWrite }.map(\.key)
        if writable.count == 1 { return writable[0] }
        if writable.isEmpty, !principal.isPlatformAdmin { throw Problem.readOnly }
        throw Problem.invalid("organisationID", "Précisez « organisationID » : l'organisation pour laquelle le document est importé.")
    }

    /// The import named in the path: its organisation's writers and platform administrators only.
    /// To anyone outside the organisation it does not exist (404); its readers get 403.
    static func find(_ req: Request) async throws -> DocumentImportModel {
        let principal = try req.requirePrincipal()
        let id = try Access.uuid(req, "importID", "Import")
        guard let model = try await DocumentImportModel.find(id, on: req.db) else { throw Problem.notFound("Import") }
        if principal.isPlatformAdmin { return model }
        guard let role = principal.roles[model.$organisation.id] else { throw Problem.notFound("Import") }
        guard role.canWrite else { throw Problem.readOnly }
        return model
    }

    /// The last component of an uploaded file's name, without control characters, at most 200 characters.
    static func cleanFileName(_ name: String?) -> String? {
        guard let name else { return nil }
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? nil : String(clean.prefix(200))
    }
}
