import Foundation

/// A streaming reader of RFC 4180 CSV (comma separator, fields optionally quoted, `""` for a quote
/// inside a quoted field, newlines allowed inside quotes, CRLF or LF line ends, optional UTF-8 BOM).
///
/// It works on raw bytes read in large chunks and never builds a `String` unless asked for one
/// field: INSEE's stock files hold tens of millions of rows of 50-odd columns, of which the register
/// keeps a dozen. A record's fields are byte ranges into the internal buffer, valid until the next
/// call of `next()`.
///
/// Lenient where RFC 4180 leaves no doubt about the intent: a quote inside an unquoted field is
/// kept as text, a lone CR is kept as text. Text after a closing quote and a quote never closed
/// make the record malformed (`malformation` says why) without stopping the reading.
///
/// A reader belongs to one task and is never re-entered, so its stored properties opt out of the
/// runtime's exclusivity checks: with them, a third of the parsing time went to `swift_beginAccess`.
public final class CSVRecordReader {
    /// Fills the given buffer from the input and returns the number of bytes written; 0 at the end.
    public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private let source: Source
    @exclusivity(unchecked) private var buffer: UnsafeMutableRawBufferPointer
    /// Valid bytes in `buffer`.
    @exclusivity(unchecked) private var count = 0
    /// Where the next record starts in `buffer`.
    @exclusivity(unchecked) private var position = 0
    /// Offset in the input of `buffer[0]`.
    @exclusivity(unchecked) private var bufferOffset: Int64
    @exclusivity(unchecked) private var sourceExhausted = false
    /// Physical line number (1-based) at which the next record starts.
    @exclusivity(unchecked) private var nextLine: Int
    /// Start (low 32 bits), length (next 31 bits) and "has doubled quotes" (top bit) of each field.
    @exclusivity(unchecked) private var fields: [UInt64] = []

    /// Physical line (1-based, counting newlines inside quoted fields) where the current record starts.
    @exclusivity(unchecked) public private(set) var line = 0
    /// Offset in the input just after the current record and its line end: where a reader resumes.
    @exclusivity(unchecked) public private(set) var endOffset: Int64
    /// Why the current record is malformed (French), or nil.
    @exclusivity(unchecked) public private(set) var malformation: String?

    /// - Parameters:
    ///   - startOffset: offset in the whole input of the first byte `source` gives (a resumed read).
    ///   - startLine: physical line number of that byte.
    ///   - chunkSize: bytes asked of `source` at a time.
    public init(startOffset: Int64 = 0, startLine: Int = 1, chunkSize: Int = 1 << 20, source: @escaping Source) {
        self.source = source
        self.bufferOffset = startOffset
        self.endOffset = startOffset
        self.nextLine = startLine
        buffer = .allocate(byteCount: max(chunkSize, 1), alignment: 8)
        fields.reserveCapacity(64)
    }

    deinit { buffer.deallocate() }

    /// Number of fields of the current record.
    public var fieldCount: Int { fields.count }

    /// Skips a UTF-8 byte order mark at the very start of the input.
    public func skipByteOrderMark() throws {
        while count - position < 3, try fill() {}
        guard count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF else { return }
        position += 3
        endOffset = bufferOffset + Int64(position)
    }

    /// Moves to the next record; false at the end of the input. Blank lines are skipped.
    public func next() throws -> Bool {
        while true {
            if position == count {
                guard try fill() else { return false }
                continue
            }
            let base = UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
            guard let (end, newlines, terminated) = scanRecord(base, from: position, to: count, final: sourceExhausted) else {
                // The record runs past the bytes at hand: once the input is exhausted, the scan always concludes.
                _ = try fill()
                continue
            }
            line = nextLine
            nextLine += newlines + (terminated ? 1 : 0)
            position = end
            endOffset = bufferOffset + Int64(end)
            if fields.count == 1 && fieldLength(0) == 0 && malformation == nil && !startsWithQuote {
                continue // a blank line
            }
            return true
        }
    }

    /// True when the current record's first field was written in quotes (`""` is an empty value, not a blank line).
    @exclusivity(unchecked) private var startsWithQuote = false

