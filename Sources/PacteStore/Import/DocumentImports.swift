import Fluent
import Foundation
import PacteAudit
import PacteCore

/// Importing a document: the pending import (text and proposed draft), its corrections, and the one
/// write that turns a reviewed draft into a draft convention.
public enum DocumentImports {
    /// Stores a pending import of `text` for an organisation. Nothing reaches the conventions.
    public static func create(organisationID: UUID, fileName: String, text: String, draft: ImportDraft, createdBy: UUID?,
                              actor: Actor, on db: any Database) async throws -> DocumentImportModel {
        guard try await OrganisationModel.find(organisationID, on: db) != nil else {
            throw StoreError.invalid(field: "organisationID", message: "Organisation inconnue.")
        }
        let model = try DocumentImportModel(id: UUID(), organisationID: organisationID, fileName: fileName, sourceText: text,
                                            draft: draft, createdBy: createdBy)
        try await Store.write(on: db) { tx in
            try await Audited.create(model, "document-import", conventionID: nil, actor: actor, on: tx)
        }
        return model
    }

    /// Keeps the corrected draft of a pending import (audited; nothing recorded when it did not change).
    public static func updateDraft(_ model: DocumentImportModel, draft: ImportDraft, actor: Actor, on db: any Database) async throws {
        let id = try model.requireID()
        try await Store.write(on: db) { tx in
            guard let current = try await DocumentImportModel.find(id, on: tx) else { throw StoreError.notFound("Import") }
            try refuseIfSaved(current)
            let json = try DocumentImportModel.encode(draft)
            // Fluent counts any assignment as a change: assign only a different draft.
            guard json != current.draftJSON else { return }
            try await Audited.update(current, "document-import", conventionID: nil, actor: actor, on: tx) { $0.draftJSON = json }
            model.draftJSON = json
        }
    }

    /// Turns the reviewed draft into a draft convention, in one transaction: the convention, its
    /// parties (the importing organisation, signatory, and the draft's parties), the funders' organisations
    /// (found by SIREN or name, created otherwise), axes, actions, cost lines and shares, the initial
    /// version, and the import marked saved. An invalid draft saves nothing (`StoreError.invalid`
    /// naming the faulty field as the plan file does, `actions[2].lines[0].amount`); a second save
    /// is refused (`StoreError.conflict`).
    public static func save(importID: UUID, draft: ImportDraft, actor: Actor, on db: any Database) async throws -> ConventionModel {
        let plan = try checkedPlan(draft)
        return try await Store.write(on: db) { tx in
            guard let record = try await DocumentImportModel.find(importID, on: tx) else { throw StoreError.notFound("Import") }
            try refuseIfSaved(record)
            let fileName = record.fileName
            let convention = ConventionModel(id: UUID(), title: plan.title, status: .draft, taxRegime: plan.regime, vatRate: plan.vat)
            convention.source = "import de \(fileName)"
            convention.dayRate = plan.referenceDayRate
            convention.notes = plan.notes
            let conventionID = try convention.requireID()
            try await Audited.create(convention, "convention", conventionID: conventionID, actor: actor, on: tx)

            // Funders: the draft's parties first (same order as the plan's funders), then the other funders of its shares.
            var directory = try await OrganisationModel.query(on: tx).all()
            var organisationOf: [FunderID: UUID] = [:]
            for funder in plan.funders {
                if let found = match(name: funder.name, shortName: funder.shortName, siren: funder.siren, in: directory) {
                    organisationOf[funder.id] = try found.requireID()
                    continue
                }
                let created = OrganisationModel(id: UUID(), name: funder.name, shortName: funder.shortName,
                                                kind: guessKind(funder.name + " " + (funder.shortName ?? "")), siren: funder.siren)
                try await Audited.create(created, "organisation", conventionID: nil, actor: actor, on: tx)
                directory.append(created)
                organisationOf[funder.id] = try created.requireID()
            }
            let funder: (FunderID) throws -> UUID = { id in
                guard let organisation = organisationOf[id] else { throw StoreError.corrupt("financeur \(id.rawValue) sans organisation") }
                return organisation
            }
            var paying = Set<UUID>()
            for share in plan.actions.flatMap(\.shares) {
                switch share.payer {
                case .funder(let id): paying.insert(try funder(id))
                case .prorata(let group): for member in group.members { paying.insert(try funder(member.funder)) }
                }
            }

            // Parties: the importing organisation, then the draft's parties, once each.
            var parties: [(organisation: UUID, designation: String?)] = [(record.$organisation.id, nil)]
            for (index, party) in draft.parties.enumerated() where index < plan.funders.count {
                let organisation = try funder(plan.funders[index].id)
                if let existing = parties.firstIndex(where: { $0.organisation == organisation }) {
                    if parties[existing].designation == nil { parties[existing].designation = nonEmpty(party.shortName) }
                } else {
                    parties.append((organisation, nonEmpty(party.shortName)))
                }
            }
            for party in parties {
                let roles: [PartyRole] = paying.contains(party.organisation) ? [.signatory, .funder] : [.signatory]
                let model = ConventionPartyModel(id: UUID(), conventionID: conventionID, organisationID: party.organisation, roles: roles,
                                                 designation: party.designation)
                try await Audited.create(model, "party", conventionID: conventionID, actor: actor, on: tx)
            }

            // Axes as the actions name them, titled as the document titles them.
            let documentAxes = DocumentAudit.audit(text: record.sourceText, file: fileName).axes
            var axes: [String: UUID] = [:]
            for code in plan.actions.compactMap({ nonEmpty($0.axis) }) where axes[code] == nil {
                let title = documentAxes.first { nameKey($0.code) == nameKey(code) }?.title ?? code
                let model = AxisModel(id: UUID(), conventionID: conventionID, position: axes.count + 1, code: code, title: title)
                try await Audited.create(model, "axis", conventionID: conventionID, actor: actor, on: tx)
                axes[code] = try model.requireID()
            }
            for (index, planned) in plan.actions.enumerated() {
                try await PlanMapping.store(planned, position: index + 1, conventionID: conventionID, funder: funder, actor: actor, on: tx) { action in
                    action.$axis.id = nonEmpty(planned.axis).flatMap { axes[$0] }
                }
            }
            // What was stored must read back as a valid plan.
            try await PlanMapping.plan(for: convention, on: tx).validate()

            _ = try await ConventionVersions.record(convention, summary: "Texte importé de \(fileName)", approval: nil, approvedOn: nil,
                                                    signedOn: nil, actor: actor, inside: tx)
            try await Audited.update(record, "document-import", conventionID: conventionID, actor: actor, on: tx) { model in
                try model.setDraft(draft)
                model.status = .saved
                model.$convention.id = conventionID
            }
            return convention
        }
    }

