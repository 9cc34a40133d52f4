import Fluent
import Foundation
import PacteCore
import PacteStore

extension PageQueries {
    /// How many companies a form's company list offers, the first by name: a million companies make
    /// no list, so the rest are reached from the companies page (its search) at national scale.
    static let companyChoices = 500

    /// Companies found by name (without case or accents), or by the digits of their SIREN or of one
    /// of their SIRETs. Companies number a million at national scale, so the list without search is
    /// the first ones by name (the name index, read no further than `limit`), and a SIREN or SIRET
    /// is looked up by the SIREN index.
    static func companies(search: String?, on db: any Database, limit: Int = 200) async throws -> [CompanyModel] {
        let term = SearchTerm(search)
        func matches(_ company: CompanyModel) -> Bool {
            switch term {
            case .digits(let digits)?: company.siren.digits.contains(digits) || company.establishments.contains { $0.siret.digits.contains(digits) }
            case .words(_, let key)?: ReferenceData.searchKey(company.name).contains(key)
            case nil: true
            }
        }
        switch term {
        case nil:
            return try await CompanyModel.query(on: db).sort(\.$name).limit(limit).with(\.$establishments).all()
        case .digits(let digits)? where digits.count >= 9 && (try? Siren(String(digits.prefix(9)))) != nil:
            // A SIRET begins with its SIREN.
            let siren = try Siren(String(digits.prefix(9)))
            return try await CompanyModel.query(on: db).filter(\.$siren == siren).with(\.$establishments).all().filter(matches)
        default:
            // A fragment of a name, without case or accents, or a few digits: no index can find a
            // fragment, so the names and SIRENs alone are read (narrow rows), and only the companies
            // found are loaded whole (QueryPlans.allowances).
            let candidates = try await CompanyModel.query(on: db).field(\.$id).field(\.$name).field(\.$siren).sort(\.$name).all()
            var ids: [UUID] = []
            if case .words(_, let key)? = term {
                ids = candidates.filter { ReferenceData.searchKey($0.name).contains(key) }.prefix(limit).compactMap(\.id)
            } else if case .digits(let digits)? = term {
                let bySiren = Set(candidates.filter { $0.siren.digits.contains(digits) }.compactMap(\.id))
                // Digits inside a SIRET but not in its SIREN: the establishment's NIC.
                let bySiret = try await EstablishmentModel.query(on: db).field(\.$id).field(\.$company.$id).field(\.$siret).all()
                    .filter { $0.siret.digits.contains(digits) }.map(\.$company.id)
                let found = bySiren.union(bySiret)
                ids = candidates.compactMap(\.id).filter(found.contains).prefix(limit).map { $0 }
            }
            guard !ids.isEmpty else { return [] }
            return try await CompanyModel.query(on: db).filter(\.$id ~~ ids).with(\.$establishments).sort(\.$name).all().filter(matches)
        }
    }
}
