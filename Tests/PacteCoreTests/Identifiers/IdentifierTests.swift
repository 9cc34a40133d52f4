import Foundation
import Testing
@testable import PacteCore

@Suite struct IdentifierTests {
    // MARK: - Test helpers

    /// An independent Luhn check (every second digit from the right doubled), written here so the
    /// tests do not rely on the code under test to build their examples.
    static func luhnHolds(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            let digit = Int(String(character))!
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled >= 10 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func digitSum(_ digits: String) -> Int {
        digits.reduce(0) { $0 + Int(String($1))! }
    }

    /// Runs `body`, expects it to throw, and returns the French text of the error.
    static func errorText(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    // SIREN 249000241 + NIC 00011: Luhn over the 14 digits holds (computed by hand, checked below).
    static let validSiret = "24900024100011"

    @Test("Le helper Luhn du test reconnaît les exemples choisis")
    func helperLuhnExamples() {
        #expect(Self.luhnHolds("249000241"))
        #expect(Self.luhnHolds(Self.validSiret))
        #expect(!Self.luhnHolds("24900024100012"))
        #expect(!Self.luhnHolds("35600000000010"))
        #expect(Self.digitSum("35600000000010") == 15)
        #expect(Self.digitSum("35600000000011") == 16)
    }

    // MARK: - SIREN

    @Test("SIREN valides : 249000241, 200041630, 356000000", arguments: ["249000241", "200041630", "356000000"])
    func validSirens(_ text: String) throws {
        let siren = try Siren(text)
        #expect(siren.digits == text)
        #expect(siren.description == text)
    }

    @Test("Un SIREN écrit avec des espaces est accepté")
    func sirenWithSpaces() throws {
        let siren = try Siren("249 000 241")
        #expect(siren.digits == "249000241")
        #expect(siren.formatted == "249 000 241")
        #expect(siren == (try Siren("249000241")))
    }

    @Test("Un SIREN avec des espaces insécables est accepté")
    func sirenWithNoBreakSpaces() throws {
        #expect(try Siren("249\u{00A0}000\u{202F}241").digits == "249000241")
    }

    @Test("Un SIREN qui n'a pas 9 chiffres est refusé", arguments: ["24900024", "2490002411", ""])
    func sirenWrongLength(_ text: String) {
        let message = Self.errorText { _ = try Siren(text) }
        #expect(message?.contains("9 chiffres") == true)
    }

    @Test("Un SIREN dont la clé de Luhn est fausse est refusé")
    func sirenBadLuhn() {
        #expect(!Self.luhnHolds("249000242"))
        let message = Self.errorText { _ = try Siren("249000242") }
        #expect(message?.contains("clé de contrôle") == true)
        #expect(message?.contains("249000242") == true)
    }

    @Test("Un SIREN contenant des lettres est refusé")
    func sirenWithLetters() {
        let message = Self.errorText { _ = try Siren("24900024A") }
        #expect(message?.contains("chiffres") == true)
    }

    @Test("L'erreur de SIREN est une IdentifierError qui garde la saisie")
    func sirenErrorKeepsInput() {
        #expect(throws: IdentifierError.self) { try Siren("123") }
        do {
            _ = try Siren("123")
            Issue.record("123 aurait dû être refusé")
        } catch {
            #expect(error.input == "123")
        }
    }

    // MARK: - SIRET

    @Test("Un SIRET dont la clé de Luhn tient sur 14 chiffres est accepté")
    func validSiret() throws {
        let siret = try Siret(Self.validSiret)
        #expect(siret.digits == "24900024100011")
        #expect(siret.siren.digits == "249000241")
        #expect(siret.nic == "00011")
    }

    @Test("Un SIRET écrit avec des espaces est accepté et se formate SIREN + NIC")
    func siretFormatted() throws {
        let siret = try Siret("249 000 241 00011")
        #expect(siret.digits == Self.validSiret)
        #expect(siret.formatted == "249 000 241 00011")
    }

    @Test("Un SIRET dont la clé de Luhn est fausse est refusé")
    func siretBadLuhn() {
        // Digit sum 25 (divisible by 5) but this is not La Poste: Luhn applies.
        #expect(!Self.luhnHolds("24900024100012"))
        let message = Self.errorText { _ = try Siret("24900024100012") }
        #expect(message?.contains("clé de contrôle") == true)
    }

    @Test("Un SIRET qui n'a pas 14 chiffres est refusé", arguments: ["2490002410001", "249000241000111", "2490002410001A"])
    func siretWrongLength(_ text: String) {
        let message = Self.errorText { _ = try Siret(text) }
        #expect(message?.contains("14 chiffres") == true)
    }

    @Test("Un SIRET dont le SIREN est faux est refusé")
    func siretBadSiren() {
        let message = Self.errorText { _ = try Siret("24900024200011") }
        #expect(message?.contains("SIREN") == true)
        #expect(message?.contains("pas valide") == true)
    }

    @Test("La Poste : un SIRET dont la somme des chiffres est multiple de 5 est accepté même si Luhn échoue")
    func laPosteDigitSumAccepted() throws {
        let text = "35600000000010"
        #expect(!Self.luhnHolds(text))
        #expect(Self.digitSum(text) % 5 == 0)
        let siret = try Siret(text)
        #expect(siret.siren.digits == Siren.laPoste)
        #expect(siret.nic == "00010")
    }

    @Test("La Poste : un SIRET dont la somme des chiffres n'est pas multiple de 5 est refusé")
    func laPosteDigitSumRejected() {
        let text = "35600000000011"
        #expect(!Self.luhnHolds(text))
        #expect(Self.digitSum(text) % 5 != 0)
        let message = Self.errorText { _ = try Siret(text) }
        #expect(message?.contains("La Poste") == true)
        #expect(message?.contains("multiple de 5") == true)
    }

    @Test("La Poste : le siège 356 000 000 00048 (clé de Luhn juste) est accepté")
    func laPosteHeadOffice() throws {
        // The head office's SIRET follows Luhn; its digit sum is 26, not a multiple of 5.
        #expect(Self.luhnHolds("35600000000048"))
        #expect(Self.digitSum("35600000000048") == 26)
        let siret = try Siret("356 000 000 00048")
        #expect(siret.nic == "00048")
        #expect(siret.formatted == "356 000 000 00048")
    }

    @Test("SIREN et SIRET voyagent en JSON comme des chaînes")
    func sirenSiretCodable() throws {
        let siret = try Siret(Self.validSiret)
        let data = try JSONEncoder().encode([siret])
        #expect(String(decoding: data, as: UTF8.self) == "[\"24900024100011\"]")
        #expect(try JSONDecoder().decode([Siret].self, from: data) == [siret])
        let bad = Data("[\"249000242\"]".utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Siren].self, from: bad) }
    }

