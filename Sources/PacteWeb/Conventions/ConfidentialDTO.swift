import Fluent
import Foundation
import PacteCore
import PacteStore
import Vapor

public struct ConfidentialItemOut: Documented {
    public var id: UUID
    public var ownerID: UUID
    public var title: String
    /// Absent until every signatory has agreed, for the parties that are not signatories.
    public var body: String?
    public var source: String
    public var agreedBy: [UUID]
    public var disclosed: Bool

    public static var example: ConfidentialItemOut {
        ConfidentialItemOut(id: exampleID, ownerID: exampleID, title: "Entreprises accompagnées", body: "…", source: "CCI, fichier consulaire 2021",
                            agreedBy: [exampleID], disclosed: true)
    }
}

public struct ConfidentialItemIn: Documented {
    public var title: String?
    public var body: String?
    public var source: String?

    public static var example: ConfidentialItemIn { ConfidentialItemIn(title: "Entreprises accompagnées", body: "…", source: "CCI, fichier consulaire 2021") }
}
