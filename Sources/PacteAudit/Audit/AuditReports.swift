import Foundation
import PacteCore

/// Why a file cannot be audited: not text at all.
public struct UnreadableDocument: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file) : \(reason)" }
}

extension DocumentAudit {
    /// The text of a file as extraction tools write it: UTF-8 (with or without BOM), UTF-16 with
    /// a BOM, or Windows-1252 as old Word exports do. A file with NUL bytes is not text.
    public static func decode(_ data: Data, file: String) throws(UnreadableDocument) -> String {
        if data.isEmpty { throw UnreadableDocument(file: file, reason: "le fichier est vide.") }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]), let text = String(data: data, encoding: .utf16) {
            return text
        }
        if data.contains(0) {
            throw UnreadableDocument(file: file, reason: "ce n'est pas un fichier texte (PDF ou Word ?) : extrayez-en d'abord le texte, par exemple avec « pdftotext -layout » ou « Enregistrer sous… Texte brut ».")
        }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(data: bytes, encoding: .utf8) { return text }
        if let text = String(data: bytes, encoding: .windowsCP1252) { return text }
        throw UnreadableDocument(file: file, reason: "l'encodage du texte n'est pas reconnu (attendu UTF-8 ou Windows-1252).")
    }
}

extension AuditedDocument {
    /// « ligne 14 », or « page 2, ligne 14 » when the text has pages.
    public func place(ofLine line: Int) -> String {
        pageStarts.isEmpty ? "ligne \(line)" : "page \(page(ofLine: line)), ligne \(line)"
    }
}

/// The audit as a French text report.
public enum AuditTextReport {
    public static func render(_ documents: [AuditedDocument], findingsOnly: Bool = false) -> String {
        var out: [String] = []
        for document in documents {
            out.append("Document : \(document.file)")
            if !findingsOnly {
                if !document.parties.isEmpty {
                    out.append("  Parties : " + document.parties.map { party in
                        party.name + (party.shortName.map { " (« \($0) »)" } ?? "") + (party.siren.map { ", SIREN \($0)" } ?? "")
                    }.joined(separator: " ; "))
                }
                for axis in document.axes { out.append("  \(axis.code) : \(axis.title)") }
                for action in document.actions { out += actionLines(action) }
                for vote in document.votes { out.append(voteLine(vote)) }
                if !document.actesIds.isEmpty { out.append("  Identifiants @CTES : " + document.actesIds.joined(separator: ", ")) }
            }
            if document.findings.isEmpty {
                out.append("  Aucun constat.")
            } else {
                out.append("  Constats :")
                for finding in document.findings {
                    let place = finding.line.map { document.place(ofLine: $0) } ?? "—"
                    out.append("    [\(finding.severity.label)] \(place) · \(finding.code) : \(finding.message)")
                }
            }
            out.append("  Bilan : " + summary(document.findings))
            out.append("")
        }
        if documents.count > 1 {
            out.append("Ensemble : \(documents.count) documents, " + summary(documents.flatMap(\.findings)))
        }
        return out.joined(separator: "\n")
    }

    static func summary(_ findings: [Finding]) -> String {
        Finding.Severity.allCases.map { severity in
            let count = findings.filter { $0.severity == severity }.count
            return "\(count) \(count > 1 ? severity.pluralLabel : severity.label)"
        }.joined(separator: ", ") + "."
    }

    static func actionLines(_ action: AuditedAction) -> [String] {
        var out: [String] = []
        let heading = (action.code.map { $0 + " " } ?? "") + action.title + (action.year.map { " — \($0)" } ?? "")
        out.append("  Action « \(heading) » (ligne \(action.line))" + (action.axis.map { ", \($0)" } ?? ""))
        for line in action.lines {
            var parts: [String] = []
            if line.onQuote { parts.append("sur devis") }
            if let unit = line.unitPrice { parts.append("prix unitaire \(FrenchFormat.money(unit))") }
            if let quantity = line.quantity { parts.append("quantité \(quantity)") }
            if let amount = line.amount { parts.append("montant " + FrenchFormat.money(amount) + (line.regime.map { " " + $0.label } ?? "")) }
            if let days = line.days { parts.append(FrenchFormat.days(days)) }
            out.append("    - \(line.label) : " + parts.joined(separator: ", ") + " (ligne \(line.line))")
        }
        let computed = action.computedTotal
        if let stated = action.statedTotal, action.lines.isEmpty {
            out.append("    Total indiqué : \(FrenchFormat.money(stated)) (sans détail des dépenses)")
        } else if let stated = action.statedTotal {
            out.append("    Total indiqué : \(FrenchFormat.money(stated)) ; calculé : \(FrenchFormat.money(computed))" + (action.hasPendingLines ? " (hors sur devis)" : ""))
        } else if !action.lines.isEmpty {
            out.append("    Total calculé : \(FrenchFormat.money(computed))" + (action.hasPendingLines ? " (hors sur devis)" : ""))
        }
        if !action.statedBases.isEmpty {
            out.append("    Autres montants indiqués (TTC, base subventionnable, sous-total) : " + action.statedBases.map(FrenchFormat.money).joined(separator: " ; "))
        }
        if !action.financing.isEmpty {
            out.append("    Financement : " + action.financing.map { share in
                var text = share.funder
                if let rate = share.rate { text += " \(rate)" }
                if let amount = share.amount { text += " \(FrenchFormat.money(amount))" }
                if share.conditional { text += " (incertain)" }
                return text
            }.joined(separator: " ; "))
        }
        return out
    }

