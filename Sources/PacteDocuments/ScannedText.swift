import Foundation
import PacteAudit

/// Text out of PDFs and images. A PDF's text layer is read with `pdftotext -layout`, which keeps
/// table columns apart; a page without one (a scan) is rendered at 300 dpi and read by tesseract
/// in French. Pages are separated by form feeds.
enum ScannedText {
    /// Below this many letters and digits a page is taken to have no text layer.
    static let minimumCharactersPerPage = 25

    static func pdf(_ data: Data, file: String, limits: ExtractionLimits) async throws(UnreadableDocument) -> ExtractedDocument {
        try await Workspace.with(data, file: file, fileExtension: "pdf") { (workspace: Workspace) async throws(UnreadableDocument) -> ExtractedDocument in
            let output = try await Converter.pdftotext.run(["-layout", "-enc", "UTF-8", "-l", String(limits.maximumPages), workspace.input.path, "-"],
                                                           file: file, limits: limits)
            var pages = self.pages(of: String(decoding: output, as: UTF8.self))
            var ocr = false
            for (index, page) in pages.enumerated() where page.filter({ $0.isLetter || $0.isNumber }).count < minimumCharactersPerPage {
                pages[index] = try await recognise(pdf: workspace, page: index + 1, file: file, limits: limits)
                ocr = true
            }
            let text = pages.map { LayoutText.tabulate($0) }.joined(separator: "\u{0C}")
            return ExtractedDocument(text: text, format: .pdf, pages: max(1, pages.count), ocr: ocr)
        }
    }

    static func image(_ data: Data, file: String, limits: ExtractionLimits) async throws(UnreadableDocument) -> ExtractedDocument {
        try await Workspace.with(data, file: file, fileExtension: "img") { (workspace: Workspace) async throws(UnreadableDocument) -> ExtractedDocument in
            // A multi-page TIFF comes back with a form feed after each page.
            let pages = self.pages(of: try await tesseract(workspace.input, file: file, limits: limits))
            return ExtractedDocument(text: pages.map { LayoutText.tabulate($0) }.joined(separator: "\u{0C}"), format: .image, pages: max(1, pages.count), ocr: true)
        }
    }

    /// The pages of a converter's output: both tools end every page with a form feed, so the
    /// last piece is empty.
    static func pages(of output: String) -> [String] {
        var pages = output.components(separatedBy: "\u{0C}")
        if pages.count > 1, pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }

    static func recognise(pdf workspace: Workspace, page: Int, file: String, limits: ExtractionLimits) async throws(UnreadableDocument) -> String {
        let prefix = workspace.directory.appendingPathComponent("page-\(page)")
        _ = try await Converter.pdftoppm.run(["-r", "300", "-gray", "-png", "-singlefile", "-f", String(page), "-l", String(page), workspace.input.path, prefix.path],
                                            file: file, limits: limits)
        let image = prefix.appendingPathExtension("png")
        defer { try? FileManager.default.removeItem(at: image) }
        return try await tesseract(image, file: file, limits: limits)
    }

    /// `--psm 6` reads the page as one block of lines, which keeps a table's row on one line;
    /// the spaces between words are kept so that columns stay apart.
    static func tesseract(_ image: URL, file: String, limits: ExtractionLimits) async throws(UnreadableDocument) -> String {
        let output = try await Converter.tesseract.run([image.path, "-", "-l", "fra", "--psm", "6", "-c", "preserve_interword_spaces=1"], file: file, limits: limits)
        return String(decoding: output, as: UTF8.self)
    }
}

/// A private folder holding the uploaded file while converters read it, removed afterwards
/// whatever happens.
struct Workspace: Sendable {
    let directory: URL
    let input: URL

    static func with<T>(_ data: Data, file: String, fileExtension: String,
                        _ body: (Workspace) async throws(UnreadableDocument) -> T) async throws(UnreadableDocument) -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-lecture-\(UUID().uuidString)")
        let input = directory.appendingPathComponent("document.\(fileExtension)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: input)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw UnreadableDocument(file: file, reason: "le fichier n'a pas pu être mis de côté pour sa lecture (dossier temporaire plein ou inaccessible).")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(Workspace(directory: directory, input: input))
    }
}

/// The columns of a laid-out page: `pdftotext -layout` and tesseract keep them apart with runs
/// of spaces, the readers know them by tabs. Consecutive lines with gaps form a table whose
/// columns are the character positions blank on every line, so that a row with an empty first
/// cell keeps its values under the right heading.
enum LayoutText {
    static func tabulate(_ page: String) -> String {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        var out: [String] = []
        var index = 0
        while index < lines.count {
            guard hasGap(lines[index]) else {
                out.append(String(lines[index]).trimmingCharacters(in: .whitespaces))
                index += 1
                continue
            }
            // A row holding only its label (« Equipements ») stays in the table when a row with
            // columns follows it.
            var end = index
            while end < lines.count {
                if hasGap(lines[end]) { end += 1; continue }
                if end + 1 < lines.count, !lines[end].allSatisfy({ $0 == " " }), hasGap(lines[end + 1]) { end += 1; continue }
                break
            }
            out += table(Array(lines[index..<end]))
            index = end
        }
        return out.joined(separator: "\n")
    }

    /// Three spaces or more between two words.
    static func hasGap(_ line: [Character]) -> Bool {
        var seenText = false
        var spaces = 0
        for c in line {
            if c == " " { spaces += 1; continue }
            if seenText, spaces >= 3 { return true }
            seenText = true
            spaces = 0
        }
        return false
    }

    static func table(_ lines: [[Character]]) -> [String] {
        let width = lines.map(\.count).max() ?? 0
        let start = lines.compactMap { $0.firstIndex { $0 != " " } }.min() ?? 0
        var blank = [Bool](repeating: true, count: width)
        for line in lines {
            for (position, c) in line.enumerated() where c != " " { blank[position] = false }
        }
        // Column gaps: runs of positions blank on every line, two wide at least (three for a
        // single line), between the first and the last character.
        let minimum = lines.count > 1 ? 2 : 3
        var cuts: [Range<Int>] = []
        var position = start
        while position < width {
            guard blank[position] else { position += 1; continue }
            var end = position
            while end < width, blank[end] { end += 1 }
            if end < width, end - position >= minimum { cuts.append(position..<end) }
            position = end
        }
        var bounds: [Range<Int>] = []
        var from = start
        for cut in cuts {
            bounds.append(from..<cut.lowerBound)
            from = cut.upperBound
        }
        bounds.append(from..<max(from, width))
        return lines.map { line in
            bounds.map { range in
                let lower = min(range.lowerBound, line.count), upper = min(range.upperBound, line.count)
                return String(line[lower..<upper]).trimmingCharacters(in: .whitespaces)
            }.joined(separator: "\t")
        }
    }
}
