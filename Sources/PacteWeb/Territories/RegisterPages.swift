import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The company register's reports (seed 003, « fichier des entreprises »): the creations and
/// closures of a month on a territory, and the open establishments of 50 employees and more. The
/// register is public data (SIRENE): every signed-in user reads it. Screens show one page of each
/// list at a time, since a métropole counts tens of thousands of establishments; downloads always
/// hold the whole list.
enum RegisterPages {
    static let perPage = 50
    /// A download is written in memory: past this many rows it is refused with advice rather than
    /// taking the server's memory (a spreadsheet program would struggle with it anyway).
    static let exportLimit = 100_000

    // MARK: Reading the parameters

    /// What the territory fields designate.
    enum Pick {
        case none
        case territory(RegisterReports.Territory)
        /// A name that several EPCI contain: the user chooses.
        case choices([(siren: String, name: String)])
    }

    /// `epci` is a SIREN or part of a name (pages only; the API takes a SIREN), `communes` a list of
    /// INSEE codes; one or the other.
    static func pick(epci: String?, communes: String?, byName: Bool, on db: any Database) async throws -> Pick {
        switch (epci, communes) {
        case (nil, nil):
            return .none
        case (.some, .some):
            throw StoreError.invalid(field: "communes", message: "Choisissez une intercommunalité ou une liste de communes, pas les deux.")
        case (nil, .some(let communes)):
            return .territory(try await RegisterReports.territory(communes: communes, on: db))
        case (.some(let epci), nil):
            let digits = epci.filter { !$0.isWhitespace }
            if !byName || (!digits.isEmpty && digits.allSatisfy(\.isNumber)) {
                return .territory(try await RegisterReports.territory(epci: epci, on: db))
            }
            let found = try await RegisterReports.searchEPCI(epci, on: db)
            let key = ReferenceData.searchKey(epci)
            if let exact = found.first(where: { ReferenceData.searchKey($0.name) == key }) ?? (found.count == 1 ? found.first : nil) {
                return .territory(try await RegisterReports.territory(epci: exact.siren, on: db))
            }
            guard !found.isEmpty else {
                if try await !ReferenceData.hasCommunes(on: db) {
                    throw StoreError.invalid(field: "epci", message: "Le référentiel des communes et intercommunalités n'est pas chargé : lancez « pacte reference load ».")
                }
                throw StoreError.invalid(field: "epci", message: "Aucune intercommunalité ne contient « \(epci) » : essayez une partie du nom ou le SIREN.")
            }
            return .choices(found)
        }
    }

