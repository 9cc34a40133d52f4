import Foundation
import PacteAudit

/// The text read out of a file, its pages separated by form feeds (as `pdftotext` writes them),
/// with what it took to get there.
public struct ExtractedDocument: Sendable, Equatable {
    public var text: String
    public var format: DocumentFormat
    /// The number of pages the text spans (1 when the format has no pages).
    public var pages: Int
    /// The text came from optical character recognition: numbers may be misread.
    public var ocr: Bool

    public init(text: String, format: DocumentFormat, pages: Int, ocr: Bool) {
        self.text = text
        self.format = format
        self.pages = pages
        self.ocr = ocr
    }
}

/// The limits every conversion runs under: a file larger than `maximumBytes` is refused before
/// it is read, a converter that runs longer than `timeout` is stopped, and no converter may
/// write more than `maximumOutputBytes`.
public struct ExtractionLimits: Sendable {
    public var maximumBytes: Int
    public var maximumOutputBytes: Int
    public var maximumPages: Int
    public var timeout: Duration

    public init(maximumBytes: Int = 20 * 1024 * 1024, maximumOutputBytes: Int = 32 * 1024 * 1024, maximumPages: Int = 200, timeout: Duration = .seconds(120)) {
        self.maximumBytes = maximumBytes
        self.maximumOutputBytes = maximumOutputBytes
        self.maximumPages = maximumPages
        self.timeout = timeout
    }

    public static let standard = ExtractionLimits()
}
