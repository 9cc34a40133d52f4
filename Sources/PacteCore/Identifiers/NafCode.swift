import Foundation

/// A NAF rév. 2 sub-class (code APE), form `NN.NNL` (`47.11D`), checked against the INSEE list
/// shipped with Pacte (732 sub-classes).
public struct NafCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let code: String

    /// Accepts `47.11D`, `4711D`, `47 11 D`, any case.
    public init(_ text: String) throws(IdentifierError) {
        let compact = compactDigits(text).uppercased()
        let normalized: String
        if compact.count == 5, compact.prefix(4).allSatisfy(\.isASCIIDigit), compact.last!.isLetter {
            normalized = compact.prefix(2) + "." + compact.dropFirst(2)
        } else {
            normalized = compact
        }
        let chars = Array(normalized)
        guard chars.count == 6, chars[0].isASCIIDigit, chars[1].isASCIIDigit, chars[2] == ".",
              chars[3].isASCIIDigit, chars[4].isASCIIDigit, chars[5].isASCII, chars[5].isUppercase
        else {
            throw IdentifierError(input: text, message: "un code NAF s'écrit NN.NNL, par exemple 47.11D.")
        }
        guard NafCode.labels[normalized] != nil else {
            throw IdentifierError(input: text, message: "ce code n'existe pas dans la nomenclature NAF rév. 2.")
        }
        code = normalized
    }

    /// The INSEE label of the sub-class (`Supermarchés`).
    public var label: String { NafCode.labels[code] ?? "" }

    public var description: String { code }
    public static func < (lhs: NafCode, rhs: NafCode) -> Bool { lhs.code < rhs.code }

    /// Every sub-class of NAF rév. 2 with its label.
    public static var all: [(code: String, label: String)] {
        labels.map { ($0.key, $0.value) }.sorted { $0.code < $1.code }
    }

    /// Loaded once from the bundled `naf_rev2.csv` (INSEE columns: line, code, label, 65- and 40-character labels).
    static let labels: [String: String] = {
        guard let url = Bundle.module.url(forResource: "naf_rev2", withExtension: "csv"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [:] }
        var result: [String: String] = [:]
        for record in SimpleCSV.records(text) where record.count >= 3 {
            let code = record[1]
            if code.count == 6, code.last!.isLetter, code.dropLast().filter(\.isASCIIDigit).count == 4 {
                result[code] = record[2]
            }
        }
        return result
    }()
}

extension NafCode: TextCodable {
    public init(codedText: String) throws { try self.init(codedText) }
    public var codedText: String { code }
}

/// A minimal RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes) for the
/// small reference files bundled with the core.
enum SimpleCSV {
    static func records(_ text: String, separator: Character = ",") -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
            } else if c == separator {
                record.append(field); field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
