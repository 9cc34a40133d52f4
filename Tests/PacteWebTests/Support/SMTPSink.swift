import Foundation
import NIOCore
import NIOExtras
import NIOPosix

/// A local SMTP server that accepts every message and keeps it, for the reminder tests.
actor SMTPSink {
    struct Message: Sendable {
        var from: String
        var to: [String]
        var data: String
    }

    private(set) var messages: [Message] = []
    private var server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>?
    private(set) var port = 0

    func start() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        self.server = server
        port = server.channel.localAddress?.port ?? 0
        Task {
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    Task { try? await self.converse(connection) }
                }
            }
        }
    }

    func stop() async {
        try? await server?.channel.close()
    }

    private func keep(_ message: Message) { messages.append(message) }

    private nonisolated func converse(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func say(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
            try await say("220 sink.local ESMTP")
            var from = "", to: [String] = [], data: [String] = [], inData = false
            for try await var buffer in inbound {
                let line = buffer.readString(length: buffer.readableBytes) ?? ""
                if inData {
                    if line == "." {
                        inData = false
                        await keep(Message(from: from, to: to, data: data.joined(separator: "\r\n")))
                        from = ""; to = []; data = []
                        try await say("250 accepté")
                    } else {
                        data.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                    }
                    continue
                }
                let verb = line.uppercased()
                if verb.hasPrefix("EHLO") { try await say("250-sink.local"); try await say("250 8BITMIME") }
                else if verb.hasPrefix("MAIL FROM:") { from = String(line.dropFirst(10)); try await say("250 OK") }
                else if verb.hasPrefix("RCPT TO:") { to.append(String(line.dropFirst(8))); try await say("250 OK") }
                else if verb == "DATA" { inData = true; try await say("354 fin par un point") }
                else if verb == "QUIT" { try await say("221 au revoir"); return }
                else { try await say("502 commande inconnue") }
            }
        }
    }
}
