import Foundation

/// The JSON file `pacte plan` reads: a convention's funders, actions, cost lines and shares, written
/// the way the documents write them (`"1 400 €"`, `"25 %"`, `"8 400 € (12 j)"`). The format is
/// documented in the README; `PlanFile.load` turns it into a `ConventionPlan` or a French error
/// that names the faulty field.
public struct PlanFile: Decodable, Sendable {
    public var title: String
    public var source: String?
    public var taxRegime: String?
    public var vatRate: String?
    public var dayRate: Text?
    public var funders: [FunderEntry]
    public var actions: [ActionEntry]
    public var notes: [String]?

    public struct FunderEntry: Decodable, Sendable {
        public var id: String
        public var name: String
        public var short: String?
        public var siren: String?
    }

    public struct ActionEntry: Decodable, Sendable {
        public var code: String?
        public var axis: String?
        public var title: String
        public var dayRate: Text?
        public var lines: [LineEntry]
        public var shares: [ShareEntry]?
        public var statedTotal: Text?
        public var statedTotals: [String: Text]?
        public var statedDays: Text?
        public var statedFunderTotals: [String: Text]?
        public var notes: [String]?
    }

    public struct LineEntry: Decodable, Sendable {
        public var id: String?
        public var label: String
        public var quantity: Text?
        public var unitPrice: Text?
        public var days: Text?
        public var dayRate: Text?
        public var amount: Text?
        public var onQuote: Bool?
        public var statedAmount: Text?
        public var taxRegime: String?
        public var year: Int?
    }

    public struct ShareEntry: Decodable, Sendable {
        public var funder: String?
        public var prorata: ProrataEntry?
        public var percent: String?
        public var amount: Text?
        public var remainder: Bool?
        public var undetermined: Bool?
        public var lines: [String]?
        public var cap: CapEntry?
        public var condition: String?
        public var year: Int?
        public var stated: Text?
    }

    public struct ProrataEntry: Decodable, Sendable {
        public var quantity: String
        public var year: Int
        public var source: String?
        public var members: [MemberEntry]
    }

    public struct MemberEntry: Decodable, Sendable {
        public var funder: String
        public var weight: Int64
    }

    public struct CapEntry: Decodable, Sendable {
        public var amount: Text?
        public var percent: String?
        public var overflowTo: String?
        public var label: String?
    }

    /// A value written as a JSON string, or as a whole JSON number. A JSON number with decimals is
    /// refused: it would be read as binary floating point.
    public struct Text: Decodable, Sendable {
        public var value: String

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                value = text
            } else if let whole = try? container.decode(Int64.self) {
                value = String(whole)
            } else {
                throw DecodingError.dataCorruptedError(in: container,
                    debugDescription: "écrivez ce nombre entre guillemets (\"1 400,50 €\") : un nombre JSON à virgule serait lu en binaire approché.")
            }
        }
    }
}

/// A plan file that cannot be read. The message names the field, in French.
public struct PlanFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { path.isEmpty ? message : "\(path) : \(message)" }
}

