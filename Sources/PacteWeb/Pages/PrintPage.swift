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
            .p(.text("La convention prend effet le \(UI.date(c.startsOn)) et s'achève le \(UI.date(c.endsOn))"
                + (c.renewal.map { " ; \($0.label.lowercased())" } ?? "")
                + (c.noticeMonths.map { ", préavis de \($0) mois" } ?? "") + ".")),
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

/// The printable convention as a PDF, printed by headless Chromium where it is installed
/// (`PACTE_CHROMIUM`, else `chromium` on the PATH). The page is written to a private temporary
/// folder with the stylesheet beside it, so that Chromium needs no session.
enum PDFExport {
    static func chromiumPath() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PACTE_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    static func response(for view: PageQueries.ConventionView, request: Request) async throws -> Response {
        guard let chromium = chromiumPath() else {
            throw Problem(.serviceUnavailable, "L'export PDF a besoin de Chromium, absent de ce serveur. Utilisez la version imprimable et la commande Imprimer de votre navigateur.")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = Page.render(title: view.convention.title, section: nil, viewer: nil, breadcrumbs: [], printable: true,
                               stylesheet: "pacte.css", content: PrintPage.body(view))
        try Data(StaticAssets.stylesheet.utf8).write(to: folder.appendingPathComponent("pacte.css"))
        let page = folder.appendingPathComponent("convention.html")
        try Data(html.utf8).write(to: page)
        let output = folder.appendingPathComponent("convention.pdf")
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer",
                         "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
                         "--print-to-pdf=\(output.path)", page.absoluteString]
        // coreutils' timeout stops a Chromium that hangs (a broken profile, a font scan) after a minute.
        let timeout = "/usr/bin/timeout"
        let guarded = FileManager.default.isExecutableFile(atPath: timeout)
        let status = try await request.application.threadPool.runIfActive {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: guarded ? timeout : chromium)
            process.arguments = guarded ? ["--kill-after=5", "60", chromium] + arguments : arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard status == 0, let data = try? Data(contentsOf: output), data.starts(with: Array("%PDF".utf8)) else {
            request.logger.error("Chromium n'a pas produit le PDF (code \(status)).")
            throw Problem(.internalServerError, "La génération du PDF a échoué. Utilisez la version imprimable en attendant.")
        }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        let name = view.convention.title.folding(options: [.diacriticInsensitive], locale: nil)
            .map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined().prefix(60)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"convention-\(name).pdf\"")
        return response
    }
}
