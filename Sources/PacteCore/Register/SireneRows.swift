/// One establishment of the register, read from a `StockEtablissement` row. Every value has been
/// checked (SIRET with its key, dates, workforce band); texts are INSEE's, as given.
public struct RegisterEstablishment: Sendable, Equatable {
    /// 14 digits, valid (La Poste's rule included).
    public var siret: String
    public var siren: String
    /// `denominationUsuelleEtablissement`, else `enseigne1Etablissement`.
    public var name: String?
    /// `activitePrincipaleEtablissement` as given (NAF rév. 2 for current establishments, older nomenclatures for some closed ones).
    public var naf: String?
    /// A SIRENE workforce band code (`WorkforceBand`), nil when INSEE gives none.
    public var workforceBand: String?
    public var workforceYear: Int?
    /// `codeCommuneEtablissement` (INSEE commune code; empty for establishments abroad).
    public var communeCode: String?
    /// Number, street and town on one line: `12 B RUE DE LA PAIX 51120 SEZANNE`.
    public var address: String?
    /// `YYYY-MM-DD`.
    public var createdOn: String?
    /// `YYYY-MM-DD`, the start of the closed period when INSEE reports the establishment closed (`F`).
    public var closedOn: String?
    public var isHeadOffice: Bool
    /// `dateDernierTraitementEtablissement` as given (`2024-03-22T14:26:06`).
    public var updatedAtSource: String?

    public init(siret: String, siren: String, name: String? = nil, naf: String? = nil, workforceBand: String? = nil,
                workforceYear: Int? = nil, communeCode: String? = nil, address: String? = nil, createdOn: String? = nil,
                closedOn: String? = nil, isHeadOffice: Bool = false, updatedAtSource: String? = nil) {
        self.siret = siret
        self.siren = siren
        self.name = name
        self.naf = naf
        self.workforceBand = workforceBand
        self.workforceYear = workforceYear
        self.communeCode = communeCode
        self.address = address
        self.createdOn = createdOn
        self.closedOn = closedOn
        self.isHeadOffice = isHeadOffice
        self.updatedAtSource = updatedAtSource
    }
}

/// One legal unit of the register, read from a `StockUniteLegale` row.
public struct RegisterUnit: Sendable, Equatable {
    /// 9 digits, valid.
    public var siren: String
    /// `denominationUniteLegale`, else first name and (used) last name of a sole proprietor.
    public var name: String?
    /// `categorieJuridiqueUniteLegale` (4 digits).
    public var legalCategory: String?
    public var naf: String?
    public var workforceBand: String?
    public var workforceYear: Int?
    /// `nicSiegeUniteLegale` (5 digits): SIREN + NIC is the head office's SIRET.
    public var headOfficeNic: String?
    public var createdOn: String?
    /// Start of the ceased period when INSEE reports the unit ceased (`C`).
    public var closedOn: String?
    public var updatedAtSource: String?

    public init(siren: String, name: String? = nil, legalCategory: String? = nil, naf: String? = nil, workforceBand: String? = nil,
                workforceYear: Int? = nil, headOfficeNic: String? = nil, createdOn: String? = nil, closedOn: String? = nil,
                updatedAtSource: String? = nil) {
        self.siren = siren
        self.name = name
        self.legalCategory = legalCategory
        self.naf = naf
        self.workforceBand = workforceBand
        self.workforceYear = workforceYear
        self.headOfficeNic = headOfficeNic
        self.createdOn = createdOn
        self.closedOn = closedOn
        self.updatedAtSource = updatedAtSource
    }
}

/// A row left out of the import, with the physical line where it starts in the file, the reason
/// in French and its values as read.
public struct SireneRejection: Sendable, Equatable {
    public let line: Int
    public let reason: String
    public let values: [String]

    public init(line: Int, reason: String, values: [String]) {
        self.line = line
        self.reason = reason
        self.values = values
    }
}

/// What a data row of a SIRENE file gives.
public enum SireneRow: Sendable, Equatable {
    case establishment(RegisterEstablishment)
    case unit(RegisterUnit)
    case rejected(SireneRejection)
}

/// A row's first problem, in French.
struct RowProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension SireneHeader {
    /// Maps the reader's current record; a bad row becomes `.rejected`, it never throws.
    func row(from record: CSVRecordReader) -> SireneRow {
        do throws(RowProblem) {
            if let malformation = record.malformation { throw RowProblem(malformation) }
            guard record.fieldCount == names.count else {
                throw RowProblem("\(record.fieldCount) champ\(record.fieldCount > 1 ? "s" : "") au lieu des \(names.count) de l'en-tête")
            }
            let fields = RowFields(record: record, index: index)
            switch layout {
            case .establishments: return .establishment(try fields.establishment())
            case .units: return .unit(try fields.unit())
            }
        } catch {
            return .rejected(SireneRejection(line: record.line, reason: error.reason, values: record.strings))
        }
    }
}

/// The fields of one record, by the register's columns.
private struct RowFields {
    let record: CSVRecordReader
    let index: [Int]

