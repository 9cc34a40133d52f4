import Foundation
import PacteCore

/// A draft convention made from an audited document, for a person to correct before anything is
/// saved. Values stay as text, the way the document or the user writes them (`"3 550"`, `"12"`,
/// `"25 %"`), so a correction never loses what was typed; `plan()` checks them all at once.
public struct ImportDraft: Codable, Sendable, Equatable {
    public var title: String
    public var parties: [Party]
    public var actions: [Action]

    public struct Party: Codable, Sendable, Equatable {
        public var name: String
        public var shortName: String?
        public var siren: String?
        public init(name: String, shortName: String? = nil, siren: String? = nil) {
            self.name = name
            self.shortName = shortName
            self.siren = siren
        }
    }

    public struct Action: Codable, Sendable, Equatable {
        public var code: String?
        public var axis: String?
        public var title: String
        public var lines: [Line]
        public var shares: [Share]
        /// The total the document states: kept, so the saved convention still shows where the
        /// document's arithmetic was wrong.
        public var statedTotal: String?
        /// The line of the source document the action was read from.
        public var sourceLine: Int?
        public init(code: String? = nil, axis: String? = nil, title: String, lines: [Line] = [], shares: [Share] = [], statedTotal: String? = nil, sourceLine: Int? = nil) {
            self.code = code
            self.axis = axis
            self.title = title
            self.lines = lines
            self.shares = shares
            self.statedTotal = statedTotal
            self.sourceLine = sourceLine
        }
    }

    public struct Line: Codable, Sendable, Equatable {
        public var label: String
        public var quantity: String?
        public var unitPrice: String?
        public var days: String?
        public var amount: String?
        public var onQuote: Bool
        public var sourceLine: Int?
        public init(label: String, quantity: String? = nil, unitPrice: String? = nil, days: String? = nil, amount: String? = nil, onQuote: Bool = false, sourceLine: Int? = nil) {
            self.label = label
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.days = days
            self.amount = amount
            self.onQuote = onQuote
            self.sourceLine = sourceLine
        }
    }

    public struct Share: Codable, Sendable, Equatable {
        public var funder: String
        public var percent: String?
        public var amount: String?
        /// « sous réserve … »: the share is conditional.
        public var condition: String?
        public var sourceLine: Int?
        public init(funder: String, percent: String? = nil, amount: String? = nil, condition: String? = nil, sourceLine: Int? = nil) {
            self.funder = funder
            self.percent = percent
            self.amount = amount
            self.condition = condition
            self.sourceLine = sourceLine
        }
    }

    public init(title: String, parties: [Party], actions: [Action]) {
        self.title = title
        self.parties = parties
        self.actions = actions
    }

    /// The draft the reader proposes. A line with a unit price keeps quantity × unit price (the
    /// amount it states goes, since Pacte computes it); a day line keeps its amount and days.
    public init(document: AuditedDocument, title: String? = nil) {
        self.title = title ?? Self.defaultTitle(document)
        parties = document.parties.map { Party(name: $0.name, shortName: $0.shortName, siren: $0.siren?.description) }
        actions = document.actions.map { action in
            Action(code: action.code, axis: action.axis,
                   title: action.title + (action.year.map { " (\($0))" } ?? ""),
                   lines: action.lines.map { line in
                       let priced = line.unitPrice != nil
                       return Line(label: line.label,
                                   quantity: priced ? (line.quantity ?? Quantity(1)).description : nil,
                                   unitPrice: line.unitPrice.map { FrenchFormat.amountNumber($0) },
                                   days: line.daysFromLabel ? nil : line.days?.description,
                                   amount: priced ? nil : line.amount.map { FrenchFormat.amountNumber($0) },
                                   onQuote: line.onQuote, sourceLine: line.line)
                   },
                   shares: action.financing.map { share in
                       Share(funder: share.funder,
                             percent: share.rate.map { FrenchFormat.percent($0) },
                             amount: share.amount.map { FrenchFormat.amountNumber($0) },
                             condition: share.conditional ? (share.condition ?? "incertain") : nil,
                             sourceLine: share.line)
                   },
                   statedTotal: action.statedTotal.map { FrenchFormat.amountNumber($0) },
                   sourceLine: action.line)
        }
    }

