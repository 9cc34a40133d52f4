import Fluent
import Foundation
import PacteCore
import PacteStore

/// What a search box holds: the digits of an identifier (SIREN or SIRET, spaces allowed), or words,
/// compared without case or accents through `key`.
enum SearchTerm {
    case digits(String)
    case words(text: String, key: String)

    init?(_ search: String?, minimumDigits: Int = 3) {
        guard let text = search?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let digits = text.filter(\.isNumber)
        if digits.count >= minimumDigits, digits.count == text.filter({ !$0.isWhitespace }).count {
            self = .digits(digits)
        } else {
            self = .words(text: text, key: ReferenceData.searchKey(text))
        }
    }
}

/// What each page shows, read apart from its handler so that tests and the benchmark call it directly.
enum PageQueries {
    /// Organisation id → name, for the organisations a page names (one query, duplicates ignored).
    static func organisationNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(Set(ids))).all().map { ($0.id!, $0.name) })
    }
}
