import Foundation
import Testing

/// `pacte audit` as a user runs it: French report, JSON, exit status 0, 1 or 2.
@Suite struct AuditCommandTests {
    static func seed(_ prefix: String) throws -> String {
        let directory = PlanCommandTests.root.appendingPathComponent("examples/documents")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix(prefix) })
        return "examples/documents/\(name)"
    }

    @Test("Exit 1 when an error is found, 0 when none, 2 on unreadable input")
    func exitStatus() throws {
        let export = try PlanCommandTests.run(["audit", try Self.seed("003")])
        #expect(export.status == 1, "\(export.error)")
        #expect(export.output.contains("[erreur] ligne 556 · total-mismatch"), "\(export.output)")
        #expect(export.output.contains("Bilan : 1 erreur"))
        let clean = try PlanCommandTests.run(["audit", try Self.seed("002")])
        #expect(clean.status == 0 && clean.output.contains("adoptée"), "\(clean.output)")
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-audit-\(UUID().uuidString).pdf")
        try Data([0x25, 0x50, 0x44, 0x46, 0x2D, 0x00, 0xFF]).write(to: binary)
        defer { try? FileManager.default.removeItem(at: binary) }
        let unreadable = try PlanCommandTests.run(["audit", binary.path, try Self.seed("002")])
        #expect(unreadable.status == 2 && unreadable.error.contains("le PDF est endommagé ou incomplet"), "\(unreadable.error)")
        #expect(try PlanCommandTests.run(["audit", "/nonexistent/file.txt"]).status == 2)
    }

    @Test("--json prints every document with its findings, amounts as decimal strings")
    func json() throws {
        let paths = try ["000", "001", "002", "003", "004"].map(Self.seed)
        let result = try PlanCommandTests.run(["audit", "--json"] + paths)
        #expect(result.status == 1)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let documents = try #require(root["documents"] as? [[String: Any]])
        #expect(documents.count == 5)
        let errors = documents.map { document in
            ((document["findings"] as? [[String: Any]]) ?? []).filter { $0["severity"] as? String == "error" }.compactMap { $0["code"] as? String }
        }
        #expect(errors == [["line-mismatch"], ["voters-mismatch"], [], ["total-mismatch"], []])
        let line = (documents[0]["findings"] as? [[String: Any]])?.first { $0["code"] as? String == "line-mismatch" }
        #expect(line?["stated"] as? String == "3350.00" && line?["computed"] as? String == "3550.00" && line?["line"] as? Int == 287)
    }
}
