import Fluent
import SQLKit

/// Indexes the territory queries need at national scale. The département roll-up sums the
/// commitments and counts the services of a few hundred conventions: with the amounts and the
/// companies inside the index, both engines read the index alone instead of fetching a hundred
/// thousand rows one by one. The register reports turn an EPCI into its communes and a SIREN into
/// its département. (The plain foreign-key indexes are M034's.)
struct M036IndexTerritoryQueries: AsyncMigration {
    var name: String { "036_IndexTerritoryQueries" }

    static let indexes = [
        ("commitments_rollup", "commitments (convention_id, status, intervention_id, amount_cents)"),
        ("interventions_rollup", "interventions (convention_id, status, company_id)"),
        ("ref_communes_epci", "ref_communes (epci_siren)"),
        ("ref_communes_siren", "ref_communes (siren)"),
    ]

    func prepare(on db: any Database) async throws { try await NamedIndexes.create(Self.indexes, on: db) }

    func revert(on db: any Database) async throws { try await NamedIndexes.drop(Self.indexes, on: db) }
}