    static func defaultTitle(_ document: AuditedDocument) -> String {
        let names = document.parties.prefix(2).map { $0.shortName ?? $0.name }
        return names.isEmpty ? "Convention importée de \(document.file)" : "Convention " + names.joined(separator: " / ")
    }

    /// Every funder the draft names: the parties, then the other funders of its shares, once each
    /// (a share naming a party by its short name is that party).
    public var funders: [Party] {
        var out = parties
        for share in actions.flatMap(\.shares) {
            let key = share.funder.folded
            if !out.contains(where: { $0.name.folded == key || $0.shortName?.folded == key }) {
                out.append(Party(name: share.funder))
            }
        }
        return out
    }

    /// The funder id (`f1`, `f2`…) of a name, as `funders` lists them.
    static func funderID(_ name: String, in funders: [Party]) -> String? {
        let key = name.folded
        return funders.firstIndex { $0.name.folded == key || $0.shortName?.folded == key }.map { "f\($0 + 1)" }
    }

    /// The draft as a plan file, for `PlanFile.decode`: every value checked the way a plan file is.
    public func planFileJSON(taxRegime: TaxRegime = .ht) -> Data {
        func entries<T>(_ pairs: [(String, T?)]) -> [String: Any] {
            var out: [String: Any] = [:]
            for (key, value) in pairs { if let value { out[key] = value } }
            return out
        }
        func nonEmpty(_ text: String?) -> String? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let funders = self.funders
        let object: [String: Any] = [
            "title": title,
            "taxRegime": taxRegime.rawValue,
            "funders": funders.enumerated().map { index, party in
                entries([("id", "f\(index + 1)"), ("name", party.name), ("short", nonEmpty(party.shortName)), ("siren", nonEmpty(party.siren))])
            },
            "actions": actions.enumerated().map { index, action in
                var entry = entries([("code", nonEmpty(action.code) ?? "A\(index + 1)"), ("axis", nonEmpty(action.axis)), ("title", action.title),
                                     ("statedTotal", nonEmpty(action.statedTotal))])
                entry["lines"] = action.lines.map { line -> [String: Any] in
                    // An amount with its days is written the way sheets write it: « 8 400 € (12 j) ».
                    let amount = nonEmpty(line.amount).map { amount in nonEmpty(line.days).map { "\(amount) (\($0) j)" } ?? amount }
                    var out = entries([("label", line.label), ("quantity", nonEmpty(line.quantity)), ("unitPrice", nonEmpty(line.unitPrice)),
                                       ("days", amount == nil ? nonEmpty(line.days) : nil), ("amount", amount)])
                    if line.onQuote { out["onQuote"] = true }
                    return out
                }
                entry["shares"] = action.shares.map { share -> [String: Any] in
                    var out = entries([("funder", Self.funderID(share.funder, in: funders)), ("percent", nonEmpty(share.percent)), ("amount", nonEmpty(share.amount)),
                                       ("condition", nonEmpty(share.condition))])
                    if out["percent"] == nil && out["amount"] == nil { out["undetermined"] = true }
                    // « 25 % soit 7 500 € »: the rate is the share, the amount what the document states.
                    if out["percent"] != nil, let amount = out.removeValue(forKey: "amount") { out["stated"] = amount }
                    return out
                }
                return entry
            },
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The checked plan, or the first error with the path of the faulty field
    /// (`actions[2].lines[0].amount : …`).
    public func plan(taxRegime: TaxRegime = .ht) throws(PlanFileError) -> ConventionPlan {
        try PlanFile.decode(planFileJSON(taxRegime: taxRegime))
    }
}
