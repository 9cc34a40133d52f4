import Fluent
import SQLKit

/// Indexes the territory queries need at national scale: the département roll-up groups two
/// million services and their commitments by convention, and the register reports turn an EPCI
/// into its communes and a SIREN into its département. Neither engine indexes a foreign key by
/// itself; M034 names five of these indexes too, hence `IF NOT EXISTS`: whichever runs first
/// creates them.
struct M036IndexTerritoryQueries: AsyncMigration {
    var name: String { "036_IndexTerritoryQueries" }

    static let indexes = [
        ("interventions_convention_status", "interventions (convention_id, status)"),
        ("commitments_convention_status", "commitments (convention_id, status)"),
        ("convention_parties_organisation", "convention_parties (organisation_id)"),
        ("actions_convention", "actions (convention_id)"),
        ("cost_lines_action", "cost_lines (action_id)"),
        ("ref_communes_epci", "ref_communes (epci_siren)"),
        ("ref_communes_siren", "ref_communes (siren)"),
    ]

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (name, target) in Self.indexes {
            try await sql.raw("CREATE INDEX IF NOT EXISTS \(unsafeRaw: name) ON \(unsafeRaw: target)").run()
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (name, _) in Self.indexes.reversed() {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: name)").run()
        }
    }
}
