import Foundation
import PacteCore
import PacteStore
import Plot
import Vapor

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
