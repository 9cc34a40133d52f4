import Foundation
import PropertyBased
import Testing
@testable import PacteCore

/// Reading INSEE's SIRENE stock files: the CSV reader on bytes, the layouts, the mapping of rows to
/// register records and the rejection of bad rows.
@Suite struct SireneReaderTests {
    // MARK: - Helpers

    /// Completes `prefix` with the digit that makes it pass Luhn (written here, independent of the code under test).
    static func luhnCompleted(_ prefix: String) -> String {
        for check in 0...9 {
            let candidate = prefix + String(check)
            var sum = 0
            for (position, character) in candidate.reversed().enumerated() {
                var digit = character.wholeNumberValue!
                if position % 2 == 1 { digit *= 2; if digit > 9 { digit -= 9 } }
                sum += digit
            }
            if sum % 10 == 0 { return candidate }
        }
        fatalError("unreachable")
    }

    /// A valid SIRET built from two numbers.
    static func siret(_ company: Int, _ establishment: Int = 1) -> String {
        let siren = luhnCompleted(String(format: "%08d", company))
        return luhnCompleted(siren + String(format: "%04d", establishment))
    }

    static func quoted(_ value: String) -> String {
        value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    static func line(_ header: [String], _ values: [String: String]) -> String {
        header.map { quoted(values[$0] ?? "") }.joined(separator: ",")
    }

    /// An establishment row as INSEE writes it, with `overrides` applied.
    static func establishment(_ siret: String, _ overrides: [String: String] = [:]) -> [String: String] {
        var values = [
            "siren": String(siret.prefix(9)), "nic": String(siret.suffix(5)), "siret": siret,
            "statutDiffusionEtablissement": "O", "dateCreationEtablissement": "2019-04-01",
            "trancheEffectifsEtablissement": "11", "anneeEffectifsEtablissement": "2022",
            "dateDernierTraitementEtablissement": "2024-03-22T14:26:06", "etablissementSiege": "true",
            "nombrePeriodesEtablissement": "1", "numeroVoieEtablissement": "12", "indiceRepetitionEtablissement": "B",
            "typeVoieEtablissement": "RUE", "libelleVoieEtablissement": "DE LA PAIX", "codePostalEtablissement": "51120",
            "libelleCommuneEtablissement": "SEZANNE", "codeCommuneEtablissement": "51535", "dateDebut": "2019-04-01",
            "etatAdministratifEtablissement": "A", "enseigne1Etablissement": "AU BON PAIN",
            "activitePrincipaleEtablissement": "10.71C", "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
            "caractereEmployeurEtablissement": "O",
        ]
        values.merge(overrides) { $1 }
        return values
    }

    static func file(_ header: [String], _ rows: [[String: String]], lineEnd: String = "\n") -> [UInt8] {
        Array(([header.joined(separator: ",")] + rows.map { line(header, $0) }).joined(separator: lineEnd).appending(lineEnd).utf8)
    }

    static func readAll(_ bytes: [UInt8], chunkSize: Int = 1 << 20, resumeAt: Int64 = 0) throws -> [SireneRow] {
        let reader = try SireneFileReader(bytes: bytes, resumeAt: resumeAt, chunkSize: chunkSize)
        var rows: [SireneRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    static func rejection(_ row: SireneRow) -> SireneRejection? {
        if case .rejected(let rejection) = row { return rejection }
        return nil
    }

    // MARK: - CSV

    struct Record: Equatable {
        let line: Int
        let fields: [String]
        let end: Int64
        let malformed: Bool
    }

    static func records(_ text: String, chunkSize: Int) throws -> [Record] {
        let reader = CSVRecordReader(bytes: Array(text.utf8), chunkSize: chunkSize)
        try reader.skipByteOrderMark()
        var out: [Record] = []
        while try reader.next() {
            out.append(Record(line: reader.line, fields: reader.strings, end: reader.endOffset, malformed: reader.malformation != nil))
        }
        return out
    }

    @Test("RFC 4180: quotes, doubled quotes, newlines inside quotes, CRLF and LF, BOM, blank lines, no final newline; any chunk size")
    func csvEdgeCases() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\r\n2,\"multi\r\nline\",\n\n3,,\"\"\n4,a\"b,c\r\n\"\",é,\"\"\"\"\n5,last,line"
        let expected = [
            Record(line: 1, fields: ["a", "b", "c"], end: 10, malformed: false),
            Record(line: 2, fields: ["1", "x, y", "he said \"hi\""], end: 37, malformed: false),
            Record(line: 3, fields: ["2", "multi\r\nline", ""], end: 54, malformed: false),
            Record(line: 6, fields: ["3", "", ""], end: 61, malformed: false),
            Record(line: 7, fields: ["4", "a\"b", "c"], end: 70, malformed: false),
            Record(line: 8, fields: ["", "é", "\""], end: 81, malformed: false),
            Record(line: 9, fields: ["5", "last", "line"], end: 92, malformed: false),
        ]
        #expect(Array(text.utf8).count == 92)
        for chunk in Array(1...24) + [1 << 20] {
            #expect(try Self.records(text, chunkSize: chunk) == expected, "chunk size \(chunk)")
        }
    }

    @Test("Text after a closing quote and a quote never closed make the record malformed without stopping the reading")
    func csvMalformed() throws {
        for chunk in [1, 3, 1 << 20] {
            let records = try Self.records("a,\"b\"x,c\nd,e,f\ng,\"never closed\n", chunkSize: chunk)
            #expect(records.map(\.line) == [1, 2, 3])
            #expect(records.map(\.malformed) == [true, false, true])
            #expect(records[0].fields == ["a", "b", "c"])
            #expect(records[1].fields == ["d", "e", "f"])
            #expect(records[2].fields == ["g", "never closed\n"])
        }
    }

    // MARK: - Layouts

    @Test("The official headers are INSEE's: 54 establishment columns, 35 unit columns, siret third, NAF 2025 last")
    func officialHeaders() throws {
        #expect(SireneLayout.establishmentHeader.count == 54)
        #expect(Set(SireneLayout.establishmentHeader).count == 54)
        #expect(SireneLayout.establishmentHeader.prefix(3) == ["siren", "nic", "siret"])
        #expect(SireneLayout.establishmentHeader.last == "activitePrincipaleNAF25Etablissement")
        #expect(SireneLayout.unitHeader.count == 35)
        #expect(SireneLayout.unitHeader.last == "activitePrincipaleNAF25UniteLegale")
        #expect(try SireneHeader(names: SireneLayout.establishmentHeader).layout == .establishments)
        #expect(try SireneHeader(names: SireneLayout.unitHeader).layout == .units)
    }

    @Test("An establishment row becomes a register record: name, compact address, closure date, head office, band")
    func establishmentMapping() throws {
        let open = Self.siret(12_345_678, 17)
        let closed = Self.siret(87_654_321, 2)
        let bytes = Self.file(SireneLayout.establishmentHeader, [
            Self.establishment(open),
            Self.establishment(closed, ["denominationUsuelleEtablissement": "BOULANGERIE \"CHEZ PAUL\", SARL", "etatAdministratifEtablissement": "F",
                                        "dateDebut": "2023-06-30", "etablissementSiege": "false", "trancheEffectifsEtablissement": "",
                                        "anneeEffectifsEtablissement": "", "indiceRepetitionEtablissement": "", "numeroVoieEtablissement": "",
                                        "dateDernierTraitementEtablissement": "2023-07-01"]),
        ], lineEnd: "\r\n")
        let rows = try Self.readAll(bytes)
        #expect(rows == [
            .establishment(RegisterEstablishment(
                siret: open, siren: String(open.prefix(9)), name: "AU BON PAIN", naf: "10.71C", workforceBand: "11", workforceYear: 2022,
                communeCode: "51535", address: "12 B RUE DE LA PAIX 51120 SEZANNE", createdOn: "2019-04-01", closedOn: nil,
                isHeadOffice: true, updatedAtSource: "2024-03-22T14:26:06")),
            .establishment(RegisterEstablishment(
                siret: closed, siren: String(closed.prefix(9)), name: "BOULANGERIE \"CHEZ PAUL\", SARL", naf: "10.71C", workforceBand: nil,
                workforceYear: nil, communeCode: "51535", address: "RUE DE LA PAIX 51120 SEZANNE", createdOn: "2019-04-01",
                closedOn: "2023-06-30", isHeadOffice: false, updatedAtSource: "2023-07-01")),
        ])
    }

