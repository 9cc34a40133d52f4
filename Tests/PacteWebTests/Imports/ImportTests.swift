import Fluent
import Foundation
import PacteAudit
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import Vapor
import VaporTesting

/// One of the five source documents, as text and bytes.
func seedDocument(_ prefix: String) throws -> (name: String, data: Data) {
    let directory = PageSnapshotTests.root.appendingPathComponent("examples/documents")
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix(prefix) })
    return (name, try Data(contentsOf: directory.appendingPathComponent(name)))
}

extension Application {
    /// Posts a `multipart/form-data` form: text fields and files, as a browser sends them.
    func upload(_ path: String, token: String, fields: [String: String], files: [String: (name: String, data: Data)],
                via tester: (any TestingApplicationTester)? = nil) async throws -> TestingHTTPResponse {
        let boundary = "pacte-\(UUID().uuidString)"
        var body = Data()
        func add(_ text: String) { body.append(Data(text.utf8)) }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (field, file) in files {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(file.name)\"\r\nContent-Type: text/plain\r\n\r\n")
            body.append(file.data)
            add("\r\n")
        }
        add("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await (tester ?? testing()).sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: body))
    }

    /// The review form of an import as the page fills it, one value per field (checkboxes only when checked).
    func reviewForm(_ importID: UUID) async throws -> [String: String] {
        let record = try #require(try await DocumentImportModel.find(importID, on: db))
        var form: [String: String] = [:]
        for (name, values) in ImportPages.draftState(try record.draft).values {
            if let value = values.first { form[name] = value }
        }
        return form
    }
}

@Suite("Import : un document devient une convention en brouillon, relue à côté de son texte avant d'être enregistrée")
struct ImportTests {
    static let dijonAgent = "agent.dijon.dijon@demo.pacte.fr"

