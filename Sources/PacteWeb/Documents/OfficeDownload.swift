import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore
import Plot
import Vapor

/// An editable document as a download: Pacte's own layout in the format asked, or, when the request
/// names one (`?modele=` on a page, `?template=` in the API), an organisation's template filled in.
enum OfficeDownload {
    static func mediaType(_ format: OfficeFormat) -> String {
        switch format {
        case .odt: "application/vnd.oasis.opendocument.text"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }

    static let mediaTypes = [mediaType(.odt), mediaType(.docx)]

    static func format(_ text: String?) throws -> OfficeFormat {
        guard let text, let format = OfficeFormat(rawValue: text.lowercased()) else {
            throw Problem.invalid("format", "Format de document inconnu : « \(text ?? "") ». Formats possibles : odt, docx.")
        }
        return format
    }

    static func write(_ document: OfficeDocument, as format: OfficeFormat) throws -> Data {
        switch format {
        case .odt: try ODTWriter.write(document)
        case .docx: try DOCXWriter.write(document)
        }
    }

    static func response(_ data: Data, format: OfficeFormat, title: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: mediaType(format))
        let name = OfficeFileName.make(title, extension: format.fileExtension)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    /// The template the request names, when it names one: it must belong to one of the caller's
    /// organisations and be of the kind of document asked.
    static func chosenTemplate(_ req: Request, kind: TemplateKind) async throws -> DocumentTemplateModel? {
        guard let text = req.query[String.self, at: "modele"] ?? req.query[String.self, at: "template"], !text.isEmpty else { return nil }
        let principal = try req.requirePrincipal()
        guard let id = UUID(uuidString: text), let template = try await DocumentTemplateModel.find(id, on: req.db),
              principal.isPlatformAdmin || principal.roles[template.$organisation.id] != nil else {
            throw Problem.notFound("Modèle de document")
        }
        guard template.kind == kind.rawValue else {
            throw Problem.invalid("template", "Le modèle « \(template.name) » est un modèle de \(TemplateKind(rawValue: template.kind)?.label.lowercased() ?? template.kind), pas de \(kind.label.lowercased()).")
        }
        return template
    }

    static func response(_ req: Request, kind: TemplateKind, format requested: OfficeFormat, title: String,
                         document: () -> OfficeDocument, values: () -> TemplateData) async throws -> Response {
        guard let template = try await chosenTemplate(req, kind: kind) else {
            return response(try write(document(), as: requested), format: requested, title: title)
        }
        guard let file = try await DocumentTemplates.file(of: template, on: req.db) else { throw Problem.notFound("Fichier du modèle") }
        do {
            let filler = try OfficeTemplate(data: file, schema: kind.schema)
            return response(try filler.fill(values()), format: filler.format, title: title)
        } catch let error as OfficeTemplateError {
            throw Problem(.unprocessableEntity, "Le modèle « \(template.name) » ne peut plus être rempli : \(error.description)")
        }
    }

    /// The download links of one document: Pacte's layout in both formats, then each template of
    /// the viewer's organisations for that kind of document.
    static func links(_ path: String, query: String = "", templates: [DocumentTemplateModel], kind: TemplateKind) -> Node<HTML.BodyContext> {
        let extra = query.isEmpty ? "" : "?\(query)"
        let mine = templates.filter { $0.kind == kind.rawValue }
        return .ul(.class("inline-links"),
                   .li(.a(.href("\(path).odt\(extra)"), .text("ODT (LibreOffice)"))),
                   .li(.a(.href("\(path).docx\(extra)"), .text("DOCX (Word)"))),
                   .forEach(mine) { template in
                       .li(.a(.href("\(path).\(template.format)?\(query.isEmpty ? "" : query + "&")modele=\(template.id?.uuidString ?? "")"),
                              .text("Modèle « \(template.name) » (\(template.organisation.name), \(template.format.uppercased()))")))
                   })
    }

    static func templates(for req: Request) async throws -> [DocumentTemplateModel] {
        let principal = try req.requirePrincipal()
        return try await DocumentTemplates.all(of: principal.organisationIDs, on: req.db)
    }
}
