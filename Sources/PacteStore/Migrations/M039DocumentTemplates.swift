import Fluent
import SQLKit

/// Organisations' own ODT and DOCX templates, and their files apart.
struct M039DocumentTemplates: AsyncMigration {
    var name: String { "039_DocumentTemplates" }

    func prepare(on db: any Database) async throws {
        try await db.schema(DocumentTemplateModel.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("format", .string, .required)
            .field("file_name", .string, .required)
            .field("byte_count", .int, .required)
            .field("sha256", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await (db as! any SQLDatabase).raw("CREATE INDEX document_templates_organisation ON document_templates (organisation_id)").run()
        try await db.schema(DocumentTemplateFileModel.schema)
            .id()
            .field("template_id", .uuid, .required, .references(DocumentTemplateModel.schema, "id", onDelete: .cascade))
            .field("data", .data, .required)
            .unique(on: "template_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(DocumentTemplateFileModel.schema).delete()
        try await db.schema(DocumentTemplateModel.schema).delete()
    }
}