    /// `03/2024` or `2024-03`; the month just ended when empty (the monthly report is written after it).
    static func month(_ text: String?, field: String, today: CivilDate = .today()) throws -> YearMonth {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return YearMonth(today).adding(months: -1) }
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "-" }).map(String.init)
        if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            let (month, year) = parts[0].count == 4 ? (Int(parts[1]), Int(parts[0])) : (Int(parts[0]), Int(parts[1]))
            if let month, let year, (1...12).contains(month), (1900...2200).contains(year) { return YearMonth(year: year, month: month) }
        }
        throw StoreError.invalid(field: field, message: "Mois illisible : « \(text) » (format mm/aaaa, par exemple 03/2024).")
    }

    /// A SIRENE workforce band; « 21 » (50 à 99 salariés) when empty.
    static func band(_ text: String?, field: String) throws -> WorkforceBand {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return RegisterReports.defaultBand }
        do throws(IdentifierError) { return try WorkforceBand(text) } catch {
            throw StoreError.invalid(field: field, message: "Tranche d'effectifs invalide : \(error.description)")
        }
    }

    /// The page number `name` (from 1), kept within the list.
    static func pageNumber(_ req: Request, _ name: String, total: Int) -> Int {
        let pages = max(1, (total + perPage - 1) / perPage)
        return min(max(1, req.query[Int.self, at: name] ?? 1), pages)
    }

    /// The territory as the addresses of the downloads and of the other pages carry it.
    static func territoryQuery(_ territory: RegisterReports.Territory) -> [(name: String, value: String)] {
        territory.kind == .epci ? [("epci", territory.code)] : [("communes", territory.code)]
    }

    static func queryString(_ parameters: [(name: String, value: String)]) -> String {
        parameters.isEmpty ? "" : "?" + parameters.map { "\($0.name)=\(urlPart($0.value))" }.joined(separator: "&")
    }

    /// A territory for a download: the same fields as the page, which must designate one territory.
    static func requiredTerritory(_ req: Request) async throws -> RegisterReports.Territory {
        let pick = try await pick(epci: nonEmpty(req.query[String.self, at: "epci"]), communes: nonEmpty(req.query[String.self, at: "communes"]),
                                  byName: true, on: req.db)
        switch pick {
        case .territory(let territory): return territory
        case .choices(let found):
            throw StoreError.invalid(field: "epci", message: "Plusieurs intercommunalités correspondent (\(found.prefix(5).map(\.name).joined(separator: ", "))…) : indiquez le SIREN.")
        case .none:
            throw StoreError.invalid(field: "epci", message: "Indiquez une intercommunalité (nom ou SIREN) ou des communes (codes INSEE).")
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    // MARK: Routes

    static func register(on pages: any RoutesBuilder) {
        pages.get("registre") { req async throws -> Page in try await movementsPage(req) }
        pages.get("registre", "effectifs") { req async throws -> Page in try await workforcePage(req) }
        for format in SpreadsheetFormat.allCases {
            pages.get("registre", "mouvements.\(format.rawValue)") { req async throws -> Response in
                let territory = try await requiredTerritory(req)
                let month = try month(req.query[String.self, at: "mois"], field: "mois")
                var rows: [(RegisterReports.Movement, RegisterReports.Establishment)] = []
                for movement in RegisterReports.Movement.allCases {
                    let count = try await RegisterReports.count(movement, in: month, on: territory, db: req.db)
                    try checkExportSize(rows.count + count)
                    rows += try await RegisterReports.list(movement, in: month, on: territory, db: req.db).map { (movement, $0) }
                }
                let sheet = RegisterExport.sheet(name: "Créations et fermetures", rows: rows, territory: territory, movements: true)
                return try format.response(sheet, fileName: "registre-mouvements-\(fileCode(territory))-\(String(format: "%04d-%02d", month.year, month.month))", request: req)
            }
            pages.get("registre", "effectifs.\(format.rawValue)") { req async throws -> Response in
                let territory = try await requiredTerritory(req)
                let band = try band(req.query[String.self, at: "tranche"], field: "tranche")
                try checkExportSize(try await RegisterReports.countWorkforce(from: band, on: territory, db: req.db))
                let rows = try await RegisterReports.listWorkforce(from: band, on: territory, db: req.db)
                let sheet = RegisterExport.sheet(name: "Effectifs", rows: rows.map { (nil, $0) }, territory: territory, movements: false)
                return try format.response(sheet, fileName: "registre-effectifs-\(fileCode(territory))-tranche-\(band.code)", request: req)
            }
        }
    }

    static func checkExportSize(_ count: Int) throws {
        guard count <= exportLimit else {
            throw Problem.invalid("tranche", "Ce téléchargement compterait \(FrenchFormat.grouped(count)) lignes, au-delà de \(FrenchFormat.grouped(exportLimit)) : "
                                  + "choisissez une tranche d'effectifs plus haute ou un territoire plus petit.")
        }
    }

    static func fileCode(_ territory: RegisterReports.Territory) -> String {
        territory.kind == .epci ? "epci-\(territory.code)" : (territory.communes.count == 1 ? "commune-\(territory.code)" : "communes")
    }

    // MARK: Movements of a month

    static func movementsPage(_ req: Request) async throws -> Page {
        var state = FormState(values: ["epci": [req.query[String.self, at: "epci"] ?? ""], "communes": [req.query[String.self, at: "communes"] ?? ""],
                                       "mois": [req.query[String.self, at: "mois"] ?? ""]])
        var month = YearMonth(CivilDate.today()).adding(months: -1)
        do { month = try self.month(state.text("mois"), field: "mois") } catch { state.absorb(error) }
        var pick = Pick.none
        do { pick = try await self.pick(epci: state.text("epci"), communes: state.text("communes"), byName: true, on: req.db) } catch { state.absorb(error) }
        if state.errors["mois"] == nil { state.set("mois", month.description) }

        var report: MovementsReport?
        if case .territory(let territory) = pick, !state.hasErrors {
            state.set(territory.kind == .epci ? "epci" : "communes", territory.kind == .epci ? territory.name : territory.code)
            var lists: [RegisterReports.Movement: (total: Int, page: Int, rows: [RegisterReports.Establishment])] = [:]
            for movement in RegisterReports.Movement.allCases {
                let total = try await RegisterReports.count(movement, in: month, on: territory, db: req.db)
                let page = pageNumber(req, pageParameter(movement), total: total)
                let rows = try await RegisterReports.list(movement, in: month, on: territory, limit: perPage, offset: (page - 1) * perPage, db: req.db)
                lists[movement] = (total, page, rows)
            }
            report = MovementsReport(territory: territory, month: month, lists: lists, registerEmpty: try await RegisterReports.isEmpty(on: req.db))
        }
        return movementsPage(state: state, pick: pick, report: report, viewer: try req.viewer())
    }

    struct MovementsReport {
        var territory: RegisterReports.Territory
        var month: YearMonth
        var lists: [RegisterReports.Movement: (total: Int, page: Int, rows: [RegisterReports.Establishment])]
        var registerEmpty: Bool
    }

    static func pageParameter(_ movement: RegisterReports.Movement) -> String {
        movement == .creations ? "page-creations" : "page-fermetures"
    }

    static let territoryFields = [
        Field(name: "epci", label: "Intercommunalité", control: .search, hint: "Nom ou SIREN, par exemple « Dijon Métropole » ou « 242 100 410 »."),
        Field(name: "communes", label: "ou communes", hint: "Codes INSEE séparés par des virgules, par exemple « 21231, 21166 »."),
    ]

    static func movementsPage(state: FormState, pick: Pick, report: MovementsReport?, viewer: Viewer) -> Page {
        let monthField = Field(name: "mois", label: "Mois", hint: "mm/aaaa", short: true)
        var content: [BodyNode] = [
            .h1(.text("Registre des entreprises")),
            .p(.class("lead"), .text("Les établissements créés et fermés au cours d'un mois sur un territoire, d'après le répertoire SIRENE de l'INSEE. "),
               .a(.href("/registre/effectifs"), .text("Établissements de 50 salariés et plus")), .text(".")),
            problems(state, fields: territoryFields + [monthField]),
            .form(.class("search-form"), .method(.get), .action("/registre"), .attribute(named: "role", value: "search"),
                  .forEach(territoryFields) { $0.render(state) }, monthField.render(state),
                  .button(.class("button"), .type(.submit), .text("Afficher"))),
            choicesNotice(pick, extra: [("mois", state["mois"])], path: "/registre"),
        ]
        if let report {
            let created = report.lists[.creations]!, closed = report.lists[.closures]!
            let query = territoryQuery(report.territory) + [("mois", report.month.description)]
            content.append(.p(.attribute(named: "role", value: "status"),
                              .text("\(report.territory.name) (\(communeCount(report.territory))), \(report.month.longLabel) : "
                                    + "\(plural(created.total, "création", "créations")) et \(plural(closed.total, "fermeture", "fermetures")) d'établissements.")))
            if report.registerEmpty {
                content.append(.p(.class("notice warning"), .text("Le registre ne contient encore aucun établissement : un administrateur l'alimente avec « pacte companies import FICHIER.csv » (fichiers StockEtablissement et StockUniteLegale de l'INSEE).")))
            }
            content.append(DownloadPicker.render(path: "/registre/mouvements", query: query, header: RegisterExport.header(movements: true), id: "mouvements"))
            for movement in RegisterReports.Movement.allCases {
                let list = report.lists[movement]!
                let title = movement == .creations ? "Créations" : "Fermetures"
                content.append(.h2(.text("\(title) (\(FrenchFormat.grouped(list.total)))")))
                if list.rows.isEmpty {
                    content.append(.p(.text(movement == .creations ? "Aucune création ce mois-ci." : "Aucune fermeture ce mois-ci.")))
                    continue
                }
                let other = RegisterReports.Movement.allCases.filter { $0 != movement }.map { (name: pageParameter($0), value: String(report.lists[$0]!.page)) }
                content.append(table(list.rows, territory: report.territory,
                                     caption: "\(title) d'établissements en \(report.month.longLabel) (page \(list.page))",
                                     dateHeader: movement == .creations ? "Créé le" : "Fermé le",
                                     date: { movement == .creations ? $0.createdOn : $0.closedOn }))
                content.append(pagination(label: "Pages des \(title.lowercased())", page: list.page, total: list.total) { page in
                    "/registre" + queryString(query + other + [(pageParameter(movement), String(page))])
                })
            }
            content.append(.p(.a(.href("/registre/effectifs" + queryString(territoryQuery(report.territory))),
                                 .text("Établissements de 50 salariés et plus sur ce territoire"))))
        }
        return Page(title: "Registre des entreprises", section: .register, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Registre des entreprises", nil)],
                    status: state.hasErrors ? .unprocessableEntity : .ok, content: .group(content))
    }

    // MARK: Workforce list

    static func workforcePage(_ req: Request) async throws -> Page {
        var state = FormState(values: ["epci": [req.query[String.self, at: "epci"] ?? ""], "communes": [req.query[String.self, at: "communes"] ?? ""],
                                       "tranche": [req.query[String.self, at: "tranche"] ?? ""]])
        var band = RegisterReports.defaultBand
        do { band = try self.band(state.text("tranche"), field: "tranche") } catch { state.absorb(error) }
        var pick = Pick.none
        do { pick = try await self.pick(epci: state.text("epci"), communes: state.text("communes"), byName: true, on: req.db) } catch { state.absorb(error) }
        if state.errors["tranche"] == nil { state.set("tranche", band.code) }

        var report: WorkforceReport?
        if case .territory(let territory) = pick, !state.hasErrors {
            state.set(territory.kind == .epci ? "epci" : "communes", territory.kind == .epci ? territory.name : territory.code)
            let total = try await RegisterReports.countWorkforce(from: band, on: territory, db: req.db)
            let page = pageNumber(req, "page", total: total)
            report = WorkforceReport(territory: territory, band: band, total: total, page: page,
                                     byBand: try await RegisterReports.workforceByBand(from: band, on: territory, db: req.db),
                                     rows: try await RegisterReports.listWorkforce(from: band, on: territory, limit: perPage, offset: (page - 1) * perPage, db: req.db),
                                     registerEmpty: try await RegisterReports.isEmpty(on: req.db))
        }
        return workforcePage(state: state, pick: pick, report: report, viewer: try req.viewer())
    }

    struct WorkforceReport {
        var territory: RegisterReports.Territory
        var band: WorkforceBand
        var total: Int
        var page: Int
        var byBand: [(band: WorkforceBand, count: Int)]
        var rows: [RegisterReports.Establishment]
        var registerEmpty: Bool
    }

    static let bandField = Field(name: "tranche", label: "À partir de la tranche",
                                 control: .select(WorkforceBand.codes.compactMap { code in (try? WorkforceBand(code)).map { (value: code, label: "\(code) — \(shortLabel($0))") } },
                                                  placeholder: nil),
                                 hint: "Tranches d'effectifs salariés de SIRENE ; « 21 » retient les établissements de 50 salariés et plus.")

    static func workforcePage(state: FormState, pick: Pick, report: WorkforceReport?, viewer: Viewer) -> Page {
        var content: [BodyNode] = [
            .h1(.text("Établissements par effectif")),
            .p(.class("lead"), .text("Les établissements ouverts d'un territoire dont l'effectif salarié atteint une tranche (par défaut 50 salariés et plus), "
                                     + "pour l'extraction semestrielle du fichier des entreprises. SIRENE ne publie pas le nom des dirigeants. "),
               .a(.href("/registre"), .text("Créations et fermetures du mois")), .text(".")),
            problems(state, fields: territoryFields + [bandField]),
            .form(.class("search-form"), .method(.get), .action("/registre/effectifs"), .attribute(named: "role", value: "search"),
                  .forEach(territoryFields) { $0.render(state) }, bandField.render(state),
                  .button(.class("button"), .type(.submit), .text("Afficher"))),
            choicesNotice(pick, extra: [("tranche", state["tranche"])], path: "/registre/effectifs"),
        ]
        if let report {
            let query = territoryQuery(report.territory) + [("tranche", report.band.code)]
            content.append(.p(.attribute(named: "role", value: "status"),
                              .text("\(report.territory.name) (\(communeCount(report.territory))) : "
                                    + "\(plural(report.total, "établissement ouvert", "établissements ouverts", feminine: false)) de la tranche « \(shortLabel(report.band)) » ou au-dessus.")))
            if report.registerEmpty {
                content.append(.p(.class("notice warning"), .text("Le registre ne contient encore aucun établissement : un administrateur l'alimente avec « pacte companies import FICHIER.csv » (fichiers StockEtablissement et StockUniteLegale de l'INSEE).")))
            }
            if !report.byBand.isEmpty {
                content.append(.div(.class("table-wrap"), .table(
                    .caption(.text("Répartition par tranche d'effectifs")),
                    .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Tranche")),
                               .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Établissements")))),
                    .tbody(.forEach(report.byBand) { entry in
                        .tr(.th(.attribute(named: "scope", value: "row"), .text("\(entry.band.code) — \(shortLabel(entry.band))")),
                            .td(.class("num"), .text(FrenchFormat.grouped(entry.count))))
                    }))))
            }
            content.append(DownloadPicker.render(path: "/registre/effectifs", query: query, header: RegisterExport.header(movements: false), id: "effectifs"))
            if !report.rows.isEmpty {
                content.append(.h2(.text("Établissements (\(FrenchFormat.grouped(report.total)))")))
                content.append(table(report.rows, territory: report.territory,
                                     caption: "Établissements ouverts de la tranche « \(shortLabel(report.band)) » ou au-dessus (page \(report.page))",
                                     dateHeader: "Créé le", date: \.createdOn))
                content.append(pagination(label: "Pages des établissements", page: report.page, total: report.total) { page in
                    "/registre/effectifs" + queryString(query + [("page", String(page))])
                })
            }
        }
        return Page(title: "Établissements par effectif", section: .register, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Registre des entreprises", "/registre"), ("Établissements par effectif", nil)],
                    status: state.hasErrors ? .unprocessableEntity : .ok, content: .group(content))
    }

    // MARK: Pieces

    /// The fields to correct before a report can be shown, linked to them (a search saves nothing,
    /// so the forms' « Rien n'a été enregistré » would be wrong here).
    static func problems(_ state: FormState, fields: [Field]) -> BodyNode {
        let inError = fields.filter { state.errors[$0.name] != nil }
        guard !inError.isEmpty else { return .empty }
        return .div(.class("notice error"), .attribute(named: "role", value: "alert"), .id("erreurs"),
                    .p(.strong(.text(inError.count == 1 ? "Le rapport ne peut pas être établi : un champ est à corriger."
                                     : "Le rapport ne peut pas être établi : \(inError.count) champs sont à corriger."))),
                    .ul(.forEach(inError) { field in
                        .li(.a(.href("#" + field.inputID), .text("\(field.label) : \(state.errors[field.name] ?? "")")))
                    }))
    }

    /// Several EPCI contain the name typed: one link per EPCI, keeping the other fields.
    static func choicesNotice(_ pick: Pick, extra: [(name: String, value: String)], path: String) -> BodyNode {
        guard case .choices(let found) = pick else { return .empty }
        let kept = extra.filter { !$0.value.isEmpty }
        return .div(.class("notice"), .attribute(named: "role", value: "status"),
                    .p(.text("Plusieurs intercommunalités correspondent : choisissez-en une.")),
                    .ul(.forEach(found) { epci in
                        .li(.a(.href(path + queryString([("epci", epci.siren)] + kept)), .text("\(epci.name) (SIREN \(formatSiren(epci.siren)))")))
                    }))
    }

    static func table(_ rows: [RegisterReports.Establishment], territory: RegisterReports.Territory, caption: String, dateHeader: String,
                      date: @escaping (RegisterReports.Establishment) -> CivilDate?) -> BodyNode {
        let headers = ["SIRET", "Nom", "Activité (NAF)", "Effectif", "Commune", "Adresse", dateHeader, "Nature"]
        return .div(.class("table-wrap"), .table(
            .caption(.text(caption)),
            .thead(.tr(.forEach(headers) { .th(.attribute(named: "scope", value: "col"), .text($0)) })),
            .tbody(.forEach(rows) { row in
                .tr(.td(.class("num"), .text(formatSiret(row.siret))),
                    .th(.attribute(named: "scope", value: "row"), .text(row.name ?? "Nom non diffusé")),
                    .td(.text(RegisterExport.activity(row.naf) ?? "—")),
                    .td(.text(RegisterExport.workforce(row) ?? "—")),
                    .td(.text(territory.communeName(row.communeCode) ?? row.communeCode ?? "—")),
                    .td(.text(row.address ?? "—")),
                    .td(.text(UI.date(date(row)))),
                    .td(.text(row.isHeadOffice ? "Siège" : "Établissement secondaire")))
            })))
    }

    /// « Page 2 sur 14 » between links to the previous and next pages; nothing for a single page.
    static func pagination(label: String, page: Int, total: Int, link: (Int) -> String) -> BodyNode {
        let pages = max(1, (total + perPage - 1) / perPage)
        guard pages > 1 else { return .empty }
        return .nav(.class("page-actions no-print"), .ariaLabel(label),
                    .if(page > 1, .a(.class("button secondary small"), .href(link(page - 1)), .attribute(named: "rel", value: "prev"), .text("Page précédente"))),
                    .span(.attribute(named: "aria-current", value: "page"), .text("Page \(page) sur \(FrenchFormat.grouped(pages))")),
                    .if(page < pages, .a(.class("button secondary small"), .href(link(page + 1)), .attribute(named: "rel", value: "next"), .text("Page suivante"))))
    }

    static func communeCount(_ territory: RegisterReports.Territory) -> String {
        plural(territory.communes.count, "commune", "communes")
    }

    /// « aucune création », « 1 création », « 1 234 créations ».
    static func plural(_ count: Int, _ one: String, _ many: String, feminine: Bool = true) -> String {
        count == 0 ? "\(feminine ? "aucune" : "aucun") \(one)" : count == 1 ? "1 \(one)" : "\(FrenchFormat.grouped(count)) \(many)"
    }

    /// « 50 à 99 salariés »; the two non-employer codes get a short form (their INSEE labels are sentences).
    static func shortLabel(_ band: WorkforceBand) -> String {
        switch band.code {
        case "NN": "sans salarié"
        case "00": "0 salarié au 31/12"
        default: band.label
        }
    }

    static func formatSiret(_ text: String) -> String {
        (try? Siret(text)).map { $0.formatted.replacingOccurrences(of: " ", with: "\u{00A0}") } ?? text
    }

    static func formatSiren(_ text: String) -> String {
        (try? Siren(text)).map { DirectoryPage.formatSiren($0) } ?? text
    }
}

/// The register's lists as one sheet: SIRET and SIREN as text, dates as the French write them.
enum RegisterExport {
    static func header(movements: Bool) -> [String] {
        (movements ? ["Mouvement"] : []) + ["SIRET", "SIREN", "Nom", "Code NAF", "Activité", "Tranche d'effectifs", "Effectif salarié",
                                             "Année de l'effectif", "Code commune", "Commune", "Adresse", "Date de création"]
            + (movements ? ["Date de fermeture"] : []) + ["Siège"]
    }

    static func sheet(name: String, rows: [(RegisterReports.Movement?, RegisterReports.Establishment)], territory: RegisterReports.Territory,
                      movements: Bool) -> Spreadsheet {
        Spreadsheet(sheetName: name, header: header(movements: movements), rows: rows.map { movement, row in
            var cells: [Spreadsheet.Cell] = movements ? [.text(movement?.label ?? "")] : []
            cells += [.text(row.siret), .text(row.siren), text(row.name), text(row.naf), text((try? NafCode(row.naf ?? ""))?.label),
                      text(row.workforceBand?.code), text(row.workforceBand.map(RegisterPages.shortLabel)), row.workforceYear.map(Spreadsheet.Cell.integer) ?? .empty,
                      text(row.communeCode), text(territory.communeName(row.communeCode)), text(row.address), text(row.createdOn.map(FrenchFormat.date))]
            if movements { cells.append(text(row.closedOn.map(FrenchFormat.date))) }
            cells.append(.text(row.isHeadOffice ? "Oui" : "Non"))
            return cells
        })
    }

    static func text(_ value: String?) -> Spreadsheet.Cell {
        guard let value, !value.isEmpty else { return .empty }
        return .text(value)
    }

    /// « 62.01Z Programmation informatique ».
    static func activity(_ naf: String?) -> String? {
        guard let naf, !naf.isEmpty else { return nil }
        guard let code = try? NafCode(naf) else { return naf }
        return "\(code.code) \(code.label)"
    }

    /// « 50 à 99 salariés (2022) ».
    static func workforce(_ row: RegisterReports.Establishment) -> String? {
        guard let band = row.workforceBand else { return nil }
        return RegisterPages.shortLabel(band) + (row.workforceYear.map { " (\($0))" } ?? "")
    }
}
