import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Calendrier des livrables")
struct DeliverableAPITests {
    @Test("Une note mensuelle en 2021 : janvier livré en retard, février à temps, une échéance livrée une seule fois", arguments: Engine.available)
    func monthlyNote(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let dijon = try await app.conventionID(titled: "seed 003")
            let api = "/api/v1/conventions/\(dijon)/deliverables"
            let backwards = try await app.call(.POST, api, token: admin,
                                               json: #"{"name":"Note mensuelle","periodicity":"monthly","firstDue":"2021-12-31","lastDue":"2021-01-31"}"#)
            #expect(backwards.status == .unprocessableEntity)
            let created = try await app.call(.POST, api, token: admin,
                                             json: #"{"name":"Note mensuelle","periodicity":"monthly","firstDue":"2021-01-31","lastDue":"2021-12-31","responsible":"la CCI"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let id = try #require(((try json(created) as? [[String: Any]])?.first)?["id"] as? String)
            func deliver(_ due: String, _ on: String) async throws -> TestingHTTPResponse {
                try await app.call(.POST, api + "/\(id)/deliveries", token: admin, json: #"{"dueOn":"\#(due)","deliveredOn":"\#(on)","link":"note-\#(due).pdf"}"#)
            }
            #expect(try await deliver("2021-01-31", "2021-02-05").status == .created)
            #expect(try await deliver("2021-02-28", "2021-02-26").status == .created)
            #expect(try await deliver("2021-02-28", "2021-03-01").status == .conflict)
            #expect(try await deliver("2021-02-15", "2021-02-16").status == .unprocessableEntity)
            let list = try #require(try json(try await app.call(.GET, api, token: admin)) as? [[String: Any]])
            let dues = try #require(list.first?["dueDates"] as? [[String: Any]])
            #expect(dues.count == 12)
            #expect(dues.prefix(3).map { $0["status"] as? String } == ["late", "onTime", "overdue"])
            let page = try await app.call(.GET, "/conventions/\(dijon)/livrables", token: admin).body.string
            #expect(page.contains("livré en retard") && page.contains("livré à temps") && page.contains("note-2021-02-28.pdf"))
        }
    }
}
