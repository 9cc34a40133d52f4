import PacteDocuments

/// The limits of a document sent to be read: the file itself, and the request that carries it
/// (the file plus the form's other fields).
enum DocumentUploads {
    static let maximumFileMegabytes = 20
    static let maximumBodyBytes = (maximumFileMegabytes + 1) * 1024 * 1024
    static let limits = ExtractionLimits(maximumBytes: maximumFileMegabytes * 1024 * 1024)
    /// The routes that take such a body; the CSRF check reads their form within this limit.
    static let paths: Set<String> = ["/imports/nouveau"]

    /// The routes that take a file: an import, and an organisation's template (`/organisations/{id}/modeles`).
    static func takesFile(_ path: String) -> Bool {
        paths.contains(path) || (path.hasPrefix("/organisations/") && path.hasSuffix("/modeles"))
    }
    static let accept = ".pdf,.docx,.odt,.txt,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,text/plain,"
        + "application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text,image/png,image/jpeg,image/tiff"
}