    @Test("Columns in any order, unknown columns ignored, header names in any case")
    func anyOrder() throws {
        let header = (SireneLayout.establishmentHeader + ["colonneAjouteeParUnOutil"]).reversed().map { $0 == "siret" ? "SIRET" : $0 }
        let siret = Self.siret(11_223_344)
        var values = Self.establishment(siret, ["colonneAjouteeParUnOutil": "n'importe quoi, vraiment"])
        values["SIRET"] = siret
        let rows = try Self.readAll(Self.file(Array(header), [values]))
        guard case .establishment(let record) = try #require(rows.first) else { Issue.record("rejected: \(rows)"); return }
        #expect(record.siret == siret && record.communeCode == "51535" && record.name == "AU BON PAIN")
    }

    @Test("A missing required column, an unknown layout, a semicolon file or an empty file: a French error naming the cause")
    func headerErrors() throws {
        let withoutDateDebut = SireneLayout.establishmentHeader.filter { $0 != "dateDebut" }
        #expect(throws: SireneFileError("Colonne obligatoire absente de l'en-tête du fichier StockEtablissement : dateDebut.")) {
            try SireneFileReader(bytes: Array(withoutDateDebut.joined(separator: ",").utf8))
        }
        let withoutTwo = SireneLayout.unitHeader.filter { $0 != "nicSiegeUniteLegale" && $0 != "etatAdministratifUniteLegale" }
        #expect(throws: SireneFileError("Colonnes obligatoires absentes de l'en-tête du fichier StockUniteLegale : nicSiegeUniteLegale, etatAdministratifUniteLegale.")) {
            try SireneFileReader(bytes: Array((withoutTwo.joined(separator: ",") + "\n").utf8))
        }
        // Optional columns (names, address parts) may be left out.
        let minimal = SireneLayout.establishmentHeader.filter { !$0.hasPrefix("libelle") && !$0.hasPrefix("enseigne") }
        #expect(try SireneFileReader(bytes: Array(minimal.joined(separator: ",").utf8)).layout == .establishments)

        let unknown = #expect(throws: SireneFileError.self) { try SireneFileReader(bytes: Array("nom,adresse\nA,B\n".utf8)) }
        #expect(unknown?.message.hasPrefix("En-tête non reconnu : ce n'est ni un fichier StockEtablissement (colonne siret)") == true)
        let semicolons = #expect(throws: SireneFileError.self) { try SireneFileReader(bytes: Array("siren;nic;siret\n".utf8)) }
        #expect(semicolons?.message.contains("points-virgules") == true)
        let empty = #expect(throws: SireneFileError.self) { try SireneFileReader(bytes: []) }
        #expect(empty?.message.hasPrefix("Le fichier est vide") == true)
        let missing = #expect(throws: SireneFileError.self) { try SireneFileReader(path: "/nonexistent/StockEtablissement.csv") }
        #expect(missing?.message == "Fichier introuvable ou illisible : StockEtablissement.csv.")
    }

    @Test("A unit row: denomination, or first and last name of a sole proprietor; ceased units get their closure date")
    func unitMapping() throws {
        let company = Self.luhnCompleted("55208131")
        let person = Self.luhnCompleted("00032517")
        let bytes = Self.file(SireneLayout.unitHeader, [
            ["siren": company, "dateCreationUniteLegale": "1909-07-31", "trancheEffectifsUniteLegale": "42", "anneeEffectifsUniteLegale": "2023",
             "dateDernierTraitementUniteLegale": "2025-01-01T00:00:00", "dateDebut": "2020-01-01", "etatAdministratifUniteLegale": "A",
             "denominationUniteLegale": "L'OREAL", "categorieJuridiqueUniteLegale": "5599", "activitePrincipaleUniteLegale": "20.42Z",
             "nicSiegeUniteLegale": "01230"],
            ["siren": person, "dateCreationUniteLegale": "2000-09-26", "trancheEffectifsUniteLegale": "NN", "prenom1UniteLegale": "THIERRY",
             "prenomUsuelUniteLegale": "TITI", "nomUniteLegale": "JANOYER", "nomUsageUniteLegale": "MARTIN", "dateDebut": "2018-02-07",
             "etatAdministratifUniteLegale": "C", "categorieJuridiqueUniteLegale": "1000", "activitePrincipaleUniteLegale": "32.12Z",
             "nicSiegeUniteLegale": "00065"],
        ])
        #expect(try Self.readAll(bytes) == [
            .unit(RegisterUnit(siren: company, name: "L'OREAL", legalCategory: "5599", naf: "20.42Z", workforceBand: "42", workforceYear: 2023,
                               headOfficeNic: "01230", createdOn: "1909-07-31", closedOn: nil, updatedAtSource: "2025-01-01T00:00:00")),
            .unit(RegisterUnit(siren: person, name: "TITI MARTIN", legalCategory: "1000", naf: "32.12Z", workforceBand: "NN", workforceYear: nil,
                               headOfficeNic: "00065", createdOn: "2000-09-26", closedOn: "2018-02-07", updatedAtSource: nil)),
        ])
    }

    // MARK: - Rejected rows

    @Test("Bad rows are rejected with their physical line and a French reason; the reading goes on")
    func rejections() throws {
        let header = SireneLayout.establishmentHeader
        let good = Self.siret(1)
        var badKey = Self.siret(2)
        badKey.replaceSubrange(badKey.index(before: badKey.endIndex)..., with: badKey.last == "9" ? "0" : String(badKey.last!.wholeNumberValue! + 1))
        let rows: [[String: String]] = [
            Self.establishment(good, ["libelleVoieEtablissement": "DE LA\nPAIX"]),         // line 2, spans 2 lines
            Self.establishment(badKey),                                                       // line 4
            Self.establishment(Self.siret(3), ["dateCreationEtablissement": "2021-02-29"]),  // line 5
            Self.establishment(Self.siret(4), ["trancheEffectifsEtablissement": "99"]),      // line 6
            Self.establishment(Self.siret(5), ["etatAdministratifEtablissement": "X"]),      // line 7
            Self.establishment(Self.siret(6), ["siren": Self.luhnCompleted("12121212")]),    // line 8
            Self.establishment(Self.siret(7), ["anneeEffectifsEtablissement": "22"]),         // line 9
            Self.establishment(Self.siret(8), ["etablissementSiege": "oui"]),                // line 10
            Self.establishment(Self.siret(9), ["dateDernierTraitementEtablissement": "hier"]), // line 11
            Self.establishment(Self.siret(10)),                                               // line 12
        ]
        var text = String(decoding: Self.file(header, rows), as: UTF8.self)
        text += "1,2,3\n"                                                                      // line 13
        let read = try Self.readAll(Array(text.utf8), chunkSize: 97)
        #expect(read.count == 11)
        let rejected = read.compactMap(Self.rejection)
        #expect(rejected.map(\.line) == [4, 5, 6, 7, 8, 9, 10, 11, 13])
        #expect(rejected[0].reason == "SIRET « \(badKey) » : ce SIRET n'est pas valide (la clé de contrôle ne correspond pas).")
        #expect(rejected[1].reason == "dateCreationEtablissement « 2021-02-29 » n'est pas une date AAAA-MM-JJ valide")
        #expect(rejected[2].reason.hasPrefix("trancheEffectifsEtablissement « 99 » : tranche d'effectifs inconnue : codes SIRENE NN, 00, 01"))
        #expect(rejected[3].reason == "etatAdministratifEtablissement « X » : A ou F attendu")
        #expect(rejected[4].reason.hasPrefix("siren « "))
        #expect(rejected[5].reason == "anneeEffectifsEtablissement « 22 » n'est pas une année (4 chiffres)")
        #expect(rejected[6].reason == "etablissementSiege « oui » : true ou false attendu")
        #expect(rejected[7].reason.hasPrefix("dateDernierTraitementEtablissement « hier »"))
        #expect(rejected[8].reason == "3 champs au lieu des 54 de l'en-tête")
        #expect(rejected[8].values == ["1", "2", "3"])
        #expect(rejected[0].values.count == 54 && rejected[0].values[2] == badKey)
        guard case .establishment(let first) = read[0], case .establishment(let last) = read[9] else { Issue.record("\(read)"); return }
        #expect(first.address == "12 B RUE DE LA\nPAIX 51120 SEZANNE")
        #expect(last.siret == Self.siret(10))
    }

    @Test("La Poste: its SIRETs follow the digit-sum rule (its head office Luhn); others of its SIREN are rejected")
    func laPoste() throws {
        let rows = try Self.readAll(Self.file(SireneLayout.establishmentHeader, [
            Self.establishment("35600000000048"),
            Self.establishment("35600000012345"), // digit sum 29: neither rule
            Self.establishment("35600000000001"), // digit sum 15, not Luhn
        ]))
        guard case .establishment(let head) = rows[0], case .establishment(let office) = rows[2] else { Issue.record("\(rows)"); return }
        #expect(head.siret == "35600000000048" && head.siren == "356000000")
        #expect(office.siret == "35600000000001")
        #expect(Self.rejection(rows[1])?.reason == "SIRET « 35600000012345 » : ce SIRET de La Poste n'est pas valide (la somme de ses chiffres doit être un multiple de 5).")
    }

    @Test("The byte-level SIRET check accepts exactly what Siret accepts, except the La Poste rows it leaves to Siret")
    func fastSiretAgreesWithSiret() async {
        await propertyCheck(count: 3_000, input: Gen.int(in: 0...99_999_999), Gen.int(in: 0...99_999)) { company, establishment in
            for digits in [String(format: "%08d%06d", company, establishment), Self.siret(company, establishment % 10_000)] {
                let fast = Array(digits.utf8).withUnsafeBufferPointer(SireneBytes.plainSiret)
                let slow = try? Siret(digits)
                if let fast { #expect(slow?.digits == fast, "\(digits)") }
                if slow == nil { #expect(fast == nil, "\(digits)") }
                if let slow, fast == nil { #expect(slow.siren.digits == Siren.laPoste, "\(digits)") }
            }
        }
    }

    // MARK: - Resuming

    @Test("A read resumed at the offset reached by an earlier one gives the remaining rows with the same line numbers")
    func resume() throws {
        let rows = (1...40).map { Self.establishment(Self.siret($0), $0 % 7 == 0 ? ["libelleVoieEtablissement": "LIGNE\r\nDOUBLE"] : [:]) }
        var bytes = Self.file(SireneLayout.establishmentHeader, rows + [Self.establishment("123")])
        bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
        let whole = try SireneFileReader(bytes: bytes, chunkSize: 256)
        var offsets: [Int64] = []
        var all: [SireneRow] = []
        while let row = try whole.next() {
            all.append(row)
            offsets.append(whole.offset)
        }
        #expect(all.count == 41 && offsets.last == Int64(bytes.count))
        #expect(Self.rejection(all[40])?.line == 2 + 40 + 40 / 7)
        for cut in [0, 6, 13, 39] {
            let resumed = try Self.readAll(bytes, chunkSize: 300, resumeAt: offsets[cut])
            #expect(resumed == Array(all[(cut + 1)...]), "resumed after row \(cut + 1)")
        }
        let fresh = try SireneFileReader(bytes: bytes)
        #expect(fresh.offset == fresh.headerEnd)
        #expect(throws: SireneFileError.self) { try SireneFileReader(bytes: bytes, resumeAt: Int64(bytes.count + 1)) }
    }
}
