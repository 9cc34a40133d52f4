import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Where Pacte keeps its data: an SQLite file (embedded default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `DATABASE_URL` (`postgres://…`, `postgresql://…`, `sqlite:///chemin/pacte.sqlite` or a bare path);
    /// without it, `pacte.sqlite` in the data folder.
    public static func resolve(databaseURL: String?, dataDirectory: String) throws -> DatabaseLocation {
        guard let raw = databaseURL?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent("pacte.sqlite"))
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            return .postgres(url: raw.replacingOccurrences(of: "postgresql://", with: "postgres://"))
        }
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw StoreError.invalid(field: "DATABASE_URL", message: "chemin SQLite vide") }
            return .sqlite(path: path)
        }
        if raw.contains("://") {
            throw StoreError.invalid(field: "DATABASE_URL",
                                    message: "« \(raw) » n'est ni une adresse postgres:// ni un fichier sqlite://")
        }
        return .sqlite(path: raw)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite (\(path))"
        case .postgres(let url): "PostgreSQL (\(Self.redacted(url)))"
        }
    }

    /// The URL without its password, for logs.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "postgres://…" }
        if parts.password != nil { parts.password = "***" }
        return parts.string ?? "postgres://…"
    }
}

public enum DatabaseSetup {
    /// Connections each event loop may open (`PACTE_DATABASE_CONNECTIONS`, Fluent's 1 by default).
    public static let defaultConnectionsPerEventLoop = 1

    /// Registers the database and every migration with the application. On PostgreSQL, the
    /// connections carry `application_name` = `pacte <instance>`, so that `pg_stat_activity` (and
    /// `/metrics`) tells the instances apart.
    public static func configure(_ app: Application, location: DatabaseLocation, instance: String? = nil,
                                 connectionsPerEventLoop: Int = defaultConnectionsPerEventLoop) throws {
        switch location {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // One connection a loop: SQLite writes one at a time, more connections would only contend.
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            var configuration = try SQLPostgresConfiguration(url: url)
            configuration.searchPath = nil
            if let instance {
                configuration.coreConfiguration.options.additionalStartupParameters.append(("application_name", applicationName(instance: instance)))
            }
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: connectionsPerEventLoop, sqlLogLevel: .trace),
                              as: .psql)
        }
        app.migrations.add(PacteMigrations.all)
    }

    /// `pacte <instance>`, cut to PostgreSQL's 63 bytes for a name.
    public static func applicationName(instance: String) -> String {
        var name = "pacte " + instance
        while name.utf8.count > 63 { name.removeLast() }
        return name
    }

    /// The connections an application may hold: its pool on each event loop.
    public static func connectionLimit(eventLoops: Int, connectionsPerEventLoop: Int = defaultConnectionsPerEventLoop) -> Int {
        eventLoops * connectionsPerEventLoop
    }

    /// Pragmas that belong to the SQLite file: write-ahead logging lets readers, `pacte backup`
    /// among them, work while the server writes.
    public static func prepare(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("PRAGMA journal_mode = WAL").run()
    }

    /// `SELECT 1`: true when the database answers.
    public static func isReachable(_ db: any Database) async -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        do {
            try await sql.raw("SELECT 1").run()
            return true
        } catch {
            return false
        }
    }
}
