import ArgumentParser
import Fluent
import Foundation
import PacteAudit
import PacteCore
import PacteDocuments
import PacteStore

/// `pacte import FILE --organisation SIREN`: reads a document, prints its audit and the draft it
/// proposes, and stores it as a pending import to review and save in the web interface. It never
/// creates a convention itself.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Prépare l'import d'un document : une convention en brouillon, à relire et enregistrer dans l'interface web.",
        discussion: """
        FICHIER est une convention, des fiches actions ou un extrait de délibération, en PDF (texte \
        ou scanné), DOCX, ODT, image ou texte brut (comme pour « pacte audit »). La commande imprime les constats de la lecture et le brouillon \
        proposé, l'enregistre comme import en attente pour l'organisation de ce SIREN et donne \
        l'adresse de la page de relecture (préfixée par PACTE_PUBLIC_URL si la variable est réglée). \
        Aucune convention n'est créée avant que quelqu'un ait relu et enregistré le brouillon sur \
        cette page. Code de sortie : 0 import enregistré, 2 fichier illisible, SIREN invalide ou \
        organisation inconnue.
        """
    )

    @ArgumentParser.Argument(help: "Le fichier à importer (.pdf, .docx, .odt, .txt, image).")
    var file: String

    @ArgumentParser.Option(name: .customLong("organisation"), help: "SIREN de l'organisation qui importe (ses agents relisent le brouillon).")
    var organisation: String

    @ArgumentParser.OptionGroup var database: DatabaseOptions

    func run() async throws {
        let siren: Siren
        do throws(IdentifierError) {
            siren = try Siren(organisation)
        } catch {
            printError("SIREN invalide : \(error.description)")
            throw ExitCode(2)
        }
        let name = URL(fileURLWithPath: file).lastPathComponent
        let text: String
        let document: AuditedDocument
        do throws(UnreadableDocument) {
            let (extracted, audited) = try await DocumentReader.audit(try DocumentReader.contents(ofFile: file), file: name)
            if extracted.format != .text || extracted.ocr { print("\(name) : \(extracted.summary)") }
            text = extracted.text
            document = audited
        } catch {
            printError("Illisible : \(error.description)")
            throw ExitCode(2)
        }
        let draft = ImportDraft(document: document)
        print(AuditTextReport.render([document], findingsOnly: true))
        print(Self.summary(draft))

        let record = try await withApplication(database) { app -> DocumentImportModel? in
            guard let owner = try await OrganisationModel.query(on: app.db).filter(\.$siren == siren).first() else { return nil }
            return try await DocumentImports.create(organisationID: try owner.requireID(), fileName: name, text: text, draft: draft, createdBy: nil,
                                                    actor: Actor(userID: nil, name: "pacte import (ligne de commande)"), on: app.db)
        }
        guard let record else {
            printError("Aucune organisation de SIREN \(siren.digits) : créez-la d'abord (API /api/v1/organisations ou `pacte demo`). Rien n'a été enregistré.")
            throw ExitCode(2)
        }
        let base = (ProcessInfo.processInfo.environment["PACTE_PUBLIC_URL"] ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        print("Import en attente de relecture : \(base)/imports/\(try record.requireID())")
        print("Relisez et corrigez le brouillon à cette adresse, à côté du texte, puis enregistrez-le : aucune convention n'est créée avant.")
    }

    /// The draft in a few lines: title, parties, each action with its lines and shares.
    static func summary(_ draft: ImportDraft) -> String {
        var out = ["Brouillon proposé : « \(draft.title) »"]
        if !draft.parties.isEmpty {
            out.append("  Parties : " + draft.parties.map { $0.name + ($0.shortName.map { " (« \($0) »)" } ?? "") + ($0.siren.map { ", SIREN \($0)" } ?? "") }
                .joined(separator: " ; "))
        }
        for action in draft.actions {
            let lines = action.lines.isEmpty ? "aucune ligne" : action.lines.count == 1 ? "1 ligne" : "\(action.lines.count) lignes"
            var text = "  Action " + (action.code.map { "\($0) " } ?? "") + "« \(action.title) » : \(lines) de coût"
            if !action.shares.isEmpty {
                text += " ; financement : " + action.shares.map { share in
                    share.funder + " " + [share.percent, share.amount.map { "\($0) €" }].compactMap { $0 }.joined(separator: ", ")
                        + (share.condition.map { " (\($0))" } ?? "")
                }.joined(separator: " ; ")
            }
            out.append(text)
        }
        if draft.actions.isEmpty { out.append("  Aucune action lue : le brouillon se complète sur la page de relecture.") }
        return out.joined(separator: "\n")
    }
}