    /// The plan of a draft, or the French reason it is not one, naming the faulty field.
    public static func checkedPlan(_ draft: ImportDraft) throws -> ConventionPlan {
        do throws(PlanFileError) {
            return try draft.plan()
        } catch {
            throw StoreError.invalid(field: error.path, message: "Le brouillon n'est pas encore une convention valable : \(error.description)")
        }
    }

    static func refuseIfSaved(_ record: DocumentImportModel) throws {
        guard record.status == .pending else {
            throw StoreError.conflict("Ce document a déjà été enregistré comme convention : il ne peut pas l'être une seconde fois.")
        }
    }

    // MARK: Funders and organisations

    /// What a funder of the draft will be once saved: an organisation of the directory, or a new one.
    public struct FunderResolution: Sendable {
        public var name: String
        public var shortName: String?
        public var siren: Siren?
        /// The organisation found; nil when one will be created.
        public var existing: OrganisationModel?
        /// The kind given to the organisation created.
        public var kind: OrganisationKind
    }

    /// How each funder of a valid draft plan will be matched, for the review page (read only).
    public static func resolve(_ plan: ConventionPlan, on db: any Database) async throws -> [FunderResolution] {
        let directory = try await OrganisationModel.query(on: db).all()
        var created: [OrganisationModel] = []
        return plan.funders.map { funder in
            let found = match(name: funder.name, shortName: funder.shortName, siren: funder.siren, in: directory + created)
            let kind = guessKind(funder.name + " " + (funder.shortName ?? ""))
            if found == nil {
                // Two funders of one name become one organisation, as `save` does.
                created.append(OrganisationModel(name: funder.name, shortName: funder.shortName, kind: kind, siren: funder.siren))
            }
            return FunderResolution(name: funder.name, shortName: funder.shortName, siren: funder.siren,
                                    existing: found?.id == nil ? nil : found, kind: found?.kind ?? kind)
        }
    }

    /// The organisation a funder is: same SIREN; else the same name (ignoring case, accents and
    /// punctuation: « CCI CÔTE-D'OR - SAÔNE-ET-LOIRE » is « CCI Côte-d'Or · Saône-et-Loire »); else the
    /// one organisation whose name or short name is the funder's short name or name. Two different
    /// SIRENs are never the same organisation.
    public static func match(name: String, shortName: String?, siren: Siren?, in organisations: [OrganisationModel]) -> OrganisationModel? {
        if let siren, let found = organisations.first(where: { $0.siren == siren }) { return found }
        let compatible = organisations.filter { siren == nil || $0.siren == nil }
        let key = nameKey(name)
        if !key.isEmpty, let found = compatible.first(where: { nameKey($0.name) == key }) { return found }
        let keys = Set([key, shortName.map(nameKey) ?? ""].filter { !$0.isEmpty })
        let candidates = compatible.filter { org in
            !keys.isDisjoint(with: [nameKey(org.name), org.shortName.map(nameKey) ?? ""].filter { !$0.isEmpty })
        }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// Lower case, no accents, punctuation as spaces, no leading article: the form names are compared in.
    public static func nameKey(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "fr_FR"))
            .replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
        var words = folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        while let first = words.first, ["la", "le", "les", "l"].contains(first), words.count > 1 { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// The kind of an organisation created from a name alone (« Conseil régional BFC » is a région);
    /// `funder` when nothing in the name says more.
    public static func guessKind(_ name: String) -> OrganisationKind {
        let key = " " + nameKey(name) + " "
        func has(_ phrases: String...) -> Bool { phrases.contains { key.contains(" \($0) ") } }
        if has("chambre de metiers", "cma", "cmar") { return .cma }
        if has("chambre d agriculture") { return .chambreAgriculture }
        if has("chambre de commerce", "cci", "ccim", "ccit") { return .cci }
        if has("communaute de communes") { return .communauteDeCommunes }
        if has("communaute d agglomeration", "agglomeration", "agglo") { return .communauteAgglomeration }
        if has("communaute urbaine") { return .communauteUrbaine }
        if has("metropole") { return .metropole }
        if has("departement", "conseil departemental") { return .departement }
        if has("region", "conseil regional", "cr") { return .region }
        if has("fonds social europeen", "fse", "feder", "feader", "union europeenne", "fonds europeen") { return .euFund }
        if has("etat", "prefecture", "agence", "ademe", "bpifrance", "dreets", "direccte") { return .stateBody }
        if has("ville", "commune", "mairie") { return .commune }
        if has("association") { return .association }
        if has("entreprise", "entreprises", "sarl", "sas", "sa") { return .company }
        return .funder
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}
