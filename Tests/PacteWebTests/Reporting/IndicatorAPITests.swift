import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Indicateurs : mesures datées avec leur source, objectif en part d'un autre indicateur, valeurs calculées")
struct IndicatorAPITests {
    @Test("PROTECT'EAU (seed 003) par l'API : 5 diagnostiqués dont 3 régularisés dans l'objectif, 2 en retard ; prestations réalisées calculées",
          arguments: Engine.available)
    func protectEau(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (admin, dijon, diagnosed, regularised) = try await protectEau(app)
            let base = "/api/v1/conventions/\(dijon)/actions/\(diagnosed.$action.id)"
            let goal = try await app.call(.PUT, base + "/indicators/\(regularised.id!)/goal", token: admin,
                                          json: #"{"rate":"60 %","baseIndicatorID":"\#(diagnosed.id!)"}"#)
            #expect(goal.status == .ok, "\(goal.body.string)")
            func measure(_ indicator: IndicatorModel, _ value: String, on date: String) async throws {
                let response = try await app.call(.POST, base + "/indicators/\(indicator.id!)/measurements", token: admin,
                                                  json: #"{"measuredOn":"\#(date)","value":"\#(value)","source":"rapport PROTECT'EAU"}"#)
                #expect(response.status == .created, "\(response.body.string)")
            }
            try await measure(diagnosed, "5", on: "2022-12-15")
            try await measure(regularised, "3", on: "2022-12-15")
            func status(on date: String) async throws -> String? {
                let readings = try #require(try json(try await app.call(.GET, base + "/indicator-readings?on=\(date)", token: admin)) as? [[String: Any]])
                return readings.first { $0["indicatorID"] as? String == regularised.id!.uuidString }?["status"] as? String
            }
            #expect(try await status(on: "2022-12-31") == "onTrack")
            try await measure(regularised, "2", on: "2023-01-10")
            #expect(try await status(on: "2023-01-31") == "behind", "the latest measurement counts")
            #expect(try await status(on: "2022-12-31") == "onTrack", "a reading at an earlier date ignores later measurements")
            #expect(try await status(on: "2022-01-01") == "notMeasured")

            let page = try await app.call(.GET, "/conventions/\(dijon)/actions/\(diagnosed.$action.id)", token: admin).body.string
            #expect(page.contains("au moins \(FrenchFormat.percent(.percent(60)))") && page.contains("en retard"))

            // An indicator measured from execution cannot be typed in.
            #expect(try await app.call(.PUT, base + "/indicators/\(diagnosed.id!)/goal", token: admin, json: #"{"autoSource":"servicesDelivered"}"#).status == .ok)
            let typed = try await app.call(.POST, base + "/indicators/\(diagnosed.id!)/measurements", token: admin,
                                           json: #"{"measuredOn":"2023-02-01","value":"4"}"#)
            #expect(typed.status == .conflict)
            let readings = try #require(try json(try await app.call(.GET, base + "/indicator-readings", token: admin)) as? [[String: Any]])
            #expect(readings.first { $0["indicatorID"] as? String == diagnosed.id!.uuidString }?["value"] as? String == "0", "no service delivered yet")
        }
    }

    @Test("PROTECT'EAU par les formulaires : objectif « dont 60 % », mesures datées, erreurs en français, mesure refusée sur un indicateur calculé",
          arguments: Engine.available)
    func protectEauForms(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (admin, dijon, diagnosed, regularised) = try await protectEau(app)
            let action = "/conventions/\(dijon)/actions/\(diagnosed.$action.id)"
            let sheet = try await app.call(.GET, action, token: admin).body.string
            #expect(sheet.contains("\(action)/indicateurs/\(regularised.id!)/objectif") && sheet.contains("\(action)/indicateurs/\(regularised.id!)/mesure"))
            let goalForm = try await app.call(.GET, action + "/indicateurs/\(regularised.id!)/objectif", token: admin).body.string
            #expect(goalForm.contains("Sites diagnostiqués") && goalForm.contains("Saisie à la main"))

            let missing = try await app.call(.POST, action + "/indicateurs/\(regularised.id!)/objectif", token: admin, form: ["mode": "share", "rate": "soixante"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Choisissez « Indicateur de référence »") && missing.body.string.contains("soixante"))
            let goal = try await app.call(.POST, action + "/indicateurs/\(regularised.id!)/objectif", token: admin,
                                          form: ["mode": "share", "rate": "60 %", "baseIndicatorID": diagnosed.id!.uuidString, "autoSource": ""])
            #expect(goal.status == .seeOther)
            #expect(try await IndicatorModel.find(regularised.id, on: app.db)?.goalRate == .percent(60))

            let badValue = try await app.call(.POST, action + "/indicateurs/\(diagnosed.id!)/mesure", token: admin,
                                              form: ["measuredOn": "15/12/2022", "value": "cinq", "source": "rapport"])
            #expect(badValue.status == .unprocessableEntity && badValue.body.string.contains("Quantité illisible"))
            for (indicator, value) in [(diagnosed, "5"), (regularised, "3")] {
                let saved = try await app.call(.POST, action + "/indicateurs/\(indicator.id!)/mesure", token: admin,
                                               form: ["measuredOn": "15/12/2022", "value": value, "source": "rapport PROTECT'EAU"])
                #expect(saved.status == .seeOther && saved.headers.first(name: .location)?.contains("ok=mesure") == true)
            }
            let readings = try #require(try json(try await app.call(.GET, "/api/v1/conventions/\(dijon)/actions/\(diagnosed.$action.id)/indicator-readings?on=2022-12-31",
                                                                    token: admin)) as? [[String: Any]])
            #expect(readings.first { $0["indicatorID"] as? String == regularised.id!.uuidString }?["status"] as? String == "onTrack")
            // The chart: 3 regularised of 5 diagnosed is 60 % for 60 % aimed at, 100 % of the goal, written beside the bar.
            let charted = try await app.call(.GET, action, token: admin).body.string
            #expect(charted.contains("Indicateurs : mesure rapportée à l'objectif à ce jour"))
            #expect(charted.contains("100 % de l&#39;objectif — dans l&#39;objectif"), "\(charted.components(separatedBy: "indicateurs-graphique").dropFirst().first?.prefix(600) ?? "")")

            // Measured from execution: the form says so, and a typed value is refused in French.
            #expect(try await app.call(.POST, action + "/indicateurs/\(diagnosed.id!)/objectif", token: admin,
                                       form: ["mode": "count", "autoSource": "servicesDelivered"]).status == .seeOther)
            let computed = try await app.call(.POST, action + "/indicateurs/\(diagnosed.id!)/mesure", token: admin,
                                              form: ["measuredOn": "01/02/2023", "value": "4"])
            #expect(computed.body.string.contains("calculé à partir de l'exécution"))
        }
    }

    /// An administrator's token, the Dijon convention (seed 003) and PROTECT'EAU's two indicators.
    private func protectEau(_ app: Application) async throws -> (String, UUID, IndicatorModel, IndicatorModel) {
        let admin = try await app.token("admin@demo.pacte.fr")
        let dijon = try await app.conventionID(titled: "seed 003")
        let indicators = try await IndicatorModel.query(on: app.db).with(\.$action).all().filter { $0.action.$convention.id == dijon }
        let diagnosed = try #require(indicators.first { $0.label == "Sites diagnostiqués" })
        let regularised = try #require(indicators.first { $0.label == "Sites diagnostiqués régularisés" })
        return (admin, dijon, diagnosed, regularised)
    }
}