    @Test("Seed 003 envoyé par le formulaire : import en attente, relecture, erreur de montant, enregistrement unique", arguments: Engine.available)
    func seed003ThroughThePages(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token(Self.dijonAgent)
            let dijon = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Dijon Métropole").first()?.id)
            let conventions = try await ConventionModel.query(on: app.db).count()
            let organisations = try await OrganisationModel.query(on: app.db).count()
            let seed = try seedDocument("003")

            // The upload form: a page for a writer, refused to a reader.
            let form = try await app.call(.GET, "/imports/nouveau", token: agent)
            #expect(form.status == .ok && form.body.string.contains("enctype=\"multipart/form-data\""))
            #expect(try await app.call(.GET, "/imports/nouveau", token: try await app.token("elu.dijon.dijon@demo.pacte.fr")).status == .forbidden)

            let uploaded = try await app.upload("/imports/nouveau", token: agent, fields: ["organisationID": dijon.uuidString, "text": ""],
                                                files: ["file": seed])
            #expect(uploaded.status == .seeOther, "\(uploaded.body.string.prefix(2000))")
            let location = try #require(uploaded.headers.first(name: .location))
            let importID = try #require(UUID(uuidString: String(location.dropFirst("/imports/".count))))
            let record = try #require(try await DocumentImportModel.find(importID, on: app.db))
            #expect(record.status == .pending && record.$organisation.id == dijon && record.fileName == seed.name && record.$convention.id == nil)
            #expect(record.sourceText == String(decoding: seed.data, as: UTF8.self))
            #expect(try await ConventionModel.query(on: app.db).count() == conventions, "a pending import is not a convention")
            #expect(try await OrganisationModel.query(on: app.db).count() == organisations)

            // The review page: the text line by line, the findings linked to their line, the draft.
            let review = try await app.call(.GET, "/imports/\(importID)", token: agent)
            #expect(review.status == .ok)
            let page = review.body.string
            #expect(page.contains("<li id=\"L556\""), "every source line is an element with its number")
            #expect(page.contains("total-mismatch") && page.contains("href=\"#L556\""))
            #expect(page.contains(">Erreur<"), "severity written out")
            #expect(page.contains("LA FABRIK DE L&#39;ORIENTATION") || page.contains("LA FABRIK DE L'ORIENTATION"))
            #expect(page.contains("Enregistrer la convention en brouillon"))
            #expect(page.contains("formaction=\"/imports/\(importID)/enregistrer\""))

            // Outside the organisation the import does not exist; its readers cannot open it.
            let outsider = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            #expect(try await app.call(.GET, "/imports/\(importID)", token: outsider).status == .notFound)
            #expect(try await app.call(.POST, "/imports/\(importID)/enregistrer", token: outsider, form: try await app.reviewForm(importID)).status == .notFound)
            #expect(try await app.call(.GET, "/imports/\(importID)", token: try await app.token("elu.dijon.dijon@demo.pacte.fr")).status == .forbidden)
            #expect(try await app.call(.GET, "/api/v1/imports/\(importID)", token: outsider).status == .notFound)
            #expect(!(try await app.call(.GET, "/imports", token: outsider).body.string.contains(seed.name)))
            #expect(try await app.call(.GET, "/imports", token: agent).body.string.contains(seed.name))

            // A post that is not the review form changes nothing.
            let incomplete = try await app.call(.POST, "/imports/\(importID)", token: agent, form: ["_note": "vide"])
            #expect(incomplete.status == .unprocessableEntity && incomplete.body.string.contains("incomplet"))
            #expect(try await DocumentImportModel.find(importID, on: app.db)?.draftJSON == record.draftJSON)

            // La Fabrik: its first line read « douze ». « Vérifier » keeps it, answers 422 in French next to the field.
            var fields = try await app.reviewForm(importID)
            let draft = try record.draft
            let fabrik = try #require(draft.actions.firstIndex { $0.title.contains("FABRIK") })
            #expect(draft.actions[fabrik].lines.compactMap(\.amount) == ["71\u{202F}000,00", "58\u{202F}000,00", "1\u{202F}000,00", "500,00"])
            let amountField = "actions.\(fabrik).lines.0.amount"
            fields[amountField] = "douze"
            let bad = try await app.call(.POST, "/imports/\(importID)", token: agent, form: fields)
            #expect(bad.status == .unprocessableEntity)
            let badPage = bad.body.string
            #expect(badPage.contains("Montant illisible"), "\(badPage.count)")
            #expect(badPage.contains("id=\"f-actions-\(fabrik)-lines-0-amount\"") && badPage.contains("value=\"douze\""), "what was typed stays")
            #expect(badPage.contains("aria-invalid=\"true\"") && badPage.contains("id=\"erreurs\""))
            let kept = try #require(try await DocumentImportModel.find(importID, on: app.db))
            #expect(try kept.draft.actions[fabrik].lines[0].amount == "douze", "the correction is kept in the pending import")
            // Saving with the bad amount is refused the same way, and creates nothing.
            #expect(try await app.call(.POST, "/imports/\(importID)/enregistrer", token: agent, form: fields).status == .unprocessableEntity)
            #expect(try await ConventionModel.query(on: app.db).count() == conventions)

            // Fixed in French format, « Vérifier » passes; then saving creates one draft convention.
            fields[amountField] = "71 000,00"
            let checked = try await app.call(.POST, "/imports/\(importID)", token: agent, form: fields)
            #expect(checked.status == .seeOther)
            #expect(try await app.call(.GET, "/imports/\(importID)?ok=brouillon-verifie", token: agent).body.string.contains("se lit sans erreur"))
            let saved = try await app.call(.POST, "/imports/\(importID)/enregistrer", token: agent, form: fields)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(3000))")
            let conventionPath = try #require(saved.headers.first(name: .location))
            #expect(conventionPath.hasSuffix("?ok=import"))
            let conventionID = try #require(UUID(uuidString: String(conventionPath.dropFirst("/conventions/".count).prefix(36))))
            #expect(try await ConventionModel.query(on: app.db).count() == conventions + 1)
            let convention = try #require(try await ConventionModel.find(conventionID, on: app.db))
            #expect(convention.status == .draft && convention.source == "import de \(seed.name)" && convention.taxRegime == .ht)
            #expect(convention.title == draft.title)