extension PlanFile {
    /// Reads and checks a plan file.
    public static func load(contentsOf url: URL) throws(PlanFileError) -> ConventionPlan {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw PlanFileError(path: "", message: missing ? "fichier introuvable." : "fichier illisible (droits d'accès ?).")
        }
        return try decode(data)
    }

    public static func decode(_ data: Data) throws(PlanFileError) -> ConventionPlan {
        if let object = try? JSONSerialization.jsonObject(with: data) {
            try checkKeys(object, schema: fileKeys, path: "")
        }
        let file: PlanFile
        do {
            file = try JSONDecoder().decode(PlanFile.self, from: data)
        } catch let error as DecodingError {
            throw PlanFileError(path: "", message: describe(error))
        } catch {
            throw PlanFileError(path: "", message: "le fichier n'est pas un JSON valide.")
        }
        return try file.plan()
    }

    /// The keys each object of the file may hold. A misspelt key (`"conditon"`) would otherwise be
    /// ignored and change the plan silently, so it is refused.
    private indirect enum KeySchema: Sendable {
        case object([String: KeySchema])
        case list(KeySchema)
        case leaf
    }

    private static let capKeys: KeySchema = .object(["amount": .leaf, "percent": .leaf, "overflowTo": .leaf, "label": .leaf])
    private static let prorataKeys: KeySchema = .object([
        "quantity": .leaf, "year": .leaf, "source": .leaf,
        "members": .list(.object(["funder": .leaf, "weight": .leaf])),
    ])
    private static let shareKeys: KeySchema = .object([
        "funder": .leaf, "prorata": prorataKeys, "percent": .leaf, "amount": .leaf, "remainder": .leaf,
        "undetermined": .leaf, "lines": .leaf, "cap": capKeys, "condition": .leaf, "year": .leaf, "stated": .leaf,
    ])
    private static let lineKeys: KeySchema = .object([
        "id": .leaf, "label": .leaf, "quantity": .leaf, "unitPrice": .leaf, "days": .leaf, "dayRate": .leaf,
        "amount": .leaf, "onQuote": .leaf, "statedAmount": .leaf, "taxRegime": .leaf, "year": .leaf,
    ])
    private static let actionKeys: KeySchema = .object([
        "code": .leaf, "axis": .leaf, "title": .leaf, "dayRate": .leaf, "lines": .list(lineKeys), "shares": .list(shareKeys),
        "statedTotal": .leaf, "statedTotals": .leaf, "statedDays": .leaf, "statedFunderTotals": .leaf, "notes": .leaf,
    ])
    private static let fileKeys: KeySchema = .object([
        "title": .leaf, "source": .leaf, "taxRegime": .leaf, "vatRate": .leaf, "dayRate": .leaf, "notes": .leaf,
        "funders": .list(.object(["id": .leaf, "name": .leaf, "short": .leaf, "siren": .leaf])),
        "actions": .list(actionKeys),
    ])

    private static func checkKeys(_ value: Any, schema: KeySchema, path: String) throws(PlanFileError) {
        switch schema {
        case .leaf:
            return
        case .object(let keys):
            guard let object = value as? [String: Any] else { return }
            for key in object.keys.sorted() {
                guard let child = keys[key] else {
                    let known = keys.keys.sorted().joined(separator: ", ")
                    throw PlanFileError(path: path, message: "champ « \(key) » inconnu (champs possibles : \(known)).")
                }
                try checkKeys(object[key]!, schema: child, path: path.isEmpty ? key : "\(path).\(key)")
            }
        case .list(let element):
            guard let list = value as? [Any] else { return }
            for (index, item) in list.enumerated() { try checkKeys(item, schema: element, path: "\(path)[\(index)]") }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        let path = DecodingErrorText.path
        switch error {
        case let .keyNotFound(key, context):
            let where_ = path(context.codingPath)
            return "champ obligatoire « \(key.stringValue) » manquant" + (where_.isEmpty ? "." : " dans \(where_).")
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "\(path(context.codingPath)) : attendu \(DecodingErrorText.expected(type))."
        case let .dataCorrupted(context):
            let where_ = path(context.codingPath)
            if where_.isEmpty { return "le fichier n'est pas un JSON valide." }
            return "\(where_) : \(context.debugDescription)"
        @unknown default:
            return "fichier illisible."
        }
    }

    /// Turns the file into domain values, checking every field.
    public func plan() throws(PlanFileError) -> ConventionPlan {
        let regime = try parseRegime(taxRegime, path: "taxRegime") ?? .ht
        let vat: Rate
        if let vatRate {
            do { vat = try Rate.parse(vatRate) } catch { throw PlanFileError(path: "vatRate", message: error.description) }
        } else {
            vat = .standardVAT
        }
        let referenceDayRate = try dayRate.map { text throws(PlanFileError) in try parseMoney(text, path: "dayRate", regime: regime) }
        // The title and the funders' names end up as typed in the SCDL open-data files.
        if let refusal = SpreadsheetFormula.openDataRefusal(title, label: "title") { throw PlanFileError(path: "title", message: refusal) }
        var funderList: [Funder] = []
        for (i, entry) in funders.enumerated() {
            let path = "funders[\(i)]"
            guard !entry.id.isEmpty else { throw PlanFileError(path: path + ".id", message: "identifiant vide.") }
            if let refusal = SpreadsheetFormula.openDataRefusal(entry.name, label: "name") { throw PlanFileError(path: path + ".name", message: refusal) }
            var siren: Siren?
            if let text = entry.siren {
                do { siren = try Siren(text) } catch { throw PlanFileError(path: path + ".siren", message: error.description) }
            }
            funderList.append(Funder(id: FunderID(entry.id), name: entry.name, shortName: entry.short, siren: siren))
        }
        var actionList: [PlannedAction] = []
        for (i, entry) in actions.enumerated() {
            actionList.append(try entry.action(path: "actions[\(i)]", defaultRegime: regime))
        }
        let plan = ConventionPlan(title: title, regime: regime, vat: vat, referenceDayRate: referenceDayRate,
                                  funders: funderList, actions: actionList, notes: notes ?? [])
        do { try plan.validate() } catch { throw PlanFileError(path: "", message: error.description) }
        return plan
    }
}

