import Fluent
import Foundation
import SQLKit

/// Consistent copies while the server runs: SQLite's `VACUUM INTO` (one read transaction, so every
/// write committed before it started is in the copy), `pg_dump` for PostgreSQL.
public enum Backup {
    public static func backup(_ location: DatabaseLocation, to file: String, db: any Database) async throws {
        if FileManager.default.fileExists(atPath: file) {
            throw StoreError.conflict("Le fichier « \(file) » existe déjà : choisissez un autre nom, rien n'a été écrasé.")
        }
        switch location {
        case .sqlite:
            let sql = db as! any SQLDatabase
            try await sql.raw("VACUUM INTO \(bind: file)").run()
        case .postgres(let url):
            try run("pg_dump", ["--format=custom", "--no-owner", "--file", file, "--dbname", url])
        }
    }

    /// Brings a backup back. SQLite: the server must be stopped; the current file is kept beside as `.avant-restauration`.
    public static func restore(_ location: DatabaseLocation, from file: String) throws {
        guard FileManager.default.fileExists(atPath: file) else { throw StoreError.notFound("Sauvegarde « \(file) »") }
        switch location {
        case .sqlite(let path):
            let manager = FileManager.default
            if manager.fileExists(atPath: path) {
                let aside = path + ".avant-restauration"
                try? manager.removeItem(atPath: aside)
                try manager.moveItem(atPath: path, toPath: aside)
            }
            for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
            try manager.copyItem(atPath: file, toPath: path)
        case .postgres(let url):
            try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, file])
        }
    }

    /// `PRAGMA integrity_check` on SQLite; on PostgreSQL, that the schema answers.
    public static func integrityCheck(on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            struct Row: Decodable { var integrity_check: String }
            let rows = try await sql.raw("PRAGMA integrity_check").all(decoding: Row.self)
            return rows.map(\.integrity_check) == ["ok"]
        }
        try await sql.raw("SELECT count(*) FROM audit_events").run()
        return true
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw StoreError.invalid(field: tool, message: "\(tool) est introuvable : installez le client PostgreSQL (paquet postgresql-client).")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StoreError.invalid(field: tool, message: "\(tool) a échoué : \(message)")
        }
    }
}
