import Foundation
import JupyterProtocol
import Testing
import ZeroMQ

/// A real `calculus-kernel kernel` process, spoken to over ZeroMQ as a Jupyter client would.
final class LiveKernel {
    let process = Process()
    let context: ZMQContext
    let shell: ZMQSocket
    let control: ZMQSocket
    let iopub: ZMQSocket
    let heartbeat: ZMQSocket
    let codec: WireCodec
    let session = UUID().uuidString
    let connectionPath: String

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CALCULUS_KERNEL_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/calculus-kernel").path
    }

    init(key: String = UUID().uuidString) throws {
        let base = NSTemporaryDirectory() + "calc-\(UUID().uuidString.prefix(8))"
        let info = ConnectionInfo(
            transport: "ipc", ip: base, shellPort: 1, iopubPort: 2, stdinPort: 3, controlPort: 4, hbPort: 5, key: key)
        connectionPath = base + ".json"
        let json: JSONValue = [
            "transport": "ipc", "ip": .string(base), "shell_port": 1, "iopub_port": 2, "stdin_port": 3,
            "control_port": 4, "hb_port": 5, "key": .string(key), "signature_scheme": "hmac-sha256",
        ]
        try Data(json.serialized()).write(to: URL(fileURLWithPath: connectionPath))
        codec = WireCodec(key: key)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["kernel", "-f", connectionPath]
        process.standardError = FileHandle.nullDevice
        try process.run()

        context = try ZMQContext()
        shell = try ZMQSocket(context: context, kind: .dealer)
        control = try ZMQSocket(context: context, kind: .dealer)
        iopub = try ZMQSocket(context: context, kind: .subscriber)
        heartbeat = try ZMQSocket(context: context, kind: .request)
        try shell.connect(info.endpoint(of: .shell))
        try control.connect(info.endpoint(of: .control))
        try iopub.subscribe()
        try iopub.connect(info.endpoint(of: .iopub))
        try heartbeat.connect(info.endpoint(of: .heartbeat))
    }

    deinit {
        if process.isRunning { process.terminate() }
        shell.close(); control.close(); iopub.close(); heartbeat.close()
        try? FileManager.default.removeItem(atPath: connectionPath)
    }

    @discardableResult
    func send(_ type: String, _ content: JSONValue = [:], on socket: ZMQSocket? = nil) throws -> Message {
        let message = Message(header: Message.header(type: type, session: session, username: "test"), content: content)
        try (socket ?? shell).send(codec.encode(message))
        return message
    }

    func receive(from socket: ZMQSocket, timeout: Int = 10_000) throws -> Message? {
        guard try ZMQSocket.pollReadable([socket], timeoutMilliseconds: timeout).contains(0),
            let frames = try socket.receive(dontWait: true)
        else { return nil }
        return try codec.decode(frames)
    }

    /// iopub messages for a parent, up to and including its `idle`.
    func iopubMessages(for parent: Message) throws -> [Message] {
        var collected: [Message] = []
        while let message = try receive(from: iopub) {
            guard message.parentHeader["msg_id"]?.stringValue == parent.messageID else { continue }
            collected.append(message)
            if message.messageType == "status", message.content["execution_state"] == "idle" { return collected }
        }
        return collected
    }

    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return !process.isRunning
    }
}

@Suite(.serialized) struct LiveKernelTests {
    @Test func kernelInfoExecuteAndShutdown() throws {
        let kernel = try LiveKernel()
        // The first subscriber is greeted on iopub (JEP 65), so nothing sent after this is missed.
        var welcomed = false
        for _ in 0..<50 where !welcomed {
            if let message = try kernel.receive(from: kernel.iopub, timeout: 200), message.messageType == "iopub_welcome" {
                welcomed = true
            }
        }
        #expect(welcomed)

        let infoRequest = try kernel.send("kernel_info_request")
        let info = try #require(try kernel.receive(from: kernel.shell))
        #expect(info.messageType == "kernel_info_reply")
        #expect(info.parentHeader["msg_id"]?.stringValue == infoRequest.messageID)
        #expect(info.content["language_info"]?["name"] == "calculus")
        #expect(info.content["language_info"]?["file_extension"] == ".calc")

        let execute = try kernel.send("execute_request", ["code": "x = 2\nx^2 + 1", "silent": false, "store_history": true])
        let reply = try #require(try kernel.receive(from: kernel.shell))
        #expect(reply.messageType == "execute_reply")
        #expect(reply.content["status"] == "ok")
        #expect(reply.content["execution_count"] == 1)
        let published = try kernel.iopubMessages(for: execute)
        #expect(published.map(\.messageType) == ["status", "execute_input", "execute_result", "status"])
        #expect(published.first?.content["execution_state"] == "busy")
        #expect(published[2].content["data"]?["text/plain"] == "x² + 1 = 5")

        try kernel.heartbeat.send([Array("ping".utf8)])
        #expect(try ZMQSocket.pollReadable([kernel.heartbeat], timeoutMilliseconds: 5000) == [0])
        #expect(try kernel.heartbeat.receive() == [Array("ping".utf8)])

        try kernel.send("shutdown_request", ["restart": false], on: kernel.control)
        let shutdown = try #require(try kernel.receive(from: kernel.control))
        #expect(shutdown.messageType == "shutdown_reply")
        #expect(shutdown.content["restart"] == false)
        #expect(kernel.waitForExit(seconds: 5))
        #expect(kernel.process.terminationStatus == 0)
    }

    @Test func badSignatureIsDroppedAndTheNextRequestServed() throws {
        let kernel = try LiveKernel(key: "right-key")
        let forger = WireCodec(key: "wrong-key")
        let forged = Message(header: Message.header(type: "execute_request", session: "evil"), content: ["code": "stolen = 1"])
        try kernel.shell.send(forger.encode(forged))
        try kernel.send("execute_request", ["code": "stolen"])
        let reply = try #require(try kernel.receive(from: kernel.shell))
        // The forged cell never ran: the next cell is execution 1 and `stolen` has no value.
        #expect(reply.content["execution_count"] == 1)
        #expect(reply.content["status"] == "ok")
        try kernel.send("shutdown_request", on: kernel.control)
        _ = try kernel.receive(from: kernel.control)
        #expect(kernel.waitForExit(seconds: 5))
    }

    @Test func errorReplyCarriesTheSchemaFields() throws {
        let kernel = try LiveKernel()
        let request = try kernel.send("execute_request", ["code": "ln(-1)"])
        let reply = try #require(try kernel.receive(from: kernel.shell))
        #expect(reply.content["status"] == "error")
        #expect(reply.content["ename"] == "MathError")
        #expect(reply.content["evalue"]?.stringValue?.contains("positive") == true)
        #expect((reply.content["traceback"]?.arrayValue?.count ?? 0) >= 3)
        let published = try kernel.iopubMessages(for: request)
        #expect(published.map(\.messageType).contains("error"))
        try kernel.send("shutdown_request", on: kernel.control)
        _ = try kernel.receive(from: kernel.control)
        #expect(kernel.waitForExit(seconds: 5))
    }
}
