import Foundation
import PacteAudit
@testable import PacteDocuments
import Testing

@Suite struct DocumentFormatTests {
    @Test func placeholder() {}
}
