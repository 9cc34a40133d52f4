import PacteCore
import Testing

@Suite("Typographie et accords du français")
struct FrenchTextTests {
    @Test("Accord par le nombre : 0 et 1 au singulier, un pluriel irrégulier quand on le donne")
    func agreement() {
        #expect(FrenchText.count(1, "membre") == "1\u{00A0}membre")
        #expect(FrenchText.count(0, "entreprise") == "0\u{00A0}entreprise")
        #expect(FrenchText.count(2, "membre") == "2\u{00A0}membres")
        #expect(FrenchText.count(1_200, "bureau", "bureaux") == "1\u{202F}200\u{00A0}bureaux")
    }

    @Test("Listes « a, b et c » et guillemets à espaces fines insécables")
    func listsAndQuotes() {
        #expect(FrenchText.list([]) == "")
        #expect(FrenchText.list(["CCIM 350,00 €"]) == "CCIM 350,00 €")
        #expect(FrenchText.list(["a", "b", "c"]) == "a, b et c")
        #expect(FrenchText.quoted("Projet") == "«\u{202F}Projet\u{202F}»")
    }
}
