import PacteCore

/// Reading one table cell or one fragment of prose as an amount, a share, a count.
enum Cells {
    /// `12 600 €`, `1.400 € (2 j)`, `3 500`. Nil when the cell is not an amount.
    static func amount(_ cell: String) -> ParsedAmount? {
        guard cell.contains(where: \.isASCIIDigit), let parsed = try? AmountParser.parse(cell) else { return nil }
        // No partnership document counts in thousands of billions: such a number is noise, and
        // keeping it out lets any sum of a document's amounts stay far from overflow.
        return parsed.amount.magnitude <= maximum ? parsed : nil
    }

    static let maximum = Money.euros(1_000_000_000_000)

    /// `sur devis`, `Sur devis`.
    static func isOnQuote(_ cell: String) -> Bool { cell.folded.contains("sur devis") }

    /// A cell holding several amounts side by side because the columns drifted:
    /// `1 500 10 000 4 000` is 1 500, 10 000 and 4 000. Only digits and spaces (and one final €).
    static func severalAmounts(_ cell: String) -> [Money]? {
        var body = AmountParser.normalizeSpaces(cell)
        if body.hasSuffix("€") { body = String(body.dropLast()).trimmingSpaces }
        let tokens = body.split(separator: " ").map(String.init)
        guard tokens.count >= 3, tokens.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        var numbers: [Int64] = []
        var current: Int64?
        for token in tokens {
            if let value = current, token.count == 3 {
                current = value * 1000 + (Int64(token) ?? 0)
            } else {
                guard token.count <= 3 else { return nil }
                if let value = current { numbers.append(value) }
                current = Int64(token)
            }
        }
        if let value = current { numbers.append(value) }
        guard numbers.count >= 2, numbers.allSatisfy({ $0 <= 1_000_000_000_000 }) else { return nil }
        return numbers.map { Money.euros($0) }
    }

    /// The longest start of `text` that reads as an amount: `3 200€ pour 4 stés` → 3 200 €.
    static func leadingAmount(_ text: String) -> (ParsedAmount, rest: String)? {
        let words = AmountParser.normalizeSpaces(text).split(separator: " ").map(String.init)
        guard let first = words.first, first.first?.isASCIIDigit == true || first.first == "-" else { return nil }
        var count = min(words.count, 6)
        while count > 0 {
            let candidate = words[0..<count].joined(separator: " ")
            if let parsed = amount(candidate.trimmingCharacters(in: [".", ",", ";"])) {
                return (parsed, words[count...].joined(separator: " "))
            }
            count -= 1
        }
        return nil
    }

    /// A rate at the start of a text: `25%`, `25 %`, `2,5 %`.
    static func leadingRate(_ text: String) -> (Rate, rest: String)? {
        let body = AmountParser.normalizeSpaces(text)
        guard let percent = body.firstIndex(of: "%") else { return nil }
        let number = body[..<percent].trimmingSpaces
        guard !number.isEmpty, number.allSatisfy({ $0.isASCIIDigit || $0 == "," || $0 == "." }) else { return nil }
        guard let rate = try? Rate.parse(number + " %") else { return nil }
        return (rate, String(body[body.index(after: percent)...]).trimmingSpaces)
    }

    /// A whole count: `31`, `122`.
    static func count(_ text: String) -> Int? {
        let body = text.trimmingSpaces
        guard !body.isEmpty, body.count <= 6, body.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(body)
    }

    /// A year written alone: `2023`.
    static func year(_ cell: String) -> Int? {
        guard cell.count == 4, let value = Int(cell), (1990...2100).contains(value) else { return nil }
        return value
    }
}

/// What a funder's cell in a financing table says.
enum ShareCell: Equatable {
    /// A share: a rate, an amount, or both (« 25% soit 7 500€ »), possibly naming its funder
    /// (« 80% région GE soit 2 000€ ») or uncertain (« Banque des Territoires ? »).
    case share(rate: Rate?, amount: Money?, funder: String?, conditional: Bool)
    /// An amount in brackets: mentioned beside the plan, not part of it (« (82 500€) »).
    case aside(Money)
    /// Words that are not a share (« Idem voir Banque des territoires »).
    case remark(String)

    static func read(_ cell: String) -> ShareCell? {
        var body = AmountParser.normalizeSpaces(cell)
        guard !body.isEmpty, body != "0", body != "-", body != "—", !body.allSatisfy({ $0 == "-" || $0 == "." }) else { return nil }
        if body.hasPrefix("("), body.hasSuffix(")"), let amount = Cells.amount(String(body.dropFirst().dropLast())) {
            return .aside(amount.amount)
        }
        let folded = body.folded
        let conditional = body.contains("?") || folded.contains("sous reserve")
        body = body.replacingOccurrences(of: "?", with: "").trimmingSpaces
        if let (rate, rest) = Cells.leadingRate(body) {
            var amount: Money?
            var namePart = rest
            if let soit = rest.folded.range(of: "soit ") {
                let offset = rest.folded.distance(from: rest.folded.startIndex, to: soit.lowerBound)
                let split = rest.index(rest.startIndex, offsetBy: offset)
                namePart = String(rest[..<split])
                amount = Cells.leadingAmount(String(rest[rest.index(split, offsetBy: 5)...]))?.0.amount
            }
            return .share(rate: rate, amount: amount, funder: funderName(namePart), conditional: conditional)
        }
        if let parsed = Cells.amount(body) {
            return parsed.amount.isZero ? nil : .share(rate: nil, amount: parsed.amount, funder: nil, conditional: conditional)
        }
        if let (parsed, _) = Cells.leadingAmount(body) {
            return parsed.amount.isZero ? nil : .share(rate: nil, amount: parsed.amount, funder: nil, conditional: conditional)
        }
        if conditional, let name = funderName(body) {
            return .share(rate: nil, amount: nil, funder: name, conditional: true)
        }
        return .remark(body)
    }

    /// « de .. Région GE » → « Région GE »; « de ... » → nil.
    static func funderName(_ text: String) -> String? {
        var words = AmountParser.normalizeSpaces(text).split(separator: " ").map(String.init)
        while let first = words.first, ["de", "du", "des", "d'", "par", "la", "le"].contains(first.folded) || first.allSatisfy({ $0 == "." || $0 == "…" }) {
            words.removeFirst()
        }
        while let last = words.last, last.allSatisfy({ $0 == "." || $0 == "…" || $0 == "," }) { words.removeLast() }
        guard !words.isEmpty else { return nil }
        var name = words.joined(separator: " ")
        if let first = name.first, first.isLowercase { name = first.uppercased() + name.dropFirst() }
        return name.contains(where: \.isLetter) ? name : nil
    }
}