extension PlanFile.ActionEntry {
    func action(path: String, defaultRegime: TaxRegime) throws(PlanFileError) -> PlannedAction {
        var costLines: [CostLine] = []
        for (i, entry) in lines.enumerated() {
            costLines.append(try entry.line(path: "\(path).lines[\(i)]", index: i, defaultRegime: defaultRegime))
        }
        var shareList: [Share] = []
        for (i, entry) in (shares ?? []).enumerated() {
            shareList.append(try entry.share(path: "\(path).shares[\(i)]", regime: defaultRegime))
        }
        var totals: [Int?: Money] = [:]
        if let statedTotal { totals[nil] = try parseMoney(statedTotal, path: "\(path).statedTotal", regime: defaultRegime) }
        for (key, text) in statedTotals ?? [:] {
            guard let year = Int(key) else {
                throw PlanFileError(path: "\(path).statedTotals", message: "« \(key) » n'est pas une année.")
            }
            totals[year] = try parseMoney(text, path: "\(path).statedTotals.\(key)", regime: defaultRegime)
        }
        var funderTotals: [FunderID: Money] = [:]
        for (key, text) in statedFunderTotals ?? [:] {
            funderTotals[FunderID(key)] = try parseMoney(text, path: "\(path).statedFunderTotals.\(key)", regime: defaultRegime)
        }
        let days = try statedDays.map { text throws(PlanFileError) in try parseQuantity(text, path: "\(path).statedDays") }
        let rate = try dayRate.map { text throws(PlanFileError) in try parseMoney(text, path: "\(path).dayRate", regime: defaultRegime) }
        return PlannedAction(code: code ?? "", title: title, axis: axis, lines: costLines, shares: shareList,
                             statedTotals: totals, statedDays: days, statedFunderTotals: funderTotals,
                             referenceDayRate: rate, notes: notes ?? [])
    }
}

extension PlanFile.LineEntry {
    func line(path: String, index: Int, defaultRegime: TaxRegime) throws(PlanFileError) -> CostLine {
        var regime = try parseRegime(taxRegime, path: "\(path).taxRegime")
        var effortDays: Quantity?
        let pricing: CostLine.Pricing
        let forms = [quantity != nil || unitPrice != nil, days != nil || dayRate != nil, amount != nil, onQuote == true].filter { $0 }.count
        guard forms == 1 else {
            throw PlanFileError(path: path, message: forms == 0
                ? "indiquez le prix de la ligne : quantity + unitPrice, days + dayRate, amount, ou onQuote (sur devis)."
                : "une ligne a un seul mode de prix : quantity + unitPrice, days + dayRate, amount, ou onQuote.")
        }
        if quantity != nil || unitPrice != nil {
            guard let quantity, let unitPrice else {
                throw PlanFileError(path: path, message: "quantity et unitPrice vont ensemble.")
            }
            let price = try parseAmount(unitPrice, path: "\(path).unitPrice")
            regime = try merge(regime, price.regime, path: "\(path).unitPrice")
            pricing = .quantity(try parseQuantity(quantity, path: "\(path).quantity"), unitPrice: price.amount)
        } else if days != nil || dayRate != nil {
            guard let days, let dayRate else { throw PlanFileError(path: path, message: "days et dayRate vont ensemble.") }
            let rate = try parseAmount(dayRate, path: "\(path).dayRate")
            regime = try merge(regime, rate.regime, path: "\(path).dayRate")
            pricing = .days(try parseDays(days, path: "\(path).days"), dayRate: rate.amount)
        } else if let amount {
            let parsed = try parseAmount(amount, path: "\(path).amount")
            regime = try merge(regime, parsed.regime, path: "\(path).amount")
            effortDays = parsed.days
            pricing = .forfait(parsed.amount)
        } else {
            pricing = .onQuote
        }
        var stated: Money?
        if let statedAmount {
            let parsed = try parseAmount(statedAmount, path: "\(path).statedAmount")
            regime = try merge(regime, parsed.regime, path: "\(path).statedAmount")
            stated = parsed.amount
            effortDays = effortDays ?? parsed.days
        }
        return CostLine(id: id ?? "l\(index + 1)", label: label, pricing: pricing, regime: regime ?? defaultRegime,
                        statedAmount: stated, effortDays: effortDays, year: year)
    }
}

