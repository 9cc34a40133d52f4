import Fluent
import Foundation
import PacteCore

/// A convention's life in the store: guarded status moves, renewals, endings and withdrawals, each
/// written with its dated event (the history) and its audit trail, in one transaction.
public enum ConventionLife {
    public enum EventKind: String, Sendable {
        case status, renewal, ending, withdrawal

        public var label: String {
            switch self {
            case .status: "changement d'étape"
            case .renewal: "reconduction"
            case .ending: "fin de la convention"
            case .withdrawal: "retrait d'un partenaire"
            }
        }
    }

    /// Moves the convention to `target` on `date` (signature, entry into force…), recording the date
    /// the step gives the convention when it has none.
    public static func move(_ convention: ConventionModel, to target: ConventionStatus, on date: CivilDate, reason: String?,
                            actor: Actor, db: any Database) async throws {
        try await Store.write(on: db) { tx in
            try await move(convention, to: target, on: date, reason: reason, actor: actor, inside: tx)
        }
    }

    static func move(_ convention: ConventionModel, to target: ConventionStatus, on date: CivilDate, reason: String?,
                     actor: Actor, inside tx: any Database) async throws {
        let from = convention.status
        let next = try from.moving(to: target)
        try await Audited.update(convention, "convention", conventionID: convention.id, actor: actor, on: tx) { m in
            m.status = next
            switch next {
            case .signed: if m.signedOn == nil { m.signedOn = date }
            case .inForce: if m.startsOn == nil { m.startsOn = date }
            case .ended, .terminated: m.endsOn = date
            case .draft, .underApproval: break
            }
        }
        try await record(ConventionEventModel(conventionID: try convention.requireID(), kind: EventKind.status.rawValue, from: from, to: next,
                                              on: date, reason: reason), convention: convention, actor: actor, tx: tx)
    }

    /// Records a status change made through an edit of the convention (form or API), refused when
    /// the move is not a step of the convention's life.
    public static func recordEdit(_ convention: ConventionModel, from: ConventionStatus, actor: Actor, inside tx: any Database) async throws {
        guard convention.status != from else { return }
        _ = try from.moving(to: convention.status)
        try await record(ConventionEventModel(conventionID: try convention.requireID(), kind: EventKind.status.rawValue, from: from,
                                              to: convention.status, on: .today(), reason: "modification de la convention"),
                         convention: convention, actor: actor, tx: tx)
    }

    /// Records one signatory's signature; the last signature makes a draft or approved convention
    /// signed, on the day of that signature.
    public static func sign(_ convention: ConventionModel, party: ConventionPartyModel, on date: CivilDate, actor: Actor,
                            db: any Database) async throws {
        guard party.roles.contains(.signatory) else {
            throw StoreError.invalid(field: "partyID", message: "Cette partie n'est pas signataire de la convention.")
        }
        guard party.signedOn == nil else { throw StoreError.conflict("Cette partie a déjà signé la convention.") }
        try await Store.write(on: db) { tx in
            try await Audited.update(party, "party", conventionID: convention.id, actor: actor, on: tx) { $0.signedOn = date }
            let signatories = try await ConventionPartyModel.query(on: tx).filter(\.$convention.$id == convention.requireID()).all()
                .filter { $0.roles.contains(.signatory) }
            let allSigned = signatories.allSatisfy { $0.id == party.id || $0.signedOn != nil }
            if allSigned, convention.status == .draft || convention.status == .underApproval {
                let last = signatories.compactMap { $0.id == party.id ? date : $0.signedOn }.max() ?? date
                try await move(convention, to: .signed, on: last, reason: "signée par toutes les parties signataires", actor: actor, inside: tx)
                if convention.signedOn != last {
                    try await Audited.update(convention, "convention", conventionID: convention.id, actor: actor, on: tx) { $0.signedOn = last }
                }
            }
        }
    }

    /// Renews a convention in force until `newEnd` (express renewal decided, or tacit renewal run).
    public static func renew(_ convention: ConventionModel, until newEnd: CivilDate, on date: CivilDate, reason: String?,
                             actor: Actor, db: any Database) async throws {
        guard convention.status == .inForce else {
            throw StoreError.conflict("Seule une convention en vigueur se reconduit (elle est « \(convention.status.label) »).")
        }
        if let end = convention.endsOn, newEnd <= end {
            throw StoreError.invalid(field: "endsOn", message: "La nouvelle échéance (\(FrenchFormat.date(newEnd))) doit suivre l'actuelle (\(FrenchFormat.date(end))).")
        }
        try await Store.write(on: db) { tx in
            try await Audited.update(convention, "convention", conventionID: convention.id, actor: actor, on: tx) { $0.endsOn = newEnd }
            try await record(ConventionEventModel(conventionID: try convention.requireID(), kind: EventKind.renewal.rawValue, from: .inForce,
                                                  to: .inForce, on: date, effectiveOn: newEnd, reason: reason),
                             convention: convention, actor: actor, tx: tx)
        }
    }

