import Foundation
import PacteAudit
import ZIPFoundation

/// A DOCX or ODT opened as the ZIP it is. Entries are read into memory under a size limit that
/// counts the bytes actually inflated, because a ZIP's announced sizes can lie (a "zip bomb").
struct OfficeArchive {
    let archive: Archive
    let file: String

    static let maximumEntryBytes = 64 * 1024 * 1024

    init(data: Data, file: String) throws(UnreadableDocument) {
        self.file = file
        do {
            archive = try Archive(data: data, accessMode: .read, pathEncoding: nil)
        } catch {
            throw UnreadableDocument(file: file, reason: "l'archive du document est endommagée (fichier tronqué ou mal enregistré) : ouvrez-le et enregistrez-le à nouveau.")
        }
    }

    func has(_ path: String) -> Bool { archive[path] != nil }

    func read(_ path: String) throws(UnreadableDocument) -> Data {
        guard let entry = archive[path] else {
            throw UnreadableDocument(file: file, reason: "le document ne contient pas « \(path) » : il est endommagé ou n'est pas un document texte.")
        }
        if entry.uncompressedSize > UInt64(Self.maximumEntryBytes) { throw tooLarge }
        var out = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                out.append(chunk)
                if out.count > Self.maximumEntryBytes { throw EntryTooLarge() }
            }
        } catch is EntryTooLarge {
            throw tooLarge
        } catch {
            throw UnreadableDocument(file: file, reason: "le contenu du document est endommagé (« \(path) » illisible) : ouvrez-le et enregistrez-le à nouveau.")
        }
        return out
    }

    private var tooLarge: UnreadableDocument {
        UnreadableDocument(file: file, reason: "le texte du document dépasse \(Self.maximumEntryBytes / 1024 / 1024) Mo une fois décompressé : ce n'est pas une convention ni une délibération.")
    }

    private struct EntryTooLarge: Error {}
}
