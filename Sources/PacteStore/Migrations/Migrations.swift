import Fluent
import Vapor

/// Every migration of Pacte, in order. Additive only: SQLite cannot alter columns, so a change is a
/// new numbered migration, never an edit of a past one.
public enum PacteMigrations {
    public static var all: [any Migration] {
        [
            M001CreateOrganisations(),
            M002CreatePeople(),
            M003CreateConventions(),
            M004CreateConventionParties(),
            M005CreateArticlesAndAxes(),
            M006CreateActions(),
            M007CreateCostLines(),
            M008CreateFinancingShares(),
            M009CreateIndicators(),
            M010CreateAccounts(),
            M011CreateAPITokensAndLoginAttempts(),
            M012CreateAuditEvents(),
            M013CreateConfidentialItems(),
            M014CreateReferenceTables(),
            SessionRecord.migration,
            M015CreateEnvelopesAndCommitments(),
            M016CreateServiceCatalogue(),
            M017CreateCompanies(),
            M018CreateDeMinimisGrants(),
            M019CreateInterventions(),
            M020CreateSettings(),
            M021CreateGovernance(),
            M022CreateConventionVersions(),
            M023CreateCommitteesAndCalendars(),
            M024CreateRemindersSent(),
            M025AddPartySignatures(),
            M026CreateRevenueOrders(),
            M027IndicatorGoalsAndMeasurements(),
            M028AddOrganisationSiret(),
            M029CreateAnnualReviews(),
            M030CreateDeliverables(),
            M031CreateInvoices(),
            M032CreateDocumentImports(),
            M033CreateCompanyRegister(),
            M034IndexPageQueries(),
            M036IndexTerritoryQueries(),
            M037AccountLifecycle(),
            M038OIDCSignIns(),
            M039DocumentTemplates(),
            M040AuditSeals(),
        ]
    }
}

struct M001CreateOrganisations: AsyncMigration {
    var name: String { "001_CreateOrganisations" }
    func prepare(on db: any Database) async throws {
        try await db.schema(OrganisationModel.schema)
            .id()
            .field("name", .string, .required)
            .field("short_name", .string)
            .field("kind", .string, .required)
            .field("siren", .string)
            .field("address", .string)
            .field("population", .int64)
            .field("population_year", .int)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "siren")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(OrganisationModel.schema).delete() }
}

struct M002CreatePeople: AsyncMigration {
    var name: String { "002_CreatePeople" }
    func prepare(on db: any Database) async throws {
        try await db.schema(PersonModel.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("function", .string)
            .field("email", .string)
            .field("phone", .string)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(PersonModel.schema).delete() }
}

struct M003CreateConventions: AsyncMigration {
    var name: String { "003_CreateConventions" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ConventionModel.schema)
            .id()
            .field("title", .string, .required)
            .field("reference", .string)
            .field("object", .string)
            .field("status", .string, .required)
            .field("signed_on", .string)
            .field("starts_on", .string)
            .field("ends_on", .string)
            .field("duration_months", .int)
            .field("renewal", .string)
            .field("notice_months", .int)
            .field("tax_regime", .string, .required)
            .field("vat_rate", .string, .required)
            .field("day_rate_cents", .int64)
            .field("source", .string)
            .field("notes", .array(of: .string), .required)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(ConventionModel.schema).delete() }
}

