import AsyncHTTPClient
import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import Vapor

extension ClusterBenchmark {
    /// What the demo holds that the users work on: seed 001, its chamber's agent, the community of
    /// communes that funds the services, three actions (one envelope each, one per phase).
    struct Seed: Sendable {
        var conventionID: UUID
        var funderID: UUID
        var actionIDs: [UUID]
        var email: String
    }

    /// Migrates the new database and loads the demo, its accounts hashed at bcrypt's lowest cost:
    /// 64 sign-ins measure the cluster, not bcrypt.
    func prepare(url: String, password: String) async throws -> Seed {
        let app = try await makeApplication(url)
        app.logger.logLevel = .warning
        return try await PacteApp.run(app) { app in
            _ = try await DemoData.load(on: app.db, password: password, hash: try Bcrypt.hash(password, cost: 4))
            let conventions = try await ConventionModel.query(on: app.db).all()
            guard let convention = conventions.first(where: { ($0.source ?? "").contains("seed 001") }),
                  let funder = try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first() else {
                throw BenchTools.Failure(description: "La convention de démonstration « seed 001 » ou la CCST manque.")
            }
            let actions = try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention.requireID()).sort(\.$position).all()
            guard actions.count >= 3 else { throw BenchTools.Failure(description: "La convention « seed 001 » a moins de trois actions.") }
            return Seed(conventionID: try convention.requireID(), funderID: try funder.requireID(),
                        actionIDs: try actions.prefix(3).map { try $0.requireID() }, email: "agent.sud-territoire.cma@demo.pacte.fr")
        }
    }

    /// Made through the API once the cluster runs: companies to serve and one envelope per phase.
    struct Setup: Sendable {
        var seed: Seed
        var companies: [UUID]
        var envelopes: [UUID]
        var password: String

        func workload(_ index: Int) -> ClusterLoad.Workload {
            ClusterLoad.Workload(conventionID: seed.conventionID, actionID: seed.actionIDs[index], companies: companies, email: seed.email,
                                 password: password, quote: "300.00", date: "2021-03-01")
        }

        static func make(client: HTTPClient, base: String, seed: Seed, password: String, budget: Money, phases: Int) async throws -> Setup {
            let login = await ClusterLoad.send(client, .POST, base + "/api/v1/auth/token", headers: [("Content-Type", "application/json")],
                                               body: #"{"email":"\#(seed.email)","password":"\#(password)","name":"banc de grappe"}"#, tally: nil)
            guard login.status == 201, let token = (try? JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["token"] as? String else {
                throw BenchTools.Failure(description: "Jeton d'API refusé (\(login.status)) : \(login.body)")
            }
            let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
            func create(_ path: String, _ body: String) async throws -> UUID {
                let answer = await ClusterLoad.send(client, .POST, base + path, headers: headers, body: body, tally: nil)
                guard answer.status == 201, let id = ClusterLoad.identifier(in: answer.body) else {
                    throw BenchTools.Failure(description: "\(path) a répondu \(answer.status) : \(answer.body)")
                }
                return id
            }
            var companies: [UUID] = []
            for index in 0..<64 {
                companies.append(try await create("/api/v1/companies", #"{"siret":"\#(siret(index))","name":"Entreprise de charge \#(index + 1)"}"#))
            }
            var envelopes: [UUID] = []
            for phase in 0..<phases {
                envelopes.append(try await create("/api/v1/conventions/\(seed.conventionID)/envelopes", """
                    {"name":"Grappe — phase \(phase + 1)","funderID":"\(seed.funderID)","actionID":"\(seed.actionIDs[phase])","cap":"\(budget.decimalString)"}
                    """))
            }
            return Setup(seed: seed, companies: companies, envelopes: envelopes, password: password)
        }

        /// A valid SIRET for the n-th company: SIREN and SIRET check digits found by trying.
        static func siret(_ index: Int) -> String {
            let stem = "7" + String(format: "%07d", 1_000 + index)
            let siren = (0...9).map { stem + String($0) }.first { (try? Siren($0)) != nil } ?? stem + "0"
            return (0...9).map { siren + "0001" + String($0) }.first { (try? Siret($0)) != nil } ?? siren + "00010"
        }
    }

    /// After the load, in the database: no envelope over its cap, every acknowledged write there.
    func check(url: String, phases: [Phase], seed: Seed) async throws -> (lines: [String], failures: [String]) {
        let app = try await makeApplication(url)
        app.logger.logLevel = .warning
        return try await PacteApp.run(app, migrate: false) { app in
            var lines: [String] = [], failures: [String] = []
            let envelopes = try await Commitments.envelopes(of: seed.conventionID, on: app.db)
            for phase in phases {
                guard let state = envelopes.first(where: { $0.id == phase.envelopeID }) else {
                    failures.append("enveloppe de la phase « \(phase.title) » introuvable")
                    continue
                }
                let over = state.committed > state.envelope.cap
                lines.append("Enveloppe « \(state.envelope.name) » : \(FrenchFormat.money(state.committed)) engagés pour un plafond de "
                             + "\(FrenchFormat.money(state.envelope.cap)) — \(over ? "DÉPASSÉE" : "jamais dépassée").")
                if over { failures.append("surengagement de \(FrenchFormat.money(Money(cents: state.committed.cents - state.envelope.cap.cents)))") }
            }
            let created = phases.flatMap(\.snapshot.created)
            let accepted = phases.flatMap(\.snapshot.accepted)
            var present = 0, funded = 0
            for chunk in stride(from: 0, to: created.count, by: 500).map({ Array(created[$0..<min($0 + 500, created.count)]) }) {
                present += try await InterventionModel.query(on: app.db).filter(\.$id ~~ chunk).count()
            }
            for chunk in stride(from: 0, to: accepted.count, by: 500).map({ Array(accepted[$0..<min($0 + 500, accepted.count)]) }) {
                let models = try await InterventionModel.query(on: app.db).filter(\.$id ~~ chunk).filter(\.$status == .accepted).all()
                let held = Set(try await CommitmentModel.query(on: app.db).filter(\.$interventionID ~~ chunk).filter(\.$status == .committed).all()
                    .compactMap(\.interventionID))
                funded += models.filter { held.contains($0.id!) }.count
            }
            lines.append("Écritures acquittées : \(present) prestations prescrites sur \(created.count) retrouvées, "
                         + "\(funded) acceptées sur \(accepted.count) retrouvées acceptées avec leurs engagements.")
            if present != created.count { failures.append("\(created.count - present) prescription(s) acquittée(s) perdue(s)") }
            if funded != accepted.count { failures.append("\(accepted.count - funded) acceptation(s) acquittée(s) perdue(s)") }
            return (lines, failures)
        }
    }
}
