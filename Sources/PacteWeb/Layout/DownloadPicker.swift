import Foundation
import Plot

/// The downloads of a table: one link per format for the whole table, and a form to choose the
/// columns first. The form needs no script: each format is a submit button with its own address.
enum DownloadPicker {
    static let formats: [(SpreadsheetFormat, String)] = [(.csv, "CSV (Excel)"), (.xlsx, "XLSX"), (.ods, "ODS (LibreOffice)")]

    /// `path` is the file's address without its extension (`/conventions/…/suivi`); `query` the
    /// parameters the table depends on (year, period).
    static func render(path: String, query: [(name: String, value: String)] = [], header: [String], id: String) -> Node<HTML.BodyContext> {
        let suffix = query.isEmpty ? "" : "?" + query.map { "\($0.name)=\(urlPart($0.value))" }.joined(separator: "&")
        return .div(.class("downloads no-print"),
            .p(.text("Télécharger le tableau : "),
               .group(formats.enumerated().map { index, format -> Node<HTML.BodyContext> in
                   .group(.if(index > 0, .text(" · ")), .a(.href("\(path).\(format.0.rawValue)\(suffix)"), .text(format.1)))
               }), .text(".")),
            .details(
                .summary(.text("Choisir les colonnes à télécharger")),
                .form(.method(.get), .action("\(path).csv"),
                      .forEach(query) { .input(.type(.hidden), .name(escapeAttribute($0.name)), .value(escapeAttribute($0.value))) },
                      .element(named: "fieldset", nodes: [
                          .element(named: "legend", nodes: [.text("Colonnes")]),
                          .ul(.class("checkbox-list"), .forEach(header.enumerated()) { index, label in
                              .li(.selfClosedElement(named: "input", attributes: [
                                      Attribute(name: "type", value: "checkbox"), Attribute(name: "id", value: "\(id)-col-\(index + 1)"),
                                      Attribute(name: "name", value: "colonnes"), Attribute(name: "value", value: String(index + 1)),
                                      Attribute(name: "checked", value: "checked"),
                                  ]),
                                  .text(" "),
                                  .label(.for("\(id)-col-\(index + 1)"), .text(label)))
                          }),
                      ]),
                      .div(.class("page-actions"),
                           .forEach(formats) { format in
                               .button(.class("button secondary"), .type(.submit), .attribute(named: "formaction", value: "\(path).\(format.0.rawValue)"),
                                       .text("Télécharger en \(format.0.rawValue.uppercased())"))
                           })))
        )
    }
}