struct M004CreateConventionParties: AsyncMigration {
    var name: String { "004_CreateConventionParties" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ConventionPartyModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("roles", .array(of: .string), .required)
            .field("representative_id", .uuid, .references(PersonModel.schema, .id, onDelete: .setNull))
            .field("designation", .string)
            .unique(on: "convention_id", "organisation_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(ConventionPartyModel.schema).delete() }
}

struct M005CreateArticlesAndAxes: AsyncMigration {
    var name: String { "005_CreateArticlesAndAxes" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ArticleModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("number", .string, .required)
            .field("title", .string)
            .field("body", .string, .required)
            .create()
        try await db.schema(AxisModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("code", .string, .required)
            .field("title", .string, .required)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(AxisModel.schema).delete()
        try await db.schema(ArticleModel.schema).delete()
    }
}

struct M006CreateActions: AsyncMigration {
    var name: String { "006_CreateActions" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ActionModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("axis_id", .uuid, .references(AxisModel.schema, .id, onDelete: .setNull))
            .field("position", .int, .required)
            .field("code", .string, .required)
            .field("title", .string, .required)
            .field("context", .string)
            .field("objectives", .string)
            .field("content", .string)
            .field("method", .string)
            .field("operator_id", .uuid, .references(OrganisationModel.schema, .id, onDelete: .setNull))
            .field("calendar", .string)
            .field("co_financing", .string)
            .field("technical_partners", .string)
            .field("evaluation", .string)
            .field("day_rate_cents", .int64)
            .field("stated_days", .string)
            .field("notes", .array(of: .string), .required)
            .create()
        try await db.schema(StatedTotalModel.schema)
            .id()
            .field("action_id", .uuid, .required, .references(ActionModel.schema, .id, onDelete: .cascade))
            .field("year", .int)
            .field("funder_id", .uuid, .references(OrganisationModel.schema, .id, onDelete: .cascade))
            .field("amount_cents", .int64, .required)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(StatedTotalModel.schema).delete()
        try await db.schema(ActionModel.schema).delete()
    }
}

struct M007CreateCostLines: AsyncMigration {
    var name: String { "007_CreateCostLines" }
    func prepare(on db: any Database) async throws {
        try await db.schema(CostLineModel.schema)
            .id()
            .field("action_id", .uuid, .required, .references(ActionModel.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("line_key", .string, .required)
            .field("label", .string, .required)
            .field("pricing", .string, .required)
            .field("quantity", .string)
            .field("unit_price_cents", .int64)
            .field("amount_cents", .int64)
            .field("tax_regime", .string, .required)
            .field("stated_amount_cents", .int64)
            .field("effort_days", .string)
            .field("year", .int)
            .unique(on: "action_id", "line_key")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(CostLineModel.schema).delete() }
}

struct M008CreateFinancingShares: AsyncMigration {
    var name: String { "008_CreateFinancingShares" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ShareModel.schema)
            .id()
            .field("action_id", .uuid, .required, .references(ActionModel.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("funder_id", .uuid, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("size_kind", .string, .required)
            .field("rate", .string)
            .field("amount_cents", .int64)
            .field("basis_lines", .array(of: .string))
            .field("cap_amount_cents", .int64)
            .field("cap_rate", .string)
            .field("cap_overflow_to_id", .uuid, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("cap_label", .string)
            .field("condition", .string)
            .field("year", .int)
            .field("stated_amount_cents", .int64)
            .field("prorata_quantity", .string)
            .field("prorata_year", .int)
            .field("prorata_source", .string)
            .create()
        try await db.schema(ProrataMemberModel.schema)
            .id()
            .field("share_id", .uuid, .required, .references(ShareModel.schema, .id, onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("position", .int, .required)
            .field("weight", .int64, .required)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ProrataMemberModel.schema).delete()
        try await db.schema(ShareModel.schema).delete()
    }
}

struct M009CreateIndicators: AsyncMigration {
    var name: String { "009_CreateIndicators" }
    func prepare(on db: any Database) async throws {
        try await db.schema(IndicatorModel.schema)
            .id()
            .field("action_id", .uuid, .required, .references(ActionModel.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("label", .string, .required)
            .field("target", .string)
            .field("measured", .string)
            .field("unit", .string)
            .field("year", .int)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(IndicatorModel.schema).delete() }
}

struct M010CreateAccounts: AsyncMigration {
    var name: String { "010_CreateAccounts" }
    func prepare(on db: any Database) async throws {
        try await db.schema(UserModel.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("is_platform_admin", .bool, .required)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
        try await db.schema(MembershipModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .cascade))
            .field("role", .string, .required)
            .unique(on: "user_id", "organisation_id")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(MembershipModel.schema).delete()
        try await db.schema(UserModel.schema).delete()
    }
}

struct M011CreateAPITokensAndLoginAttempts: AsyncMigration {
    var name: String { "011_CreateAPITokensAndLoginAttempts" }
    func prepare(on db: any Database) async throws {
        try await db.schema(APITokenModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .field("expires_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await db.schema(LoginAttemptModel.schema)
            .id()
            .field("email", .string, .required)
            .field("address", .string, .required)
            .field("succeeded", .bool, .required)
            .field("attempted_at", .datetime, .required)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(LoginAttemptModel.schema).delete()
        try await db.schema(APITokenModel.schema).delete()
    }
}

struct M012CreateAuditEvents: AsyncMigration {
    var name: String { "012_CreateAuditEvents" }
    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEventModel.schema)
            .field("id", .int64, .identifier(auto: true))
            .field("occurred_at", .string, .required)
            .field("actor_id", .uuid)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("convention_id", .uuid)
            .field("before", .string)
            .field("after", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(AuditEventModel.schema).delete() }
}

struct M013CreateConfidentialItems: AsyncMigration {
    var name: String { "013_CreateConfidentialItems" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ConfidentialItemModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("owner_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("source", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(ConfidentialConsentModel.schema)
            .id()
            .field("item_id", .uuid, .required, .references(ConfidentialItemModel.schema, .id, onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("agreed_at", .datetime)
            .unique(on: "item_id", "organisation_id")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ConfidentialConsentModel.schema).delete()
        try await db.schema(ConfidentialItemModel.schema).delete()
    }
}

struct M014CreateReferenceTables: AsyncMigration {
    var name: String { "014_CreateReferenceTables" }
    func prepare(on db: any Database) async throws {
        try await db.schema("ref_regions")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .create()
        try await db.schema("ref_departements")
            .field("code", .string, .identifier(auto: false))
            .field("region_code", .string, .required)
            .field("name", .string, .required)
            .create()
        try await db.schema("ref_epci")
            .field("siren", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("nature", .string, .required)
            .field("departement_code", .string, .required)
            .field("member_count", .int, .required)
            .field("population", .int64, .required)
            .field("population_year", .int, .required)
            .field("search_key", .string, .required)
            .create()
        try await db.schema("ref_communes")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("departement_code", .string)
            .field("region_code", .string)
            .field("siren", .string)
            .field("epci_siren", .string)
            .field("population", .int64)
            .field("population_year", .int)
            .field("search_key", .string, .required)
            .create()
        try await db.schema("ref_naf")
            .field("code", .string, .identifier(auto: false))
            .field("label", .string, .required)
            .field("search_key", .string, .required)
            .create()
    }
    func revert(on db: any Database) async throws {
        for table in ["ref_naf", "ref_communes", "ref_epci", "ref_departements", "ref_regions"] {
            try await db.schema(table).delete()
        }
    }
}

struct M015CreateEnvelopesAndCommitments: AsyncMigration {
    var name: String { "015_CreateEnvelopesAndCommitments" }
    func prepare(on db: any Database) async throws {
        try await db.schema(EnvelopeModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("funder_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("action_id", .uuid, .references(ActionModel.schema, .id, onDelete: .cascade))
            .field("year", .int)
            .field("name", .string, .required)
            .field("cap_cents", .int64, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(CommitmentModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("funder_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("action_id", .uuid, .references(ActionModel.schema, .id, onDelete: .restrict))
            .field("year", .int)
            .field("label", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .field("released_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(CommitmentModel.schema).delete()
        try await db.schema(EnvelopeModel.schema).delete()
    }
}

struct M016CreateServiceCatalogue: AsyncMigration {
    var name: String { "016_CreateServiceCatalogue" }
    func prepare(on db: any Database) async throws {
        try await db.schema(ServiceModel.schema)
            .id()
            .field("provider_id", .uuid, .required, .references(OrganisationModel.schema, .id, onDelete: .restrict))
            .field("name", .string, .required)
            .field("description", .string)
            .field("unit_price_cents", .int64, .required)
            .field("tax_regime", .string, .required)
            .field("unit", .string, .required)
            .field("valid_from", .string)
            .field("valid_to", .string)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ServiceModel.schema).delete()
    }
}

struct M017CreateCompanies: AsyncMigration {
    var name: String { "017_CreateCompanies" }
    func prepare(on db: any Database) async throws {
        try await db.schema(CompanyModel.schema)
            .id()
            .field("siren", .string, .required)
            .field("name", .string, .required)
            .field("naf", .string)
            .field("workforce_band", .string)
            .field("address", .string)
            .field("commune_code", .string)
            .field("contact_name", .string)
            .field("contact_email", .string)
            .field("contact_phone", .string)
            .field("undertaking_id", .uuid, .required)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "siren")
            .create()
        try await db.schema(EstablishmentModel.schema)
            .id()
            .field("company_id", .uuid, .required, .references(CompanyModel.schema, .id, onDelete: .cascade))
            .field("siret", .string, .required)
            .field("address", .string)
            .field("commune_code", .string)
            .field("is_head_office", .bool, .required)
            .unique(on: "siret")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(EstablishmentModel.schema).delete()
        try await db.schema(CompanyModel.schema).delete()
    }
}

struct M018CreateDeMinimisGrants: AsyncMigration {
    var name: String { "018_CreateDeMinimisGrants" }
    func prepare(on db: any Database) async throws {
        try await db.schema(DeMinimisGrantModel.schema)
            .id()
            .field("company_id", .uuid, .required, .references(CompanyModel.schema, .id, onDelete: .restrict))
            .field("granted_on", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("grantor", .string, .required)
            .field("regulation", .string, .required)
            .field("override_reason", .string)
            .field("convention_id", .uuid, .references(ConventionModel.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(DeMinimisGrantModel.schema).delete()
    }
}

struct M019CreateInterventions: AsyncMigration {
    var name: String { "019_CreateInterventions" }
    func prepare(on db: any Database) async throws {
        try await db.schema(InterventionModel.schema)
            .id()
            .field("convention_id", .uuid, .required, .references(ConventionModel.schema, .id, onDelete: .cascade))
            .field("action_id", .uuid, .required, .references(ActionModel.schema, .id, onDelete: .restrict))
            .field("service_id", .uuid, .references(ServiceModel.schema, .id, onDelete: .setNull))
            .field("company_id", .uuid, .required, .references(CompanyModel.schema, .id, onDelete: .restrict))
            .field("label", .string, .required)
            .field("programme", .string)
            .field("quote_cents", .int64, .required)
            .field("status", .string, .required)
            .field("accepted_on", .string)
            .field("delivered_on", .string)
            .field("deliverable", .string)
            .field("invoice_number", .string)
            .field("invoiced_on", .string)
            .field("invoice_cents", .int64)
            .field("paid_on", .string)
            .field("cancel_reason", .string)
            .field("created_at", .datetime)
            .create()
        // Additive columns (SQLite adds a column, never alters one).
        try await db.schema(CommitmentModel.schema).field("intervention_id", .uuid).update()
        try await db.schema(DeMinimisGrantModel.schema).field("intervention_id", .uuid).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(DeMinimisGrantModel.schema).deleteField("intervention_id").update()
        try await db.schema(CommitmentModel.schema).deleteField("intervention_id").update()
        try await db.schema(InterventionModel.schema).delete()
    }
}
