import Fluent
import Foundation
import PacteCore
import PacteOffice
import PacteStore

/// An avenant as the partners sign it: what changes, article by article and line by line, from
/// the version difference Pacte computes, then the financing table as it stands after the change.
/// « projet » is the avenant still being negotiated: the last frozen version against the convention
/// as it stands today.
enum AvenantDocument {
    struct Source: Sendable {
        var view: PageQueries.ConventionView
        var number: Int
        var isDraft: Bool
        var version: ConventionVersionModel?
        var changes: [VersionChange]
        /// False when the convention has changed since this avenant: today's table is not its table.
        var tableIsTheAvenants: Bool
        var today: CivilDate

        var title: String { (isDraft ? "Projet d'avenant n° \(number)" : "Avenant n° \(number)") + " à la convention « \(view.convention.title) »" }
    }

    /// `which` is a version number (1 or more) or `projet`.
    static func source(_ view: PageQueries.ConventionView, which: String, on db: any Database) async throws -> Source {
        let versions = try await ConventionVersions.all(of: view.id, on: db)
        let current = try await ConventionVersions.facts(of: view.convention, on: db)
        if which == "projet" {
            guard let last = versions.last else {
                throw Problem.invalid("version", "Figez d'abord la version initiale de la convention : un avenant modifie une version figée.")
            }
            return Source(view: view, number: last.number + 1, isDraft: true, version: nil, changes: VersionDiff.compare(last.facts, current),
                          tableIsTheAvenants: true, today: .today())
        }
        guard let number = Int(which), number >= 1, let version = versions.first(where: { $0.number == number }),
              let previous = versions.last(where: { $0.number < number }) else {
            let known = versions.filter { $0.number >= 1 }.map { String($0.number) }
            throw Problem.notFound(known.isEmpty ? "Avenant (aucun avenant enregistré)" : "Avenant n° \(which) (avenants : \(known.joined(separator: ", ")))")
        }
        let planFacts = { (facts: [VersionFact]) in facts.filter { $0.key.hasPrefix("Action ") } }
        return Source(view: view, number: number, isDraft: false, version: version, changes: VersionDiff.compare(previous.facts, version.facts),
                      tableIsTheAvenants: planFacts(current) == planFacts(version.facts), today: .today())
    }

    /// `Action 2.c Parcours digital › Ligne Conseil` → (`Action 2.c Parcours digital`, `Ligne Conseil`).
    static func split(_ key: String) -> (group: String, item: String) {
        guard let range = key.range(of: " › ") else { return (key, "") }
        return (String(key[..<range.lowerBound]), String(key[range.upperBound...]))
    }

    static func document(_ source: Source) -> OfficeDocument {
        let view = source.view
        var doc = OfficeDocument(title: source.title, header: "\(view.convention.title) — \(source.isDraft ? "projet d'avenant" : "avenant") n° \(source.number)")
        doc.heading(source.title, level: 0)
        if let reference = view.convention.reference { doc.paragraph("Convention de référence : \(reference)", style: .note) }
        if let summary = source.version?.summary { doc.paragraph([.bold("Objet de l'avenant : "), OfficeRun(summary)]) }
        if source.isDraft {
            doc.paragraph("Projet établi le \(FrenchFormat.date(source.today)) : les modifications apportées à la convention depuis sa dernière version figée.", style: .note)
        }
        doc.heading("Entre les soussignés")
        for party in view.parties { doc.paragraph(ConventionDocument.partyRuns(party)) }
        doc.heading("Il a été convenu ce qui suit")

        doc.heading("Article 1 — Modifications de la convention", level: 2)
        if source.changes.isEmpty {
            doc.paragraph("Cette version ne modifie aucune stipulation de la convention.")
        } else {
            doc.paragraph("La convention est modifiée comme suit ; les stipulations qui ne figurent pas ci-dessous demeurent inchangées.")
            var groups: [(name: String, changes: [VersionChange])] = []
            for change in source.changes {
                let group = split(change.key).group
                if let index = groups.firstIndex(where: { $0.name == group }) { groups[index].changes.append(change) }
                else { groups.append((group, [change])) }
            }
            for group in groups {
                doc.heading(group.name, level: 3)
                let rows = group.changes.map { change in
                    let item = split(change.key).item
                    return OfficeTable.Row([item.isEmpty ? group.name : item, change.kind.label.capitalized(with: Locale(identifier: "fr_FR")),
                                            change.before ?? "—", change.after ?? "—"])
                }
                doc.table(OfficeTable(columns: [.init("Élément", width: 4), .init("Changement", width: 2), .init("Avant", width: 4), .init("Après", width: 4)], rows: rows))
            }
        }

        doc.heading("Article 2 — Plan de financement", level: 2)
        if source.tableIsTheAvenants {
            doc.paragraph("Le plan de financement annexé à la convention est remplacé par le suivant.")
            doc.newPage(landscape: true)
            doc.table(ConventionDocument.financingTable(view))
            doc.bullets(view.table.pendingNotes)
            doc.newPage(landscape: false)
        } else {
            doc.paragraph("La convention a été modifiée depuis cet avenant : son plan de financement n'est plus celui d'aujourd'hui et n'est pas reproduit. "
                          + "Les lignes et les parts modifiées figurent à l'article 1.", style: .note)
        }

        doc.heading("Article 3 — Autres stipulations", level: 2)
        doc.paragraph("Toutes les autres stipulations de la convention demeurent inchangées. Le présent avenant prend effet à la date de sa signature par la dernière des parties.")
        if let version = source.version, let approval = version.approval {
            doc.paragraph("Approuvé par : \(approval)" + (version.approvedOn.map { " du \(FrenchFormat.date($0))" } ?? "") + ".", style: .note)
        }
        ConventionDocument.signatures(view, signedOn: source.version?.signedOn, into: &doc)
        return doc
    }
}