    static let addressColumns: [EstablishmentColumn] = [.number, .repetition, .streetType, .streetName, .postalCode, .communeLabel]

    func position(_ column: EstablishmentColumn) -> Int { index[column.rawValue] }
    func unitPosition(_ column: UnitColumn) -> Int { index[column.rawValue] }

    /// The field as text, nil when the column is absent or the field empty.
    func text(_ position: Int) -> String? {
        guard position >= 0, !record.isEmpty(position) else { return nil }
        return record.string(position)
    }

    func establishment() throws(RowProblem) -> RegisterEstablishment {
        let siret = try checkedSiret(position(.siret))
        let siren = String(siret.prefix(9))
        // The checks below compare bytes: most rows pass them, and a String per field would cost more than the rest of the row.
        let sirenColumn = position(.siren)
        if sirenColumn >= 0, !record.isEmpty(sirenColumn), !record.withBytes(sirenColumn, { $0.elementsEqual(siren.utf8) }) {
            throw RowProblem("siren « \(record.string(sirenColumn)) » ne correspond pas au SIRET \(siret)")
        }
        let closed = try flag(position(.state), name: "etatAdministratifEtablissement", values: ("A", "F")) == "F"
        let headOffice: Bool
        if holds(position(.headOffice), "true") {
            headOffice = true
        } else if holds(position(.headOffice), "false") {
            headOffice = false
        } else {
            throw RowProblem("etablissementSiege « \(text(position(.headOffice)) ?? "") » : true ou false attendu")
        }
        let periodStart = try date(position(.periodStart), name: "dateDebut")
        let address = joined(Self.addressColumns)
        return RegisterEstablishment(
            siret: siret, siren: siren,
            name: text(position(.usualName)) ?? text(position(.sign)),
            naf: text(position(.naf)),
            workforceBand: try band(position(.band), name: "trancheEffectifsEtablissement"),
            workforceYear: try year(position(.bandYear), name: "anneeEffectifsEtablissement"),
            communeCode: text(position(.commune)),
            address: address,
            createdOn: try date(position(.createdOn), name: "dateCreationEtablissement"),
            closedOn: closed ? periodStart : nil,
            isHeadOffice: headOffice,
            updatedAtSource: try timestamp(position(.processedAt), name: "dateDernierTraitementEtablissement"))
    }

    func unit() throws(RowProblem) -> RegisterUnit {
        let siren = try checkedSiren(unitPosition(.siren))
        let ceased = try flag(unitPosition(.state), name: "etatAdministratifUniteLegale", values: ("A", "C")) == "C"
        let periodStart = try date(unitPosition(.periodStart), name: "dateDebut")
        var name = text(unitPosition(.denomination))
        if name == nil {
            let person = [text(unitPosition(.usualFirstName)) ?? text(unitPosition(.firstName)), text(unitPosition(.usedName)) ?? text(unitPosition(.lastName))]
                .compactMap { $0 }.joined(separator: " ")
            name = person.isEmpty ? nil : person
        }
        let nic = text(unitPosition(.headOfficeNic))
        if let nic, !(nic.utf8.count == 5 && nic.utf8.allSatisfy(SireneBytes.isDigit)) {
            throw RowProblem("nicSiegeUniteLegale « \(nic) » : 5 chiffres attendus")
        }
        return RegisterUnit(
            siren: siren, name: name,
            legalCategory: text(unitPosition(.legalCategory)),
            naf: text(unitPosition(.naf)),
            workforceBand: try band(unitPosition(.band), name: "trancheEffectifsUniteLegale"),
            workforceYear: try year(unitPosition(.bandYear), name: "anneeEffectifsUniteLegale"),
            headOfficeNic: nic,
            createdOn: try date(unitPosition(.createdOn), name: "dateCreationUniteLegale"),
            closedOn: ceased ? periodStart : nil,
            updatedAtSource: try timestamp(unitPosition(.processedAt), name: "dateDernierTraitementUniteLegale"))
    }

    /// The SIRET: the common case (14 digits, Luhn over the SIRET and its SIREN) is checked on the
    /// bytes; anything else goes through `Siret`, which knows La Poste's rule and words the error.
    func checkedSiret(_ position: Int) throws(RowProblem) -> String {
        if let fast = record.withBytes(position, SireneBytes.plainSiret) { return fast }
        do {
            return try Siret(record.string(position)).digits
        } catch {
            throw RowProblem("SIRET \(error.description)")
        }
    }

    func checkedSiren(_ position: Int) throws(RowProblem) -> String {
        if let fast = record.withBytes(position, SireneBytes.plainSiren) { return fast }
        do {
            return try Siren(record.string(position)).digits
        } catch {
            throw RowProblem("SIREN \(error.description)")
        }
    }

    func flag(_ position: Int, name: String, values: (String, String)) throws(RowProblem) -> String {
        if holds(position, values.0) { return values.0 }
        if holds(position, values.1) { return values.1 }
        throw RowProblem("\(name) « \(text(position) ?? "") » : \(values.0) ou \(values.1) attendu")
    }

