import Fluent
import Foundation
import PacteCore
import PacteStore

/// The directory of organisations.
extension PageQueries {
    struct DirectoryEntry: Sendable {
        var id: UUID
        var name: String
        var kind: OrganisationKind
        var siren: Siren?
        var conventionCount: Int
    }

    /// Organisations whose name or short name contains the search, ignoring case and accents
    /// (« sezanne » finds « Sézanne »), or whose SIREN contains the digits typed (spaces allowed).
    /// The directory holds the organisations of the partnerships, a few thousand at most: it is
    /// filtered in memory, the same way on both engines.
    static func directory(search: String?, on db: any Database, limit: Int = 200) async throws -> [DirectoryEntry] {
        var organisations = try await OrganisationModel.query(on: db).sort(\.$name).all()
        switch SearchTerm(search) {
        case .digits(let digits)?: organisations = organisations.filter { $0.siren?.digits.contains(digits) ?? false }
        case .words(_, let key)?: organisations = organisations.filter { ReferenceData.searchKey($0.name, $0.shortName).contains(key) }
        case nil: break
        }
        organisations = Array(organisations.prefix(limit))
        let ids = try organisations.map { try $0.requireID() }
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$organisation.$id ~~ ids).all()
        var counts: [UUID: Int] = [:]
        for party in parties { counts[party.$organisation.id, default: 0] += 1 }
        return try organisations.map { org in
            DirectoryEntry(id: try org.requireID(), name: org.name, kind: org.kind, siren: org.siren, conventionCount: counts[try org.requireID()] ?? 0)
        }
    }
}