extension PlanFile.ShareEntry {
    func share(path: String, regime: TaxRegime) throws(PlanFileError) -> Share {
        let payer: Share.Payer
        switch (funder, prorata) {
        case let (funder?, nil):
            payer = .funder(FunderID(funder))
        case let (nil, prorata?):
            payer = .prorata(ProrataGroup(quantity: prorata.quantity, year: prorata.year, source: prorata.source,
                members: prorata.members.map { ProrataGroup.Member(funder: FunderID($0.funder), weight: $0.weight) }))
        default:
            throw PlanFileError(path: path, message: "une part a soit un financeur (funder), soit une répartition au prorata (prorata).")
        }
        let sizes = [percent != nil, amount != nil, remainder == true, undetermined == true].filter { $0 }.count
        guard sizes == 1 else {
            throw PlanFileError(path: path, message: "indiquez exactement une taille de part : percent, amount, remainder ou undetermined.")
        }
        let size: Share.Size
        if let percent {
            size = .percentage(try parseRate(percent, path: "\(path).percent"))
        } else if let amount {
            size = .fixed(try parseMoney(amount, path: "\(path).amount", regime: regime))
        } else if remainder == true {
            size = .remainder
        } else {
            size = .undetermined
        }
        var capValue: Cap?
        if let cap {
            let limit: Cap.Limit
            switch (cap.amount, cap.percent) {
            case let (amount?, nil): limit = .amount(try parseMoney(amount, path: "\(path).cap.amount", regime: regime))
            case let (nil, percent?): limit = .rate(try parseRate(percent, path: "\(path).cap.percent"))
            default: throw PlanFileError(path: "\(path).cap", message: "un plafond a soit un montant (amount), soit un taux (percent).")
            }
            capValue = Cap(limit: limit, overflowTo: cap.overflowTo.map { FunderID($0) }, label: cap.label)
        }
        let statedAmount = try stated.map { text throws(PlanFileError) in try parseMoney(text, path: "\(path).stated", regime: regime) }
        return Share(payer: payer, size: size, basisLines: lines, cap: capValue, condition: condition, year: year, statedAmount: statedAmount)
    }
}

// MARK: - Field parsers that name the field in their errors

private func parseAmount(_ text: PlanFile.Text, path: String) throws(PlanFileError) -> ParsedAmount {
    do { return try AmountParser.parse(text.value) } catch { throw PlanFileError(path: path, message: error.description) }
}

/// An amount of the plan's own regime (shares, totals, caps, day rates): one written with another
/// regime (`1 200 € TTC` in an HT plan) is refused rather than silently counted as the plan's.
private func parseMoney(_ text: PlanFile.Text, path: String, regime: TaxRegime? = nil) throws(PlanFileError) -> Money {
    let parsed = try parseAmount(text, path: path)
    if let regime, let written = parsed.regime, written != regime {
        throw PlanFileError(path: path, message: "le montant est écrit \(written.label) mais le plan est en \(regime.label) : convertissez-le ou déclarez une ligne de coût \(written.label).")
    }
    return parsed.amount
}

private func parseQuantity(_ text: PlanFile.Text, path: String) throws(PlanFileError) -> Quantity {
    do { return try Quantity.parse(text.value) } catch { throw PlanFileError(path: path, message: error.description) }
}

private func parseDays(_ text: PlanFile.Text, path: String) throws(PlanFileError) -> Quantity {
    if let days = try? AmountParser.parseDays(text.value) { return days }
    return try parseQuantity(text, path: path)
}

private func parseRate(_ text: String, path: String) throws(PlanFileError) -> Rate {
    do { return try Rate.parse(text) } catch { throw PlanFileError(path: path, message: error.description) }
}

private func parseRegime(_ text: String?, path: String) throws(PlanFileError) -> TaxRegime? {
    guard let text else { return nil }
    guard let regime = TaxRegime(label: text) else {
        throw PlanFileError(path: path, message: "« \(text) » : régime inconnu (HT, TTC ou net de taxes).")
    }
    return regime
}

private func merge(_ declared: TaxRegime?, _ written: TaxRegime?, path: String) throws(PlanFileError) -> TaxRegime? {
    if let declared, let written, declared != written {
        throw PlanFileError(path: path, message: "le montant est écrit \(written.label) mais la ligne est déclarée \(declared.label).")
    }
    return declared ?? written
}
