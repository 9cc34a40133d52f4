/// A value that travels in JSON as one string and is validated again when decoded, so that a
/// decoded `Siret`, `Money` or `Rate` is as honest as one built in code.
public protocol TextCodable: Codable {
    /// Builds the value from its coded text, or throws an error whose description is French.
    init(codedText: String) throws
    var codedText: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(codedText: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: String(describing: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(codedText)
    }
}
