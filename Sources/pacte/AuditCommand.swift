import ArgumentParser
import Foundation
import PacteAudit
import PacteCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Vérifie les documents existants : totaux, lignes, taux journaliers, parts de financement, votes, identifiants @CTES.",
        discussion: """
        Chaque FICHIER est le texte brut d'une convention, d'une fiche action ou d'un extrait de \
        registre des délibérations (texte extrait d'un PDF ou d'un document Word). Le rapport liste \
        ce qui a été lu (parties, actions, lignes de coût, totaux, financements, votes) et les \
        constats, chacun avec sa gravité (erreur, avertissement, information), son code, les \
        valeurs indiquée et calculée et le numéro de ligne. Code de sortie : 0 sans erreur, 1 si \
        un constat de gravité « erreur » est relevé, 2 si un fichier est illisible.
        """
    )

    @Argument(help: "Les fichiers texte à vérifier.")
    var files: [String]

    @Flag(name: .long, help: "Imprime le résultat en JSON (montants en chaînes décimales, « 12600.00 »).")
    var json = false

    @Flag(name: .long, help: "N'imprime que les constats.")
    var findingsOnly = false

    func run() throws {
        var documents: [AuditedDocument] = []
        var unreadable = false
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            do {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    throw UnreadableDocument(file: name, reason: "fichier introuvable ou illisible.")
                }
                documents.append(DocumentAudit.audit(text: try DocumentAudit.decode(data, file: name), file: name))
            } catch let error as UnreadableDocument {
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
