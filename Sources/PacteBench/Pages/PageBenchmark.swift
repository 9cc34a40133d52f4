import Fluent
import Foundation
import PacteCore
import PacteStore
import PacteWeb
import Vapor

/// Server-side time of every page with the demo data: each request goes through the whole
/// middleware chain (session, principal, CSRF, security headers), its queries and the HTML
/// rendering, in-process, without the network. `GET /ready` (one query of the migration log), measured in the
/// same run, is the reference the ratios are quoted against.
public enum PageBenchmark {
    public struct Row: Sendable {
        public var page: String
        public var samples: Int
        public var median: Duration
        public var p95: Duration
        public var max: Duration
        public var bytes: Int
    }

    /// One representative path per page kind, on the demo convention with the most actions.
    static func paths(on db: any Database) async throws -> [(String, String)] {
        var biggest: (UUID, Int)?
        for convention in try await ConventionModel.query(on: db).all() {
            let count = try await ActionModel.query(on: db).filter(\.$convention.$id == convention.requireID()).count()
            if biggest == nil || count > biggest!.1 { biggest = (try convention.requireID(), count) }
        }
        guard let (id, _) = biggest else { throw Problem(.notFound, "Aucune convention : chargez d'abord les données de démonstration.") }
        let sezanne = try await ConventionModel.query(on: db).all().first { ($0.source ?? "").contains("seed 000") }?.id ?? id
        let action = try await ActionModel.query(on: db).filter(\.$convention.$id == id).sort(\.$position).first()!.requireID()
        let base = "/conventions/\(id)"
        return [
            ("Référence : /ready (une requête à la base)", "/ready"),
            ("Tableau de bord", "/"),
            ("Liste des conventions", "/conventions"),
            ("Annuaire (recherche « Marne »)", "/organisations?q=Marne"),
            ("Convention de Sézanne", "/conventions/\(sezanne)"),
            ("Convention la plus chargée", base),
            ("Version imprimable (la plus chargée)", base + "/imprimer"),
            ("Fiche-action", base + "/actions/\(action)"),
            ("Formulaire : nouvelle convention", "/conventions/nouvelle"),
            ("Formulaire : modifier la convention", base + "/modifier"),
            ("Formulaire : nouvelle part de financement", base + "/actions/\(action)/parts/nouvelle"),
            ("API : plan de financement calculé (JSON)", "/api/v1/conventions/\(id)/plan"),
        ]
    }

    /// A one-hour token for a platform administrator (the demo's by default), so that the benchmark sees every page.
    public static func adminToken(on db: any Database, email: String = "admin@demo.pacte.fr") async throws -> String {
        guard let admin = try await UserModel.query(on: db).filter(\.$email == email).first() else {
            throw Problem(.notFound, "Compte \(email) introuvable : chargez d'abord les données (démonstration ou jeu synthétique).")
        }
        let token = TokenHash.newToken(prefix: "pacte_")
        try await APITokenModel(id: UUID(), userID: try admin.requireID(), name: "mesure des pages", tokenHash: TokenHash.of(token),
                                expiresAt: Date().addingTimeInterval(3600)).create(on: db)
        return token
    }

    /// Runs `iterations` timed requests per page after `warmup` untimed ones, as the platform administrator.
    public static func run(_ app: Application, token: String, iterations: Int, warmup: Int = 5,
                           progress: (String) -> Void = { _ in }) async throws -> [Row] {
        var rows: [Row] = []
        let clock = ContinuousClock()
        for (label, path) in try await paths(on: app.db) {
            progress(label)
            var durations: [Duration] = []
            var bytes = 0
            for round in 0..<(warmup + iterations) {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: token)
                let request = Request(application: app, method: .GET, url: URI(string: path), headers: headers, on: app.eventLoopGroup.next())
                let start = clock.now
                let response = try await app.responder.respond(to: request).get()
                let elapsed = clock.now - start
                guard response.status == .ok else {
                    throw Problem(.internalServerError, "\(path) a répondu \(response.status.code) pendant la mesure.")
                }
                bytes = response.body.count
                if round >= warmup { durations.append(elapsed) }
            }
            durations.sort()
            rows.append(Row(page: label, samples: durations.count, median: durations[durations.count / 2],
                            p95: durations[min(durations.count - 1, durations.count * 95 / 100)], max: durations.last!, bytes: bytes))
        }
        return rows
    }

    /// A French table: milliseconds with two decimals, ratio to the reference's median.
    static func micro(_ d: Duration) -> Int64 { d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000 }

    /// Milliseconds with two decimals and a French comma: `12,34`.
    static func ms(_ d: Duration) -> String {
        let hundredths = (micro(d) + 5) / 10
        return "\(hundredths / 100),\(String(format: "%02d", hundredths % 100))"
    }

    public static func report(_ rows: [Row]) -> String {
        let reference = max(micro(rows.first?.median ?? .zero), 1)
        let width = (rows.map(\.page.count).max() ?? 10) + 2
        var lines = ["Page".padding(toLength: width, withPad: " ", startingAt: 0) + "  médiane ms     p95 ms     max ms   × réf.   octets"]
        for row in rows {
            let ratio = Double(micro(row.median)) / Double(reference)
            lines.append(row.page.padding(toLength: width, withPad: " ", startingAt: 0)
                + ms(row.median).leftPadded(11) + ms(row.p95).leftPadded(11) + ms(row.max).leftPadded(11)
                + String(format: "%.1f", ratio).replacingOccurrences(of: ".", with: ",").leftPadded(9)
                + String(row.bytes).leftPadded(9))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
