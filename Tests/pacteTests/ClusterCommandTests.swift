import Foundation
import Testing

/// `pacte bench cluster --short` end to end: a throw-away PostgreSQL, three servers behind nginx,
/// 64 users for 30 s while one server is killed and PostgreSQL restarted. No time is asserted; the
/// checks are: no envelope over its cap, every acknowledged write present, a session valid on
/// every server, the audit chain intact, the request id in nginx's and a server's logs, metrics
/// behind their token.
@Suite struct ClusterCommandTests {
    @Test("pacte bench cluster --short : pannes sous charge, aucun surengagement, aucune écriture acquittée perdue, sessions valides partout")
    func shortCluster() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-grappe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await BenchScaleCommandTests.runAside(["bench", "cluster", "--short", "--work-dir", folder.path,
                                                                 "--base-port", String(19_000 + 20 * Int.random(in: 0..<40))])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let output = result.output
        for line in ["Référence /health", "Phase « 3 serveurs, un tué puis relancé, PostgreSQL redémarré »", "req/s = ", "p50 ", "p99 ",
                     "app-2 tué (SIGKILL)", "PostgreSQL redémarré", "— jamais dépassée.", "Sessions : une session ouverte à travers nginx est reconnue par 3 serveurs sur 3",
                     "Journal d'audit intègre", "dans le journal de nginx et dans le journal JSON de app-", "/metrics (jeton exigé, 401 sans)",
                     "Contrôles : tous satisfaits."] {
            #expect(output.contains(line), "« \(line) » missing from:\n\(output)")
        }
        let written = try #require(output.split(separator: "\n").first { $0.hasPrefix("Écritures acquittées") }.map(String.init))
        let numbers = written.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 4 && numbers[0] == numbers[1] && numbers[2] == numbers[3] && numbers[2] > 0, "\(written)")
    }
}
