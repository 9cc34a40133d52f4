import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import SQLKit
import Testing
import Vapor

/// Figures at national scale, printed and never compared with a time: the département roll-up of
/// every département, and the register reports of three territories, with the query plans of every
/// statement they run. Runs only with `PACTE_TERRITORY_SCALE_DATABASE` naming a database filled by
/// `pacte bench generate --scale national` (`sqlite:///…` or `postgres://…`); when its register is
/// empty, a synthetic one is written first (one establishment for 20 inhabitants of each commune,
/// about 3,4 million, Paris, Lyon and Marseille by arrondissement).
@Suite("Échelle nationale : départements et registre des entreprises (mesures, sans seuil de temps)",
       .enabled(if: ProcessInfo.processInfo.environment["PACTE_TERRITORY_SCALE_DATABASE"] != nil))
struct TerritoryScaleFigures {
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    /// The median of `runs` timings of `body`, in milliseconds, and its last result.
    static func median<T>(_ runs: Int = 3, _ body: () async throws -> T) async throws -> (ms: Double, value: T) {
        var times: [Double] = []
        var value: T?
        for _ in 0..<runs {
            let start = ContinuousClock.now
            value = try await body()
            times.append(milliseconds(ContinuousClock.now - start))
        }
        return (times.sorted()[runs / 2], value!)
    }

    static func format(_ ms: Double) -> String { String(format: "%.1f ms", ms) }

    @Test func figures() async throws {
        let location = try DatabaseLocation.resolve(databaseURL: ProcessInfo.processInfo.environment["PACTE_TERRITORY_SCALE_DATABASE"], dataDirectory: ".")
        try await withPacte(location) { app in
            try await app.autoMigrate()
            let sql = app.db as! any SQLDatabase
            let engine = sql.dialect.name
            let log = StatementLog()

            // The roll-up of every département as a platform administrator, and the page around it.
            let index = try await DepartementRollup.index(memberOf: nil, on: app.db)
            var rows: [(code: String, ms: Double, render: Double, conventions: Int, services: Int)] = []
            try await log.recording(app) {
                for entry in index {
                    let (ms, rollup) = try await Self.median { try await DepartementRollup.rollup(entry.code, memberOf: nil, on: app.db) }
                    let start = ContinuousClock.now
                    _ = DepartementPages.page(rollup, viewer: Viewer(email: "mesure@pacte.fr", csrf: "")).html.count
                    rows.append((entry.code, ms, Self.milliseconds(ContinuousClock.now - start), rollup.lines.count, rollup.totals.services))
                }
            }
            let times = rows.map(\.ms).sorted()
            let slowest = rows.max { $0.ms < $1.ms }!
            let biggest = rows.max { $0.services < $1.services }!
            print("[\(engine)] départements : \(rows.count), conventions \(rows.map(\.conventions).reduce(0, +)), prestations \(rows.map(\.services).reduce(0, +))")
            print("[\(engine)] synthèse d'un département (médiane de 3) : p50 \(Self.format(times[times.count / 2])), p90 \(Self.format(times[times.count * 9 / 10])), max \(Self.format(times.last!)) (\(slowest.code) : \(slowest.conventions) conventions, \(slowest.services) prestations)")
            print("[\(engine)] le plus gros : \(biggest.code), \(biggest.conventions) conventions, \(biggest.services) prestations, \(Self.format(biggest.ms)) + rendu \(Self.format(biggest.render))")

            // A chamber's agent sees only its conventions: the same roll-up through the visibility filter.
            struct Member: Decodable { var organisation_id: UUID }
            if let member = try await sql.raw("SELECT organisation_id FROM convention_parties cp JOIN organisations o ON o.id = cp.organisation_id WHERE o.departement_code = \(bind: biggest.code) LIMIT 1").first(decoding: Member.self) {
                let (ms, rollup) = try await Self.median { try await DepartementRollup.rollup(biggest.code, memberOf: [member.organisation_id], on: app.db) }
                print("[\(engine)] \(biggest.code) vu par un partenaire : \(rollup.lines.count) conventions, \(Self.format(ms))")
            }

            // The register: a synthetic one when the import has not filled it.
            if try await RegisterReports.isEmpty(on: app.db) {
                let start = ContinuousClock.now
                try await Self.fillRegister(sql)
                print("[\(engine)] registre synthétique écrit en \(Self.format(Self.milliseconds(ContinuousClock.now - start)))")
            }
            struct Count: Decodable { var n: Int }
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM register_establishments").first(decoding: Count.self)?.n ?? 0
            print("[\(engine)] registre : \(total) établissements")
            let month = YearMonth(year: 2024, month: 3)
            try await log.recording(app) {
                for siren in ["242100410", "200046977", "200054781"] {
                    let (territoryMS, territory) = try await Self.median { try await RegisterReports.territory(epci: siren, on: app.db) }
                    let creations = try await Self.median { try await RegisterReports.count(.creations, in: month, on: territory, db: app.db) }
                    let closures = try await Self.median { try await RegisterReports.count(.closures, in: month, on: territory, db: app.db) }
                    let firstPage = try await Self.median { try await RegisterReports.list(.creations, in: month, on: territory, limit: 50, offset: 0, db: app.db) }
                    let lastPage = try await Self.median {
                        try await RegisterReports.list(.creations, in: month, on: territory, limit: 50, offset: max(0, creations.value - 50), db: app.db)
                    }
                    let closedPage = try await Self.median { try await RegisterReports.list(.closures, in: month, on: territory, limit: 50, offset: 0, db: app.db) }
                    let export = try await Self.median { try await RegisterReports.list(.creations, in: month, on: territory, db: app.db) }
                    let big = try await Self.median { try await RegisterReports.countWorkforce(from: RegisterReports.defaultBand, on: territory, db: app.db) }
                    let bands = try await Self.median { try await RegisterReports.workforceByBand(from: RegisterReports.defaultBand, on: territory, db: app.db) }
                    let bigPage = try await Self.median { try await RegisterReports.listWorkforce(from: RegisterReports.defaultBand, on: territory, limit: 50, offset: 0, db: app.db) }
                    let bigExport = try await Self.median { try await RegisterReports.listWorkforce(from: RegisterReports.defaultBand, on: territory, db: app.db) }
                    let movementsPage = territoryMS + creations.ms + closures.ms + firstPage.ms + closedPage.ms
                    let workforcePage = territoryMS + big.ms + bands.ms + bigPage.ms
                    print("[\(engine)] \(territory.name) (\(territory.communes.count) communes, \(territory.establishmentCodes.count) codes) : "
                          + "mars 2024 \(creations.value) créations, \(closures.value) fermetures ; requêtes de la page \(Self.format(movementsPage)) "
                          + "(dernière page \(Self.format(lastPage.ms)), téléchargement complet \(Self.format(export.ms)) pour \(export.value.count) lignes) ; "
                          + "50 salariés et plus : \(big.value), requêtes de la page \(Self.format(workforcePage)), téléchargement \(Self.format(bigExport.ms)) pour \(bigExport.value.count) lignes")
                }
            }
            let report = try await QueryPlans.check(log.statements, on: app.db)
            print("[\(engine)] plans : \(report.explained) requêtes distinctes expliquées, \(report.findings.count) lectures complètes, \(report.allowed.count) admises")
            #expect(report.isClean, "\(report)")
        }
    }