    static func voteLine(_ vote: AuditedVote) -> String {
        func n(_ value: Int?) -> String { value.map(String.init) ?? "?" }
        var text = "  Délibération" + (vote.body.map { " (\($0))" } ?? "") + (vote.sessionDate.map { " du \(FrenchFormat.date($0))" } ?? "") + " : "
        text += "\(n(vote.inOffice)) en exercice, \(n(vote.present)) présents"
        if let substitutes = vote.substitutes { text += ", \(substitutes) suppléant\(substitutes > 1 ? "s" : "") votant" }
        text += ", \(n(vote.represented)) représentés, \(n(vote.voters)) votants"
        let sitting = vote.present.map { $0 + (vote.substitutes ?? 0) + (vote.represented ?? 0) }
        if let voters = vote.voters, let sitting, voters != sitting {
            text += " (\(sitting) selon les présents et représentés)"
        }
        if vote.votesFor != nil {
            text += " ; pour \(n(vote.votesFor)), contre \(n(vote.against)), abstentions \(n(vote.abstentions))"
            if let notVoting = vote.notVoting { text += ", ne prenant pas part au vote \(notVoting)" }
            text += vote.unanimous ? " (unanimité)" : ""
        }
        if let adopted = vote.adopted { text += adopted ? " : adoptée" : " : non adoptée" }
        if let regime = vote.regime { text += " — règles : \(regime)" }
        if let siren = vote.authoritySiren { text += " — autorité : SIREN \(siren)" }
        return text
    }
}

/// The audit as JSON, amounts as decimal strings (`"12600.00"`), rates as decimal fractions
/// (`"0.25"` for 25 %), missing values as null.
public enum AuditJSONReport {
    public static func render(_ documents: [AuditedDocument]) -> String {
        let object: [String: Any] = ["documents": documents.map(document)]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "{\"documents\":[]}" }
        return text
    }

    static func document(_ document: AuditedDocument) -> [String: Any] {
        [
            "file": document.file,
            "parties": document.parties.map { party in
                ["name": party.name, "shortName": orNull(party.shortName), "siren": orNull(party.siren?.description),
                 "representative": orNull(party.representative), "line": party.line] as [String: Any]
            },
            "axes": document.axes.map { ["code": $0.code, "title": $0.title, "line": $0.line] as [String: Any] },
            "actions": document.actions.map(action),
            "votes": document.votes.map(vote),
            "actesIds": document.actesIds,
            "pages": document.pageStarts.count + 1,
            "ocr": document.fromOCR,
            "findings": document.findings.map { finding in
                ["severity": finding.severity.rawValue, "code": finding.code.rawValue, "message": finding.message,
                 "stated": orNull(finding.stated), "computed": orNull(finding.computed), "line": orNull(finding.line),
                 "page": orNull(finding.line.map(document.page(ofLine:))),
                 "location": orNull(finding.location)] as [String: Any]
            },
        ]
    }

    static func action(_ action: AuditedAction) -> [String: Any] {
        [
            "title": action.title, "code": orNull(action.code), "axis": orNull(action.axis), "year": orNull(action.year), "line": action.line,
            "lines": action.lines.map { line in
                ["label": line.label, "amount": orNull(line.amount?.decimalString), "days": orNull(line.days.map(decimal)),
                 "unitPrice": orNull(line.unitPrice?.decimalString), "quantity": orNull(line.quantity.map(decimal)),
                 "onQuote": line.onQuote, "line": line.line] as [String: Any]
            },
            "statedTotal": orNull(action.statedTotal?.decimalString),
            "computedTotal": action.computedTotal.decimalString,
            "statedBases": action.statedBases.map(\.decimalString),
            "financing": action.financing.map { share in
                ["funder": share.funder, "rate": orNull(share.rate.map { AuditChecks.decimalFraction($0.fraction) }),
                 "amount": orNull(share.amount?.decimalString), "conditional": share.conditional, "line": share.line] as [String: Any]
            },
        ]
    }

    static func vote(_ vote: AuditedVote) -> [String: Any] {
        [
            "body": orNull(vote.body), "sessionDate": orNull(vote.sessionDate?.isoString),
            "inOffice": orNull(vote.inOffice), "present": orNull(vote.present), "represented": orNull(vote.represented),
            "substitutes": orNull(vote.substitutes), "notVoting": orNull(vote.notVoting), "unanimous": vote.unanimous,
            "voters": orNull(vote.voters), "for": orNull(vote.votesFor), "against": orNull(vote.against),
            "abstentions": orNull(vote.abstentions), "adopted": orNull(vote.adopted), "regime": orNull(vote.regime), "line": vote.line,
            "authoritySiren": orNull(vote.authoritySiren?.description),
        ]
    }

    static func decimal(_ quantity: Quantity) -> String { AuditChecks.decimalFraction(quantity.value) }

    static func orNull<T>(_ value: T?) -> Any { value.map { $0 as Any } ?? NSNull() }
}

extension AuditChecks {
    /// Machine form: `3/2` → `1.5`, `681.25`; no grouping, up to `maxFractionDigits` decimals.
    static func decimalFraction(_ value: Fraction, maxFractionDigits: Int = 6) -> String {
        FrenchFormat.decimal(value, maxFractionDigits: maxFractionDigits).replacingOccurrences(",", ".").filter { $0 != "\u{202F}" && $0 != " " }
    }
}
