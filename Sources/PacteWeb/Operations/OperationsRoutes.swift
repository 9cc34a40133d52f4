import Fluent
import Foundation
import PacteStore
import SQLKit
import Vapor

/// What the load balancer and the monitoring ask: `/health` (the process answers), `/ready` (the
/// database answers and its schema is this version's), `/metrics` (Prometheus, behind a token).
enum OperationsRoutes {
    static let paths: Set<String> = ["/health", "/ready", "/metrics"]

    static func register(on app: Application) {
        // Alive: answers without the database, so that an outage of the database does not get every
        // instance restarted by its supervisor; `/ready` tells the load balancer to wait.
        app.get("health") { _ -> Response in
            json(.ok, ["status": "ok"])
        }
        app.get("ready") { req async -> Response in
            let state = await readiness(req)
            return json(state.ready ? .ok : .serviceUnavailable, ["status": state.ready ? "prêt" : "indisponible", "detail": state.detail])
        }
        app.get("metrics") { req async throws -> Response in
            guard let expected = req.application.pacteSettings.metricsToken else {
                throw Problem(.notFound, "Les métriques sont désactivées : définissez PACTE_METRICS_TOKEN pour les publier.")
            }
            guard let presented = req.headers.bearerAuthorization?.token, constantTimeEqual(presented, expected) else {
                throw Problem(.unauthorized, "Jeton des métriques absent ou invalide (en-tête Authorization: Bearer).")
            }
            let telemetry = req.application.telemetry
            telemetry.recordDatabase(await connections(req))
            let response = Response(status: .ok, body: .init(string: telemetry.exposition()))
            response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
    }

    static func json(_ status: HTTPResponseStatus, _ body: [String: String]) -> Response {
        let response = Response(status: status)
        try? response.content.encode(body, as: .json)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    /// Ready when the database answers and every migration of this version has been applied: an
    /// instance started with `--no-migrate` on an older schema waits for `pacte migrate`.
    static func readiness(_ req: Request) async -> (ready: Bool, detail: String) {
        guard await DatabaseSetup.isReachable(req.db) else { return (false, "base de données injoignable") }
        guard let pending = await PacteApp.pendingMigrations(req.application) else {
            return (false, "journal des migrations illisible : lancez pacte migrate")
        }
        guard pending.isEmpty else {
            let names = pending.prefix(3).joined(separator: ", ")
            return (false, "\(pending.count) migration\(pending.count > 1 ? "s" : "") en attente (\(names)) : lancez pacte migrate")
        }
        return (true, "base joignable, migrations à jour")
    }

    /// This instance's connections as PostgreSQL counts them (by its `application_name`); the
    /// scrape's own connection is open but not counted busy.
    static func connections(_ req: Request) async -> DatabaseConnections {
        let loops = req.application.eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
        guard let sql = req.db as? any SQLDatabase else { return DatabaseConnections(reachable: false, limit: loops) }
        let isPostgres = sql.dialect.name == "postgresql"
        let limit = DatabaseSetup.connectionLimit(eventLoops: loops, connectionsPerEventLoop: isPostgres
            ? req.application.pacteSettings.databaseConnectionsPerEventLoop : 1)
        guard isPostgres, let name = req.application.pacteSettings.instance else {
            return DatabaseConnections(reachable: await DatabaseSetup.isReachable(req.db), limit: limit)
        }
        do {
            let row = try await sql.raw("""
                SELECT count(*) AS open, count(*) FILTER (WHERE state <> 'idle' AND pid <> pg_backend_pid()) AS busy
                FROM pg_stat_activity WHERE application_name = \(bind: DatabaseSetup.applicationName(instance: name))
                """).first()
            return DatabaseConnections(reachable: true, limit: limit,
                                       open: try row?.decode(column: "open", as: Int.self), busy: try row?.decode(column: "busy", as: Int.self))
        } catch {
            return DatabaseConnections(reachable: false, limit: limit)
        }
    }
}
