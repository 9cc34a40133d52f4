import Foundation
import PacteCore

/// @CTES identifiers as they are actually printed: besides the exact form
/// (`090-249000241-20201217-2020_08_04-DE`), act numbers with spaces or lower case
/// (`021-200071835-20201217-DC 2020 114-DE`), and the transmission suffixes some platforms add
/// (`…-DE-1-1`). Those are read, with a warning on the form; only an identifier whose parts are
/// wrong (SIREN, date, département, nature) is an error.
enum ActesReader {
    struct Reading {
        var printed: String
        var id: ActesId?
        var formNote: String?
        var error: IdentifierError?
    }

    /// Département, SIREN, date, an act number that may hold spaces, a known nature, suffixes.
    static let printedForm = try! NSRegularExpression(
        pattern: #"\b(\d{3}|0\d[AB]|\d[AB])\s?-\s?(\d{9})\s?-\s?(\d{8})\s?-\s?([A-Za-z0-9_\\][A-Za-z0-9_\\ ./]{0,40}?)\s?-\s?(DE|AR|AI|CC|BF|AU)((?:-\d{1,3}){0,3})(?![A-Za-z0-9])"#)

    static func read(_ prose: String) -> [Reading] {
        var readings: [Reading] = []
        var covered: [Range<String.Index>] = []
        let whole = NSRange(prose.startIndex..., in: prose)
        for match in printedForm.matches(in: prose, range: whole) {
            guard let range = Range(match.range, in: prose) else { continue }
            covered.append(range)
            let part = { (i: Int) in Range(match.range(at: i), in: prose).map { String(prose[$0]) } ?? "" }
            readings.append(reading(printed: String(prose[range]), departement: part(1), siren: part(2), date: part(3),
                                    act: part(4), nature: part(5), suffix: part(6)))
        }
        // Words shaped like an identifier that the printed form does not cover (an unknown
        // nature, a sixth part): read strictly, so that their error is reported.
        for candidate in strictCandidates(prose) where !covered.contains(where: { prose[$0].contains(candidate) }) {
            do {
                readings.append(Reading(printed: candidate, id: try ActesId(candidate)))
            } catch {
                readings.append(Reading(printed: candidate, error: error))
            }
        }
        return readings
    }

    static func reading(printed: String, departement: String, siren: String, date: String, act: String, nature: String, suffix: String) -> Reading {
        // Backslashes are word processors' escapes of `_`, not part of what was printed.
        let unescaped = act.filter { $0 != "\\" }
        var normalised = unescaped.replacingOccurrences(of: " ", with: "").uppercased()
        normalised = String(normalised.map { $0.isASCIIDigit || ("A"..."Z").contains($0) || $0 == "_" ? $0 : "_" })
        var notes: [String] = []
        if unescaped.contains(" ") { notes.append("le numéro d'acte contient des espaces") }
        if unescaped != unescaped.uppercased() { notes.append("le numéro d'acte contient des minuscules") }
        if unescaped.contains(where: { $0 == "." || $0 == "/" }) { notes.append("le numéro d'acte contient « . » ou « / », remplacés par « _ »") }
        if !suffix.isEmpty { notes.append("suivi de « \(suffix) », ajouté par la plateforme de transmission") }
        if printed.contains(where: \.isWhitespace), !unescaped.contains(" ") { notes.append("des espaces entourent les tirets") }
        let compact = "\(departement.count == 2 ? "0" + departement : departement)-\(siren)-\(date)-\(normalised)-\(nature)"
        do {
            let id = try ActesId(compact)
            let note = notes.isEmpty ? nil : "Identifiant @CTES « \(printed) » écrit hors de la forme attendue (\(notes.joined(separator: " ; "))) : lu comme \(id)."
            return Reading(printed: printed, id: id, formNote: note)
        } catch {
            return Reading(printed: printed, error: error)
        }
    }

    /// Words shaped like an @CTES identifier: four to six parts, the second a SIREN, the third a date.
    static func strictCandidates(_ prose: String) -> [String] {
        prose.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { word in
            let token = word.trimmingCharacters(in: [".", ",", ";", ":", "(", ")", "«", "»"])
            let parts = token.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count >= 4, parts.count <= 6 else { return nil }
            guard parts[1].count >= 8, parts[1].count <= 10, parts[1].allSatisfy(\.isASCIIDigit) else { return nil }
            guard parts[2].count >= 7, parts[2].count <= 9, parts[2].allSatisfy(\.isASCIIDigit) else { return nil }
            return token
        }
    }
}

extension Finding.Code {
    /// An @CTES identifier read despite its printed form (spaces, suffixes): its parts are valid.
    public static let actesIdForm: Finding.Code = "actes-id-form"
}
