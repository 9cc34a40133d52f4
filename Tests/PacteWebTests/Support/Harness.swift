import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The engines every integration test runs on: SQLite always, PostgreSQL when `PACTE_TEST_POSTGRES_URL`
/// is set (scripts/test starts a throw-away server and sets it).
enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [Engine] {
        ProcessInfo.processInfo.environment["PACTE_TEST_POSTGRES_URL"].map { !$0.isEmpty } == true ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// Serialises tests that share the one PostgreSQL database.
let postgresGate = Turnstile()

/// Browser tests and the load test never run at the same time: a browser waiting for a page while a
/// thousand requests hammer the process would time out on the load, not on Pacte.
let exclusiveGate = Turnstile()

func exclusively<T>(_ body: () async throws -> T) async throws -> T {
    await exclusiveGate.enter()
    do {
        let result = try await body()
        await exclusiveGate.leave()
        return result
    } catch {
        await exclusiveGate.leave()
        throw error
    }
}

struct Fixture: Sendable {
    let location: DatabaseLocation
    let password: String
}

let demoPassword = "mot-de-passe-de-demo"

/// A fresh database (a temporary SQLite file, or an emptied PostgreSQL schema), migrated and holding the demo data.
func withFreshDatabase<T>(_ engine: Engine, demo: Bool = true, execution: Bool = false, _ body: (Fixture) async throws -> T) async throws -> T {
    let location: DatabaseLocation
    switch engine {
    case .sqlite:
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-test-\(UUID().uuidString).sqlite").path
        location = .sqlite(path: path)
    case .postgres:
        await postgresGate.enter()
        location = .postgres(url: ProcessInfo.processInfo.environment["PACTE_TEST_POSTGRES_URL"]!)
    }
    do {
        try await withPacte(location) { app in
            if case .postgres = engine {
                let sql = app.db as! any SQLDatabase
                try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
                try await sql.raw("CREATE SCHEMA public").run()
            }
            try await DatabaseSetup.prepare(app.db)
            try await app.autoMigrate()
            if demo {
                let hash = try await app.password.async.hash(demoPassword)
                _ = try await DemoData.load(on: app.db, password: demoPassword, hash: hash, execution: execution)
            }
        }
        let result = try await body(Fixture(location: location, password: demoPassword))
        if case .postgres = engine { await postgresGate.leave() }
        if case .sqlite(let path) = location { cleanSQLite(path) }
        return result
    } catch {
        if case .postgres = engine { await postgresGate.leave() }
        if case .sqlite(let path) = location { cleanSQLite(path) }
        throw error
    }
}

func cleanSQLite(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// A configured application on a fresh database holding the demo data.
func withDemo<T>(_ engine: Engine, execution: Bool = false, _ body: (Application) async throws -> T) async throws -> T {
    try await withFreshDatabase(engine, execution: execution) { fixture in try await withPacte(fixture.location, body) }
}

/// A configured application on `location` (no migration), shut down after `body`.
func withPacte<T>(_ location: DatabaseLocation, settings: PacteSettings = PacteSettings(bcryptCost: 4),
                  _ body: (Application) async throws -> T) async throws -> T {
    let app = try await Application.make(.testing)
    do {
        try PacteApp.configure(app, location: location, settings: settings)
        let result = try await body(app)
        try await app.asyncShutdown()
        return result
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}

extension Application {
    /// A bearer token for a demo account.
    func token(_ email: String) async throws -> String {
        let response = try await testing().sendRequest(.POST, "/api/v1/auth/token", headers: ["Content-Type": "application/json"],
                                                       body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(demoPassword)"}"#))
        #expect(response.status == .created, "token for \(email): \(response.body.string)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(TokenCreatedOut.self, from: Data(response.body.readableBytesView)).token
    }

    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = headers
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if json != nil { headers.contentType = .json }
        return try await testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Posts an HTML form (`application/x-www-form-urlencoded`).
    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, headers: HTTPHeaders = [:], form: [String: String]) async throws -> TestingHTTPResponse {
        var headers = headers
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        headers.contentType = .urlEncodedForm
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        let body = form.sorted { $0.key < $1.key }.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
        return try await testing().sendRequest(method, path, headers: headers, body: ByteBuffer(string: body))
    }

    func auditCount() async throws -> Int { try await AuditEventModel.query(on: db).count() }

    func conventionID(titled fragment: String) async throws -> UUID {
        let all = try await ConventionModel.query(on: db).all()
        return try #require(all.first { $0.title.localizedCaseInsensitiveContains(fragment) || ($0.source ?? "").contains(fragment) }?.id)
    }
}

func json(_ response: TestingHTTPResponse) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
}

func problemDetail(_ response: TestingHTTPResponse) throws -> (detail: String, field: String?) {
    let object = try #require(try json(response) as? [String: Any])
    return (object["detail"] as? String ?? "", object["field"] as? String)
}
