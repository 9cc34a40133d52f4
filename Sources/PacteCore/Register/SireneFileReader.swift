import Foundation

/// Reads a SIRENE stock file (`StockEtablissement` or `StockUniteLegale`) row by row: the header
/// first (its layout, its columns), then each data row checked and mapped to a register record, or
/// rejected with its line and reason. A read can resume at a byte offset where an earlier one
/// stopped (a record boundary); line numbers stay those of the whole file.
public final class SireneFileReader {
    public let header: SireneHeader
    /// Size of the input in bytes.
    public let size: Int64
    /// Offset just after the header line: where a fresh read starts.
    public let headerEnd: Int64
    /// Physical line (1-based) where the reading starts: after the header, or at the resumed offset.
    public let startLine: Int
    private let records: CSVRecordReader
    private let handle: FileHandle?

    public var layout: SireneLayout { header.layout }
    /// Offset just after the last row returned by `next()` (the start offset before the first).
    public var offset: Int64 { records.endOffset }

    /// Opens a file; `resumeAt` is an offset reached by an earlier read (`offset`), or 0 for the start.
    public convenience init(path: String, resumeAt: Int64 = 0, chunkSize: Int = 1 << 20) throws(SireneFileError) {
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path),
              let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value else {
            throw SireneFileError("Fichier introuvable ou illisible : \(name).")
        }
        try self.init(size: size, handle: handle, resumeAt: resumeAt, chunkSize: chunkSize) { offset in
            try handle.seek(toOffset: UInt64(offset))
            return { destination in
                guard let data = try handle.read(upToCount: destination.count), !data.isEmpty else { return 0 }
                data.withUnsafeBytes { destination.copyMemory(from: $0) }
                return data.count
            }
        }
    }

    /// Reads bytes held in memory (tests; small files).
    public convenience init(bytes: [UInt8], resumeAt: Int64 = 0, chunkSize: Int = 1 << 20) throws(SireneFileError) {
        try self.init(size: Int64(bytes.count), handle: nil, resumeAt: resumeAt, chunkSize: chunkSize) { offset in
            var position = Int(offset)
            return { destination in
                let n = min(destination.count, bytes.count - position)
                guard n > 0 else { return 0 }
                bytes.withUnsafeBytes { destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<position + n])) }
                position += n
                return n
            }
        }
    }

    /// - Parameter open: a source of the input's bytes from the given offset.
    init(size: Int64, handle: FileHandle?, resumeAt: Int64, chunkSize: Int,
         open: (Int64) throws -> CSVRecordReader.Source) throws(SireneFileError) {
        self.size = size
        self.handle = handle
        do {
            let first = CSVRecordReader(chunkSize: 64 * 1024, source: try open(0))
            try first.skipByteOrderMark()
            guard try first.next() else {
                throw SireneFileError("Le fichier est vide : sa première ligne doit être l'en-tête des colonnes SIRENE de l'INSEE.")
            }
            header = try SireneHeader(names: first.strings)
            headerEnd = first.endOffset
            let start = max(resumeAt, headerEnd)
            guard start <= size else {
                throw SireneFileError("Reprise impossible : le fichier ne compte que \(size) octets, la reprise était prévue à l'octet \(start).")
            }
            startLine = try Self.lineNumber(at: start, source: try open(0))
            records = CSVRecordReader(startOffset: start, startLine: startLine, chunkSize: chunkSize, source: try open(start))
        } catch let error as SireneFileError {
            try? handle?.close()
            throw error
        } catch {
            try? handle?.close()
            throw SireneFileError("Lecture du fichier impossible : \(error.localizedDescription)")
        }
    }

    deinit { try? handle?.close() }

    /// The next data row, or nil at the end of the file.
    public func next() throws(SireneFileError) -> SireneRow? {
        do {
            guard try records.next() else { return nil }
        } catch {
            throw SireneFileError("Lecture du fichier interrompue : \(error.localizedDescription)")
        }
        return header.row(from: records)
    }

    /// The physical line (1-based) at `offset`: one more than the line feeds before it.
    static func lineNumber(at offset: Int64, source: CSVRecordReader.Source) throws -> Int {
        var line = 1
        var remaining = offset
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
        defer { chunk.deallocate() }
        while remaining > 0 {
            let read = try source(UnsafeMutableRawBufferPointer(rebasing: chunk[0..<Int(min(remaining, Int64(chunk.count)))]))
            if read == 0 { break }
            for byte in UnsafeRawBufferPointer(rebasing: chunk[0..<read]) where byte == 0x0A { line += 1 }
            remaining -= Int64(read)
        }
        return line
    }
}