    // MARK: - NAF

    @Test("47.11D est un code NAF valide : Supermarchés")
    func nafSupermarches() throws {
        let naf = try NafCode("47.11D")
        #expect(naf.code == "47.11D")
        #expect(naf.label == "Supermarchés")
        #expect(naf.description == "47.11D")
    }

    @Test("Un code NAF sans point ou en minuscule est normalisé en 47.11D", arguments: ["4711D", "47.11d", "47 11 D", "4711d"])
    func nafNormalised(_ text: String) throws {
        #expect(try NafCode(text).code == "47.11D")
    }

    @Test("Une classe NAF sans lettre (47.11) n'est pas une sous-classe et est refusée")
    func nafClassRejected() {
        let message = Self.errorText { _ = try NafCode("47.11") }
        #expect(message?.contains("NN.NNL") == true)
    }

    @Test("Un code NAF bien formé mais inconnu (99.99Z) est refusé")
    func nafUnknown() {
        let message = Self.errorText { _ = try NafCode("99.99Z") }
        #expect(message?.contains("n'existe pas") == true)
        #expect(message?.contains("NAF") == true)
    }

    @Test("La nomenclature NAF rév. 2 compte 732 sous-classes")
    func nafCount() {
        let all = NafCode.all
        #expect(all.count == 732)
        #expect(all.first?.code == "01.11Z")
        #expect(all.last?.code == "99.00Z")
        #expect(all.contains { $0.code == "47.11D" && $0.label == "Supermarchés" })
    }

    // MARK: - @CTES

    @Test("Un identifiant @CTES se lit champ par champ")
    func actesFields() throws {
        let id = try ActesId("090-249000241-20201217-2020_08_04-DE")
        #expect(id.departement == "090")
        #expect(id.siren.digits == "249000241")
        #expect(id.decisionDate == (try CivilDate(year: 2020, month: 12, day: 17)))
        #expect(id.actNumber == "2020_08_04")
        #expect(id.nature == .deliberation)
        #expect(id.nature.label == "délibération")
    }

    @Test("La forme échappée des documents (2020\\_08\\_04) se lit comme la forme simple")
    func actesEscaped() throws {
        let escaped = try ActesId("090-249000241-20201217-2020\\_08\\_04-DE")
        #expect(escaped.actNumber == "2020_08_04")
        #expect(escaped == (try ActesId("090-249000241-20201217-2020_08_04-DE")))
    }

    @Test("La description d'un identifiant @CTES redonne le texte d'origine")
    func actesDescriptionRoundTrip() throws {
        let text = "090-249000241-20201217-2020_08_04-DE"
        let id = try ActesId(text)
        #expect(id.description == text)
        #expect(try ActesId(id.description) == id)
        #expect(try ActesId("090-249000241-20201217-2020\\_08\\_04-DE").description == text)
    }

    @Test("Chaque code de nature @CTES se lit", arguments: [
        ("DE", ActesId.Nature.deliberation),
        ("AR", ActesId.Nature.arreteReglementaire),
        ("AI", ActesId.Nature.arreteIndividuel),
        ("CC", ActesId.Nature.contratConventionAvenant),
        ("BF", ActesId.Nature.budget),
        ("AU", ActesId.Nature.autre),
    ])
    func actesNatures(_ code: String, _ nature: ActesId.Nature) throws {
        let id = try ActesId("090-249000241-20201217-2020_08_04-\(code)")
        #expect(id.nature == nature)
        #expect(id.description.hasSuffix("-\(code)"))
    }