    /// Ends the convention (mutual agreement or breach): it is terminated as of the ending's effective
    /// day; the actions under way are finished and keep their funding, so nothing is released.
    public static func end(_ convention: ConventionModel, _ ending: ConventionEnding, reason: String?, actor: Actor,
                           db: any Database) async throws -> ConventionEventModel {
        guard ending.kind != .withdrawal else { throw StoreError.invalid(field: "kind", message: "Un retrait concerne un partenaire, pas la convention.") }
        return try await Store.write(on: db) { tx in
            let from = convention.status
            let next = try from.moving(to: .terminated)
            try await Audited.update(convention, "convention", conventionID: convention.id, actor: actor, on: tx) { m in
                m.status = next
                m.endsOn = ending.effectiveOn
            }
            let event = ConventionEventModel(conventionID: try convention.requireID(), kind: EventKind.ending.rawValue, from: from, to: next,
                                             on: ending.notifiedOn, effectiveOn: ending.effectiveOn,
                                             noticeMonths: ending.notice.flatMap { $0.unit == .months ? $0.count : nil },
                                             reason: [ending.kind.label, reason].compactMap { $0 }.joined(separator: " : "))
            try await record(event, convention: convention, actor: actor, tx: tx)
            return event
        }
    }

    /// A partner leaves the convention: from the effective day it takes no new commitment; what it
    /// committed before stays due and stays in the tracking table.
    public static func withdraw(_ convention: ConventionModel, organisation: UUID, _ ending: ConventionEnding, reason: String?,
                                actor: Actor, db: any Database) async throws -> ConventionEventModel {
        let conventionID = try convention.requireID()
        guard try await ConventionPartyModel.query(on: db).filter(\.$convention.$id == conventionID)
            .filter(\.$organisation.$id == organisation).count() > 0 else {
            throw StoreError.invalid(field: "organisationID", message: "Seule une partie de la convention peut s'en retirer.")
        }
        if try await withdrawals(of: conventionID, on: db)[organisation] != nil {
            throw StoreError.conflict("Ce partenaire s'est déjà retiré de la convention.")
        }
        return try await Store.write(on: db) { tx in
            let event = ConventionEventModel(conventionID: conventionID, kind: EventKind.withdrawal.rawValue, from: nil, to: nil,
                                             on: ending.notifiedOn, effectiveOn: ending.effectiveOn,
                                             noticeMonths: ending.notice.flatMap { $0.unit == .months ? $0.count : nil },
                                             organisationID: organisation, reason: reason)
            try await record(event, convention: convention, actor: actor, tx: tx)
            return event
        }
    }

    /// Each withdrawn partner of a convention with the day its withdrawal takes effect.
    public static func withdrawals(of conventionID: UUID, on db: any Database) async throws -> [UUID: CivilDate] {
        var result: [UUID: CivilDate] = [:]
        for event in try await ConventionEventModel.query(on: db).filter(\.$convention.$id == conventionID)
            .filter(\.$kind == EventKind.withdrawal.rawValue).all() {
            if let organisation = event.organisationID { result[organisation] = event.effectiveOn ?? event.onDate }
        }
        return result
    }

    /// The endings and withdrawals of these conventions that take effect on `from` or later (every one when nil).
    public static func effectiveEndings(of conventionIDs: [UUID], from: CivilDate? = nil, on db: any Database) async throws -> [ConventionEventModel] {
        let query = ConventionEventModel.query(on: db).filter(\.$convention.$id ~~ conventionIDs)
            .filter(\.$kind ~~ [EventKind.ending.rawValue, EventKind.withdrawal.rawValue]).filter(\.$effectiveOn != nil)
        if let from { query.filter(\.$effectiveOn >= from) }
        return try await query.sort(\.$effectiveOn).all()
    }

    public static func history(of conventionID: UUID, on db: any Database) async throws -> [ConventionEventModel] {
        try await ConventionEventModel.query(on: db).filter(\.$convention.$id == conventionID).sort(\.$onDate).sort(\.$createdAt).all()
    }

    static func record(_ event: ConventionEventModel, convention: ConventionModel, actor: Actor, tx: any Database) async throws {
        try await Audited.create(event, "convention-event", conventionID: convention.id, actor: actor, on: tx)
    }
}
