import Foundation
import Testing

/// Runs the built `pacte` executable as a user would.
@Suite struct PlanCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("pacte")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return root.appendingPathComponent(".build/debug/pacte")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    @Test("pacte plan examples/sezanne.json --json prints the four per-funder totals")
    func sezanneJSON() throws {
        let result = try Self.run(["plan", "examples/sezanne.json", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let funders = try #require(object["funders"] as? [[String: Any]])
        var totals: [String: String] = [:]
        for funder in funders { totals[funder["id"] as? String ?? ""] = funder["total"] as? String }
        #expect(totals["ccim"] == "17900.00")
        #expect(totals["ville"] == "14375.00")
        #expect(totals["entreprise"] == "10700.00")
        #expect(totals["region"] == "17000.00")
        let grand = try #require(object["totals"] as? [String: Any])
        #expect(grand["cost"] as? String == "59975.00")
        #expect(grand["pendingLines"] as? Int == 1)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["code"] as? String == "line-mismatch" })
    }

    @Test("pacte plan prints the French table")
    func sezanneText() throws {
        let result = try Self.run(["plan", "examples/sezanne.json"])
        #expect(result.status == 0)
        #expect(result.output.contains("59\u{202F}975,00\u{00A0}€"))
        #expect(result.output.contains("17\u{202F}900,00\u{00A0}€"))
        #expect(result.output.contains("sur devis *"))
        #expect(result.output.contains("[erreur] line-mismatch — 3.c Communication"))
    }

    @Test("Every example evaluates", arguments: ["sezanne", "ardennes", "dijon", "chaumont"])
    func examples(name: String) throws {
        let result = try Self.run(["plan", "examples/\(name).json", "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"totals\""))
    }

    @Test("--strict fails when the plan has an error finding")
    func strict() throws {
        #expect(try Self.run(["plan", "examples/sezanne.json", "--strict"]).status == 3)
        #expect(try Self.run(["plan", "examples/ardennes.json", "--strict"]).status == 0)
    }

    @Test("A missing or malformed file gets a French error and exit code 2")
    func badInput() throws {
        let missing = try Self.run(["plan", "examples/nope.json"])
        #expect(missing.status == 2)
        #expect(missing.error.contains("fichier introuvable"))
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-bad-\(UUID().uuidString).json")
        try Data(#"{"title":"T","funders":[],"actions":[{"title":"X","lines":[{"label":"L","amount":"12,345 €"}]}]}"#.utf8).write(to: temp)
        defer { try? FileManager.default.removeItem(at: temp) }
        let bad = try Self.run(["plan", temp.path])
        #expect(bad.status == 2)
        #expect(bad.error.contains("actions[0].lines[0].amount"))
        #expect(bad.error.contains("séparateur de milliers ou décimales"))
    }
}
