import AsyncKit
import Fluent
import FluentPostgresDriver
import Foundation
import Logging
import NIOCore
import Vapor

/// Watches the PostgreSQL connection pool of a serving instance. After PostgreSQL restarts under
/// load, a query in flight on a connection the server cut can stay unanswered for good (seen with
/// postgres-nio 1.33 through `pacte bench cluster`): its pool slot is never given back, and once
/// every slot is lost the instance answers each request with a 10 s timeout while the database is
/// well. The watchdog asks `SELECT 1` through the pool of every event loop every few seconds; when one has given
/// no connection twice in a row but a fresh connection outside it answers, the pool is what
/// is broken, and the process ends (exit 75) for its supervisor (systemd `Restart=always`) to
/// start it again with a new pool. While PostgreSQL itself is down, it waits.
public enum PoolWatchdog {
    public static let exitCode: Int32 = 75

    public static func start(_ app: Application, location: DatabaseLocation, every period: Duration = .seconds(3),
                             strikes: Int = 2) -> Task<Void, Never>? {
        guard case .postgres(let url) = location, let configuration = try? SQLPostgresConfiguration(url: url) else { return nil }
        let logger = app.logger
        // A pool per event loop: each is asked, since one of them can be broken while the others serve.
        let pools: [any Database] = app.eventLoopGroup.makeIterator().compactMap { app.databases.database(logger: logger, on: $0) }
        let eventLoop = app.eventLoopGroup.any()
        return Task {
            var failures = Array(repeating: 0, count: pools.count)
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                let answers = await withTaskGroup(of: (Int, Bool).self) { group in
                    for (index, pool) in pools.enumerated() { group.addTask { (index, await poolAnswers(pool)) } }
                    var answers = Array(repeating: true, count: pools.count)
                    for await (index, answered) in group { answers[index] = answered }
                    return answers
                }
                for (index, answered) in answers.enumerated() { failures[index] = answered ? 0 : failures[index] + 1 }
                guard let stuck = failures.firstIndex(where: { $0 >= strikes }) else { continue }
                guard await freshConnectionAnswers(configuration.coreConfiguration, on: eventLoop, logger: logger) else {
                    logger.warning("Base de données injoignable : l'instance attend qu'elle revienne.")
                    continue
                }
                logger.critical("Le pool de connexions de la boucle \(stuck + 1) sur \(pools.count) ne donne plus de connexion alors que PostgreSQL répond : arrêt de l'instance pour qu'elle soit relancée (code \(exitCode)).")
                exit(exitCode)
            }
        }
    }

    /// `SELECT 1` through the pool, given up after 15 s (the pool itself gives up after 10 s).
    static func poolAnswers(_ db: any Database) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await DatabaseSetup.isReachable(db) }
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    static func freshConnectionAnswers(_ configuration: PostgresConnection.Configuration, on eventLoop: any EventLoop, logger: Logger) async -> Bool {
        do {
            let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0, logger: logger).get()
            let answered = (try? await connection.query("SELECT 1", logger: logger).get()) != nil
            try? await connection.close()
            return answered
        } catch {
            return false
        }
    }
}
