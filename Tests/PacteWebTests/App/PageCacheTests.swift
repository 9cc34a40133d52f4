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

    @Test("Les droits gardés en mémoire suivent chaque changement tracé ; un jeton révoqué est refusé aussitôt",
          arguments: Engine.available)
    func rightsFollowChanges(engine: Engine) async throws {
        try await withDemo(engine) { app in
            app.pageCache = PageCache(budget: 8 << 20)
            let admin = try await app.token("admin@demo.pacte.fr")
            let ville = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let me = try json(try await app.call(.GET, "/api/v1/auth/me", token: ville)) as? [String: Any]
            let memberships = try #require(me?["memberships"] as? [[String: Any]])
            let organisation = try #require(memberships.first?["organisationID"] as? String)
            let other = try await app.conventionID(titled: "seed 003")
            let path = "/conventions/\(other)"

            // Not a party: the convention does not exist for them, and that answer is remembered.
            #expect(try await app.call(.GET, path, token: ville).status == .notFound)
            #expect(try await app.call(.GET, path + "/execution", token: ville).status == .notFound)
            #expect(app.pageCache.memos.conventionRights.count >= 1)

            // Made a party (a traced change): they see it at once, and may write.
            let added = try await app.call(.POST, "/api/v1/conventions/\(other)/parties", token: admin,
                                           json: #"{"organisationID":"\#(organisation)","roles":["operator"]}"#)
            #expect(added.status == .created, "\(added.body.string)")
            let party = try #require((try json(added) as? [String: Any])?["id"] as? String)
            let seen = try await app.call(.GET, path, token: ville)
            #expect(seen.status == .ok)
            #expect(seen.body.string.contains("agent.sezanne.ville@demo.pacte.fr"))
            #expect(try await app.call(.GET, path + "/execution", token: ville).body.string.contains("Prescrire une prestation"))

            // Withdrawn again: hidden again, page and rights alike.
            #expect(try await app.call(.DELETE, "/api/v1/conventions/\(other)/parties/\(party)", token: admin).status == .noContent)
            #expect(try await app.call(.GET, path, token: ville).status == .notFound)
            #expect(try await app.call(.GET, path + "/execution", token: ville).status == .notFound)

            // Revoking a token is not traced, so a token is looked up on every request: refused at once.
            let tokens = try #require(try json(try await app.call(.GET, "/api/v1/tokens", token: ville)) as? [[String: Any]])
            #expect(tokens.count == 1)
            let tokenID = try #require(tokens.first?["id"] as? String)
            #expect(try await app.call(.DELETE, "/api/v1/tokens/\(tokenID)", token: ville).status == .noContent)
            #expect(try await app.call(.GET, "/api/v1/conventions/\(try await app.conventionID(titled: "seed 000"))", token: ville).status == .unauthorized)
            #expect(try await app.call(.GET, "/conventions/\(try await app.conventionID(titled: "seed 000"))", token: ville).status != .ok)
        }
    }

    @Test("Une valeur gardée ne vaut que pour son état de la base ; un état plus récent oublie les plus anciens")
    func stampedMemo() {
        let memo = StampedMemo<String, Int>(capacity: 3)
        memo.store(1, for: "a", stamp: 5)
        #expect(memo.value(for: "a", stamp: 5) == 1)
        #expect(memo.value(for: "a", stamp: 6) == nil, "a newer state does not use an older value")
        memo.store(2, for: "b", stamp: 6)
        #expect(memo.value(for: "a", stamp: 5) == nil, "the older state is forgotten")
        memo.store(3, for: "c", stamp: 5)
        #expect(memo.value(for: "c", stamp: 5) == nil, "a value read under an older state is not kept")
        for (index, key) in ["c", "d", "e"].enumerated() { memo.store(index, for: key, stamp: 6) }
        #expect(memo.count <= 3, "never more than its capacity")
    }

    @Test("Une page gardée est découpée à ses marques et remplie pour chaque lecteur, caractères privés voisins compris")
    func template() {
        let email = PageCache.emailMarker, csrf = PageCache.csrfMarker
        let html = "\(email)<p>\u{E001}é\(csrf)\(csrf)</p>\u{E000}x\(email)"
        let filled = PageCache.Template(html).filled(email: "a&b@exemple.fr", csrf: "t<1>")
        #expect(String(buffer: filled) == "a&amp;b@exemple.fr<p>\u{E001}ét&lt;1&gt;t&lt;1&gt;</p>\u{E000}xa&amp;b@exemple.fr")
        #expect(String(buffer: PageCache.Template("sans marque").filled(email: "x", csrf: "y")) == "sans marque")
    }
}
