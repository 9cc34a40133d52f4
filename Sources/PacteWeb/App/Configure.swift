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

    public init(secureCookies: Bool = false, trustProxy: Bool = false, bcryptCost: Int = 12, pageCacheMegabytes: Int = 0,
                smtp: SMTPConfiguration? = nil, oidc: OIDCSettings? = nil) {
        self.secureCookies = secureCookies
        self.trustProxy = trustProxy
        self.bcryptCost = bcryptCost
        self.pageCacheMegabytes = pageCacheMegabytes
        self.smtp = smtp
        self.oidc = oidc
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
            oidc: try OIDCSettings.fromEnvironment(env))
    }
}

struct PacteSettingsKey: StorageKey { typealias Value = PacteSettings }

extension Application {
    public var pacteSettings: PacteSettings {
        get { storage[PacteSettingsKey.self] ?? PacteSettings() }
        set { storage[PacteSettingsKey.self] = newValue }
    }
}

public enum PacteApp {
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
        app.pageCache = PageCache(budget: settings.pageCacheMegabytes << 20)
        try DatabaseSetup.configure(app, location: location)
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
        app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
        app.middleware.use(SecurityHeadersMiddleware())
        app.middleware.use(ProblemMiddleware())
        app.middleware.use(app.sessions.middleware)
        app.middleware.use(PrincipalMiddleware())
        app.middleware.use(CSRFMiddleware())
        app.routes.defaultMaxBodySize = "2mb"

        try APIRoutes.register(on: app)
        PageRoutes.register(on: app)
    }
}