    /// About 3,4 million establishments: one for 20 inhabitants of each commune, created over 36
    /// years from 1990, one in four closed, workforce bands in roughly SIRENE's proportions (half
    /// non-employers, 3 % at 50 employees and more).
    static func fillRegister(_ sql: any SQLDatabase) async throws {
        let band = """
            CASE WHEN m < 500 THEN 'NN' WHEN m < 600 THEN '00' WHEN m < 750 THEN '01' WHEN m < 830 THEN '02' WHEN m < 880 THEN '03'
                 WHEN m < 920 THEN '11' WHEN m < 955 THEN '12' WHEN m < 970 THEN '21' WHEN m < 980 THEN '22' WHEN m < 984 THEN '31'
                 WHEN m < 990 THEN '32' WHEN m < 994 THEN '41' WHEN m < 997 THEN '42' WHEN m < 998 THEN '51' WHEN m < 999 THEN '52' ELSE '53' END
            """
        let columns = "siret, siren, name, naf, workforce_band, workforce_year, commune_code, address, created_on, closed_on, is_head_office, updated_at_source"
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE TEMP TABLE IF NOT EXISTS register_sequence (n INTEGER PRIMARY KEY)").run()
            try await sql.raw("DELETE FROM register_sequence").run()
            try await sql.raw("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 199999) INSERT INTO register_sequence SELECT n FROM s").run()
            try await sql.raw("""
                INSERT INTO register_establishments (\(unsafeRaw: columns))
                SELECT printf('%s%09d', code, n), printf('%s%04d', code, n % 10000), 'Établissement ' || code || '-' || n, '62.01Z',
                       \(unsafeRaw: band), 2022,
                       CASE code WHEN '75056' THEN printf('751%02d', n % 20 + 1) WHEN '69123' THEN printf('6938%d', n % 9 + 1)
                                 WHEN '13055' THEN printf('132%02d', n % 16 + 1) ELSE code END,
                       n || ' rue de la Synthèse', date('1990-01-01', '+' || day || ' days'),
                       CASE WHEN n % 4 = 0 THEN date('1990-01-01', '+' || (day + (n * 31) % 3000) || ' days') END, n % 3 = 0, '2025-12-31'
                FROM (SELECT c.code, q.n, (q.n * 37) % 1000 AS m, (q.n * 7919 + c.population) % 13149 AS day
                      FROM ref_communes c JOIN register_sequence q ON q.n < MAX(1, c.population / 20) WHERE c.population IS NOT NULL)
                """).run()
        } else {
            try await sql.raw("""
                INSERT INTO register_establishments (\(unsafeRaw: columns))
                SELECT code || lpad(n::text, 9, '0'), code || lpad((n % 10000)::text, 4, '0'), 'Établissement ' || code || '-' || n, '62.01Z',
                       \(unsafeRaw: band), 2022,
                       CASE code WHEN '75056' THEN '751' || lpad((n % 20 + 1)::text, 2, '0') WHEN '69123' THEN '6938' || (n % 9 + 1)
                                 WHEN '13055' THEN '132' || lpad((n % 16 + 1)::text, 2, '0') ELSE code END,
                       n || ' rue de la Synthèse', to_char(date '1990-01-01' + day, 'YYYY-MM-DD'),
                       CASE WHEN n % 4 = 0 THEN to_char(date '1990-01-01' + day + ((n * 31) % 3000)::int, 'YYYY-MM-DD') END, n % 3 = 0, '2025-12-31'
                FROM (SELECT c.code, q.n, (q.n * 37) % 1000 AS m, ((q.n * 7919 + c.population) % 13149)::int AS day
                      FROM ref_communes c CROSS JOIN LATERAL generate_series(0, GREATEST(1, c.population / 20) - 1) AS q(n)
                      WHERE c.population IS NOT NULL) s
                """).run()
            try await sql.raw("ANALYZE register_establishments").run()
        }
    }
}
