import Foundation
import ZIPFoundation

/// A ZIP file built in memory from named parts, in the order given: OpenDocument requires its
/// `mimetype` part first and uncompressed, so the caller chooses order and compression.
enum ZipPackage {
    struct Part {
        var path: String
        var data: Data
        /// Stored parts are readable at a fixed offset without unzipping (OpenDocument's `mimetype`).
        var stored = false

        init(_ path: String, _ text: String, stored: Bool = false) {
            self.path = path
            self.data = Data(text.utf8)
            self.stored = stored
        }
    }

    static func zip(_ parts: [Part]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
        for part in parts {
            let data = part.data
            try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: part.stored ? .none : .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw ZipPackageError() }
        return data
    }
}

struct ZipPackageError: Error, CustomStringConvertible {
    var description: String { "the in-memory ZIP archive returned no data" }
}