    /// Reads more input after the unread bytes; false when the input is exhausted and nothing was added.
    private func fill() throws -> Bool {
        if sourceExhausted { return false }
        if position > 0 {
            let remaining = count - position
            if remaining > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + position, byteCount: remaining)
            }
            bufferOffset += Int64(position)
            count = remaining
            position = 0
        }
        if count == buffer.count {
            // One record is larger than the buffer: grow it.
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
            larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: count)
            buffer.deallocate()
            buffer = larger
        }
        let read = try source(UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
        if read == 0 {
            sourceExhausted = true
            return true // the scan may now conclude on the bytes it has, at the end of the input
        }
        count += read
        return true
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    @inline(__always)
    private func append(start: Int, end: Int, doubledQuotes: Bool) {
        fields.append(UInt64(start) | UInt64(end - start) << 32 | (doubledQuotes ? 1 << 63 : 0))
    }

    /// Scans one record from `from`. Returns the index after it (line end included), the newlines
    /// inside its quoted fields and whether a line end closed it; nil when the bytes up to `end` do
    /// not hold the whole record and more input may follow.
    private func scanRecord(_ base: UnsafePointer<UInt8>, from: Int, to end: Int, final: Bool) -> (Int, Int, Bool)? {
        fields.removeAll(keepingCapacity: true)
        malformation = nil
        startsWithQuote = from < end && base[from] == Self.quote
        var newlines = 0
        var i = from
        while true {
            if i < end && base[i] == Self.quote {
                i += 1
                let contentStart = i
                var doubled = false
                while true {
                    while i < end && base[i] != Self.quote {
                        if base[i] == Self.lineFeed { newlines += 1 }
                        i += 1
                    }
                    if i >= end {
                        guard final else { return nil }
                        malformation = "guillemet ouvrant jamais refermé : le champ court jusqu'à la fin du fichier"
                        append(start: contentStart, end: end, doubledQuotes: doubled)
                        return (end, newlines, false)
                    }
                    if i + 1 < end {
                        if base[i + 1] == Self.quote {
                            doubled = true
                            i += 2
                            continue
                        }
                    } else if !final {
                        return nil // the next byte decides between a doubled quote and a closing one
                    }
                    break
                }
                append(start: contentStart, end: i, doubledQuotes: doubled)
                i += 1
                if i >= end {
                    guard final else { return nil }
                    return (end, newlines, false)
                }
                switch base[i] {
                case Self.comma:
                    i += 1
                    continue
                case Self.lineFeed:
                    return (i + 1, newlines, true)
                case Self.carriageReturn where i + 1 < end && base[i + 1] == Self.lineFeed:
                    return (i + 2, newlines, true)
                case Self.carriageReturn where i + 1 >= end && !final:
                    return nil
                default:
                    // Text after the closing quote: the record is reported, the text up to the next separator dropped.
                    malformation = "texte après un guillemet fermant (un guillemet dans un champ s'écrit \"\")"
                    while i < end && base[i] != Self.comma && base[i] != Self.lineFeed { i += 1 }
                    if i >= end {
                        guard final else { return nil }
                        return (end, newlines, false)
                    }
                    if base[i] == Self.comma {
                        i += 1
                        continue
                    }
                    return (i + 1, newlines, true)
                }
            } else {
                let start = i
                while i < end {
                    let byte = base[i]
                    if byte == Self.comma || byte == Self.lineFeed { break }
                    i += 1
                }
                if i >= end {
                    guard final else { return nil }
                    var stop = end
                    if stop > start && base[stop - 1] == Self.carriageReturn { stop -= 1 }
                    append(start: start, end: stop, doubledQuotes: false)
                    return (end, newlines, false)
                }
                if base[i] == Self.comma {
                    append(start: start, end: i, doubledQuotes: false)
                    i += 1
                    continue
                }
                var stop = i
                if stop > start && base[stop - 1] == Self.carriageReturn { stop -= 1 }
                append(start: start, end: stop, doubledQuotes: false)
                return (i + 1, newlines, true)
            }
        }
    }

    @inline(__always)
    private func fieldLength(_ index: Int) -> Int { Int((fields[index] >> 32) & 0x7FFF_FFFF) }

    /// The raw bytes of a field (inside its quotes; doubled quotes not yet undone, see `string(_:)`).
    @inline(__always)
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let packed = fields[index]
        let start = Int(packed & 0xFFFF_FFFF)
        let length = Int((packed >> 32) & 0x7FFF_FFFF)
        return try body(UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + start, count: length))
    }

    /// True when the field is empty.
    @inline(__always)
    public func isEmpty(_ index: Int) -> Bool { fieldLength(index) == 0 }

    /// True when the field holds doubled quotes, which `withBytes` leaves as they are.
    @inline(__always)
    public func hasDoubledQuotes(_ index: Int) -> Bool { fields[index] >> 63 == 1 }

    /// The field as text (UTF-8; invalid bytes become U+FFFD), doubled quotes undone.
    public func string(_ index: Int) -> String {
        withBytes(index) { bytes in
            guard hasDoubledQuotes(index) else { return String(decoding: bytes, as: UTF8.self) }
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                unescaped.append(bytes[i])
                i += bytes[i] == Self.quote && i + 1 < bytes.count && bytes[i + 1] == Self.quote ? 2 : 1
            }
            return String(decoding: unescaped, as: UTF8.self)
        }
    }

    /// Every field of the current record as text.
    public var strings: [String] { (0..<fields.count).map(string) }
}

extension CSVRecordReader {
    /// A reader of `bytes`, asking for `chunkSize` bytes at a time (tests use tiny chunks to cut records anywhere).
    public convenience init(bytes: [UInt8], chunkSize: Int = 1 << 20) {
        let box = ByteCursor(bytes)
        self.init(chunkSize: chunkSize) { destination in box.read(into: destination) }
    }

    /// A reader of an open file from its current position, which is `startOffset` in the file.
    public convenience init(handle: FileHandle, startOffset: Int64 = 0, startLine: Int = 1, chunkSize: Int = 1 << 20) {
        self.init(startOffset: startOffset, startLine: startLine, chunkSize: chunkSize) { destination in
            guard let data = try handle.read(upToCount: destination.count), !data.isEmpty else { return 0 }
            data.withUnsafeBytes { destination.copyMemory(from: $0) }
            return data.count
        }
    }
}

/// Hands out the bytes of an array in successive reads.
private final class ByteCursor {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(destination.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            destination.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}
