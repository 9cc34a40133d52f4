import Foundation
import PacteAudit
import Subprocess

/// An outside program that turns a file into text (poppler, tesseract), run as a subprocess so
/// that a slow or hostile file never holds a server thread: under a timeout, with its output
/// capped, and with a French message naming the Debian package when it is missing.
struct Converter: Sendable {
    let program: String
    let debianPackage: String

    static let pdftotext = Converter(program: "pdftotext", debianPackage: "poppler-utils")
    static let pdftoppm = Converter(program: "pdftoppm", debianPackage: "poppler-utils")
    static let tesseract = Converter(program: "tesseract", debianPackage: "tesseract-ocr et tesseract-ocr-fra")

    struct Failure: Error {
        let status: Int32
        let standardError: String
    }

    /// Runs the program and returns its standard output; a non-zero exit is a `Failure` for the
    /// caller to explain, since only it knows what the program was asked.
    func run(_ arguments: [String], file: String, limits: ExtractionLimits) async throws(UnreadableDocument) -> Data {
        let outcome: Result<(Data, String, TerminationStatus), any Error> = await withTaskGroup(of: Result<(Data, String, TerminationStatus), any Error>?.self) { group in
            group.addTask {
                do {
                    let result = try await Subprocess.run(.name(program), arguments: Arguments(arguments), environment: .inherit.updating(["OMP_THREAD_LIMIT": "1"]),
                                                          output: .data(limit: limits.maximumOutputBytes), error: .string(limit: 64 * 1024))
                    return .success((result.standardOutput, result.standardError, result.terminationStatus))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: limits.timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(TimedOut())
        }
        switch outcome {
        case .success(let (output, standardError, status)):
            guard case .exited(0) = status else {
                let code: Int32 = if case .exited(let c) = status { c } else { -1 }
                throw failure(file, Failure(status: code, standardError: standardError))
            }
            return output
        case .failure(let error as SubprocessError) where error.code == .executableNotFound:
            throw UnreadableDocument(file: file, reason: "l'outil « \(program) » n'est pas installé sur ce serveur : installez le paquet Debian \(debianPackage) (apt-get install \(debianPackage.replacingOccurrences(of: " et ", with: " "))).")
        case .failure(let error as SubprocessError) where error.code == .outputLimitExceeded:
            throw UnreadableDocument(file: file, reason: "le texte extrait dépasse \(limits.maximumOutputBytes / 1024 / 1024) Mo : ce n'est pas une convention ni une délibération.")
        case .failure(is TimedOut):
            throw UnreadableDocument(file: file, reason: "la lecture a été arrêtée au bout de \(limits.timeout.components.seconds) s (« \(program) ») : le document est trop long ou endommagé. Envoyez les pages utiles seulement.")
        case .failure(let error):
            throw UnreadableDocument(file: file, reason: "« \(program) » n'a pas pu être lancé (\(error)).")
        }
    }

    /// What a failed run means for the user.
    func failure(_ file: String, _ failure: Failure) -> UnreadableDocument {
        let detail = failure.standardError.lowercased()
        if program == "pdftotext" || program == "pdftoppm" {
            if failure.status == 3 || detail.contains("permission") || detail.contains("password") {
                return UnreadableDocument(file: file, reason: "le PDF est protégé (mot de passe ou copie interdite) : enregistrez-en une copie sans protection.")
            }
            return UnreadableDocument(file: file, reason: "le PDF est endommagé ou incomplet (« \(program) » a échoué) : enregistrez-le à nouveau depuis le logiciel qui l'a produit.")
        }
        if detail.contains("failed loading language") || detail.contains("fra.traineddata") {
            return UnreadableDocument(file: file, reason: "la reconnaissance de caractères en français n'est pas installée : installez le paquet Debian tesseract-ocr-fra.")
        }
        return UnreadableDocument(file: file, reason: "l'image n'a pas pu être lue par la reconnaissance de caractères (format non reconnu ou fichier endommagé).")
    }

    private struct TimedOut: Error {}
}