    /// True when the field holds exactly `value`.
    func holds(_ position: Int, _ value: String) -> Bool {
        position >= 0 && !record.hasDoubledQuotes(position) && record.withBytes(position) { $0.elementsEqual(value.utf8) }
    }

    /// The non-empty fields separated by one space, nil when all are empty.
    func joined(_ columns: [EstablishmentColumn]) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        for column in columns {
            let position = position(column)
            guard position >= 0, !record.isEmpty(position) else { continue }
            if !bytes.isEmpty { bytes.append(0x20) }
            if record.hasDoubledQuotes(position) {
                bytes.append(contentsOf: record.string(position).utf8)
            } else {
                record.withBytes(position) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    func date(_ position: Int, name: String) throws(RowProblem) -> String? {
        guard position >= 0, !record.isEmpty(position) else { return nil }
        if let date = record.withBytes(position, { SireneBytes.isDate($0) ? String(decoding: $0, as: UTF8.self) : nil }) { return date }
        throw RowProblem("\(name) « \(record.string(position)) » n'est pas une date AAAA-MM-JJ valide")
    }

    func timestamp(_ position: Int, name: String) throws(RowProblem) -> String? {
        guard position >= 0, !record.isEmpty(position) else { return nil }
        if let stamp = record.withBytes(position, { SireneBytes.isTimestamp($0) ? String(decoding: $0, as: UTF8.self) : nil }) { return stamp }
        throw RowProblem("\(name) « \(record.string(position)) » n'est pas une date AAAA-MM-JJ ni un horodatage AAAA-MM-JJTHH:MM:SS")
    }

    func band(_ position: Int, name: String) throws(RowProblem) -> String? {
        guard position >= 0, !record.isEmpty(position) else { return nil }
        if let code = record.withBytes(position, SireneBytes.bandCode) { return code }
        do {
            return try WorkforceBand(record.string(position)).code
        } catch {
            throw RowProblem("\(name) \(error.description)")
        }
    }

    func year(_ position: Int, name: String) throws(RowProblem) -> Int? {
        guard position >= 0, !record.isEmpty(position) else { return nil }
        if let year = record.withBytes(position, SireneBytes.year) { return year }
        throw RowProblem("\(name) « \(record.string(position)) » n'est pas une année (4 chiffres)")
    }
}

/// Checks on raw field bytes, for the millions of rows that are well formed.
enum SireneBytes {
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Luhn over `count` digits from `start` (every second digit from the right doubled).
    @inline(__always)
    static func luhn(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        var sum = 0
        for position in 0..<count {
            var digit = Int(bytes[count - 1 - position] &- 0x30)
            if position & 1 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }

    /// The SIRET when it is 14 digits, passes Luhn and holds a valid SIREN other than 000000000;
    /// nil otherwise, including La Poste's non-Luhn SIRETs, which `Siret` decides.
    static func plainSiret(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count == 14, bytes.allSatisfy(isDigit), luhn(bytes, count: 14),
              let _ = plainSiren(UnsafeBufferPointer(rebasing: bytes[0..<9])) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func plainSiren(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count == 9, bytes.allSatisfy(isDigit), luhn(bytes, count: 9),
              bytes.contains(where: { $0 != 0x30 }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD`, a real day of the Gregorian calendar, year 1000 or later.
    static func isDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              isDigit(bytes[0]), isDigit(bytes[1]), isDigit(bytes[2]), isDigit(bytes[3]),
              isDigit(bytes[5]), isDigit(bytes[6]), isDigit(bytes[8]), isDigit(bytes[9]) else { return false }
        @inline(__always) func digit(_ i: Int) -> Int { Int(bytes[i] &- 0x30) }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let day = digit(8) * 10 + digit(9)
        guard year >= 1000, month >= 1, month <= 12, day >= 1 else { return false }
        switch month {
        case 2: return day <= (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28)
        case 4, 6, 9, 11: return day <= 30
        default: return day <= 31
        }
    }

    /// A date, alone or followed by `T` (or a space) and a time of digits, `:` and `.`.
    static func isTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 10, isDate(UnsafeBufferPointer(rebasing: bytes[0..<10])) else { return false }
        guard bytes.count > 10 else { return true }
        guard bytes.count <= 32, bytes[10] == 0x54 || bytes[10] == 0x20, bytes.count > 11 else { return false }
        return bytes[11...].allSatisfy { isDigit($0) || $0 == 0x3A || $0 == 0x2E }
    }

    /// The band code when the field is exactly one of INSEE's codes.
    static func bandCode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count == 2 else { return nil }
        let key = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        return bandKeys.contains(key) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    private static let bandKeys: Set<UInt16> = Set(WorkforceBand.codes.map { code in
        let bytes = Array(code.utf8)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    })

    static func year(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count == 4, bytes.allSatisfy(isDigit) else { return nil }
        let value = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return value >= 1000 ? value : nil
    }
}
