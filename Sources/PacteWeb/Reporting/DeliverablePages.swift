import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

public struct DueDateOut: Content, Sendable {
    public var dueOn: CivilDate
    /// `onTime`, `late`, `awaited`, `overdue`.
    public var status: String
    public var statusLabel: String
    public var deliveredOn: CivilDate?
    public var link: String?
}

public struct DeliverableOut: Documented {
    public var id: UUID
    public var name: String
    public var periodicity: Periodicity
    public var responsible: String?
    public var dueDates: [DueDateOut]

    public static var example: DeliverableOut {
        DeliverableOut(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, name: "Note mensuelle", periodicity: .monthly, responsible: "la CCI",
                       dueDates: [DueDateOut(dueOn: try! CivilDate(year: 2021, month: 1, day: 31), status: "late", statusLabel: "livré en retard",
                                             deliveredOn: try! CivilDate(year: 2021, month: 2, day: 5), link: "https://exemple.fr/note-janvier.pdf")])
    }
}

public struct DeliverableIn: Documented {
    public var name: String
    public var periodicity: Periodicity
    public var firstDue: CivilDate
    public var lastDue: CivilDate?
    public var responsible: String?
    public static var example: DeliverableIn {
        DeliverableIn(name: "Note mensuelle", periodicity: .monthly, firstDue: try! CivilDate(year: 2021, month: 1, day: 31),
                      lastDue: try! CivilDate(year: 2021, month: 12, day: 31), responsible: "la CCI")
    }
}

public struct DeliveryIn: Documented {
    public var dueOn: CivilDate
    public var deliveredOn: CivilDate
    /// The file's name or the link where the deliverable lies.
    public var link: String
    public static var example: DeliveryIn {
        DeliveryIn(dueOn: try! CivilDate(year: 2021, month: 1, day: 31), deliveredOn: try! CivilDate(year: 2021, month: 2, day: 5),
                   link: "https://exemple.fr/note-janvier.pdf")
    }
}

/// The deliverables calendar of a convention: API, page and forms.
enum DeliverablePages {
    static func registerAPI(_ api: APIBuilder) {
        let base: [PathComponent] = ["conventions", ":conventionID", "deliverables"]
        api.on(.GET, base, summary: "Livrables de la convention, échéance par échéance (livré à temps, en retard, à venir)", tag: "Bilans",
               response: [DeliverableOut.example]) { req in
            try await list(try await Access.convention(req), today: .today(), on: req.db)
        }
        api.on(.POST, base, summary: "Ajouter un livrable (nom, périodicité, première et dernière échéances)", tag: "Bilans",
               request: DeliverableIn.example, response: [DeliverableOut.example], status: .created) { req in
            let convention = try await Access.writableConvention(req)
            try await create(req, convention, try req.content.decode(DeliverableIn.self))
            return try await list(convention, today: .today(), on: req.db)
        }
        api.on(.POST, base + [":deliverableID", "deliveries"], summary: "Enregistrer une livraison (échéance, date, fichier ou lien)", tag: "Bilans",
               request: DeliveryIn.example, response: [DeliverableOut.example], status: .created) { req in
            let convention = try await Access.writableConvention(req)
            try await deliver(req, convention, try find(req, convention), try req.content.decode(DeliveryIn.self))
            return try await list(convention, today: .today(), on: req.db)
        }
    }

