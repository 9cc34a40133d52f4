import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct SettingsOut: Documented {
    /// Share of the de minimis ceiling from which Pacte warns, as an exact fraction (`"4/5"`).
    public var deMinimisWarning: String
    /// The same in French (`80 %`).
    public var deMinimisWarningLabel: String

    init(_ s: PlatformSettings) {
        deMinimisWarning = s.deMinimisWarning.codedText
        deMinimisWarningLabel = FrenchFormat.percent(s.deMinimisWarning)
    }

    public static var example: SettingsOut { SettingsOut(.defaults) }
}

public struct SettingsIn: Documented {
    /// `"75 %"`, `"3/4"`.
    public var deMinimisWarning: Rate

    public static var example: SettingsIn { SettingsIn(deMinimisWarning: .percent(75)) }
}

/// Platform settings: read by every signed-in user, changed by a platform administrator (audited).
enum SettingsRoutes {
    static func register(_ api: APIBuilder) {
        api.on(.GET, "settings", summary: "Paramètres de la plateforme (seuil d'alerte de minimis)", tag: "Paramètres",
               response: SettingsOut.example) { req in
            _ = try req.requirePrincipal()
            return SettingsOut(try await PlatformSettings.load(on: req.db))
        }
        api.on(.PUT, "settings", summary: "Modifier les paramètres (administrateur de la plateforme)", tag: "Paramètres",
               request: SettingsIn.example, response: SettingsOut.example) { req in
            let input = try req.content.decode(SettingsIn.self)
            return SettingsOut(try await save(req, PlatformSettings(deMinimisWarning: input.deMinimisWarning)))
        }
    }

    /// Shared by the API and the settings form.
    static func save(_ req: Request, _ settings: PlatformSettings) async throws -> PlatformSettings {
        let principal = try req.requirePrincipal()
        guard principal.isPlatformAdmin else { throw Problem(.forbidden, "Réservé à l'administrateur de la plateforme.") }
        try await settings.save(actor: principal.actor, on: req.db)
        return settings
    }
}