            // The actions, lines and shares of the draft, stored as the plan reads them.
            let actions = try await ActionModel.query(on: app.db).filter(\.$convention.$id == conventionID).with(\.$lines).with(\.$shares).sort(\.$position).all()
            #expect(actions.count == draft.actions.count)
            let laFabrik = actions[fabrik]
            #expect(laFabrik.title.contains("FABRIK") && laFabrik.lines.count == 4)
            let plan = try await PlanMapping.plan(for: convention, on: app.db).evaluate()
            #expect(plan.actions[fabrik].cost == .euros(130_500))
            // The document's own total is kept: the convention still shows the export sheet's 11 900 € against 12 600 €.
            let export = try #require(plan.actions.first { $0.action.title.hasPrefix("MOBILISATION") })
            #expect(export.cost == .euros(12_600))
            #expect(plan.findings.contains { $0.code == .totalMismatch && $0.stated == "11900.00" && $0.computed == "12600.00" }, "\(plan.findings)")
            let shares = laFabrik.shares.sorted { $0.position < $1.position }
            #expect(shares.compactMap(\.amountCents) == [4_970_000, 1_367_500, 1_712_500, 5_000_000])
            #expect(shares[0].condition?.contains("sous réserve") == true)
            #expect(plan.actions[fabrik].unfunded == .zero)
            let fseID = try #require(shares[0].$funder.id)
            let fse = try #require(try await OrganisationModel.find(fseID, on: app.db))
            #expect(fse.name == "Fonds social européen", "found in the directory by name, accents and case aside")
            let cciID = try #require(shares[2].$funder.id)
            let cci = try #require(try await OrganisationModel.find(cciID, on: app.db))
            #expect(cci.name == "CCI Côte-d'Or · Saône-et-Loire")