    static func registerPages(_ convention: any RoutesBuilder) {
        convention.get("livrables") { req async throws -> Page in
            let model = try await Access.convention(req)
            let canWrite = try await Access.canWrite(try req.requirePrincipal(), conventionID: try model.requireID(), on: req.db)
            return page(try await list(model, today: .today(), on: req.db), convention: model, canWrite: canWrite, viewer: try req.viewer(),
                        notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        registerForms(convention)
    }

    static func find(_ req: Request, _ convention: ConventionModel) async throws -> DeliverableModel {
        let id = try Access.uuid(req, "deliverableID", "Livrable")
        guard let found = try await DeliverableModel.query(on: req.db).filter(\.$id == id).filter(\.$convention.$id == convention.requireID()).first() else {
            throw Problem.notFound("Livrable")
        }
        return found
    }

    static func list(_ convention: ConventionModel, today: CivilDate, on db: any Database) async throws -> [DeliverableOut] {
        let deliverables = try await DeliverableModel.query(on: db).filter(\.$convention.$id == convention.requireID()).sort(\.$name).all()
        let deliveries = try await DeliveryModel.query(on: db).filter(\.$deliverable.$id ~~ deliverables.map { $0.id! }).all()
        return deliverables.map { d in
            let last = d.lastDue ?? convention.endsOn ?? today
            let dues = DeliverableSchedule.dueDates(first: d.firstDue, every: d.periodicity, through: last)
            return DeliverableOut(id: d.id!, name: d.name, periodicity: d.periodicity, responsible: d.responsible, dueDates: dues.map { due in
                let delivery = deliveries.first { $0.$deliverable.id == d.id && $0.dueOn == due }
                let status = DeliverableSchedule.status(due: due, deliveredOn: delivery?.deliveredOn, today: today)
                return DueDateOut(dueOn: due, status: status.rawValue, statusLabel: status.label, deliveredOn: delivery?.deliveredOn, link: delivery?.link)
            })
        }
    }

    static func create(_ req: Request, _ convention: ConventionModel, _ input: DeliverableIn) async throws {
        if let last = input.lastDue, last < input.firstDue {
            throw Problem.invalid("lastDue", "La dernière échéance (\(FrenchFormat.date(last))) précède la première (\(FrenchFormat.date(input.firstDue))).")
        }
        let model = DeliverableModel(id: UUID(), conventionID: try convention.requireID(), name: try required(input.name, "name"),
                                     periodicity: input.periodicity, firstDue: input.firstDue, lastDue: input.lastDue, responsible: input.responsible)
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in try await Audited.create(model, "deliverable", conventionID: convention.id, actor: actor, on: tx) }
    }

    static func deliver(_ req: Request, _ convention: ConventionModel, _ deliverable: DeliverableModel, _ input: DeliveryIn) async throws {
        let dues = DeliverableSchedule.dueDates(first: deliverable.firstDue, every: deliverable.periodicity,
                                                through: deliverable.lastDue ?? convention.endsOn ?? input.dueOn)
        guard dues.contains(input.dueOn) else {
            throw Problem.invalid("dueOn", "« \(deliverable.name) » n'a pas d'échéance le \(FrenchFormat.date(input.dueOn)).")
        }
        if try await DeliveryModel.query(on: req.db).filter(\.$deliverable.$id == deliverable.requireID()).filter(\.$dueOn == input.dueOn).count() > 0 {
            throw Problem(.conflict, "L'échéance du \(FrenchFormat.date(input.dueOn)) est déjà livrée.", field: "dueOn")
        }
        let model = DeliveryModel(id: UUID(), deliverableID: try deliverable.requireID(), dueOn: input.dueOn, deliveredOn: input.deliveredOn,
                                  link: try required(input.link, "link"))
        let actor = try req.requirePrincipal().actor
        try await Store.write(on: req.db) { tx in try await Audited.create(model, "delivery", conventionID: convention.id, actor: actor, on: tx) }
    }

    static func crumbs(_ c: ConventionModel, _ last: String?) -> [(label: String, path: String?)] {
        let base = "/conventions/\(c.id!)"
        var crumbs: [(label: String, path: String?)] = [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base)]
        if let last { crumbs += [("Livrables", "\(base)/livrables"), (last, nil)] } else { crumbs.append(("Livrables", nil)) }
        return crumbs
    }

