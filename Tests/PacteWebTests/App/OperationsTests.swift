import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import PacteCore
import PacteStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PacteWeb

@Suite("Exploitation : vie, disponibilité, métriques, journaux et identifiant de requête")
struct OperationsTests {
    static let metricsToken = "jeton-des-metriques-de-test-0123456789"

    @Test("/health répond sans la base ; /ready dit prête, puis indisponible tant qu'une migration manque, avec son nom",
          arguments: Engine.available)
    func healthAndReadiness(engine: Engine) async throws {
        try await withFreshDatabase(engine, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let health = try await app.call(.GET, "/health")
                #expect(health.status == .ok)
                #expect(health.body.string == #"{"status":"ok"}"#)
                let ready = try await app.call(.GET, "/ready")
                #expect(ready.status == .ok, "\(ready.body.string)")
                #expect(ready.body.string.contains("prêt"))

                // The schema one version behind: the last migration is not in the log any more.
                let sql = app.db as! any SQLDatabase
                let last = try #require(PacteMigrations.all.last?.name)
                try await sql.raw("DELETE FROM _fluent_migrations WHERE name = \(bind: last)").run()
                let behind = try await app.call(.GET, "/ready")
                #expect(behind.status == .serviceUnavailable)
                #expect(behind.body.string.contains("1 migration en attente"), "\(behind.body.string)")
                #expect(behind.body.string.contains(last), "\(behind.body.string)")
                #expect(try await app.call(.GET, "/health").status == .ok, "alive all the same")
            }
        }
    }

    @Test("/metrics : coupé sans réglage, jeton exigé, requêtes par modèle de route et statut, durées, cache des pages, refus d'engagement, connexions",
          arguments: Engine.available)
    func metrics(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let off = try await app.call(.GET, "/metrics")
                #expect(off.status == .notFound)
                #expect(off.body.string.contains("PACTE_METRICS_TOKEN"), "\(off.body.string)")
            }
            let settings = PacteSettings(bcryptCost: 4, pageCacheMegabytes: 8, metricsToken: Self.metricsToken, instance: "essai-\(engine.rawValue)")
            try await withPacte(fixture.location, settings: settings) { app in
                #expect(try await app.call(.GET, "/metrics").status == .unauthorized)
                #expect(try await app.call(.GET, "/metrics", token: "mauvais-jeton-de-metriques-0123456789").status == .unauthorized)

                let cma = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
                let convention = try await app.conventionID(titled: "seed 001")
                let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
                let api = "/api/v1/conventions/\(convention)"
                #expect(try await app.call(.POST, api + "/envelopes", token: cma, json: #"{"name":"Petite","funderID":"\#(ccst)","cap":"100"}"#).status == .created)
                let refused = try await app.call(.POST, api + "/commitments", token: cma, json: #"{"funderID":"\#(ccst)","label":"trop","amount":"150"}"#)
                #expect(refused.status == .conflict, "\(refused.body.string)")
                for _ in 0..<2 { #expect(try await app.call(.GET, "/conventions/\(convention)", token: cma).status == .ok) }
                _ = try await app.call(.GET, "/nulle-part")

                let scraped = try await app.call(.GET, "/metrics", token: Self.metricsToken)
                #expect(scraped.status == .ok)
                #expect(scraped.headers.contentType?.description.hasPrefix("text/plain") == true)
                let text = scraped.body.string
                #expect(text.contains(#"pacte_http_requests_total{method="POST",route="/api/v1/conventions/:conventionID/commitments",status="409"} 1"#), "\(text)")
                #expect(text.contains(#"pacte_http_requests_total{method="GET",route="/conventions/:conventionID",status="200"} 2"#), "\(text)")
                #expect(text.contains(#"route="non routée",status="404""#), "an unrouted address is one series, not one per address")
                #expect(text.contains(#"pacte_http_request_duration_seconds_bucket{method="GET",route="/conventions/:conventionID",le="+Inf"} 2"#), "\(text)")
                #expect(text.contains(#"pacte_page_cache_lookups_total{result="miss"} 1"#), "\(text)")
                #expect(text.contains(#"pacte_page_cache_lookups_total{result="hit"} 1"#), "\(text)")
                #expect(text.contains(#"pacte_commitments_refused_total{reason="envelope"} 1"#), "\(text)")
                #expect(text.contains("pacte_database_up 1"))
                #expect(text.contains("pacte_database_connections_limit "))
                if engine == .postgres {
                    #expect(text.contains("pacte_database_connections_open "), "PostgreSQL tells this instance's connections apart by application_name")
                    #expect(text.contains("pacte_database_connections_busy 0"), "\(text)")
                }
                #expect(!text.contains(convention.uuidString), "ids never become label values")
            }
        }
    }

    @Test("X-Request-Id : repris quand il est sain, remplacé sinon, renvoyé dans la réponse (la grappe le retrouve dans les journaux)")
    func requestID() async throws {
        try await withFreshDatabase(.sqlite, demo: false) { fixture in
            try await withPacte(fixture.location) { app in
                let kept = try await app.call(.GET, "/health", headers: ["X-Request-Id": "a1b2c3d4e5f6-nginx"])
                #expect(kept.headers.first(name: "X-Request-Id") == "a1b2c3d4e5f6-nginx")
                let forged = try await app.call(.GET, "/health", headers: ["X-Request-Id": "faux\"}\n{\"level\":\"critical"])
                let replaced = try #require(forged.headers.first(name: "X-Request-Id"))
                #expect(replaced != "faux\"}\n{\"level\":\"critical")
                #expect(UUID(uuidString: replaced) != nil, "\(replaced)")
                let fresh = try #require(try await app.call(.GET, "/ready").headers.first(name: "X-Request-Id"))
                #expect(fresh != replaced, "each request its own id")
            }
        }
        #expect(RequestTelemetryMiddleware.acceptedID(String(repeating: "a", count: 129)) == nil)
        #expect(RequestTelemetryMiddleware.acceptedID("") == nil)
        #expect(RequestTelemetryMiddleware.acceptedID("9b99bf732ceee96de4ae498c5de028e8") == "9b99bf732ceee96de4ae498c5de028e8")
    }

    @Test("Journal JSON : une ligne par entrée, avec heure UTC, niveau, message et métadonnées (identifiant de requête compris)")
    func jsonLines() throws {
        let lines = NIOLockedValueBox<[Data]>([])
        var logger = Logger(label: "pacte.test") { label in JSONLogHandler(label: label, level: .info) { line in lines.withLockedValue { $0.append(line) } } }
        logger[metadataKey: "request-id"] = "abc-123"
        logger.debug("not written below the level")
        logger.info("GET /health 200", metadata: ["status": "200", "route": "/health"])
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "one line per entry")
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
        #expect(object["message"] == "GET /health 200")
        #expect(object["level"] == "info")
        #expect(object["request-id"] == "abc-123")
        #expect(object["route"] == "/health")
        #expect(object["label"] == "pacte.test")
        #expect(object["time"]?.hasSuffix("Z") == true, "\(object["time"] ?? "")")
    }

    @Test("Derrière le répartiteur, les tentatives de connexion comptent sur l'adresse qu'il a vue (la dernière de X-Forwarded-For), pas sur celle que le client écrit")
    func forwardedAddress() async throws {
        try await withFreshDatabase(.sqlite, demo: false) { fixture in
            try await withPacte(fixture.location, settings: PacteSettings(trustProxy: true, bcryptCost: 4)) { app in
                let request = Request(application: app, method: .GET, url: "/", headers: ["X-Forwarded-For": "10.9.9.9, 192.0.2.7"], on: app.eventLoopGroup.any())
                #expect(SignInLimiter.address(of: request) == "192.0.2.7")
                let two = Request(application: app, method: .GET, url: "/", headers: HTTPHeaders([("X-Forwarded-For", "10.9.9.9"), ("X-Forwarded-For", "192.0.2.8")]),
                                  on: app.eventLoopGroup.any())
                #expect(SignInLimiter.address(of: two) == "192.0.2.8")
            }
        }
    }

    @Test("Un réglage d'exploitation illisible empêche le démarrage, en français")
    func unreadableSettings() throws {
        #expect(throws: SettingError.self) { try PacteSettings.metricsToken("court") }
        #expect(try PacteSettings.metricsToken(nil) == nil)
        #expect(throws: SettingError.self) { try PacteSettings.connections("0") }
        #expect(throws: SettingError.self) { try PacteSettings.connections("beaucoup") }
        #expect(try PacteSettings.connections("8") == 8)
        #expect(DatabaseSetup.applicationName(instance: String(repeating: "é", count: 60)).utf8.count <= 63)
    }
}
