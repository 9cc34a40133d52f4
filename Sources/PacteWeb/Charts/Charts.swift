import Foundation
import PacteCore
import Plot

/// Charts drawn on the server as SVG (no script, no external library). Each one comes inside a
/// `<figure>` with a caption, an accessible name and its figures as a table: the text alternative.
enum Charts {
    /// Escapes text for SVG markup.
    static func esc(_ text: String) -> String { escapeAttribute(text) }

    /// A short French amount for axis ticks: `12 k€`, `1,2 M€`.
    static func tick(_ cents: Int64) -> String {
        let euros = cents / 100
        if euros >= 1_000_000 {
            let tenths = euros / 100_000
            return "\(tenths / 10)" + (tenths % 10 == 0 ? "" : ",\(tenths % 10)") + "\u{00A0}M€"
        }
        if euros >= 1_000 { return "\(FrenchFormat.grouped(euros / 1_000))\u{00A0}k€" }
        return "\(euros)\u{00A0}€"
    }

    /// A round step for about `count` grid lines up to `maximum` cents.
    static func niceStep(_ maximum: Int64, count: Int64 = 4) -> Int64 {
        let raw = max(maximum / count, 100)
        var magnitude: Int64 = 1
        while magnitude * 10 <= raw { magnitude *= 10 }
        for factor: Int64 in [1, 2, 5, 10] where magnitude * factor >= raw { return magnitude * factor }
        return magnitude * 10
    }

    // MARK: Funding by funder

    struct FunderAmount {
        var name: String
        var amount: Money
        var known: Bool
    }

    static func fundingByFunder(_ rows: [FunderAmount], id: String, caption: String) -> BodyNode {
        let labelWidth = 190, barWidth = 420, rowHeight = 28, top = 8
        let width = labelWidth + barWidth + 130
        let height = top * 2 + rowHeight * max(rows.count, 1)
        let maximum = max(rows.map(\.amount.cents).max() ?? 0, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
        svg += "<title id=\"\(id)-title\">\(esc(caption))</title>"
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight
            let length = Int(Int64(barWidth) * row.amount.cents / maximum)
            let name = row.name.count > 28 ? String(row.name.prefix(27)) + "…" : row.name
            svg += "<text class=\"chart-text\" x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(esc(name))</text>"
            svg += "<rect class=\"chart-planned\" x=\"\(labelWidth)\" y=\"\(y + 5)\" width=\"\(max(length, row.amount.isZero ? 0 : 1))\" height=\"16\"/>"
            let value = row.known ? FrenchFormat.money(row.amount) : "à préciser"
            svg += "<text class=\"chart-text\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\">\(esc(value))</text>"
        }
        svg += "</svg>"
        return .element(named: "figure", nodes: [
            .class("chart"),
            .element(named: "figcaption", nodes: [.text(caption)]),
            .raw(svg),
            .details(
                .class("chart-data"),
                .summary(.text("Données du graphique")),
                .table(
                    .caption(.text(caption)),
                    .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                               .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant")))),
                    .tbody(.forEach(rows) { row in
                        .tr(.th(.attribute(named: "scope", value: "row"), .text(row.name)),
                            .td(.class("num"), .text(row.known ? FrenchFormat.money(row.amount) : "à préciser")))
                    })
                )
            ),
        ])
    }

    // MARK: Planned against committed, month by month

    struct MonthPoint {
        var month: YearMonth
        var planned: Money
        var committed: Money
    }

    static func plannedAgainstCommitted(_ points: [MonthPoint], id: String, caption: String, note: String?) -> BodyNode {
        let left = 70, right = 20, top = 14, bottom = 40, plotWidth = 620, plotHeight = 200
        let width = left + plotWidth + right, height = top + plotHeight + bottom
        guard !points.isEmpty else {
            return .p(.class("muted"), .text("\(caption) : renseignez les dates de début et de fin de la convention pour voir l'échéancier."))
        }
        let maximum = max(points.map { max($0.planned.cents, $0.committed.cents) }.max() ?? 0, 100)
        let step = niceStep(maximum)
        let ceiling = ((maximum + step - 1) / step) * step
        func x(_ index: Int) -> Int { left + (points.count == 1 ? plotWidth / 2 : index * plotWidth / (points.count - 1)) }
        func y(_ cents: Int64) -> Int { top + plotHeight - Int(Int64(plotHeight) * cents / ceiling) }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
        svg += "<title id=\"\(id)-title\">\(esc(caption))</title>"
        var level: Int64 = 0
        while level <= ceiling {
            svg += "<line class=\"chart-grid\" x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(y(level))\" y2=\"\(y(level))\"/>"
            svg += "<text class=\"chart-text chart-muted\" x=\"\(left - 6)\" y=\"\(y(level) + 4)\" text-anchor=\"end\">\(tick(level))</text>"
            level += step
        }
        svg += "<line class=\"chart-axis\" x1=\"\(left)\" x2=\"\(left)\" y1=\"\(top)\" y2=\"\(top + plotHeight)\"/>"
        let every = max(1, points.count / 8)
        for (index, point) in points.enumerated() where index % every == 0 || index == points.count - 1 {
            svg += "<text class=\"chart-text chart-muted\" x=\"\(x(index))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">\(point.month)</text>"
        }
        func path(_ values: [Int64]) -> String {
            values.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.offset)) \(y($0.element))" }.joined(separator: " ")
        }
        svg += "<path class=\"line-planned\" stroke-width=\"2.5\" d=\"\(path(points.map(\.planned.cents)))\"/>"
        svg += "<path class=\"line-committed\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\" d=\"\(path(points.map(\.committed.cents)))\"/>"
        // Legend in words and line styles, not colour alone.
        let legendY = top + plotHeight + 34
        svg += "<line class=\"line-planned\" stroke-width=\"2.5\" x1=\"\(left)\" x2=\"\(left + 24)\" y1=\"\(legendY - 4)\" y2=\"\(legendY - 4)\"/>"
        svg += "<text class=\"chart-text\" x=\"\(left + 30)\" y=\"\(legendY)\">Prévu (cumul, trait plein)</text>"
        svg += "<line class=\"line-committed\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\" x1=\"\(left + 230)\" x2=\"\(left + 254)\" y1=\"\(legendY - 4)\" y2=\"\(legendY - 4)\"/>"
        svg += "<text class=\"chart-text\" x=\"\(left + 260)\" y=\"\(legendY)\">Engagé (cumul, pointillés)</text>"
        svg += "</svg>"
        return .element(named: "figure", nodes: [
            .class("chart"),
            .element(named: "figcaption", nodes: [.text(caption)]),
            .raw(svg),
            .unwrap(note) { .p(.class("muted"), .text($0)) },
            .details(
                .class("chart-data"),
                .summary(.text("Données du graphique")),
                .table(
                    .caption(.text(caption + " (cumuls mensuels)")),
                    .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Mois")),
                               .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Prévu (cumul)")),
                               .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Engagé (cumul)")))),
                    .tbody(.forEach(points) { point in
                        .tr(.th(.attribute(named: "scope", value: "row"), .text(point.month.longLabel)),
                            .td(.class("num"), .text(FrenchFormat.money(point.planned))),
                            .td(.class("num"), .text(FrenchFormat.money(point.committed))))
                    })
                )
            ),
        ])
    }
}
