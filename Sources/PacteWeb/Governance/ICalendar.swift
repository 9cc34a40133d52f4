import Foundation
import PacteCore

/// An iCalendar (RFC 5545) document of all-day deadlines and timed meetings, as calendar programs
/// subscribe to it: CRLF line ends, text escaped, lines folded at 75 octets.
struct ICalendar {
    struct Event {
        var uid: String
        var date: CivilDate
        /// `14:30` for a meeting (floating local time); nil for an all-day deadline.
        var time: String?
        var summary: String
        var description: String?
        var location: String?
        var url: String?
    }

    var name: String
    var events: [Event]

    func render(stamp: Date = Date()) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pacte//Partenariats de développement économique//FR", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + Self.escape(name), "X-WR-TIMEZONE:Europe/Paris"]
        let stampText = Self.utc(stamp)
        for event in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:" + Self.escape(event.uid))
            lines.append("DTSTAMP:" + stampText)
            let day = event.date.isoString.filter(\.isNumber)
            if let time = event.time, time.count == 5 {
                let start = day + "T" + time.filter(\.isNumber) + "00"
                lines.append("DTSTART:" + start)
                lines.append("DURATION:PT2H")
            } else {
                lines.append("DTSTART;VALUE=DATE:" + day)
                lines.append("DTEND;VALUE=DATE:" + event.date.adding(days: 1).isoString.filter(\.isNumber))
                lines.append("TRANSP:TRANSPARENT")
            }
            lines.append("SUMMARY:" + Self.escape(event.summary))
            if let description = event.description { lines.append("DESCRIPTION:" + Self.escape(description)) }
            if let location = event.location { lines.append("LOCATION:" + Self.escape(location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a
    /// character's UTF-8 bytes.
    static func fold(_ line: String) -> String {
        var folded = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                folded += "\r\n "
                octets = 1
            }
            folded.append(character)
            octets += size
        }
        return folded
    }

    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
    }
}