            // Parties: the importing organisation, signatory and funder, and the CCI the document names.
            let parties = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == conventionID).all()
            #expect(parties.count == 2)
            #expect(Set(parties.first { $0.$organisation.id == dijon }?.roles ?? []) == [.signatory, .funder])
            #expect(parties.contains { $0.$organisation.id == cci.id })
            let versions = try await ConventionVersions.all(of: conventionID, on: app.db)
            #expect(versions.map(\.summary) == ["Texte importé de \(seed.name)"])
            let done = try #require(try await DocumentImportModel.find(importID, on: app.db))
            #expect(done.status == .saved && done.$convention.id == conventionID)
            let events = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "document-import").all()
            #expect(events.count == 4, "created, douze kept, corrected, saved: \(events.map(\.action))")
            #expect((events[0].after ?? "").count < record.sourceText.count, "the trail keeps the text's fingerprint, not the whole text")
            #expect((events[0].after ?? "").contains("\"sourceTextSHA256\":\"\(sha256Hex(record.sourceText))\""))
            #expect(try await AuditTrail.verify(on: app.db).firstBroken == nil)

            // The convention page, the API, and no second save.
            #expect(try await app.call(.GET, conventionPath, token: agent).body.string.contains("Convention enregistrée en brouillon à partir du document importé"))
            #expect(try await app.call(.GET, "/api/v1/conventions/\(conventionID)", token: agent).status == .ok)
            let again = try await app.call(.POST, "/imports/\(importID)/enregistrer", token: agent, form: fields)
            #expect(again.status == .conflict)
            #expect(again.body.string.contains("déjà été enregistré"))
            #expect(try await app.call(.POST, "/imports/\(importID)", token: agent, form: fields).status == .conflict)
            await #expect(throws: StoreError.self) {
                _ = try await DocumentImports.save(importID: importID, draft: draft, actor: .system, on: app.db)
            }
            #expect(try await ConventionModel.query(on: app.db).count() == conventions + 1)
            let after = try await app.call(.GET, "/imports/\(importID)", token: agent).body.string
            #expect(after.contains("href=\"/conventions/\(conventionID)\"") && !after.contains("Enregistrer la convention en brouillon"))
        }
    }

    @Test("Texte collé (seed 000) : ligne 3.c à 3 550 × 1, financeurs retrouvés dans l'annuaire, lignes ajoutées et supprimées ; fichier binaire refusé", arguments: Engine.available)
    func seed000Pasted(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token("agent.sezanne.ville@demo.pacte.fr")
            let ville = try #require(try await OrganisationModel.query(on: app.db).filter(\.$name == "Ville de Sézanne").first()?.id)
            let imports = try await DocumentImportModel.query(on: app.db).count()
            let seed = try seedDocument("000")
            let text = String(decoding: seed.data, as: UTF8.self)

            // A damaged PDF is refused in French; the pasted text comes back in the form; nothing is stored.
            let pdf = (name: "convention.pdf", data: Data([0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x34, 0x00, 0xFF, 0x0A]))
            let refused = try await app.upload("/imports/nouveau", token: agent, fields: ["organisationID": ville.uuidString, "text": "Texte à garder"],
                                               files: ["file": pdf])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("le PDF est endommagé ou incomplet"), "\(refused.body.string.prefix(3000))")
            #expect(refused.body.string.contains("Texte à garder"))
            let empty = try await app.call(.POST, "/imports/nouveau", token: agent, form: ["organisationID": ville.uuidString])
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("collez le texte"))
            let foreign = try await app.call(.POST, "/imports/nouveau", token: agent, form: ["organisationID": UUID().uuidString, "text": text])
            #expect(foreign.status == .unprocessableEntity && (foreign.body.string.contains("Vous n&#39;écrivez pas") || foreign.body.string.contains("Vous n'écrivez pas")))
            #expect(try await DocumentImportModel.query(on: app.db).count() == imports)

            // Pasted (URL-encoded form, no file): the organisation is the agent's only one.
            let pasted = try await app.call(.POST, "/imports/nouveau", token: agent, form: ["organisationID": ville.uuidString, "text": text, "fileName": "Convention Sézanne 2021"])
            #expect(pasted.status == .seeOther)
            let pastedLocation = try #require(pasted.headers.first(name: .location))
            let importID = try #require(UUID(uuidString: String(pastedLocation.dropFirst("/imports/".count))))
            let record = try #require(try await DocumentImportModel.find(importID, on: app.db))
            #expect(record.fileName == "Convention Sézanne 2021")
            let draft = try record.draft
            let communication = try #require(draft.actions.firstIndex { $0.code == "3.c" })
            #expect(draft.actions[communication].lines[0].unitPrice == "3\u{202F}550,00" && draft.actions[communication].lines[0].quantity == "1")
            let review = try await app.call(.GET, "/imports/\(importID)", token: agent).body.string
            #expect(review.contains("line-mismatch") && review.contains("href=\"#L287\""))
            #expect(review.contains("organisation existante"), "the funders found in the directory are shown before saving")

            // Corrections: one line added to 3.c (« 22.300 € » read as 22 300 €), the undetermined Banque des Territoires share removed.
            var fields = try await app.reviewForm(importID)
            let jel = try #require(draft.actions.firstIndex { $0.shares.contains { $0.funder == "Banque des Territoires" } })
            let bdt = try #require(draft.actions[jel].shares.firstIndex { $0.funder == "Banque des Territoires" })
            fields["actions.\(jel).shares.\(bdt).remove"] = "1"
            let newLine = "actions.\(communication).lines.\(draft.actions[communication].lines.count)"
            fields["\(newLine).label"] = "Affichage"
            fields["\(newLine).amount"] = "22.300 €"
            let organisations = try await OrganisationModel.query(on: app.db).count()
            let saved = try await app.call(.POST, "/imports/\(importID)/enregistrer", token: agent, form: fields)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(3000))")
            let savedLocation = try #require(saved.headers.first(name: .location))
            let conventionID = try #require(UUID(uuidString: String(savedLocation.dropFirst("/conventions/".count).prefix(36))))
            #expect(try await OrganisationModel.query(on: app.db).count() == organisations, "CCIM, Ville, Région GE, Entreprise, Banque des Territoires: all in the directory")

            let convention = try #require(try await ConventionModel.find(conventionID, on: app.db))
            let stored = try await ActionModel.query(on: app.db).filter(\.$convention.$id == conventionID).with(\.$lines).with(\.$shares).with(\.$axis)
                .sort(\.$position).all()
            let lines = stored[communication].lines.sorted { $0.position < $1.position }
            #expect(lines.count == 2)
            #expect(lines[0].pricing == .quantity && lines[0].unitPriceCents == 355_000 && lines[0].quantityText == "1/1", "Pacte computes 3 550 × 1")
            #expect(lines[1].label == "Affichage" && lines[1].amountCents == 2_230_000)
            #expect(!stored[jel].shares.contains { $0.sizeKind == .undetermined })
            #expect(stored[communication].axis?.code == "Axe 3" && stored[communication].axis?.title.hasPrefix("Mettre à disposition") == true,
                    "the axis titled as the document titles it")
            let plan = try await PlanMapping.plan(for: convention, on: app.db).evaluate()
            #expect(plan.actions[communication].cost == .euros(3_550 + 22_300))
            let parties = try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == conventionID).with(\.$organisation).all()
            #expect(Set(parties.map(\.organisation.name)) == ["Ville de Sézanne", "Chambre de commerce et d'industrie territoriale de la Marne"])
            #expect(parties.first { $0.organisation.name == "Ville de Sézanne" }?.roles.contains(.funder) == true)
            #expect(parties.first { $0.organisation.shortName == "CCIM" }?.designation == "CCIM")
        }
    }

    @Test("API : POST /api/v1/imports prépare le brouillon et ses constats ; pacte import passe par la même écriture, sans créer de convention", arguments: Engine.available)
    func apiAndCommandLineImport(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let agent = try await app.token(Self.dijonAgent)
            let seed = try seedDocument("003")
            let text = String(decoding: seed.data, as: UTF8.self)
            let conventions = try await ConventionModel.query(on: app.db).count()
            let body = String(decoding: try JSONEncoder().encode(["text": text, "fileName": seed.name]), as: UTF8.self)
            let created = try await app.call(.POST, "/api/v1/imports", token: agent, json: body)
            #expect(created.status == .created, "\(created.body.string.prefix(500))")
            let object = try #require(try json(created) as? [String: Any])
            let id = try #require(object["id"] as? String)
            #expect(object["reviewURL"] as? String == "/imports/\(id)" && object["status"] as? String == "pending")
            let findings = try #require(object["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["code"] as? String == "total-mismatch" && $0["line"] as? Int == 556 && $0["stated"] as? String == "11900.00" })
            let draft = try #require(object["draft"] as? [String: Any])
            #expect((draft["actions"] as? [Any])?.count == 18)
            #expect(try await app.call(.GET, "/api/v1/imports/\(id)", token: agent).status == .ok)
            #expect(try await app.call(.GET, "/api/v1/imports/\(id)", token: try await app.token("elu.dijon.dijon@demo.pacte.fr")).status == .forbidden)
            #expect(try await app.call(.GET, "/api/v1/imports/\(UUID())", token: agent).status == .notFound)

            // An administrator writes for every organisation: he must say which.
            let admin = try await app.token("admin@demo.pacte.fr")
            let unnamed = try await app.call(.POST, "/api/v1/imports", token: admin, json: body)
            let unnamedField = try problemDetail(unnamed).field
            #expect(unnamed.status == .unprocessableEntity && unnamedField == "organisationID")
            let blank = try await app.call(.POST, "/api/v1/imports", token: agent, json: #"{"text":"  "}"#)
            let blankField = try problemDetail(blank).field
            #expect(blank.status == .unprocessableEntity && blankField == "text")

            // What `pacte import` does once it has found the organisation by SIREN: no user, no convention.
            let dijon = try #require(try await OrganisationModel.query(on: app.db).filter(\.$siren == (try Siren("242100410"))).first())
            let record = try await DocumentImports.create(organisationID: try dijon.requireID(), fileName: seed.name, text: text,
                                                          draft: ImportDraft(document: DocumentAudit.audit(text: text, file: seed.name)), createdBy: nil,
                                                          actor: Actor(userID: nil, name: "pacte import (ligne de commande)"), on: app.db)
            #expect(record.status == .pending && record.$createdBy.id == nil)
            #expect(try await app.call(.GET, "/imports/\(try record.requireID())", token: agent).body.string.contains("en ligne de commande"))
            #expect(try await ConventionModel.query(on: app.db).count() == conventions)
            await #expect(throws: StoreError.self) {
                _ = try await DocumentImports.create(organisationID: UUID(), fileName: "x.txt", text: "x", draft: ImportDraft(title: "x", parties: [], actions: []),
                                                     createdBy: nil, actor: .system, on: app.db)
            }
            // An invalid draft saves nothing: the store names the faulty field.
            var broken = try record.draft
            broken.actions[0].lines[0].amount = "douze"
            broken.actions[0].lines[0].unitPrice = nil
            do {
                _ = try await DocumentImports.save(importID: try record.requireID(), draft: broken, actor: .system, on: app.db)
                Issue.record("an invalid draft was saved")
            } catch StoreError.invalid(let field, let message) {
                #expect(field == "actions[0].lines[0].amount" && message.contains("douze"))
            }
            #expect(try await ConventionModel.query(on: app.db).count() == conventions)
        }
    }

    @Test("Reconnaître les organisations : SIREN, nom sans accents ni ponctuation, nom court sans ambiguïté ; catégorie devinée")
    func organisationMatching() {
        let cci = OrganisationModel(id: UUID(), name: "CCI Côte-d'Or · Saône-et-Loire", shortName: "CCI", kind: .cci)
        let meuse = OrganisationModel(id: UUID(), name: "CCI Meuse Haute-Marne", shortName: "CCI", kind: .cci)
        let dijon = OrganisationModel(id: UUID(), name: "Dijon Métropole", kind: .metropole, siren: try? Siren("242100410"))
        let all = [cci, meuse, dijon]
        #expect(DocumentImports.match(name: "CCI CÔTE-D'OR - SAÔNE-ET-LOIRE", shortName: nil, siren: nil, in: all) === cci)
        #expect(DocumentImports.match(name: "DIJON MÉTROPOLE", shortName: nil, siren: nil, in: all) === dijon)
        #expect(DocumentImports.match(name: "Métropole de Dijon", shortName: nil, siren: try? Siren("242100410"), in: all) === dijon)
        #expect(DocumentImports.match(name: "CCI", shortName: nil, siren: nil, in: all) == nil, "two organisations are called « CCI »")
        #expect(DocumentImports.match(name: "Dijon Métropole", shortName: nil, siren: try? Siren("215104985"), in: all) == nil, "another SIREN")
        #expect(DocumentImports.guessKind("Conseil régional BFC") == .region)
        #expect(DocumentImports.guessKind("Fonds Social Européen") == .euFund)
        #expect(DocumentImports.guessKind("Agence de l'eau") == .stateBody)
        #expect(DocumentImports.guessKind("Communauté d'agglomération Ardenne Métropole") == .communauteAgglomeration)
        #expect(DocumentImports.guessKind("Banque des Territoires") == .funder)
    }
}
