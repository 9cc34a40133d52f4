import Fluent
import FluentSQLiteDriver
import Foundation
import PacteStore
import Vapor

/// Settings read from the environment (documented in the README's configuration table).
public struct PacteSettings: Sendable {
    /// `Secure` cookies and HSTS: on when Pacte is served over HTTPS (`PACTE_PUBLIC_URL=https://…`).
    public var secureCookies: Bool
    /// Trust `X-Forwarded-For` from the load balancer (`PACTE_TRUST_PROXY=1`).
    public var trustProxy: Bool
    /// bcrypt cost; 12 in production, lower only in tests (`PACTE_BCRYPT_COST`).
    public var bcryptCost: Int
    /// Memory for rendered pages (`PACTE_PAGE_CACHE_MB`, 64 by default in production, 0 = off).
    public var pageCacheMegabytes: Int
    /// The relay for invitations and password resets (`PACTE_SMTP_URL`); without one, an invitation
    /// link is shown to the administrator who made it.
    public var smtp: SMTPConfiguration?
    /// ProConnect sign-in (`PACTE_OIDC_ISSUER`, `PACTE_OIDC_CLIENT_ID`, `PACTE_OIDC_CLIENT_SECRET`).
    public var oidc: OIDCSettings?
    /// The bearer token `/metrics` asks for (`PACTE_METRICS_TOKEN`); without one, `/metrics` is off.
    public var metricsToken: String?
    /// This process's name in logs, metrics and PostgreSQL's `application_name` (`PACTE_INSTANCE`;
    /// `pacte serve` defaults to host and port).
    public var instance: String?
    /// PostgreSQL connections per event loop (`PACTE_DATABASE_CONNECTIONS`, 1 by default).
    public var databaseConnectionsPerEventLoop: Int

    public init(secureCookies: Bool = false, trustProxy: Bool = false, bcryptCost: Int = 12, pageCacheMegabytes: Int = 0,
                smtp: SMTPConfiguration? = nil, oidc: OIDCSettings? = nil, metricsToken: String? = nil, instance: String? = nil,
                databaseConnectionsPerEventLoop: Int = DatabaseSetup.defaultConnectionsPerEventLoop) {
        self.secureCookies = secureCookies
        self.trustProxy = trustProxy
        self.bcryptCost = bcryptCost
        self.pageCacheMegabytes = pageCacheMegabytes
        self.smtp = smtp
        self.oidc = oidc
        self.metricsToken = metricsToken
        self.instance = instance
        self.databaseConnectionsPerEventLoop = databaseConnectionsPerEventLoop
    }

    /// Throws, in French, on a setting that is set but unreadable: better than starting without it.
    public static func fromEnvironment() throws -> PacteSettings {
        let env = ProcessInfo.processInfo.environment
        return PacteSettings(
            secureCookies: env["PACTE_PUBLIC_URL"]?.lowercased().hasPrefix("https://") ?? false,
            trustProxy: ["1", "true", "oui"].contains(env["PACTE_TRUST_PROXY"]?.lowercased() ?? ""),
            bcryptCost: Int(env["PACTE_BCRYPT_COST"] ?? "").map { min(max($0, 4), 31) } ?? 12,
            pageCacheMegabytes: Int(env["PACTE_PAGE_CACHE_MB"] ?? "").map { min(max($0, 0), 4_096) } ?? 64,
            smtp: try SMTPConfiguration.fromEnvironment(env),
            oidc: try OIDCSettings.fromEnvironment(env),
            metricsToken: try metricsToken(env["PACTE_METRICS_TOKEN"]),
            instance: env["PACTE_INSTANCE"].flatMap { $0.isEmpty ? nil : $0 },
            databaseConnectionsPerEventLoop: try connections(env["PACTE_DATABASE_CONNECTIONS"]))
    }

    /// A metrics token guessable by trying is no protection: 24 characters at least.
    static func metricsToken(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.count >= 24 else {
            throw SettingError("PACTE_METRICS_TOKEN est trop court (\(raw.count) caractères) : 24 au moins, par exemple `openssl rand -hex 24`.")
        }
        return raw
    }

    static func connections(_ raw: String?) throws -> Int {
        guard let raw, !raw.isEmpty else { return DatabaseSetup.defaultConnectionsPerEventLoop }
        guard let count = Int(raw), (1...64).contains(count) else {
            throw SettingError("PACTE_DATABASE_CONNECTIONS vaut « \(raw) » : un nombre de connexions par boucle d'événements, de 1 à 64.")
        }
        return count
    }
}

/// A setting that is set but unreadable: the server refuses to start and says which and why.
public struct SettingError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

struct PacteSettingsKey: StorageKey { typealias Value = PacteSettings }

extension Application {
    public var pacteSettings: PacteSettings {
        get { storage[PacteSettingsKey.self] ?? PacteSettings() }
        set { storage[PacteSettingsKey.self] = newValue }
    }
}

public enum PacteApp {
    /// The names of this version's migrations not applied yet; nil when the migration log cannot be
    /// read (an empty database). What `/ready` and the commands that need the current schema ask.
    public static func pendingMigrations(_ app: Application) async -> [String]? {
        try? await app.migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    /// Runs `body` with a configured application (migrated unless told), and always shuts it down:
    /// the commands and the benchmarks open applications this way.
    public static func run<T>(_ app: Application, migrate: Bool = true, _ body: (Application) async throws -> T) async throws -> T {
        do {
            if migrate {
                try await DatabaseSetup.prepare(app.db)
                try await app.autoMigrate()
            }
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Wires database, sessions, middleware and routes. Migrations are registered, not run.
    public static func configure(_ app: Application, location: DatabaseLocation, settings: PacteSettings) throws {
        app.pacteSettings = settings
        let telemetry = Telemetry(instance: settings.instance ?? "pacte")
        app.telemetry = telemetry
        app.pageCache = PageCache(budget: settings.pageCacheMegabytes << 20) { hit in telemetry.recordPageCache(hit: hit) }
        try DatabaseSetup.configure(app, location: location, instance: settings.instance,
                                    connectionsPerEventLoop: settings.databaseConnectionsPerEventLoop)
        app.passwords.use(.bcrypt(cost: settings.bcryptCost))
        if let oidc = settings.oidc {
            app.oidcProvider = OIDCProvider(settings: oidc)
            // A sign-in waits on the provider: never for long.
            app.http.client.configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        }

        // Sessions live in the database so that every instance behind a load balancer shares them.
        app.sessions.use(.fluent)
        let secure = settings.secureCookies
        app.sessions.configuration = SessionsConfiguration(cookieName: "pacte_session") { id in
            HTTPCookies.Value(string: id.string, maxAge: 8 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }

        app.middleware = Middlewares()
        app.middleware.use(RequestTelemetryMiddleware())
        app.middleware.use(SecurityHeadersMiddleware())
        app.middleware.use(ProblemMiddleware())
        app.middleware.use(app.sessions.middleware)
        app.middleware.use(PrincipalMiddleware())
        app.middleware.use(CSRFMiddleware())
        app.routes.defaultMaxBodySize = "2mb"

        OperationsRoutes.register(on: app)
        try APIRoutes.register(on: app)
        PageRoutes.register(on: app)
    }
}
