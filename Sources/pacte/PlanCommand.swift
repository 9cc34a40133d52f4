import ArgumentParser
import Foundation
import PacteCore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Évalue les plans de financement d'un fichier JSON et imprime le tableau de financement.",
        discussion: """
        Le tableau suit la présentation des conventions : une ligne par action, une colonne par \
        financeur, les totaux par financeur et par action, les lignes sur devis à part, puis les \
        constats (totaux faux, parts qui ne couvrent pas le coût, taux journaliers anormaux…). \
        Le format du fichier est décrit dans le README.
        """
    )

    @Argument(help: "Le fichier JSON du plan (voir examples/).")
    var file: String

    @Flag(name: .long, help: "Imprime le résultat en JSON (montants en chaînes décimales, « 59975.00 »).")
    var json = false

    @Flag(name: .long, help: "Termine avec le code 3 si un constat de gravité « erreur » est relevé.")
    var strict = false

    func run() throws {
        let plan: ConventionPlan
        do {
            plan = try PlanFile.load(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("Erreur dans \(file) : \(error.description)")
            throw ExitCode(2)
        }
        let evaluation: PlanEvaluation
        do {
            evaluation = try plan.evaluate()
        } catch {
            printError("Plan impossible à évaluer : \(error.description)")
            throw ExitCode(2)
        }
        if json {
            print(try PlanJSONReport(evaluation).render())
        } else {
            print(PlanTextReport.render(evaluation), terminator: "")
        }
        if strict && evaluation.findings.contains(where: { $0.severity == .error }) {
            throw ExitCode(3)
        }
    }
}
