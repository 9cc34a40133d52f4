import ArgumentParser
import Foundation
import PacteAudit
import PacteCore
import PacteDocuments

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Vérifie les documents existants : totaux, lignes, taux journaliers, parts de financement, votes, identifiants @CTES.",
        discussion: """
        Chaque FICHIER est une convention, une fiche action ou un extrait de registre des \
        délibérations : PDF (avec sa couche texte, ou scanné : lu par reconnaissance de caractères \
        en français), Word (.docx), OpenDocument (.odt), image d'une page (PNG, JPEG, TIFF) ou texte \
        brut (UTF-8 ou Windows-1252). Les PDF demandent le paquet Debian poppler-utils, les scans \
        tesseract-ocr et tesseract-ocr-fra. Un fichier de plus de 20 Mo est refusé. Le rapport liste \
        ce qui a été lu (parties, actions, lignes de coût, totaux, financements, votes) et les \
        constats, chacun avec sa gravité (erreur, avertissement, information), son code, les \
        valeurs indiquée et calculée, la page et le numéro de ligne. Sur un texte lu par \
        reconnaissance de caractères, un compte qui ne tombe pas juste est un avertissement (un \
        chiffre a pu être mal lu), jamais une erreur. Code de sortie : 0 sans erreur, 1 si \
        un constat de gravité « erreur » est relevé, 2 si un fichier est illisible.
        """
    )

    @Argument(help: "Les fichiers à vérifier (.pdf, .docx, .odt, .txt, .png, .jpg, .tif).")
    var files: [String]

    @Flag(name: .long, help: "Imprime le résultat en JSON (montants en chaînes décimales, « 12600.00 »).")
    var json = false

    @Flag(name: .long, help: "N'imprime que les constats.")
    var findingsOnly = false

    func run() async throws {
        var documents: [AuditedDocument] = []
        var unreadable = false
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            do throws(UnreadableDocument) {
                let data = try DocumentReader.contents(ofFile: file)
                let (extracted, document) = try await DocumentReader.audit(data, file: name)
                if extracted.format != .text || extracted.ocr { printError("\(name) : \(extracted.summary)") }
                documents.append(document)
            } catch {
                printError("Illisible : \(error.description)")
                unreadable = true
            }
        }
        if json {
            print(AuditJSONReport.render(documents))
        } else {
            print(AuditTextReport.render(documents, findingsOnly: findingsOnly))
        }
        if unreadable { throw ExitCode(2) }
        if documents.contains(where: { $0.errorCount > 0 }) { throw ExitCode(1) }
    }
}
