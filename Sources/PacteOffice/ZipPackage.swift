import Foundation
import ZIPFoundation

/// A ZIP file built in memory from named parts, in the order given: OpenDocument requires its
/// `mimetype` part first and uncompressed, so the caller chooses order and compression.
public enum ZipPackage {
    public struct Part {
        public var path: String
        public var data: Data
        /// Stored parts are readable at a fixed offset without unzipping (OpenDocument's `mimetype`).
        public var stored = false

        public init(_ path: String, _ text: String, stored: Bool = false) {
            self.path = path
            self.data = Data(text.utf8)
            self.stored = stored
        }

        public init(_ path: String, data: Data, stored: Bool = false) {
            self.path = path
            self.data = data
            self.stored = stored
        }
    }

    public static func zip(_ parts: [Part]) throws -> Data {
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

public struct ZipPackageError: Error, CustomStringConvertible {
    public var description: String { "the in-memory ZIP archive returned no data" }
}
