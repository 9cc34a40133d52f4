import Vapor
import Fluent
import Foundation

/// An organisation's own ODT or DOCX layout for one kind of document Pacte writes (a convention,
/// an avenant, a funding notice, a de minimis statement), filled in by Pacte from its data.
public final class DocumentTemplateModel: Model, @unchecked Sendable {
    public static let schema = "document_templates"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    /// `convention`, `avenant`, `avis-de-financement`, `releve-de-minimis`.
    @Field(key: "kind") public var kind: String
    @Field(key: "name") public var name: String
    /// `odt` or `docx`.
    @Field(key: "format") public var format: String
    @Field(key: "file_name") public var fileName: String
    @Field(key: "byte_count") public var byteCount: Int
    /// SHA-256 of the file, hexadecimal: the audit trail names the file without holding it.
    @Field(key: "sha256") public var sha256: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, kind: String, name: String, format: String, fileName: String, data: Data) {
        self.id = id
        self.$organisation.id = organisationID
        self.kind = kind
        self.name = name
        self.format = format
        self.fileName = fileName
        self.byteCount = data.count
        self.sha256 = hexString(SHA256.hash(data: data))
    }
}

/// The bytes of a template, apart from its description so that lists and the audit trail stay small.
public final class DocumentTemplateFileModel: Model, @unchecked Sendable {
    public static let schema = "document_template_files"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "template_id") public var template: DocumentTemplateModel
    @Field(key: "data") public var data: Data

    public init() {}

    public init(templateID: UUID, data: Data) {
        self.id = UUID()
        self.$template.id = templateID
        self.data = data
    }
}

public enum DocumentTemplates {
    public static func all(of organisationIDs: [UUID], on db: any Database) async throws -> [DocumentTemplateModel] {
        guard !organisationIDs.isEmpty else { return [] }
        return try await DocumentTemplateModel.query(on: db).filter(\.$organisation.$id ~~ organisationIDs).with(\.$organisation)
            .sort(\.$kind).sort(\.$name).all()
    }

    public static func file(of template: DocumentTemplateModel, on db: any Database) async throws -> Data? {
        try await DocumentTemplateFileModel.query(on: db).filter(\.$template.$id == template.requireID()).first()?.data
    }

    /// The description and the file in one transaction, audited (the description, with the file's hash).
    public static func create(_ template: DocumentTemplateModel, data: Data, actor: Actor, on db: any Database) async throws {
        try await Store.write(on: db) { tx in
            if template.id == nil { template.id = UUID() }
            try await Audited.create(template, "document-template", conventionID: nil, actor: actor, on: tx)
            try await DocumentTemplateFileModel(templateID: try template.requireID(), data: data).create(on: tx)
        }
    }

    public static func delete(_ template: DocumentTemplateModel, actor: Actor, on db: any Database) async throws {
        try await Store.write(on: db) { tx in
            try await DocumentTemplateFileModel.query(on: tx).filter(\.$template.$id == template.requireID()).delete()
            try await Audited.delete(template, "document-template", conventionID: nil, actor: actor, on: tx)
        }
    }
}
