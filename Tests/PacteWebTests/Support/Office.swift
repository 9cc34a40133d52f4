import CSV
import Foundation
import Testing
import ZIPFoundation

struct OfficeError: Error, CustomStringConvertible {
    let description: String
}

/// LibreOffice without a window, to read the spreadsheets Pacte writes as a real office program does.
/// Tests using it are skipped when `soffice` is missing, unless PACTE_TEST_OFFICE=required (scripts/test).
enum Office {
    static var isRequired: Bool { ProcessInfo.processInfo.environment["PACTE_TEST_OFFICE"] == "required" }
    static var isInstalled: Bool { sofficePath != nil }

    static var sofficePath: String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/soffice" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The CSV filter's options, by position: `;` (59) between fields, `"` (34) around text, UTF-8 (76),
    /// from line 1, no column formats, language en-US (1033), text cells not all quoted, numbers
    /// written as numbers (not quoted), and — what matters — cell contents as stored, not as shown,
    /// so an amount comes out as `1234.56` rather than `1,234.56 €`.
    static let csvFilter = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,false,true,false"

    /// The CSV LibreOffice Calc writes of each spreadsheet (XLSX, ODS), in the order of `files`.
    static func convertToCSV(_ files: [(fileExtension: String, data: Data)]) async throws -> [String] {
        try await convert(files, filter: csvFilter, outputExtension: "csv").map { data in
            guard let text = String(data: data, encoding: .utf8) else { throw OfficeError(description: "soffice wrote a CSV that is not UTF-8") }
            return text
        }
    }

    /// The text LibreOffice Writer reads in each document (ODT, DOCX), in UTF-8.
    static func convertToText(_ files: [(fileExtension: String, data: Data)]) async throws -> [String] {
        try await convert(files, filter: "txt:Text (encoded):UTF8", outputExtension: "txt").map { data in
            guard let text = String(data: data, encoding: .utf8) else { throw OfficeError(description: "soffice wrote a text that is not UTF-8") }
            return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        }
    }

    /// Each document printed to PDF by LibreOffice Writer.
    static func convertToPDF(_ files: [(fileExtension: String, data: Data)]) async throws -> [Data] {
        try await convert(files, filter: "pdf", outputExtension: "pdf")
    }

    /// Has LibreOffice read each file (its format told by the extension) and write it with the
    /// `--convert-to` filter, one start of LibreOffice for all of them; returns the files written in
    /// the order of `files`. Everything happens in a scratch folder, removed afterwards, with a
    /// private profile, so a LibreOffice the user has open does not swallow the request. What
    /// LibreOffice says is kept: a file it had to repair makes it say so, and the caller may check.
    /// The CSV import filter as a user opening the file meets it at its most dangerous: `;`, `"`,
    /// UTF-8, and formulas evaluated (the 13th option), as LibreOffice's dialog offers.
    static let csvImportEvaluatingFormulas = "CSV:59,34,76,1,,1033,false,false,false,false,false,-1,true"

    /// The `content.xml` of each file once LibreOffice Calc has opened it and saved it as ODS: what a
    /// user's spreadsheet holds, formulas included (`table:formula`). CSV files are read with formulas evaluated.
    static func openedAsODS(_ files: [(fileExtension: String, data: Data)]) async throws -> [String] {
        // One start of LibreOffice per import filter (CSV files need theirs), results put back in the files' order.
        let csv = files.indices.filter { files[$0].fileExtension == "csv" }
        let other = files.indices.filter { files[$0].fileExtension != "csv" }
        var converted = [Data](repeating: Data(), count: files.count)
        for (indices, filter) in [(csv, csvImportEvaluatingFormulas as String?), (other, nil)] where !indices.isEmpty {
            let written = try await convert(indices.map { files[$0] }, filter: "ods", outputExtension: "ods", inputFilter: filter)
            for (index, data) in zip(indices, written) { converted[index] = data }
        }
        return try converted.map { data in
            let archive = try Archive(data: data, accessMode: .read, pathEncoding: nil)
            guard let entry = archive["content.xml"] else { throw OfficeError(description: "no content.xml in the ODS LibreOffice wrote") }
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The text of every paragraph of an ODS `content.xml`, entities decoded.
    static func paragraphs(_ contentXML: String) -> [String] {
        contentXML.matches(of: /<text:p>(.*?)<\/text:p>/).map { match in
            String(match.1).replacing(/<[^>]+>/, with: "")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    static func convert(_ files: [(fileExtension: String, data: Data)], filter: String, outputExtension: String,
                        inputFilter: String? = nil) async throws -> [Data] {
        guard let soffice = sofficePath else {
            throw OfficeError(description: "soffice not found on PATH: install the Debian packages libreoffice-calc and libreoffice-writer")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-office-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Numbered names: each output is named after its file without the extension.
        let inputs = files.enumerated().map { directory.appendingPathComponent("fichier-\($0.offset).\($0.element.fileExtension)") }
        for (file, url) in zip(files, inputs) { try file.data.write(to: url) }
        let profile = directory.appendingPathComponent("profile")
        let output = directory.appendingPathComponent("out")
        let log = directory.appendingPathComponent("soffice.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw OfficeError(description: "cannot create \(log.path)")
        }
        let logHandle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", "180", soffice, "-env:UserInstallation=\(profile.absoluteString)", "--headless", "--norestore",
                             "--convert-to", filter, "--outdir", output.path] + (inputFilter.map { ["--infilter=\($0)"] } ?? []) + inputs.map(\.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try? logHandle.close()
        let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw OfficeError(description: "soffice exited with \(status)\(status == 124 ? " (timed out after 180 s)" : ""): \(said)")
        }
        return try inputs.map { file in
            let converted = output.appendingPathComponent(file.deletingPathExtension().lastPathComponent + "." + outputExtension)
            guard let data = try? Data(contentsOf: converted) else {
                throw OfficeError(description: "soffice wrote no \(converted.lastPathComponent): \(said)")
            }
            return data
        }
    }

    /// The records of a CSV with `;` between fields, without the byte-order mark Pacte's own CSV starts with.
    static func records(_ csv: String) throws -> [[String]] {
        let reader = try CSVReader(string: csv.hasPrefix("\u{FEFF}") ? String(csv.dropFirst()) : csv, delimiter: ";")
        var records: [[String]] = []
        while let record = reader.next() { records.append(record) }
        if let error = reader.error { throw error }
        return records.filter { $0 != [""] }
    }
}