    @Test("Un identifiant @CTES dont le SIREN est faux est refusé")
    func actesBadSiren() {
        let message = Self.errorText { _ = try ActesId("090-249000242-20201217-2020_08_04-DE") }
        #expect(message?.contains("SIREN") == true)
        #expect(message?.contains("pas valide") == true)
    }

    @Test("Un identifiant @CTES dont la date n'existe pas (20201332) est refusé")
    func actesBadDate() {
        let message = Self.errorText { _ = try ActesId("090-249000241-20201332-2020_08_04-DE") }
        #expect(message?.contains("date") == true)
        #expect(message?.contains("20201332") == true)
    }

    @Test("Un identifiant @CTES de nature inconnue (XX) est refusé")
    func actesUnknownNature() {
        let message = Self.errorText { _ = try ActesId("090-249000241-20201217-2020_08_04-XX") }
        #expect(message?.contains("nature") == true)
        #expect(message?.contains("inconnue") == true)
    }

    @Test("Un numéro d'acte en minuscules est refusé")
    func actesLowercaseNumber() {
        let message = Self.errorText { _ = try ActesId("090-249000241-20201217-delib_04-DE") }
        #expect(message?.contains("numéro d'acte") == true)
        #expect(message?.contains("majuscules") == true)
    }

    @Test("Un numéro d'acte de plus de 15 caractères est refusé, 15 est accepté")
    func actesNumberLength() throws {
        let sixteen = "ABCDEFGHIJ123456"
        #expect(sixteen.count == 16)
        let message = Self.errorText { _ = try ActesId("090-249000241-20201217-\(sixteen)-DE") }
        #expect(message?.contains("15 caractères") == true)
        let fifteen = "ABCDEFGHIJ12345"
        #expect(try ActesId("090-249000241-20201217-\(fifteen)-DE").actNumber == fifteen)
    }

    @Test("Un numéro d'acte vide est refusé")
    func actesEmptyNumber() {
        let message = Self.errorText { _ = try ActesId("090-249000241-20201217--DE") }
        #expect(message?.contains("numéro d'acte") == true)
    }

    @Test("Le département 020 n'existe plus (Corse : 02A, 02B) et est refusé")
    func actesDepartement020() {
        let message = Self.errorText { _ = try ActesId("020-249000241-20201217-2020_08_04-DE") }
        #expect(message?.contains("département") == true)
    }

    @Test("Un code de département sur deux caractères (2A) est refusé")
    func actesDepartementTwoChars() {
        let message = Self.errorText { _ = try ActesId("2A-249000241-20201217-2020_08_04-DE") }
        #expect(message?.contains("département") == true)
        #expect(message?.contains("trois caractères") == true)
    }

    @Test("Les départements 02A, 02B et 971 sont acceptés", arguments: ["02A", "02B", "971", "976", "001", "095"])
    func actesDepartementsAccepted(_ code: String) throws {
        #expect(try ActesId("\(code)-249000241-20201217-2020_08_04-DE").departement == code)
    }

    @Test("Les départements 000, 096, 970 et 977 sont refusés", arguments: ["000", "096", "970", "977", "02C"])
    func actesDepartementsRejected(_ code: String) {
        let message = Self.errorText { _ = try ActesId("\(code)-249000241-20201217-2020_08_04-DE") }
        #expect(message?.contains("département") == true)
    }

    @Test("Un identifiant @CTES qui n'a pas cinq parties est refusé")
    func actesWrongPartCount() {
        let message = Self.errorText { _ = try ActesId("090-249000241-20201217-DE") }
        #expect(message?.contains("cinq parties") == true)
    }

    @Test("Le constructeur par champs refuse aussi un mauvais département")
    func actesMemberwiseRejects() throws {
        let siren = try Siren("249000241")
        let date = try CivilDate(year: 2020, month: 12, day: 17)
        #expect(throws: IdentifierError.self) {
            try ActesId(departement: "020", siren: siren, decisionDate: date, actNumber: "1", nature: .deliberation)
        }
        let id = try ActesId(departement: "02a", siren: siren, decisionDate: date, actNumber: "1", nature: .budget)
        #expect(id.departement == "02A")
        #expect(id.description == "02A-249000241-20201217-1-BF")
    }

    @Test("Un identifiant @CTES fait l'aller-retour en JSON")
    func actesCodable() throws {
        let id = try ActesId("090-249000241-20201217-2020_08_04-DE")
        let data = try JSONEncoder().encode(id)
        #expect(String(decoding: data, as: UTF8.self) == "\"090-249000241-20201217-2020_08_04-DE\"")
        let decoded = try JSONDecoder().decode(ActesId.self, from: data)
        #expect(decoded == id)
        #expect(decoded.decisionDate.isoString == "2020-12-17")
    }

    @Test("Un identifiant @CTES invalide en JSON est refusé au décodage")
    func actesCodableRejects() {
        let data = Data("\"090-249000241-20201217-2020_08_04-XX\"".utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ActesId.self, from: data) }
    }
}
