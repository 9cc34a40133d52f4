import Fluent
import Foundation
import PacteAudit
import PacteCore

public enum DocumentImportStatus: String, Codable, Sendable, CaseIterable {
    /// Read and proposed as a draft; nothing reached the conventions yet.
    case pending
    /// Reviewed and saved as a draft convention (`convention_id`).
    case saved

    public var label: String {
        switch self {
        case .pending: "à relire"
        case .saved: "enregistré"
        }
    }
}

/// A document being imported: its text, the draft convention proposed from it, who imports it and
/// for which organisation. A pending import is not a convention: nothing reaches the conventions
/// until a person has reviewed the draft and saved it (`DocumentImports.save`).
public final class DocumentImportModel: Model, @unchecked Sendable {
    public static let schema = "document_imports"

    @ID(key: .id) public var id: UUID?
    /// The importing organisation: its writers review the draft, and it becomes a party.
    @Parent(key: "organisation_id") public var organisation: OrganisationModel
    @Field(key: "file_name") public var fileName: String
    /// The whole text, as decoded from the file or pasted.
    @Field(key: "source_text") public var sourceText: String
    /// The `ImportDraft` as JSON, edited by the review page until it is saved.
    @Field(key: "draft") public var draftJSON: String
    /// Nil when imported from the command line.
    @OptionalParent(key: "created_by") public var createdBy: UserModel?
    @Field(key: "status") public var status: DocumentImportStatus
    /// The draft convention made from it, once saved.
    @OptionalParent(key: "convention_id") public var convention: ConventionModel?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, fileName: String, sourceText: String, draft: ImportDraft, createdBy: UUID?) throws {
        self.id = id
        self.$organisation.id = organisationID
        self.fileName = fileName
        self.sourceText = sourceText
        self.draftJSON = try Self.encode(draft)
        self.$createdBy.id = createdBy
        self.status = .pending
    }

    public var draft: ImportDraft {
        get throws {
            do {
                return try JSONDecoder().decode(ImportDraft.self, from: Data(draftJSON.utf8))
            } catch {
                throw StoreError.corrupt("brouillon d'import illisible (\(id?.uuidString ?? "?"))")
            }
        }
    }

    public func setDraft(_ draft: ImportDraft) throws { draftJSON = try Self.encode(draft) }

    static func encode(_ draft: ImportDraft) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(draft), as: UTF8.self)
    }

    /// The audit snapshot. The text never changes after the import is created: the trail keeps its
    /// SHA-256 and length rather than a copy of the whole document in every event.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SnapshotKey.self)
        try container.encode(id, forKey: .id)
        try container.encode($organisation.id, forKey: .organisationID)
        try container.encode(fileName, forKey: .fileName)
        try container.encode(sha256Hex(sourceText), forKey: .sourceTextSHA256)
        try container.encode(sourceText.count, forKey: .sourceTextCharacters)
        try container.encode(draftJSON, forKey: .draft)
        try container.encode($createdBy.id, forKey: .createdBy)
        try container.encode(status, forKey: .status)
        try container.encode($convention.id, forKey: .conventionID)
    }

    private enum SnapshotKey: String, CodingKey {
        case id, organisationID, fileName, sourceTextSHA256, sourceTextCharacters, draft, createdBy, status, conventionID
    }
}

struct M032CreateDocumentImports: AsyncMigration {
    var name: String { "032_CreateDocumentImports" }
    func prepare(on db: any Database) async throws {
        try await db.schema(DocumentImportModel.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("source_text", .string, .required)
            .field("draft", .string, .required)
            .field("created_by", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("status", .string, .required)
            .field("convention_id", .uuid, .references(ConventionModel.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(DocumentImportModel.schema).delete() }
}
