import Foundation
import Testing

@Suite struct BenchCommandTests {
    @Test("pacte bench pages measures every page kind against /ready and prints French figures")
    func benchPages() throws {
        let result = try PlanCommandTests.run(["bench", "pages", "--iterations", "2"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("Référence : /ready (une requête à la base)") && $0.contains("1,0") })
        for page in ["Tableau de bord", "Convention de Sézanne", "Fiche-action", "Version imprimable", "Annuaire"] {
            #expect(lines.contains { $0.hasPrefix(page) }, "\(page) missing from:\n\(result.output)")
        }
        #expect(try PlanCommandTests.run(["bench", "pages", "--iterations", "0"]).status != 0)
    }
}