    static func registerForms(_ convention: any RoutesBuilder) {
        let fields = [
            Field(name: "name", label: "Livrable", hint: "Par exemple « Note mensuelle de conjoncture ».", isRequired: true),
            Field(name: "periodicity", label: "Périodicité", control: .select(Periodicity.allCases.map { ($0.rawValue, $0.label) }, placeholder: nil), isRequired: true),
            Field(name: "firstDue", label: "Première échéance", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
            Field(name: "lastDue", label: "Dernière échéance", control: .checked("date"), hint: "jj/mm/aaaa ; vide : jusqu'à l'échéance de la convention", short: true),
            Field(name: "responsible", label: "Qui le livre", hint: "Par exemple « la CCI »."),
        ]
        @Sendable func form(_ req: Request, _ state: FormState, _ c: ConventionModel) throws -> Page {
            FormPages.formPage(title: "Ajouter un livrable", crumbs: crumbs(c, "Ajouter"), state: state, fields: fields,
                               action: "/conventions/\(c.id!)/livrables/nouveau", back: "/conventions/\(c.id!)/livrables", viewer: try req.viewer())
        }
        convention.get("livrables", "nouveau") { req async throws -> Page in
            try form(req, FormState(values: ["periodicity": ["monthly"]]), try await Access.writableConvention(req))
        }
        convention.post("livrables", "nouveau") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            var state = try FormState(request: req)
            let name = state.required("name", "Livrable")
            let periodicity = state.choice("periodicity", Periodicity.self, label: "Périodicité")
            let first = state.date("firstDue", required: true, label: "Première échéance")
            let input = name.flatMap { name in periodicity.flatMap { p in first.map {
                DeliverableIn(name: name, periodicity: p, firstDue: $0, lastDue: state.date("lastDue", label: "Dernière échéance"), responsible: state.text("responsible"))
            } } }
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/livrables?ok=livrable" }, form: { try form(req, $0, c) }) {
                if let input { try await create(req, c, input) }
            }
        }
        let deliveryFields = [
            Field(name: "deliveredOn", label: "Livré le", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
            Field(name: "link", label: "Fichier ou lien", hint: "Le nom du fichier déposé ou l'adresse où il se trouve.", isRequired: true),
        ]
        @Sendable func deliveryForm(_ req: Request, _ state: FormState, _ c: ConventionModel, _ d: DeliverableModel, _ due: String) throws -> Page {
            FormPages.formPage(title: "\(d.name) — échéance du \(due)", crumbs: crumbs(c, "Livraison"), state: state, fields: deliveryFields,
                               action: "/conventions/\(c.id!)/livrables/\(d.id!)/livraison?echeance=\(urlPart(due))", back: "/conventions/\(c.id!)/livrables",
                               viewer: try req.viewer())
        }
        @Sendable func dueDate(_ req: Request) throws -> CivilDate {
            try Access.date(req.query[String.self, at: "echeance"] ?? "", field: "dueOn")
        }
        convention.get("livrables", ":deliverableID", "livraison") { req async throws -> Page in
            let c = try await Access.writableConvention(req)
            return try deliveryForm(req, FormState(values: ["deliveredOn": [FrenchFormat.date(.today())]]), c, try await find(req, c),
                                    FrenchFormat.date(try dueDate(req)))
        }
        convention.post("livrables", ":deliverableID", "livraison") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            let d = try await find(req, c)
            let due = try dueDate(req)
            var state = try FormState(request: req)
            let delivered = state.date("deliveredOn", required: true, label: "Livré le")
            let link = state.required("link", "Fichier ou lien")
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/livrables?ok=livraison" },
                                              form: { try deliveryForm(req, $0, c, d, FrenchFormat.date(due)) }) {
                if let delivered, let link { try await deliver(req, c, d, DeliveryIn(dueOn: due, deliveredOn: delivered, link: link)) }
            }
        }
    }

    static func page(_ deliverables: [DeliverableOut], convention c: ConventionModel, canWrite: Bool, viewer: Viewer, notice: String?) -> Page {
        let base = "/conventions/\(c.id!)"
        let content: BodyNode = .group(
            .h1(.text("Livrables")),
            .p(.class("lead"), .text(c.title)),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .if(canWrite, .div(.class("page-actions"), .a(.class("button"), .href("\(base)/livrables/nouveau"), .text("Ajouter un livrable")))),
            .if(deliverables.isEmpty, .p(.class("muted"), .text("Aucun livrable prévu."))),
            .forEach(deliverables) { d in
                .section(.class("card"),
                    .h2(.text(d.name)),
                    .p(.text("\(d.periodicity.label.capitalized)" + (d.responsible.map { ", par \($0)" } ?? "") + " : "
                             + "\(d.dueDates.filter { $0.status == "onTime" }.count) à temps, \(d.dueDates.filter { $0.status == "late" }.count) en retard, "
                             + "\(d.dueDates.filter { $0.status == "overdue" }.count) attendus et non livrés.")),
                    .div(.class("table-wrap"), .table(
                        .caption(.text("Échéances de « \(d.name) »")),
                        .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Échéance")), .th(.attribute(named: "scope", value: "col"), .text("État")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Livré le")), .th(.attribute(named: "scope", value: "col"), .text("Fichier ou lien")))),
                        .tbody(.forEach(d.dueDates) { due in
                            .tr(.th(.attribute(named: "scope", value: "row"), .text(FrenchFormat.date(due.dueOn))),
                                .td(.span(.class("badge delivery-\(due.status)"), .text(due.statusLabel))),
                                .td(.text(due.deliveredOn.map(FrenchFormat.date) ?? "—")),
                                .td(due.link.map { .text($0) } ?? (canWrite ? .a(.href("\(base)/livrables/\(d.id)/livraison?echeance=\(urlPart(FrenchFormat.date(due.dueOn)))"),
                                                                               .text("Enregistrer la livraison"),
                                                                               .ariaLabel(escapeAttribute("Enregistrer la livraison du \(FrenchFormat.date(due.dueOn))"))) : .text("—"))))
                        }))))
            }
        )
        return Page(title: "Livrables — \(c.title)", section: .conventions, viewer: viewer, breadcrumbs: crumbs(c, nil), content: content)
    }
}
