import Foundation
import PacteStore
import Testing
import Vapor
import VaporTesting
@testable import PacteWeb

@Suite("Pages gardées en mémoire")
struct PageCacheTests {
    @Test("Une page de convention gardée en mémoire suit chaque changement tracé et porte le nom et le jeton de chaque lecteur",
          arguments: Engine.available)
    func followsChanges(engine: Engine) async throws {
        try await withDemo(engine) { app in
            app.pageCache = PageCache(budget: 8 << 20)
            let admin = try await app.token("admin@demo.pacte.fr")
            let ville = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let path = "/conventions/\(sezanne)"

            let first = try await app.call(.GET, path, token: admin)
            #expect(first.status == .ok)
            #expect(app.pageCache.usage.pages == 1)
            let again = try await app.call(.GET, path, token: admin)
            #expect(again.body.string == first.body.string, "the second reading is the kept page")
            #expect(app.pageCache.usage.pages == 1)
            #expect(first.body.string.contains("admin@demo.pacte.fr"))
            #expect(!first.body.string.contains("\u{E000}"), "no marker is left in the page")

            // Another reader (who may write, not an administrator) gets its own page, with its own name.
            let theirs = try await app.call(.GET, path, token: ville)
            #expect(theirs.body.string.contains("agent.sezanne.ville@demo.pacte.fr"))
            #expect(!theirs.body.string.contains("admin@demo.pacte.fr"))
            #expect(app.pageCache.usage.pages == 2)

            // A change through Pacte is traced, so the kept page is not served any more.
            let renamed = try await app.call(.PATCH, "/api/v1/conventions/\(sezanne)", token: admin,
                                             json: #"{"title":"Convention Sézanne renommée pour le test"}"#)
            #expect(renamed.status == .ok, "\(renamed.body.string)")
            let after = try await app.call(.GET, path, token: admin)
            #expect(after.body.string.contains("Convention Sézanne renommée pour le test"))

            // A confirmation is never served from memory.
            let notice = try await app.call(.GET, path + "?ok=convention", token: admin)
            #expect(notice.body.string.contains("Convention enregistrée."))
            #expect(!(try await app.call(.GET, path, token: admin)).body.string.contains("Convention enregistrée."))
        }
    }

    @Test("Au-delà de son budget, la mémoire des pages oublie les moins récemment lues")
    func budget() async throws {
        try await withDemo(.sqlite) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let ids = try await ConventionModel.query(on: app.db).all().map { try $0.requireID() }
            let size = try await app.call(.GET, "/conventions/\(ids[0])", token: admin).body.readableBytes
            app.pageCache = PageCache(budget: size * 5 / 2 + size / 4)
            for id in ids { _ = try await app.call(.GET, "/conventions/\(id)", token: admin) }
            let usage = app.pageCache.usage
            #expect(usage.bytes <= app.pageCache.budget)
            #expect(usage.pages < ids.count)
            #expect(usage.pages >= 1)
        }
    }
}
