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
        return figure(caption: caption, svg: svg,
                      head: .tr(.th(.attribute(named: "scope", value: "col"), .text("Financeur")),
                                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Montant"))),
                      body: .forEach(rows) { row in
                          .tr(.th(.attribute(named: "scope", value: "row"), .text(row.name)),
                              .td(.class("num"), .text(row.known ? FrenchFormat.money(row.amount) : "à préciser")))
                      })
    }

    // MARK: Indicators against their goal

    struct IndicatorBar {
        var name: String
        /// What was achieved as a percentage of what the goal asks by now; nil when not measured.
        var percent: Int?
        /// `3 sur 5 attendus` or `60 % pour 60 % visés`.
        var detail: String
        var status: String
    }

    /// One bar per indicator, 100 % marking the goal; the status is written beside each bar, so the
    /// chart does not speak through colour alone.
    static func indicatorProgress(_ rows: [IndicatorBar], id: String, caption: String) -> BodyNode {
        let labelWidth = 230, barWidth = 300, rowHeight = 28, top = 8
        let width = labelWidth + barWidth + 260
        let height = top * 2 + rowHeight * max(rows.count, 1) + 14
        let scale = 150
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
        svg += "<title id=\"\(id)-title\">\(esc(caption))</title>"
        let goalX = labelWidth + barWidth * 100 / scale
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight
            let name = row.name.count > 32 ? String(row.name.prefix(31)) + "…" : row.name
            svg += "<text class=\"chart-text\" x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(esc(name))</text>"
            let length = barWidth * min(row.percent ?? 0, scale) / scale
            svg += "<rect class=\"chart-planned\" x=\"\(labelWidth)\" y=\"\(y + 5)\" width=\"\(length)\" height=\"16\"/>"
            let text = row.percent.map { "\($0) % de l'objectif — \(row.status)" } ?? row.status
            svg += "<text class=\"chart-text\" x=\"\(labelWidth + barWidth + 8)\" y=\"\(y + 17)\">\(esc(text))</text>"
        }
        let bottom = top + rowHeight * max(rows.count, 1)
        svg += "<line class=\"chart-axis\" x1=\"\(goalX)\" y1=\"\(top)\" x2=\"\(goalX)\" y2=\"\(bottom)\" stroke=\"currentColor\" stroke-dasharray=\"4 3\"/>"
        svg += "<text class=\"chart-text\" x=\"\(goalX)\" y=\"\(bottom + 12)\" text-anchor=\"middle\">objectif</text>"
        svg += "</svg>"
        return figure(caption: caption, svg: svg,
                      head: .tr(.th(.attribute(named: "scope", value: "col"), .text("Indicateur")),
                                .th(.attribute(named: "scope", value: "col"), .text("Mesure et objectif")),
                                .th(.attribute(named: "scope", value: "col"), .class("num"), .text("Part de l'objectif")),
                                .th(.attribute(named: "scope", value: "col"), .text("Statut"))),
                      body: .forEach(rows) { row in
                          .tr(.th(.attribute(named: "scope", value: "row"), .text(row.name)), .td(.text(row.detail)),
                              .td(.class("num"), .text(row.percent.map { "\($0) %" } ?? "—")), .td(.text(row.status)))
                      })
    }

    /// A chart as a figure: its caption, the SVG, and its figures as a table for those who cannot see it.
    static func figure(caption: String, svg: String, head: Node<HTML.TableContext>, body: Node<HTML.TableContext>) -> BodyNode {
        .element(named: "figure", nodes: [
            .class("chart"),
            .element(named: "figcaption", nodes: [.text(caption)]),
            .raw(svg),
            .details(.class("chart-data"), .summary(.text("Données du graphique")),
                     .table(.caption(.text(caption)), .thead(head), .tbody(body))),
        ])
    }

    // MARK: Cumulative amounts, month by month

    /// One line of a monthly chart; told apart by its dash pattern and its name, not by colour alone.
    struct LineSeries {
        var name: String
        /// `line-planned`, `line-committed`, `line-delivered`, `line-paid`.
        var style: String
        var dash: String?
        var values: [Money]

        /// The dash pattern in words, for the legend.
        var pattern: String {
            switch dash {
            case nil: "trait plein"
            case "6 4"?: "tirets"
            case "2 3"?: "pointillés"
            default: "tirets-points"
            }
        }
    }

    struct MonthPoint {
        var month: YearMonth
        var planned: Money
        var committed: Money
    }

    static func plannedAgainstCommitted(_ points: [MonthPoint], id: String, caption: String, note: String?) -> BodyNode {
        guard !points.isEmpty else {
            return .p(.class("muted"), .text("\(caption) : renseignez les dates de début et de fin de la convention pour voir l'échéancier."))
        }
        return monthlyLines(months: points.map(\.month), series: [
            LineSeries(name: "Prévu", style: "line-planned", dash: nil, values: points.map(\.planned)),
            LineSeries(name: "Engagé", style: "line-committed", dash: "6 4", values: points.map(\.committed)),
        ], id: id, caption: caption, note: note)
    }

    /// Cumulative lines over months, with a legend in words and the figures as a table.
    static func monthlyLines(months: [YearMonth], series: [LineSeries], id: String, caption: String, note: String?) -> BodyNode {
        let left = 70, right = 40, top = 14, bottom = 40, plotWidth = 620, plotHeight = 200
        let width = left + plotWidth + right, height = top + plotHeight + bottom
        let maximum = max(series.flatMap { $0.values.map(\.cents) }.max() ?? 0, 100)
        let step = niceStep(maximum)
        let ceiling = ((maximum + step - 1) / step) * step
        func x(_ index: Int) -> Int { left + (months.count == 1 ? plotWidth / 2 : index * plotWidth / (months.count - 1)) }
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
        let every = max(1, months.count / 8)
        for (index, month) in months.enumerated() where index % every == 0 || index == months.count - 1 {
            svg += "<text class=\"chart-text chart-muted\" x=\"\(x(index))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">\(month)</text>"
        }
        func path(_ values: [Money]) -> String {
            values.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.offset)) \(y($0.element.cents))" }.joined(separator: " ")
        }
        let legendY = top + plotHeight + 34
        let legendStep = plotWidth / max(series.count, 1)
        for (index, line) in series.enumerated() {
            let dash = line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            svg += "<path class=\"\(line.style)\" stroke-width=\"2.5\"\(dash) d=\"\(path(line.values))\"/>"
            // A single month draws no line: a mark shows its value.
            if months.count == 1, let value = line.values.first {
                svg += "<circle class=\"\(line.style)\" stroke-width=\"2.5\" cx=\"\(x(0))\" cy=\"\(y(value.cents))\" r=\"4\"/>"
            }
            let lx = left + index * legendStep
            svg += "<line class=\"\(line.style)\" stroke-width=\"2.5\"\(dash) x1=\"\(lx)\" x2=\"\(lx + 24)\" y1=\"\(legendY - 4)\" y2=\"\(legendY - 4)\"/>"
            svg += "<text class=\"chart-text\" x=\"\(lx + 30)\" y=\"\(legendY)\">\(esc(line.name)) (\(line.pattern))</text>"
        }
        svg += "</svg>"
        let header: Node<HTML.TableContext> = .thead(.tr(
            .th(.attribute(named: "scope", value: "col"), .text("Mois")),
            .forEach(series) { .th(.attribute(named: "scope", value: "col"), .class("num"), .text("\($0.name) (cumul)")) }))
        let rows: [Node<HTML.TableContext>] = months.enumerated().map { index, month in
            .tr(.th(.attribute(named: "scope", value: "row"), .text(month.longLabel)),
                .forEach(series) { .td(.class("num"), .text(FrenchFormat.money($0.values[index]))) })
        }
        return .element(named: "figure", nodes: [
            .class("chart"),
            .element(named: "figcaption", nodes: [.text(caption)]),
            .raw(svg),
            .unwrap(note) { .p(.class("muted"), .text($0)) },
            .details(.class("chart-data"), .summary(.text("Données du graphique")),
                     .table(.caption(.text(caption + " (cumuls mensuels)")), header, .tbody(.group(rows)))),
        ])
    }
}
