import Foundation
import PacteAudit
import PacteCore

/// `pacte bench audit`: the time to audit documents, against the time to read and clean their
/// text (the reference, measured in the same run).
public enum AuditBenchmark {
    /// The report, in French: the median of `iterations` passes after 3 warm-up passes.
    public static func run(texts: [String], iterations: Int, build: String) throws -> String {
        func median(_ body: () -> Void) -> Double {
            for _ in 0..<3 { body() }
            var times: [Double] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            }
            return times.sorted()[times.count / 2]
        }
        let reference = median { for text in texts { _ = DocumentText(text).lines.count } }
        var findings = 0
        let audit = median { findings = texts.map { DocumentAudit.audit(text: $0, file: "bench").findings.count }.reduce(0, +) }
        let lines = texts.map { DocumentText($0).lines.count }.reduce(0, +)
        return """
        Pacte — audit de \(texts.count) documents (\(lines) lignes, \(findings) constats), médiane de \(iterations) passes, compilation \(build)
        Référence : lecture et nettoyage du texte   \(FrenchFormat.decimal(try Fraction(Int64(reference * 1000), 1000), maxFractionDigits: 3)) ms  (1,0)
        Audit complet                               \(FrenchFormat.decimal(try Fraction(Int64(audit * 1000), 1000), maxFractionDigits: 3)) ms  (\(FrenchFormat.decimal(try Fraction(Int64(audit / max(reference, 0.001) * 10), 10), maxFractionDigits: 1)))
        """
    }
}
