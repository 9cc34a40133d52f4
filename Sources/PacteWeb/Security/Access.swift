import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

/// Who may see and change what. A convention is visible to the members of its parties (and to platform
/// administrators); to anyone else it does not exist (404). Readers never write (403).
enum Access {
    /// Ids of the conventions the principal may see; nil means all of them.
    static func visibleConventionIDs(_ principal: Principal, on db: any Database) async throws -> [UUID]? {
        if principal.isPlatformAdmin { return nil }
        let organisations = principal.organisationIDs
        guard !organisations.isEmpty else { return [] }
        return try await ConventionPartyModel.query(on: db)
            .filter(\.$organisation.$id ~~ organisations).all().map { $0.$convention.id }
    }

    static func canWrite(_ principal: Principal, conventionID: UUID, on db: any Database) async throws -> Bool {
        if principal.isPlatformAdmin { return true }
        guard principal.roles.values.contains(where: \.canWrite) else { return false }
        return try await right(principal, conventionID: conventionID, on: db).canWrite
    }

    /// A date given in the query (`2021-12-31`, `31/12/2021`); an unreadable one is a 422 naming `field`.
    static func date(_ text: String, field: String) throws -> CivilDate {
        do throws(CivilDateError) { return try CivilDate.parse(text) } catch { throw Problem.invalid(field, error.description) }
    }

    /// An amount given in the query (`23000`, `23 000 €`); an unreadable one is a 422 naming `field`.
    static func amount(_ text: String, field: String) throws -> Money {
        guard let money = try? AmountParser.parse(text).amount else { throw Problem.invalid(field, "Montant illisible : « \(text) ».") }
        return money
    }

    static func uuid(_ request: Request, _ name: String, _ what: String) throws -> UUID {
        guard let text = request.parameters.get(name), let id = UUID(uuidString: text) else { throw Problem.notFound(what) }
        return id
    }

    /// The convention named in the path, if the principal may see it; 404 otherwise, so that its existence stays hidden.
    static func convention(_ request: Request) async throws -> ConventionModel {
        let id = try uuid(request, "conventionID", "Convention")
        _ = try await right(request, conventionID: id)
        guard let convention = try await ConventionModel.find(id, on: request.db) else { throw Problem.notFound("Convention") }
        return convention
    }

    /// The convention, for a write: 404 if hidden, 403 if the principal only reads it (a visible
    /// convention that is not writable always has a reader membership behind it).
    static func writableConvention(_ request: Request) async throws -> ConventionModel {
        let id = try uuid(request, "conventionID", "Convention")
        guard try await right(request, conventionID: id).canWrite else { throw Problem.readOnly }
        guard let convention = try await ConventionModel.find(id, on: request.db) else { throw Problem.notFound("Convention") }
        return convention
    }

    /// The principal's right on a convention: read or write, or 404 when it is hidden or does not
    /// exist. Remembered for the database stamp when the memos are on.
    static func right(_ request: Request, conventionID id: UUID) async throws -> ConventionRight {
        let principal = try request.requirePrincipal()
        let memos = request.application.pageCache.memos
        let key = ConventionRightKey(userID: principal.userID, conventionID: id)
        let stamp = memos.enabled ? try await request.databaseStamp() : 0
        let right: ConventionRight
        if memos.enabled, let known = memos.conventionRights.value(for: key, stamp: stamp) {
            right = known
        } else {
            right = try await Access.right(principal, conventionID: id, on: request.db)
            if memos.enabled { memos.conventionRights.store(right, for: key, stamp: stamp) }
        }
        guard right != .hidden else { throw Problem.notFound("Convention") }
        return right
    }

    /// A convention is visible to the members of its parties, writable by those of them who write.
    static func right(_ principal: Principal, conventionID id: UUID, on db: any Database) async throws -> ConventionRight {
        if principal.isPlatformAdmin {
            return try await ConventionModel.query(on: db).filter(\.$id == id).count() > 0 ? .write : .hidden
        }
        guard !principal.roles.isEmpty else { return .hidden }
        let parties = try await ConventionPartyModel.query(on: db)
            .filter(\.$convention.$id == id).filter(\.$organisation.$id ~~ principal.organisationIDs).all()
        guard !parties.isEmpty else { return .hidden }
        return parties.contains { principal.roles[$0.$organisation.id]?.canWrite == true } ? .write : .read
    }

    /// The action named in the path, within a convention already checked.
    static func action(_ request: Request, in convention: ConventionModel) async throws -> ActionModel {
        let id = try uuid(request, "actionID", "Action")
        guard let action = try await ActionModel.query(on: request.db)
            .filter(\.$id == id).filter(\.$convention.$id == convention.requireID()).first()
        else { throw Problem.notFound("Action") }
        return action
    }

    /// Organisations a principal may administer (users, organisation records).
    static func administers(_ principal: Principal, organisation: UUID) -> Bool {
        principal.isPlatformAdmin || principal.roles[organisation] == .orgAdmin
    }

    static func writesFor(_ principal: Principal, organisation: UUID) -> Bool {
        principal.isPlatformAdmin || (principal.roles[organisation]?.canWrite ?? false)
    }
}

extension QueryBuilder {
    /// `field` contains `text`, ignoring case: `ILIKE` on PostgreSQL, `LIKE` (case-insensitive for ASCII) on SQLite.
    @discardableResult
    func filter(_ field: KeyPath<Model, FieldProperty<Model, String>>, containsIgnoringCase text: String, on db: any Database) -> Self {
        filter(field, .custom(Store.isPostgres(db) ? "ILIKE" : "LIKE"), "%\(text)%")
    }
}
