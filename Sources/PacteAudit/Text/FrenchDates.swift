import PacteCore

/// Dates and numbers as registers write them: « le 17 décembre 2020 », « 1er novembre 2018 »,
/// « L'an deux mil vingt, le 17 décembre », « Le dix sept décembre deux mille vingt ».
public enum FrenchDates {
    static let months = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"]

    /// The dates written in one line, in order, each with the text it was read from.
    public static func dates(in line: String) -> [CivilDate] {
        let words = tokens(line)
        var found: [CivilDate] = []
        for (index, word) in words.enumerated() {
            guard let month = months.firstIndex(of: word) else { continue }
            guard let day = dayBefore(words, index), let year = yearAfter(words, index) ?? yearOfAn(words, before: index) else { continue }
            if let date = try? CivilDate(year: year, month: month + 1, day: day) { found.append(date) }
        }
        return found
    }

    /// Lower-case, unaccented words; digits and letters kept, punctuation splits (but `1er` stays).
    static func tokens(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for c in text.folded {
            if c.isLetter || c.isNumber {
                current.append(c)
            } else {
                if !current.isEmpty { words.append(current); current = "" }
                if c == "," || c == "." || c == ";" || c == ":" { words.append(",") }
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private static func dayBefore(_ words: [String], _ monthIndex: Int) -> Int? {
        guard monthIndex > 0 else { return nil }
        let previous = words[monthIndex - 1]
        if let day = Int(previous), (1...31).contains(day) { return day }
        if previous == "1er" || previous == "premier" { return 1 }
        // Up to three number words: « dix sept », « vingt et un ».
        var start = monthIndex
        while start > 0, monthIndex - start < 4, numberWords[words[start - 1]] != nil || words[start - 1] == "et" { start -= 1 }
        guard start < monthIndex, let day = number(words[start..<monthIndex]), (1...31).contains(day) else { return nil }
        return day
    }

    private static func yearAfter(_ words: [String], _ monthIndex: Int) -> Int? {
        guard monthIndex + 1 < words.count else { return nil }
        let next = words[monthIndex + 1]
        if next.count == 4, let year = Int(next), (1900...2199).contains(year) { return year }
        var end = monthIndex + 1
        while end < words.count, end - monthIndex <= 5, numberWords[words[end]] != nil || words[end] == "et" { end += 1 }
        guard end > monthIndex + 1, let year = number(words[(monthIndex + 1)..<end]), (1900...2199).contains(year) else { return nil }
        return year
    }

    /// « L'an deux mil vingt, le 17 décembre »: the year comes first, after « l'an ».
    private static func yearOfAn(_ words: [String], before monthIndex: Int) -> Int? {
        guard let an = words[..<monthIndex].lastIndex(of: "an") else { return nil }
        var end = an + 1
        while end < monthIndex, numberWords[words[end]] != nil || words[end] == "et" { end += 1 }
        guard end > an + 1, let year = number(words[(an + 1)..<end]), (1900...2199).contains(year) else { return nil }
        return year
    }

    static let numberWords: [String: Int] = [
        "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
        "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
        "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        "cent": 100, "cents": 100, "mil": 1000, "mille": 1000,
    ]

    /// « deux mille vingt » → 2020, « dix sept » → 17, « quatre vingt dix » → 90, « trois » → 3.
    static func number<C: Collection>(_ words: C) -> Int? where C.Element == String {
        var total = 0
        var group = 0
        var any = false
        for word in words {
            if word == "et" { continue }
            guard let value = numberWords[word] else { return nil }
            any = true
            switch value {
            case 1000:
                total += max(group, 1) * 1000
                group = 0
            case 100:
                group = max(group, 1) * 100
            case 20 where group % 100 == 4:
                // « quatre vingt »: 4 × 20.
                group = group - 4 + 80
            case 10...16 where group % 10 == 0 && group % 100 >= 60 && group % 100 < 80:
                // « soixante dix » = 70, « soixante seize » = 76.
                group += value
            default:
                group += value
            }
        }
        return any ? total + group : nil
    }

    /// A whole number written in digits or in words (« trois ans », « 3 ans »).
    static func count(_ word: String) -> Int? {
        Int(word) ?? numberWords[word]
    }
}
