import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

@Suite("Gouvernance : délibérations des seeds, étapes de la convention, résiliation et retrait")
struct GovernanceAPITests {
    @Test("Seeds 001 et 002 : régime du 17/12/2020, quorum, majorité, constats et identifiants @CTES ; la même séance datée du 17/12/2019 refuse les deux pouvoirs", arguments: Engine.available)
    func seedDeliberations(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let sud = try await app.conventionID(titled: "seed 001")
            let ardennes = try await app.conventionID(titled: "seed 002")
            func deliberations(_ id: UUID) async throws -> [[String: Any]] {
                try #require(try json(try await app.call(.GET, "/api/v1/conventions/\(id)/deliberations", token: admin)) as? [[String: Any]])
            }
            let seed001 = try #require(try await deliberations(sud).first)
            let outcome001 = try #require(seed001["outcome"] as? [String: Any])
            #expect(outcome001["regime"] as? String == "loi-2020-1379")
            #expect(outcome001["verdict"] as? String == "adopted")
            let findings001 = try #require(outcome001["findings"] as? [[String: Any]])
            #expect(findings001.map { $0["code"] as? String } == ["voters-mismatch"], "\(findings001)")
            #expect(findings001.first?["stated"] as? String == "37" && findings001.first?["computed"] as? String == "38")
            #expect(seed001["actesID"] as? String == "090-249000241-20201217-2020_08_04-DE")

            let seed002 = try #require(try await deliberations(ardennes).first)
            let outcome002 = try #require(seed002["outcome"] as? [String: Any])
            #expect(outcome002["verdict"] as? String == "adopted")
            #expect(outcome002["quorumMet"] as? Bool == true)
            #expect((outcome002["findings"] as? [Any])?.isEmpty == true)
            #expect(seed002["actesID"] as? String == "008-240800920-20201217-DC2020_114-DE")

            // The same register dated a year earlier falls under the ordinary law: one proxy per member.
            var copy = seed001
            for key in ["id", "conventionID", "outcome", "actesID", "transmittedOn"] { copy.removeValue(forKey: key) }
            copy["sessionDate"] = "2019-12-17"
            copy["convocationDate"] = "2019-12-04"
            copy["itemNumber"] = "2019-08-04"
            copy["departement"] = "090"
            let body = String(decoding: try JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
            let created = try await app.call(.POST, "/api/v1/conventions/\(sud)/deliberations", token: admin, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let earlier = try #require(try json(created) as? [String: Any])
            #expect(earlier["actesID"] as? String == "090-249000241-20191217-2019_08_04-DE", "generated from the authority's SIREN, the date and the number")
            let outcome = try #require(earlier["outcome"] as? [String: Any])
            #expect(outcome["regime"] as? String == "cgct")
            let codes = (outcome["findings"] as? [[String: Any]] ?? []).map { $0["code"] as? String }
            #expect(codes.contains("proxy-limit") && codes.contains("voters-mismatch"), "\(codes)")
            let proxies = (outcome["findings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "proxy-limit" }
            #expect(proxies?["location"] as? String == "Thomas BIETRY")

            // A deliberation by an authority that is not a party is refused.
            var stranger = copy
            stranger["organisationID"] = UUID().uuidString
            let refused = try await app.call(.POST, "/api/v1/conventions/\(sud)/deliberations", token: admin,
                                             json: String(decoding: try JSONSerialization.data(withJSONObject: stranger), as: UTF8.self))
            #expect(refused.status == .unprocessableEntity)
        }
    }

    @Test("Étapes gardées, histoire ; mise en demeure du 31/01/2021 + trois mois ; une convention échue ne se résilie pas", arguments: Engine.available)
    func lifecycleAndBreach(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let api = "/api/v1/conventions/\(sezanne)"
            #expect(try await ConventionModel.find(sezanne, on: app.db)?.status == .signed)
            let back = try await app.call(.POST, api + "/status", token: admin, json: #"{"status":"draft","date":"2020-06-01"}"#)
            #expect(back.status == .conflict)
            #expect(try problemDetail(back).detail.contains("ne peut pas passer à « Projet »"))
            #expect(try await app.call(.POST, api + "/status", token: admin, json: #"{"status":"inForce","date":"2020-07-01"}"#).status == .ok)
            let patched = try await app.call(.PATCH, api, token: admin, json: #"{"status":"draft"}"#)
            #expect(patched.status == .conflict, "an edit cannot move the status backwards either")
            #expect(try await ConventionModel.find(sezanne, on: app.db)?.status == .inForce)

            let ended = try await app.call(.POST, api + "/ending", token: admin,
                                           json: #"{"kind":"breach","notifiedOn":"2021-01-31","noticeMonths":3,"reason":"engagements non tenus"}"#)
            #expect(ended.status == .created, "\(ended.body.string)")
            #expect((try json(ended) as? [String: Any])?["effectiveOn"] as? String == "2021-04-30")
            let convention = try #require(try await ConventionModel.find(sezanne, on: app.db))
            let april30 = try CivilDate(year: 2021, month: 4, day: 30)
            #expect(convention.status == .terminated && convention.endsOn == april30)
            let history = try #require(try json(try await app.call(.GET, api + "/history", token: admin)) as? [[String: Any]])
            #expect(history.map { $0["kind"] as? String } == ["status", "ending"])

            let sud = try await app.conventionID(titled: "seed 001")
            let again = try await app.call(.POST, "/api/v1/conventions/\(sud)/ending", token: admin,
                                           json: #"{"kind":"mutualAgreement","notifiedOn":"2021-06-01","requestedOn":"2021-06-30"}"#)
            #expect(again.status == .conflict, "seed 001 has expired: it cannot be terminated")
        }
    }

    @Test("Retrait notifié le 15/10/2021 avec deux mois de préavis : effet le 15/12/2021 ; les engagements d'avant restent au suivi, les nouveaux sont refusés", arguments: Engine.available)
    func withdrawalKeepsEarlierCommitments(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, cma, company) = try await playSeed001(app)
            let admin = try await app.token("admin@demo.pacte.fr")
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first()?.id)
            let api = "/api/v1/conventions/\(convention)"
            let before = try #require(try json(try await app.call(.GET, api + "/tracking", token: cma)) as? [String: Any])
            let rowsBefore = try #require(before["rows"] as? [[String: Any]])

            let withdrawal = try await app.call(.POST, api + "/ending", token: admin, json: """
                {"kind":"withdrawal","organisationID":"\(ccst)","notifiedOn":"2021-10-15","noticeMonths":2,"reason":"retrait notifié aux partenaires"}
                """)
            #expect(withdrawal.status == .created, "\(withdrawal.body.string)")
            #expect((try json(withdrawal) as? [String: Any])?["effectiveOn"] as? String == "2021-12-15")

            let after = try #require(try json(try await app.call(.GET, api + "/tracking", token: cma)) as? [String: Any])
            #expect((after["rows"] as? [[String: Any]])?.count == rowsBefore.count, "what was committed before stays in the tracking table")
            #expect(try await CommitmentModel.query(on: app.db).filter(\.$funder.$id == ccst).filter(\.$status == .committed).count() > 0)

            // A service accepted after the withdrawal took effect commits nothing for the CCST.
            let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention).all().first { $0.code == "FA1" }?.id)
            let quoted = try await app.call(.POST, api + "/interventions", token: cma,
                                            json: #"{"actionID":"\#(action)","companyID":"\#(company)","label":"Coaching","quote":"100"}"#)
            let id = try #require((try json(quoted) as? [String: Any])?["id"] as? String)
            let late = try await app.call(.POST, api + "/interventions/\(id)/accept", token: cma, json: #"{"date":"2022-01-10"}"#)
            #expect(late.status == .unprocessableEntity)
            #expect(try problemDetail(late).detail.contains("s'est retiré de la convention le 15/12/2021"))
            let early = try await app.call(.POST, api + "/interventions/\(id)/accept", token: cma, json: #"{"date":"2021-11-10"}"#)
            #expect(early.status == .ok, "before the withdrawal takes effect the partner still commits")
        }
    }
}

@Suite("Versions et avenants : la différence entre deux versions montre exactement ce qui a changé")
struct VersionTests {
    @Test("Un avenant qui change un prix unitaire : une seule différence, ce prix, avant et après", arguments: Engine.available)
    func amendmentChangesOneAmount(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let sezanne = try await app.conventionID(titled: "seed 000")
            let api = "/api/v1/conventions/\(sezanne)"
            let versions = try #require(try json(try await app.call(.GET, api + "/versions", token: admin)) as? [[String: Any]])
            #expect(versions.map { $0["label"] as? String } == ["Convention initiale"], "the demo freezes the source text as version 0")
            #expect(try #require(try json(try await app.call(.GET, api + "/versions/diff?from=0&to=current", token: admin)) as? [String: Any])["changes"]
                .map { ($0 as? [Any])?.count } == 0, "nothing changed yet")

            let line = try #require(try await CostLineModel.query(on: app.db).filter(\.$unitPriceCents == 6_000_00).with(\.$action).first())
            let path = api + "/actions/\(line.$action.id)/lines/\(try line.requireID())"
            #expect(try await app.call(.PATCH, path, token: admin, json: #"{"unitPrice":"6500"}"#).status == .ok)
            let created = try await app.call(.POST, api + "/versions", token: admin,
                                             json: #"{"summary":"Parcours digital porté à 6 500 € HT","approval":"Délibération n° 2021-12","approvedOn":"2021-03-15"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            #expect((try json(created) as? [String: Any])?["label"] as? String == "Avenant n° 1")

            let diff = try #require(try json(try await app.call(.GET, api + "/versions/diff?from=0&to=1", token: admin)) as? [String: Any])
            let changes = try #require(diff["changes"] as? [[String: Any]])
            #expect(changes.count == 1, "\(changes)")
            let change = try #require(changes.first)
            #expect(change["kind"] as? String == "changed")
            #expect((change["key"] as? String)?.contains("2.c") == true, "\(change)")
            #expect((change["before"] as? String)?.contains("× 6\u{202F}000,00\u{00A0}€") == true, "\(change)")
            #expect((change["after"] as? String)?.contains("× 6\u{202F}500,00\u{00A0}€") == true, "\(change)")

            let page = try await app.call(.GET, "/conventions/\(sezanne)/versions?de=0&a=1", token: admin).body.string
            #expect(page.contains("Une différence."))
            #expect(page.contains("Convention initiale → Avenant n° 1"))
        }
    }
}

@Suite("Signatures : chaque partie signataire, avec sa date ; la dernière rend la convention signée")
struct SignatureTests {
    @Test("Deux signataires : la convention reste en projet après la première signature, signée à la date de la seconde", arguments: Engine.available)
    func eachSignatory(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let token = try await app.token("agent.sezanne.ccim@demo.pacte.fr")
            let created = try await app.call(.POST, "/api/v1/conventions", token: token, json: #"{"title":"Convention d'essai des signatures"}"#)
            let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
            let api = "/api/v1/conventions/\(id)"
            let ville = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first()?.id)
            let region = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Région Grand Est").first()?.id)
            #expect(try await app.call(.POST, api + "/parties", token: token, json: #"{"organisationID":"\#(ville)","roles":["signatory","funder"]}"#).status == .created)
            #expect(try await app.call(.POST, api + "/parties", token: token, json: #"{"organisationID":"\#(region)","roles":["funder"]}"#).status == .created)
            let parties = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == UUID(uuidString: id)!).all()
            let signatories = parties.filter { $0.roles.contains(.signatory) }
            #expect(signatories.count == 2)
            let funderOnly = try #require(parties.first { !$0.roles.contains(.signatory) })
            #expect(try await app.call(.POST, api + "/parties/\(funderOnly.id!)/signature", token: token, json: #"{"date":"2021-01-10"}"#).status == .unprocessableEntity)

            #expect(try await app.call(.POST, api + "/parties/\(signatories[0].id!)/signature", token: token, json: #"{"date":"2021-01-10"}"#).status == .ok)
            #expect(try await ConventionModel.find(UUID(uuidString: id), on: app.db)?.status == .draft)
            #expect(try await app.call(.POST, api + "/parties/\(signatories[0].id!)/signature", token: token, json: #"{"date":"2021-01-11"}"#).status == .conflict)
            #expect(try await app.call(.POST, api + "/parties/\(signatories[1].id!)/signature", token: token, json: #"{"date":"2021-01-20"}"#).status == .ok)
            let convention = try #require(try await ConventionModel.find(UUID(uuidString: id), on: app.db))
            let twentieth = try CivilDate(year: 2021, month: 1, day: 20)
            #expect(convention.status == .signed && convention.signedOn == twentieth)
            let page = try await app.call(.GET, "/conventions/\(id)/gouvernance", token: token).body.string
            #expect(page.contains("signée le 10/01/2021") && page.contains("signée le 20/01/2021"))
        }
    }
}
