import Foundation
import NIOCore
import NIOExtras
import NIOPosix

/// Where reminders go: `PACTE_SMTP_URL` (`smtp://relay.example.fr:25`) and `PACTE_MAIL_FROM`.
/// Plain SMTP to a relay of the organisation's network (no STARTTLS, no authentication).
public struct SMTPConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var from: String

    public init(host: String, port: Int, from: String) {
        self.host = host
        self.port = port
        self.from = from
    }

    /// Nil when no relay is configured: reminders then stay in the application.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SMTPConfiguration? {
        guard let text = environment["PACTE_SMTP_URL"], !text.isEmpty else { return nil }
        guard let url = URL(string: text), url.scheme == "smtp", let host = url.host, !host.isEmpty else {
            throw SMTPError("PACTE_SMTP_URL illisible : « \(text) » (attendu smtp://hôte:port).")
        }
        let from = environment["PACTE_MAIL_FROM"] ?? "pacte@\(host)"
        return SMTPConfiguration(host: host, port: url.port ?? 25, from: from)
    }
}

public struct SMTPError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A plain-text message in French: UTF-8 subject (RFC 2047) and a base64 body, so that no relay
/// has to carry 8-bit text.
public struct MailMessage: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }

    func rendered(from: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let subject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        let body = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let domain = from.split(separator: "@").last.map(String.init) ?? "pacte"
        return ["From: Pacte <\(from)>", "To: <\(to)>", "Subject: \(subject)", "Date: \(formatter.string(from: date))",
                "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: base64", "", body].joined(separator: "\r\n")
    }
}

/// Sends messages over one SMTP conversation: EHLO, then MAIL FROM / RCPT TO / DATA per message, QUIT.
public enum SMTPClient {
    public static func send(_ messages: [MailMessage], using configuration: SMTPConfiguration,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        guard !messages.isEmpty else { return }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            /// A reply: its code, after the continuation lines (`250-…`) of a multi-line one.
            func reply(expecting codes: Set<Int>, after command: String) async throws {
                while true {
                    guard var buffer = try await lines.next(), let line = buffer.readString(length: buffer.readableBytes) else {
                        throw SMTPError("Le serveur SMTP a fermé la connexion après « \(command) ».")
                    }
                    let code = Int(line.prefix(3)) ?? 0
                    if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                    guard codes.contains(code) else { throw SMTPError("Le serveur SMTP a refusé « \(command) » : \(line)") }
                    return
                }
            }
            func command(_ text: String, expecting codes: Set<Int>) async throws {
                try await outbound.write(ByteBuffer(string: text + "\r\n"))
                try await reply(expecting: codes, after: text)
            }
            try await reply(expecting: [220], after: "connexion")
            try await command("EHLO pacte", expecting: [250])
            for message in messages {
                try await command("MAIL FROM:<\(configuration.from)>", expecting: [250])
                try await command("RCPT TO:<\(message.to)>", expecting: [250, 251])
                try await command("DATA", expecting: [354])
                // Dot-stuffing: a line that starts with a dot gets a second one.
                let data = message.rendered(from: configuration.from).components(separatedBy: "\r\n")
                    .map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
                try await command(data + "\r\n.", expecting: [250])
            }
            try await command("QUIT", expecting: [221])
        }
    }
}
