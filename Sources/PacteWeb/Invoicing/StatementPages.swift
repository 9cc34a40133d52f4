import Fluent
import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// Partner statements on screen: each partner's share, the revenue orders issued and the payments,
/// with the orders issued in one click and the statements downloadable.
enum StatementPages {
    static func register(_ convention: any RoutesBuilder) {
        convention.get("releves") { req async throws -> Page in
            let model = try await Access.convention(req)
            let data = try await StatementRoutes.load(req, model, collector: nil, year: nil)
            let canWrite = try await Access.canWrite(try req.requirePrincipal(), conventionID: try model.requireID(), on: req.db)
            let named = [data.collector] + data.orders.map(\.$partner.id)
            let names = try await PageQueries.organisationNames(named, on: req.db)
            return page(data, convention: model, names: names, canWrite: canWrite, viewer: try req.viewer(),
                        notice: req.query[String.self, at: "ok"].flatMap(Notices.text))
        }
        for format in SpreadsheetFormat.allCases {
            convention.get("releves.\(format.rawValue)") { req async throws -> Response in
                let model = try await Access.convention(req)
                let data = try await StatementRoutes.load(req, model, collector: nil, year: nil)
                return try format.response(sheet(data.statements), fileName: "releves-partenaires", request: req)
            }
        }
        convention.post("titres") { req async throws -> Response in
            let model = try await Access.writableConvention(req)
            let collector = try await StatementRoutes.defaultCollector(model, given: nil, on: req.db)
            _ = try await RevenueOrders.issue(model, collector: collector, year: nil, on: .today(), actor: try req.requirePrincipal().actor, db: req.db)
            return req.redirect(to: "/conventions/\(try model.requireID())/releves?ok=titres#titres", redirectType: .normal)
        }
        let fields = [
            Field(name: "date", label: "Date du paiement", control: .checked("date"), hint: "jj/mm/aaaa", isRequired: true, short: true),
            Field(name: "amount", label: "Montant payé", control: .checked("amount"), isRequired: true, short: true),
        ]
        @Sendable func paymentForm(_ req: Request, _ state: FormState, _ c: ConventionModel, _ order: RevenueOrderModel) throws -> Page {
            let base = "/conventions/\(c.id!)"
            return FormPages.formPage(title: "Paiement du titre \(order.number)",
                                      crumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Relevés des partenaires", "\(base)/releves"),
                                               ("Paiement", nil)],
                                      state: state, fields: fields, action: "\(base)/titres/\(order.id!)/paiement", back: "\(base)/releves#titres",
                                      viewer: try req.viewer(),
                                      intro: "Titre de \(FrenchFormat.money(Money(cents: order.amountCents))), déjà payé \(FrenchFormat.money(Money(cents: order.paidCents))).")
        }
        convention.get("titres", ":orderID", "paiement") { req async throws -> Page in
            let c = try await Access.writableConvention(req)
            let order = try await StatementRoutes.findOrder(req, c)
            var state = FormState(values: ["date": [FrenchFormat.date(.today())]])
            state.set("amount", FrenchFormat.money(Money(cents: order.amountCents - order.paidCents)))
            return try paymentForm(req, state, c, order)
        }
        convention.post("titres", ":orderID", "paiement") { req async throws -> Response in
            let c = try await Access.writableConvention(req)
            let order = try await StatementRoutes.findOrder(req, c)
            var state = try FormState(request: req)
            let date = state.date("date", required: true, label: "Date du paiement")
            let amount = state.amount("amount", required: true, label: "Montant payé")
            return try await FormPages.submit(req, state: state, redirect: { "/conventions/\(c.id!)/releves?ok=paiement#titres" },
                                              form: { try paymentForm(req, $0, c, order) }) {
                if let date, let amount {
                    try await RevenueOrders.recordPayment(order, amount: amount, on: date, actor: try req.requirePrincipal().actor, db: req.db)
                }
            }
        }
    }

    static let header = ["Partenaire", "Part due", "Titres émis", "Payé", "Reste à émettre", "Reste à encaisser"]

    static func sheet(_ statements: [PartnerStatement]) -> Spreadsheet {
        Spreadsheet(sheetName: "Relevés des partenaires", header: header, rows: statements.map { s in
            [.text(s.name)] + [s.due, s.ordered, s.paid, s.toOrder, s.toCollect].map(Spreadsheet.Cell.amount)
        })
    }

    static func page(_ data: StatementRoutes.Statements, convention c: ConventionModel, names: [UUID: String], canWrite: Bool, viewer: Viewer,
                     notice: String?) -> Page {
        let base = "/conventions/\(c.id!)"
        let rows: [Node<HTML.TableContext>] = data.statements.map { s in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(s.name)),
                .td(.class("num"), .text(FrenchFormat.money(s.due))), .td(.class("num"), .text(FrenchFormat.money(s.ordered))),
                .td(.class("num"), .text(FrenchFormat.money(s.paid))), .td(.class("num"), .text(FrenchFormat.money(s.toOrder))),
                .td(.class("num"), .text(FrenchFormat.money(s.toCollect))))
        }
        let orders: [Node<HTML.TableContext>] = data.orders.map { o in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(o.number)), .td(.text(names[o.$partner.id] ?? "—")),
                .td(.text(FrenchFormat.date(o.issuedOn))), .td(.class("num"), .text(FrenchFormat.money(Money(cents: o.amountCents)))),
                .td(.class("num"), .text(FrenchFormat.money(Money(cents: o.paidCents)))),
                .td(.if(canWrite && o.paidCents != o.amountCents, .a(.href("\(base)/titres/\(o.id!)/paiement"), .text("Enregistrer un paiement"),
                                                           .ariaLabel(escapeAttribute("Enregistrer un paiement sur le titre \(o.number)"))))))
        }
        let content: BodyNode = .group(
            .h1(.text("Relevés des partenaires")),
            .p(.class("lead"), .text(c.title)),
            .unwrap(notice) { .p(.class("notice ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .p(.text("\(names[data.collector] ?? "Le financeur qui porte les dépenses") émet un titre de recettes à chaque partenaire pour sa part. "
                     + "Total des parts des partenaires : \(FrenchFormat.money(data.total)).")),
            .div(.class("page-actions"),
                 .if(canWrite, .form(.method(.post), .action("\(base)/titres"), CSRF.field(viewer.csrf),
                                     .button(.class("button"), .type(.submit), .text("Émettre les titres de recettes restant à émettre")))),
                 .empty),
            DownloadPicker.render(path: "\(base)/releves", header: header, id: "releves"),
            .div(.class("table-wrap"), .table(
                .caption(.text("Part de chaque partenaire, titres émis et paiements")),
                .thead(.tr(.forEach(header.enumerated()) { index, label in
                    .th(.attribute(named: "scope", value: "col"), .class(index > 0 ? "num" : ""), .text(label))
                })),
                .tbody(.group(rows)))),
            .h2(.id("titres"), .text("Titres de recettes")),
            data.orders.isEmpty ? .p(.class("muted"), .text("Aucun titre émis.")) : .div(.class("table-wrap"), .table(
                .caption(.text("Titres de recettes émis")),
                .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Numéro")), .th(.attribute(named: "scope", value: "col"), .text("Partenaire")),
                           .th(.attribute(named: "scope", value: "col"), .text("Émis le")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")),
                           .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Payé")),
                           .th(.attribute(named: "scope", value: "col"), .text("Paiement")))),
                .tbody(.group(orders))))
        )
        return Page(title: "Relevés des partenaires — \(c.title)", section: .conventions, viewer: viewer,
                    breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (c.title, base), ("Relevés des partenaires", nil)],
                    content: content)
    }
}
