import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Serveur : intégration sur SQLite et PostgreSQL")
struct ServerTests {
    @Test("Les comptes de démonstration voient leurs conventions et pas celles des autres", arguments: Engine.available)
    func demoVisibility(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let ville = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let list = try #require(try json(try await app.call(.GET, "/api/v1/conventions", token: ville)) as? [String: Any])
                let titles = (list["items"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String }
                #expect(titles == ["seed 000 (000_131f41fff7041df0.txt)"])

                let dijon = try await app.conventionID(titled: "seed 003")
                #expect(try await app.call(.GET, "/api/v1/conventions/\(dijon)", token: ville).status == .notFound)

                let admin = try await app.token("admin@demo.pacte.fr")
                let all = try #require(try json(try await app.call(.GET, "/api/v1/conventions", token: admin)) as? [String: Any])
                #expect(all["total"] as? Int == 5)

                // The stored Sézanne plan computes the seed's figures (59 975 € without the « sur devis » line).
                let sezanne = try await app.conventionID(titled: "seed 000")
                let plan = try #require(try json(try await app.call(.GET, "/api/v1/conventions/\(sezanne)/plan", token: ville)) as? [String: Any])
                let totals = try #require(plan["totals"] as? [String: Any])
                #expect(totals["cost"] as? String == "59975.00")
            }
        }
    }

    @Test("Chaque route de l'API : anonyme 401, non-partie 404, lecteur 403 en écriture", arguments: Engine.available)
    func authorisationWalk(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let dijon = try await app.conventionID(titled: "seed 003")
                let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == dijon).first())
                let actionID = try action.requireID()
                let ids: [String: String] = [
                    "conventionID": dijon.uuidString, "actionID": actionID.uuidString,
                    "lineID": try #require(try await CostLineModel.query(on: app.db).filter(\.$action.$id == actionID).first()?.id).uuidString,
                    "shareID": UUID().uuidString, "indicatorID": UUID().uuidString, "articleID": UUID().uuidString,
                    "axisID": UUID().uuidString, "partyID": UUID().uuidString, "itemID": UUID().uuidString,
                    "organisationID": UUID().uuidString, "personID": UUID().uuidString, "commitmentID": UUID().uuidString, "serviceID": UUID().uuidString, "companyID": UUID().uuidString, "interventionID": UUID().uuidString, "committeeID": UUID().uuidString, "orderID": UUID().uuidString, "invoiceID": UUID().uuidString, "deliverableID": UUID().uuidString, "tokenID": UUID().uuidString, "userID": UUID().uuidString, "importID": UUID().uuidString, "invitationID": UUID().uuidString,
                    "departementCode": "21", "version": "1", "templateID": UUID().uuidString,
                ]
                let outsider = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let reader = try await app.token("elu.dijon.dijon@demo.pacte.fr")
                let before = try await app.auditCount()
                var walked = 0
                for operation in app.apiOperations {
                    var path = operation.path
                    for (name, value) in ids { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                    #expect(!path.contains("{"), "unfilled parameter in \(operation.path)")
                    let body = operation.requestExample.map { _ in "{}" }
                    let anonymous = try await app.call(operation.method, path, json: body)
                    if operation.requiresAuthentication {
                        #expect(anonymous.status == .unauthorized, "\(operation.method) \(operation.path) anonyme : \(anonymous.status)")
                    } else {
                        #expect(anonymous.status != .unauthorized || operation.path.hasSuffix("/auth/login") || operation.path.hasSuffix("/auth/token"))
                    }
                    if operation.path.contains("{conventionID}") {
                        let hidden = try await app.call(operation.method, path, token: outsider, json: body)
                        #expect(hidden.status == .notFound, "\(operation.method) \(operation.path) non-partie : \(hidden.status)")
                        if operation.method != .GET {
                            let readOnly = try await app.call(operation.method, path, token: reader, json: body)
                            #expect(readOnly.status == .forbidden, "\(operation.method) \(operation.path) lecteur : \(readOnly.status)")
                        }
                    }
                    walked += 1
                }
                #expect(walked == app.apiOperations.count && walked > 50)
                #expect(try await app.auditCount() == before, "a refused request wrote to the audit trail")
            }
        }
    }

    @Test("Une saisie invalide reçoit un 4xx en français et ne change rien", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let sezanne = try await app.conventionID(titled: "seed 000")
                let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "2.c").first())
                let lines = "/api/v1/conventions/\(sezanne)/actions/\(try action.requireID())/lines"
                let auditBefore = try await app.auditCount()
                let linesBefore = try await CostLineModel.query(on: app.db).count()
                let organisationsBefore = try await OrganisationModel.query(on: app.db).count()

                let cases: [(HTTPMethod, String, String, String?, String)] = [
                    (.POST, lines, #"{"key": "x", "label": "Diagnostic""#, nil, "JSON"),
                    (.POST, lines, #"{"key": 12, "label": "Diagnostic", "pricing": "forfait", "amount": "100"}"#, "key", "il faut"),
                    (.POST, lines, #"{"key": "x", "label": "Diagnostic", "pricing": "forfait", "amount": "12,3,4"}"#, "amount", "amount"),
                    (.POST, lines, #"{"key": "x", "label": "Diagnostic", "pricing": "quantity", "quantity": -3, "unitPrice": "650"}"#, "quantity", "négative"),
                    (.POST, lines, #"{"key": "x", "label": "Diagnostic", "pricing": "magie"}"#, "pricing", "valeurs possibles"),
                    (.POST, "/api/v1/organisations", #"{"name": "Entreprise", "kind": "company", "siren": "123456789"}"#, "siren", "siren"),
                    (.PATCH, "/api/v1/conventions/\(sezanne)", #"{"startsOn": "2024-06-01", "endsOn": "2024-01-31"}"#, "endsOn", "précède"),
                    (.POST, lines, #"{"label": "Sans clé", "pricing": "forfait", "amount": "100"}"#, "key", "obligatoire"),
                ]
                for (method, path, body, field, fragment) in cases {
                    let response = try await app.call(method, path, token: token, json: body)
                    #expect((400..<500).contains(Int(response.status.code)), "\(body) → \(response.status)")
                    #expect(response.headers.contentType?.subType == "problem+json")
                    let problem = try problemDetail(response)
                    #expect(problem.field == field, "\(body): field \(String(describing: problem.field))")
                    #expect(problem.detail.localizedCaseInsensitiveContains(fragment), "\(body): \(problem.detail)")
                }
                // A SIRET-like invalid identifier inside a path never reaches the store either.
                #expect(try await app.call(.GET, "/api/v1/organisations?siren=12345678", token: token).status == .unprocessableEntity)

                #expect(try await app.auditCount() == auditBefore)
                #expect(try await CostLineModel.query(on: app.db).count() == linesBefore)
                #expect(try await OrganisationModel.query(on: app.db).count() == organisationsBefore)
                let convention = try #require(try await ConventionModel.find(sezanne, on: app.db))
                #expect(convention.endsOn == nil)
            }
        }
    }

    @Test("Écrire une ligne laisse une trace ; altérer un événement est détecté et nommé", arguments: Engine.available)
    func auditChain(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let sezanne = try await app.conventionID(titled: "seed 000")
                let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "3.c").first())
                let line = try #require(try await CostLineModel.query(on: app.db).filter(\.$action.$id == action.requireID()).first())
                let path = "/api/v1/conventions/\(sezanne)/actions/\(try action.requireID())/lines/\(try line.requireID())"
                let response = try await app.call(.PATCH, path, token: token, json: #"{"statedAmount": "3 412,00 €"}"#)
                #expect(response.status == .ok, "\(response.body.string)")

                let events = try await app.call(.GET, "/api/v1/conventions/\(sezanne)/audit-events?per=200&page=1", token: token)
                let page = try #require(try json(events) as? [String: Any])
                let total = try #require(page["total"] as? Int)
                let last = try await AuditEventModel.query(on: app.db).sort(\.$id, .descending).first()
                #expect(last?.action == .update && last?.entityType == "cost-line" && last?.actor == "agent.sezanne.ville@demo.pacte.fr")
                #expect(last?.before != nil && last?.before?.contains("341200") == false && last?.after?.contains("341200") == true)
                #expect(total > 10)

                let intact = try await AuditTrail.verify(on: app.db)
                let count = try await app.auditCount()
                #expect(intact.firstBroken == nil && intact.checked == count)

                let victim = try #require(try await AuditEventModel.query(on: app.db).sort(\.$id).offset(7).first())
                let sql = app.db as! any SQLDatabase
                try await sql.raw("UPDATE audit_events SET after = \(bind: "{\"amount_cents\":1}") WHERE id = \(bind: victim.id!)").run()
                let broken = try await AuditTrail.verify(on: app.db)
                #expect(broken.firstBroken?.eventID == victim.id)
                #expect(broken.checked == 7)
            }
        }
    }

    @Test("Sessions en base : une session ouverte sur une instance sert sur l'autre ; CSRF exigé ; tentatives limitées", arguments: Engine.available)
    func sessionsAcrossInstances(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { first in
                try await withPacte(fixture.location) { second in
                    let login = try await first.call(.POST, "/api/v1/auth/login",
                                                     json: #"{"email": "agent.sezanne.ville@demo.pacte.fr", "password": "\#(demoPassword)"}"#)
                    #expect(login.status == .ok)
                    let cookie = try #require(login.headers.setCookie?["pacte_session"])
                    #expect(cookie.isHTTPOnly && cookie.sameSite == .lax)
                    let csrf = try #require((try json(login) as? [String: Any])?["csrfToken"] as? String)
                    var headers = HTTPHeaders()
                    headers.cookie = HTTPCookies(dictionaryLiteral: ("pacte_session", HTTPCookies.Value(string: cookie.string)))
                    let me = try await second.call(.GET, "/api/v1/auth/me", headers: headers)
                    #expect(me.status == .ok, "\(me.body.string)")

                    let body = #"{"name": "Boulangerie Test", "kind": "company"}"#
                    #expect(try await second.call(.POST, "/api/v1/organisations", json: body, headers: headers).status == .forbidden)
                    headers.add(name: "X-CSRF-Token", value: csrf)
                    #expect(try await second.call(.POST, "/api/v1/organisations", json: body, headers: headers).status == .created)
                }
                for _ in 0..<5 {
                    let wrong = try await first.call(.POST, "/api/v1/auth/token", json: #"{"email": "elu.dijon.dijon@demo.pacte.fr", "password": "faux"}"#)
                    #expect(wrong.status == .unauthorized)
                }
                let limited = try await first.call(.POST, "/api/v1/auth/token", json: #"{"email": "elu.dijon.dijon@demo.pacte.fr", "password": "\#(demoPassword)"}"#)
                #expect(limited.status == .tooManyRequests)
                #expect(try problemDetail(limited).detail.contains("15 minutes"))
            }
        }
    }

    @Test("Sauvegarde pendant les écritures : la copie est intègre et garde tout ce qui était acquitté", arguments: Engine.available)
    func backupWhileWriting(engine: Engine) async throws {
        if engine == .postgres, !Self.toolExists("pg_dump") { return }
        try await withFreshDatabase(engine) { fixture in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-backup-\(UUID().uuidString).bak").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let acknowledged = try await withPacte(fixture.location) { app in
                let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let sezanne = try await app.conventionID(titled: "seed 000")
                let writer = Task { () -> [String] in
                    var done: [String] = []
                    for index in 0..<40 {
                        let number = "S\(index)"
                        let response = try await app.call(.POST, "/api/v1/conventions/\(sezanne)/articles", token: token,
                                                          json: #"{"number": "\#(number)", "body": "écrit pendant la sauvegarde"}"#)
                        if response.status == .created { done.append(number) }
                    }
                    return done
                }
                try await Task.sleep(for: .milliseconds(150))
                let before = try await ArticleModel.query(on: app.db).filter(\.$number =~ "S").all().map(\.number)
                try await Backup.backup(fixture.location, to: file, db: app.db)
                let written = try await writer.value
                #expect(written.count == 40)
                return before
            }
            let restored: DatabaseLocation
            switch fixture.location {
            case .sqlite:
                restored = .sqlite(path: file)
            case .postgres:
                try Backup.restore(fixture.location, from: file)
                restored = fixture.location
            }
            try await withPacte(restored) { app in
                #expect(try await Backup.integrityCheck(on: app.db))
                let numbers = Set(try await ArticleModel.query(on: app.db).all().map(\.number))
                #expect(Set(acknowledged).isSubset(of: numbers))
                #expect(try await AuditTrail.verify(on: app.db).firstBroken == nil)
            }
        }
    }

    @Test("Le document OpenAPI décrit chaque route, et les réponses réelles suivent ses schémas", arguments: Engine.available)
    func openAPIMatchesImplementation(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let document = try #require(try json(try await app.call(.GET, "/api/openapi.json")) as? [String: Any])
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                for route in app.routes.all where route.path.first?.description == "api" && route.path.dropFirst().first?.description == "v1" {
                    let path = "/" + route.path.map { component -> String in
                        if case .parameter(let name) = component { return "{\(name)}" }
                        return component.description
                    }.joined(separator: "/")
                    #expect(paths[path]?[route.method.rawValue.lowercased()] != nil, "route absente du document : \(route.method) \(path)")
                }
                let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let sezanne = try await app.conventionID(titled: "seed 000")
                let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == sezanne).filter(\.$code == "2.c").first())
                let probes = [
                    "/api/v1/conventions": "/api/v1/conventions",
                    "/api/v1/conventions/\(sezanne)": "/api/v1/conventions/{conventionID}",
                    "/api/v1/conventions/\(sezanne)/parties": "/api/v1/conventions/{conventionID}/parties",
                    "/api/v1/conventions/\(sezanne)/actions": "/api/v1/conventions/{conventionID}/actions",
                    "/api/v1/conventions/\(sezanne)/actions/\(try action.requireID())/lines": "/api/v1/conventions/{conventionID}/actions/{actionID}/lines",
                    "/api/v1/conventions/\(sezanne)/actions/\(try action.requireID())/shares": "/api/v1/conventions/{conventionID}/actions/{actionID}/shares",
                    "/api/v1/organisations": "/api/v1/organisations",
                    "/api/v1/auth/me": "/api/v1/auth/me",
                ]
                for (url, documented) in probes {
                    let response = try await app.call(.GET, url, token: token)
                    #expect(response.status == .ok, "\(url): \(response.status)")
                    let get = try #require(paths[documented]?["get"] as? [String: Any])
                    let schema = try #require(((((get["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
                    let problems = SchemaCheck.violations(of: try json(response), against: schema, at: url)
                    #expect(problems.isEmpty, "\(problems)")
                }
            }
        }
    }

    @Test("Les référentiels se chargent et se cherchent par nom ou SIREN", arguments: Engine.available)
    func referenceSearch(engine: Engine) async throws {
        try await withFreshDatabase(engine) { fixture in
            try await withPacte(fixture.location) { app in
                let report = try await ReferenceData.load(on: app.db)
                #expect(report.epci == 1255 && report.communes > 34_000 && report.naf > 700)
                let token = try await app.token("agent.sezanne.ville@demo.pacte.fr")
                let byName = try #require(try json(try await app.call(.GET, "/api/v1/reference/communes?q=sezanne", token: token)) as? [[String: Any]])
                #expect(byName.contains { $0["name"] as? String == "Sézanne" })
                let bySIREN = try #require(try json(try await app.call(.GET, "/api/v1/reference/epci?q=200041630", token: token)) as? [[String: Any]])
                #expect(bySIREN.first?["name"] as? String == "CA Ardenne Métropole")
                #expect(bySIREN.first?["populationYear"] as? Int == 2025)
            }
        }
    }

    static func toolExists(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }
}

/// Checks a JSON value against the subset of JSON Schema the OpenAPI document uses (types, object properties, array items).
enum SchemaCheck {
    static func violations(of value: Any, against schema: [String: Any], at path: String) -> [String] {
        guard let type = schema["type"] as? String else { return [] }
        switch (type, value) {
        case ("object", let object as [String: Any]):
            let properties = schema["properties"] as? [String: Any] ?? [:]
            return object.flatMap { key, member -> [String] in
                guard let sub = properties[key] as? [String: Any] else { return ["\(path).\(key) non documenté"] }
                return violations(of: member, against: sub, at: "\(path).\(key)")
            }
        case ("array", let array as [Any]):
            let items = schema["items"] as? [String: Any] ?? [:]
            return array.enumerated().flatMap { violations(of: $1, against: items, at: "\(path)[\($0)]") }
        case ("string", is String), ("integer", is NSNumber), ("number", is NSNumber), ("boolean", is NSNumber), (_, is NSNull):
            return []
        default:
            return ["\(path) : \(type) attendu"]
        }
    }
}
