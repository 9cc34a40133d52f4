import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

/// The convention as it is signed: parties, articles, signatures, and the financing table annexed
/// (A4 print stylesheet).
enum PrintPage {
    static func page(_ view: PageQueries.ConventionView, viewer: Viewer?) -> Page {
        Page(title: view.convention.title, section: .conventions, viewer: viewer,
             breadcrumbs: [("Tableau de bord", "/"), ("Conventions", "/conventions"), (view.convention.title, "/conventions/\(view.id)"), ("Version imprimable", nil)],
             printable: true, content: body(view))
    }

    static func body(_ view: PageQueries.ConventionView) -> BodyNode {
        let c = view.convention
        let signatories = view.parties.filter { $0.roles.contains(.signatory) }
        return .group(
            .p(.class("no-print notice"), .text("Utilisez la commande Imprimer de votre navigateur (format A4) ou "),
               .a(.href("/conventions/\(view.id)/convention.pdf"), .text("téléchargez le PDF")), .text(".")),
            .h1(.text(c.title)),
            .unwrap(c.reference) { .p(.text("Référence : \($0)")) },
            .h2(.text("Entre les soussignés")),
            .ul(.forEach(view.parties) { party in
                .li(.strong(.text(party.name)),
                    .text(party.siren.map { ", SIREN \(DirectoryPage.formatSiren($0))" } ?? ""),
                    .text(party.representative.map { ", représentée par \($0)" } ?? ""),
                    .text(party.designation.map { ", ci-après dénommée « \($0) »" } ?? ""),
                    .text(" (\(party.roles.map(\.label).joined(separator: ", ").lowercased()))"))
            }),
            .unwrap(c.object) { .group(.h2(.text("Objet")), .p(.text($0))) },
            .h2(.text("Il a été convenu ce qui suit")),
            ConventionPage.articles(view),
            .h2(.text("Durée")),
            .p(.text(ConventionDocument.durationSentence(c))),
            .h2(.text("Signatures")),
            .p(.text("Fait en \(max(signatories.count, 1)) exemplaires originaux, le \(UI.date(c.signedOn)).")),
            .div(.class("grid"), .forEach(signatories) { party in
                .div(.class("card"), .p(.strong(.text("Pour \(party.name)"))), .p(.text(party.representative ?? "")), .p(.class("muted"), .text("Signature")))
            }),
            .section(
                .class("annex"),
                .h2(.text("Annexe — Plan de financement")),
                FinancingTableView(table: view.table, evaluation: view.evaluation, actionIDs: [], conventionID: view.id,
                                   axisTitles: Dictionary(view.axes.map { ($0.code, $0.title) }, uniquingKeysWith: { a, _ in a }),
                                   caption: "Plan de financement annexé (montants \(view.table.regime.label))").render(),
                .if(!view.table.pendingNotes.isEmpty, .ul(.forEach(view.table.pendingNotes) { .li(.text($0)) }))
            )
        )
    }
}
