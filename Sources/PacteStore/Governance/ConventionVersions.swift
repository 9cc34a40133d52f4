import Fluent
import Foundation
import PacteCore

/// Versions of a convention: each one freezes the convention as it stands (fields, parties,
/// articles, the financing as written), numbered 0 for the initial text and k for avenant n° k.
public enum ConventionVersions {
    /// The convention as it stands now, fact by fact.
    public static func facts(of convention: ConventionModel, on db: any Database) async throws -> [VersionFact] {
        let id = try convention.requireID()
        let c = convention
        var facts: [VersionFact] = []
        func add(_ key: String, _ value: String?) { if let value, !value.isEmpty { facts.append(VersionFact(key, value)) } }
        add("Convention › Intitulé", c.title)
        add("Convention › Objet", c.object)
        add("Convention › Date de signature", c.signedOn.map(FrenchFormat.date))
        add("Convention › Prise d'effet", c.startsOn.map(FrenchFormat.date))
        add("Convention › Échéance", c.endsOn.map(FrenchFormat.date))
        add("Convention › Durée", c.durationMonths.map { "\($0) mois" })
        add("Convention › Reconduction", c.renewal?.label)
        add("Convention › Préavis", c.noticeMonths.map { "\($0) mois" })
        add("Convention › Régime des montants", "\(c.taxRegime.label), TVA \(FrenchFormat.percent(c.vatRate))")
        add("Convention › Prix de journée", c.dayRate.map(FrenchFormat.money))
        let parties = try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == id).with(\.$organisation).all()
            .sorted { $0.organisation.name < $1.organisation.name }
        for party in parties {
            add("Partie › \(party.organisation.name)", party.roles.map(\.label).joined(separator: ", ") + (party.designation.map { " — « \($0) »" } ?? ""))
        }
        for article in try await ArticleModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).all() {
            add("Article \(article.number)", (article.title.map { "\($0) — " } ?? "") + article.body)
        }
        facts += try await PlanMapping.plan(for: convention, on: db).versionFacts
        return facts
    }

    public static func all(of conventionID: UUID, on db: any Database) async throws -> [ConventionVersionModel] {
        try await ConventionVersionModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$number).all()
    }

    /// Freezes the convention as the next version (the initial text when there is none yet).
    public static func record(_ convention: ConventionModel, summary: String?, approval: String?, approvedOn: CivilDate?, signedOn: CivilDate?,
                              actor: Actor, db: any Database) async throws -> ConventionVersionModel {
        try await Store.write(on: db) { tx in
            try await record(convention, summary: summary, approval: approval, approvedOn: approvedOn, signedOn: signedOn, actor: actor, inside: tx)
        }
    }

    public static func record(_ convention: ConventionModel, summary: String?, approval: String?, approvedOn: CivilDate?, signedOn: CivilDate?,
                              actor: Actor, inside tx: any Database) async throws -> ConventionVersionModel {
        let id = try convention.requireID()
        let next = (try await ConventionVersionModel.query(on: tx).filter(\.$convention.$id == id).max(\.$number)).map { $0 + 1 } ?? 0
        let version = ConventionVersionModel(id: UUID(), conventionID: id, number: next, summary: summary, facts: try await facts(of: convention, on: tx))
        version.approval = approval
        version.approvedOn = approvedOn
        version.signedOn = signedOn
        try await Audited.create(version, "convention-version", conventionID: id, actor: actor, on: tx)
        return version
    }
}
