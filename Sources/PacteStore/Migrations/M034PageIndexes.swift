import Fluent
import SQLKit

/// Indexes for every foreign key and every filter or sort column the pages and the API read by.
///
/// Neither engine indexes a foreign key by itself, so until now each « children of this
/// convention » read the whole child table: harmless with five demo conventions, a full scan of
/// two million rows at national scale. Where a query filters and sorts, the index holds both
/// columns in that order (a convention's actions by position), so that the rows come out sorted.
/// `QueryPlans` checks that no page reads a large table whole (QueryPlanTests, on both engines).
///
/// Plain `CREATE INDEX` statements, valid on SQLite and PostgreSQL alike. `IF NOT EXISTS` because
/// M036 (the département roll-up) names five of these indexes too: whichever runs first creates it.
struct M034IndexPageQueries: AsyncMigration {
    var name: String { "034_IndexPageQueries" }

    /// Name, then table and columns.
    static let indexes: [(String, String)] = [
        // Lists of conventions (API: by status, sorted by title) and a convention's parties, text and plan.
        ("conventions_title", "conventions (title)"),
        ("conventions_status", "conventions (status, title)"),
        ("convention_parties_organisation", "convention_parties (organisation_id)"),
        ("convention_parties_representative", "convention_parties (representative_id)"),
        ("articles_convention", "articles (convention_id, position)"),
        ("axes_convention", "axes (convention_id, position)"),
        ("actions_convention", "actions (convention_id, position)"),
        ("actions_axis", "actions (axis_id)"),
        ("actions_operator", "actions (operator_id)"),
        ("action_stated_totals_action", "action_stated_totals (action_id)"),
        ("cost_lines_action", "cost_lines (action_id, position)"),
        ("financing_shares_action", "financing_shares (action_id, position)"),
        ("financing_shares_funder", "financing_shares (funder_id)"),
        ("share_prorata_members_share", "share_prorata_members (share_id, position)"),
        ("share_prorata_members_organisation", "share_prorata_members (organisation_id)"),
        ("indicators_action", "indicators (action_id, position)"),
        ("indicator_measurements_indicator", "indicator_measurements (indicator_id, measured_on)"),
        ("confidential_items_convention", "confidential_items (convention_id, title)"),
        // Execution: envelopes, commitments, services given, companies and their aid.
        ("envelopes_convention", "envelopes (convention_id, name)"),
        ("commitments_convention_status", "commitments (convention_id, status)"),
        ("commitments_action", "commitments (action_id, status)"),
        ("commitments_intervention", "commitments (intervention_id)"),
        ("interventions_convention_status", "interventions (convention_id, status)"),
        ("interventions_action", "interventions (action_id, status)"),
        ("interventions_company", "interventions (company_id)"),
        ("interventions_service", "interventions (service_id)"),
        ("services_provider", "services (provider_id, name)"),
        ("companies_name", "companies (name)"),
        ("companies_undertaking", "companies (undertaking_id, name)"),
        ("establishments_company", "establishments (company_id, siret)"),
        ("de_minimis_grants_company", "de_minimis_grants (company_id, granted_on)"),
        ("de_minimis_grants_granted", "de_minimis_grants (granted_on)"),
        ("de_minimis_grants_intervention", "de_minimis_grants (intervention_id)"),
        ("de_minimis_grants_convention", "de_minimis_grants (convention_id)"),
        ("invoices_convention", "invoices (convention_id, issued_on, number)"),
        ("invoices_buyer", "invoices (buyer_id)"),
        ("invoice_items_invoice", "invoice_items (invoice_id)"),
        ("deliverables_convention", "deliverables (convention_id, name)"),
        // Governance, calendars and the audit trail.
        ("deliberations_convention", "deliberations (convention_id, session_date)"),
        ("deliberations_organisation", "deliberations (organisation_id)"),
        ("convention_events_convention", "convention_events (convention_id, on_date)"),
        ("committees_convention", "committees (convention_id, name)"),
        ("meetings_convention", "meetings (convention_id, date)"),
        ("meetings_committee", "meetings (committee_id, date)"),
        ("audit_events_convention", "audit_events (convention_id, id)"),
        // Accounts, organisations, imports.
        ("memberships_organisation", "memberships (organisation_id)"),
        ("api_tokens_user", "api_tokens (user_id, created_at)"),
        ("calendar_feeds_user", "calendar_feeds (user_id)"),
        ("login_attempts_email", "login_attempts (email, attempted_at)"),
        ("login_attempts_address", "login_attempts (address, attempted_at)"),
        ("people_organisation", "people (organisation_id, name)"),
        ("document_imports_organisation", "document_imports (organisation_id, status, created_at)"),
        ("document_imports_status", "document_imports (status, created_at)"),
    ]

    func prepare(on db: any Database) async throws { try await NamedIndexes.create(Self.indexes, on: db) }

    func revert(on db: any Database) async throws { try await NamedIndexes.drop(Self.indexes, on: db) }
}

/// Named indexes written as plain SQL, the same on SQLite and PostgreSQL, for the migrations that
/// add indexes (Fluent's schema builder has none).
enum NamedIndexes {
    /// `(name, "table (columns)")` pairs; an index that already exists under its name is kept.
    static func create(_ indexes: [(String, String)], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (name, target) in indexes {
            try await sql.raw("CREATE INDEX IF NOT EXISTS \(unsafeRaw: name) ON \(unsafeRaw: target)").run()
        }
    }

    static func drop(_ indexes: [(String, String)], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (name, _) in indexes.reversed() {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: name)").run()
        }
    }
}
