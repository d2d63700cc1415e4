import CZeroMQ
import Foundation
import JupyterProtocol
import Threads
import ZeroMQ

/// A Jupyter kernel over ZeroMQ for any `Interpreter`.
///
/// Threads and the sockets each one owns (libzmq sockets are not thread-safe):
/// - shell (the caller of `run`, moved to a large stack): shell ROUTER, stdin ROUTER, a wake PULL;
///   runs every shell request, so executions are serial as Jupyter expects;
/// - control: control ROUTER; answers `interrupt_request`, `shutdown_request` and `kernel_info_request`
///   even while a cell runs;
/// - heartbeat: REP, echoes every ping;
/// - iopub: the XPUB, fed by the other threads over inproc PUSH/PULL; greets each new subscriber
///   with `iopub_welcome` (JEP 65) so a late client misses nothing.
public final class KernelServer: @unchecked Sendable {
    public let connection: ConnectionInfo
    let codec: WireCodec
    let context: ZMQContext
    let interpreter: Interpreter
    let kernelSession = UUID().uuidString.lowercased()

    // Shell-thread state.
    private var executionCount = 0
    private var history = History()
    private var shutdownRequested = false

    static let iopubQueueEndpoint = "inproc://iopub-queue"
    static let wakeEndpoint = "inproc://shell-wake"
    /// Sent through the iopub queue to tell the iopub thread to drain and stop.
    static let stopFrame: [UInt8] = Array("stop".utf8)

    public init(connection: ConnectionInfo, interpreter: Interpreter) throws {
        self.connection = connection
        self.codec = WireCodec(key: connection.key, refusingReplays: true)
        self.context = try ZMQContext()
        self.interpreter = interpreter
        if connection.key.isEmpty {
            Log.warning("the connection file has an EMPTY KEY: messages are not signed, and anyone who can reach "
                + "the ports can run code in this kernel")
        }
    }

    /// Binds every channel, serves until a `shutdown_request`, then closes everything.
    public func run() throws {
        let shell = try ZMQSocket(context: context, kind: .router)
        let control = try ZMQSocket(context: context, kind: .router)
        let stdin = try ZMQSocket(context: context, kind: .router)
        let heartbeat = try ZMQSocket(context: context, kind: .reply)
        let iopub = try ZMQSocket(context: context, kind: .extendedPublisher)
        // Pass every subscription up, even repeated ones, so each new client gets its welcome.
        try iopub.setOption(ZMQ_XPUB_VERBOSE, Int32(1))
        // A publisher drops what a slow subscriber cannot take once its queue holds this many
        // messages. libzmq's 1,000 is a few hundred fast cells: a front end busy rendering would
        // lose outputs. 100,000 rides out any burst a notebook makes and still bounds the memory
        // a stalled client can pin.
        try iopub.setOption(ZMQ_SNDHWM, Int32(100_000))
        let iopubQueue = try ZMQSocket(context: context, kind: .pull)
        let wake = try ZMQSocket(context: context, kind: .pull)
        for socket in [shell, control, iopub] {
            // Give replies already queued a moment to leave when the kernel closes.
            try socket.setOption(ZMQ_LINGER, Int32(1000))
        }
        try shell.bind(connection.endpoint(of: .shell))
        try control.bind(connection.endpoint(of: .control))
        try stdin.bind(connection.endpoint(of: .stdin))
        try heartbeat.bind(connection.endpoint(of: .heartbeat))
        try iopub.bind(connection.endpoint(of: .iopub))
        try iopubQueue.bind(Self.iopubQueueEndpoint)
        try wake.bind(Self.wakeEndpoint)

        InterruptSignal.installHandler()

        let iopubThread = OSThread { [self] in runIOPub(iopub: iopub, queue: iopubQueue) }
        let heartbeatThread = OSThread(stackSize: 256 << 10) { Self.runHeartbeat(heartbeat) }
        let controlThread = OSThread { [self] in runControl(control) }

        // The shell thread evaluates cells, so it gets the deep stack the language documents.
        let shellThread = OSThread(stackSize: OSThread.largeStackSize) { [self] in
            runShell(shell: shell, wake: wake)
        }
        shellThread.join()
        stdin.close()

        // Tell iopub to flush what the others queued, wait for it, then end heartbeat and control.
        if let publisher = try? IOPubPublisher(server: self) { publisher.sendStop() }
        iopubThread.join()
        context.shutdown()
        heartbeatThread.join()
        controlThread.join()
    }

    // MARK: Threads

    private func runIOPub(iopub: ZMQSocket, queue: ZMQSocket) {
        defer { iopub.close(); queue.close() }
        do {
            while true {
                let ready = try ZMQSocket.pollReadable([iopub, queue], timeoutMilliseconds: -1)
                if ready.contains(0), let frames = try iopub.receive(dontWait: true) {
                    for frame in frames where frame.first == 1 {
                        let topic = Array(frame.dropFirst())
                        try iopub.send(welcomeFrames(topic: topic))
                    }
                }
                if ready.contains(1) {
                    while let frames = try queue.receive(dontWait: true) {
                        if frames == [Self.stopFrame] { return }
                        try iopub.send(frames)
                    }
                }
            }
        } catch let error as ZMQError where error.isContextTerminated {
            return
        } catch {
            Log.warning("iopub thread stopped: \(error)")
        }
    }

    private func welcomeFrames(topic: [UInt8]) -> [[UInt8]] {
        let message = Message(
            identities: topic.isEmpty ? [] : [topic],
            header: Message.header(type: "iopub_welcome", session: kernelSession),
            content: ["subscription": .string(String(decoding: topic, as: UTF8.self))]
        )
        return codec.encode(message)
    }

    private static func runHeartbeat(_ socket: ZMQSocket) {
        defer { socket.close() }
        while true {
            do {
                guard let ping = try socket.receive() else { continue }
                try socket.send(ping)
            } catch {
                return
            }
        }
    }

    private func runControl(_ control: ZMQSocket) {
        defer { control.close() }
        guard let publisher = try? IOPubPublisher(server: self),
            let wake = try? ZMQSocket(context: context, kind: .push)
        else { return }
        defer { wake.close() }
        try? wake.connect(Self.wakeEndpoint)
        while true {
            let frames: [[UInt8]]
            do {
                guard let received = try control.receive() else { continue }
                frames = received
            } catch {
                return
            }
            guard let request = decode(frames, channel: "control") else { continue }
            publisher.status("busy", parent: request)
            switch request.messageType {
            case "kernel_info_request":
                reply(on: control, to: request, content: kernelInfoContent())
            case "interrupt_request":
                InterruptSignal.raise()
                reply(on: control, to: request, content: ["status": "ok"])
            case "shutdown_request":
                let restart = request.content["restart"]?.boolValue ?? false
                let content: JSONValue = ["status": "ok", "restart": .bool(restart)]
                reply(on: control, to: request, content: content)
                publisher.publish(type: "shutdown_reply", content: content, parent: request)
                publisher.status("idle", parent: request)
                // Stop a running cell, then wake the shell thread so that it leaves its loop.
                InterruptSignal.raise()
                try? wake.send([Array("shutdown".utf8)])
                return
            default:
                Log.warning("control channel: \(request.messageType) is not supported here; ignored")
            }
            publisher.status("idle", parent: request)
        }
    }

    private func runShell(shell: ZMQSocket, wake: ZMQSocket) {
        defer { shell.close(); wake.close() }
        guard let publisher = try? IOPubPublisher(server: self) else { return }
        publisher.publish(type: "status", content: ["execution_state": "starting"], parent: nil)
        // After a burst of requests, once the shell has been quiet this long, free memory goes
        // back to the system, so that the kernel's size follows what it holds, not its peak.
        let quietMilliseconds = 50
        // Meanwhile freed memory stays mapped, so a burst of statements does not page-fault its way
        // through fresh memory each time.
        FreeMemory.keepFreedPagesUntilIdle()
        var servedSinceTrim = false
        while !shutdownRequested {
            do {
                let ready = try ZMQSocket.pollReadable([shell, wake], timeoutMilliseconds: servedSinceTrim ? quietMilliseconds : -1)
                if ready.isEmpty {
                    FreeMemory.returnToSystem()
                    servedSinceTrim = false
                    continue
                }
                if ready.contains(1) { return }
                guard let frames = try shell.receive(dontWait: true) else { continue }
                guard let request = decode(frames, channel: "shell") else { continue }
                if request.messageType == "comm_msg" {
                    for message in try Self.supersedingMoves(request, waitingOn: shell, decode: { self.decode($0, channel: "shell") }) {
                        if message.skipped {
                            // Superseded by a later move of the same slider: acknowledged, not computed.
                            publisher.status("busy", parent: message.message)
                            publisher.status("idle", parent: message.message)
                        } else {
                            handleShell(message.message, shell: shell, publisher: publisher)
                        }
                    }
                } else {
                    handleShell(request, shell: shell, publisher: publisher)
                }
                servedSinceTrim = true
            } catch let error as ZMQError where error.isContextTerminated {
                return
            } catch {
                Log.warning("shell channel: \(error)")
            }
        }
    }

    /// How long a widget update waits for more moves of a slider to arrive before it is computed.
    static let moveGatheringMilliseconds = 2

    /// A slider dragged sends moves faster than a statement runs again: the message that arrived and
    /// every one waiting behind it (or arriving within `moveGatheringMilliseconds`), in order, with each
    /// `update` that a later `update` of the same comm supersedes marked skipped. The later one takes
    /// the earlier one's other changes, so that only the last position is computed and nothing is lost.
    static func supersedingMoves(
        _ first: Message, waitingOn shell: ZMQSocket, decode: ([[UInt8]]) -> Message?
    ) throws -> [(message: Message, skipped: Bool)] {
        var batch = [first]
        while true {
            if let frames = try shell.receive(dontWait: true) {
                if let message = decode(frames) { batch.append(message) }
                continue
            }
            guard try !ZMQSocket.pollReadable([shell], timeoutMilliseconds: moveGatheringMilliseconds).isEmpty else { break }
        }
        func update(_ message: Message) -> (comm: String, state: [String: JSONValue])? {
            guard message.messageType == "comm_msg", message.content["data"]?["method"]?.stringValue == "update",
                let comm = message.content["comm_id"]?.stringValue
            else { return nil }
            return (comm, message.content["data"]?["state"]?.objectValue ?? [:])
        }
        var result = batch.map { (message: $0, skipped: false) }
        // From the last to the first: an update with a later one of the same comm is skipped, and its
        // changes go into that later one where it has none of its own.
        var latest: [String: Int] = [:]
        for index in result.indices.reversed() {
            guard let (comm, state) = update(result[index].message) else { continue }
            guard let later = latest[comm] else {
                latest[comm] = index
                continue
            }
            result[index].skipped = true
            var content = result[later].message.content.objectValue ?? [:]
            var data = content["data"]?.objectValue ?? [:]
            let merged = state.merging(data["state"]?.objectValue ?? [:]) { $1 }
            data["state"] = .object(merged)
            content["data"] = .object(data)
            result[later].message.content = .object(content)
        }
        return result
    }

    // MARK: Messages

    private func decode(_ frames: [[UInt8]], channel: String) -> Message? {
        do {
            return try codec.decode(frames)
        } catch ProtocolError.badSignature {
            Log.warning("\(channel): dropped a message whose signature does not match")
        } catch ProtocolError.replayed {
            Log.warning("\(channel): refused a replayed message (its signature was seen before)")
        } catch {
            Log.warning("\(channel): dropped a message: \(error)")
        }
        return nil
    }

    func reply(on socket: ZMQSocket, to request: Message, content: JSONValue) {
        let type = request.messageType.replacingOccurrences(of: "_request", with: "_reply")
        let message = Message(
            identities: request.identities,
            header: Message.header(type: type, session: kernelSession),
            parentHeader: request.header,
            content: content
        )
        do {
            try socket.send(codec.encode(message))
        } catch {
            Log.warning("could not send \(type): \(error)")
        }
    }

    func kernelInfoContent() -> JSONValue {
        let info = interpreter.kernelInfo
        return [
            "status": "ok",
            "protocol_version": .string(jupyterProtocolVersion),
            "implementation": .string(info.implementation),
            "implementation_version": .string(info.implementationVersion),
            "language_info": info.languageInfo,
            "banner": .string(info.banner),
            "debugger": false,
            "help_links": .array(info.helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
        ]
    }

    private func handleShell(_ request: Message, shell: ZMQSocket, publisher: IOPubPublisher) {
        let content = request.content
        publisher.status("busy", parent: request)
        defer { publisher.status("idle", parent: request) }
        switch request.messageType {
        case "kernel_info_request":
            reply(on: shell, to: request, content: kernelInfoContent())
        case "execute_request":
            execute(request, shell: shell, publisher: publisher)
        case "complete_request":
            let code = content["code"]?.stringValue ?? ""
            let cursor = content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let completion = interpreter.complete(code: code, cursorPosition: cursor)
            reply(on: shell, to: request, content: [
                "status": "ok", "matches": .array(completion.matches.map(JSONValue.string)),
                "cursor_start": .int(completion.cursorStart), "cursor_end": .int(completion.cursorEnd),
                "metadata": [:],
            ])
        case "inspect_request":
            let code = content["code"]?.stringValue ?? ""
            let cursor = content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let bundle = interpreter.inspect(
                code: code, cursorPosition: cursor, detailLevel: content["detail_level"]?.intValue ?? 0)
            reply(on: shell, to: request, content: [
                "status": "ok", "found": .bool(bundle != nil),
                "data": .object(bundle?.data ?? [:]), "metadata": .object(bundle?.metadata ?? [:]),
            ])
        case "is_complete_request":
            let replyContent: JSONValue =
                switch interpreter.isComplete(code: content["code"]?.stringValue ?? "") {
                case .complete: ["status": "complete"]
                case .incomplete(let indent): ["status": "incomplete", "indent": .string(indent)]
                case .invalid: ["status": "invalid"]
                }
            reply(on: shell, to: request, content: replyContent)
        case "history_request":
            reply(on: shell, to: request, content: ["status": "ok", "history": .array(history.reply(to: content))])
        case "comm_info_request":
            // All open comms, or those of the target asked for.
            let target = content["target_name"]?.stringValue
            var comms: [String: JSONValue] = [:]
            for (id, name) in interpreter.openComms where target == nil || target == name {
                comms[id] = ["target_name": .string(name)]
            }
            reply(on: shell, to: request, content: ["status": "ok", "comms": .object(comms)])
        case "shutdown_request":
            let restart = content["restart"]?.boolValue ?? false
            let replyContent: JSONValue = ["status": "ok", "restart": .bool(restart)]
            reply(on: shell, to: request, content: replyContent)
            publisher.publish(type: "shutdown_reply", content: replyContent, parent: request)
            shutdownRequested = true
        case "interrupt_request":
            InterruptSignal.raise()
            reply(on: shell, to: request, content: ["status": "ok"])
        case "comm_msg", "comm_close":
            // On a comm the interpreter opened (a widget's slider); no reply, per the spec.
            interpreter.receiveComm(
                id: content["comm_id"]?.stringValue ?? "", data: content["data"] ?? [:],
                closing: request.messageType == "comm_close",
                publish: { publisher.publishComm($0, parent: request) })
        case "comm_open":
            // The kernel offers no comm targets to the front end: close such a comm at once, per the spec.
            publisher.publish(
                type: "comm_close", content: ["comm_id": content["comm_id"] ?? "", "data": [:]], parent: request)
        default:
            Log.warning("shell channel: unknown message type \(request.messageType); ignored")
        }
    }

    private func execute(_ request: Message, shell: ZMQSocket, publisher: IOPubPublisher) {
        let content = request.content
        let code = content["code"]?.stringValue ?? ""
        let silent = content["silent"]?.boolValue ?? false
        let storeHistory = silent ? false : (content["store_history"]?.boolValue ?? true)
        if storeHistory {
            executionCount += 1
            history.record(line: executionCount, input: code)
        }
        let count = executionCount
        if !silent {
            publisher.publish(
                type: "execute_input", content: ["code": .string(code), "execution_count": .int(count)],
                parent: request)
        }
        InterruptSignal.clear()
        let executionRequest = ExecutionRequest(
            code: code, executionCount: count, silent: silent, isInterrupted: { InterruptSignal.isRaised },
            publish: { [history = self] output in
                guard !silent else { return }
                switch output {
                case .stream(let name, let text):
                    publisher.publish(type: "stream", content: ["name": .string(name), "text": .string(text)], parent: request)
                case .displayData(let bundle):
                    publisher.publish(
                        type: "display_data",
                        content: ["data": .object(bundle.data), "metadata": .object(bundle.metadata), "transient": [:]],
                        parent: request)
                case .executeResult(let bundle):
                    if storeHistory, let text = bundle.plainText { history.history.recordOutput(line: count, output: text) }
                    publisher.publish(
                        type: "execute_result",
                        content: [
                            "execution_count": .int(count), "data": .object(bundle.data),
                            "metadata": .object(bundle.metadata),
                        ],
                        parent: request)
                case .commOpen, .commMessage:
                    publisher.publishComm(output, parent: request)
                }
            })
        do {
            try interpreter.execute(executionRequest)
            var userExpressions: [String: JSONValue] = [:]
            for (name, expression) in content["user_expressions"]?.objectValue ?? [:] {
                let source = expression.stringValue ?? ""
                do {
                    let bundle = try interpreter.evaluate(expression: source)
                    userExpressions[name] = [
                        "status": "ok", "data": .object(bundle.data), "metadata": .object(bundle.metadata),
                    ]
                } catch {
                    userExpressions[name] = Self.errorContent(error)
                }
            }
            reply(on: shell, to: request, content: [
                "status": "ok", "execution_count": .int(count), "payload": [],
                "user_expressions": .object(userExpressions),
            ])
        } catch {
            if !silent {
                publisher.publish(
                    type: "error",
                    content: [
                        "ename": .string(error.name), "evalue": .string(error.value),
                        "traceback": .array(error.traceback.map(JSONValue.string)),
                    ],
                    parent: request)
            }
            var replyContent = Self.errorContent(error).objectValue ?? [:]
            replyContent["execution_count"] = .int(count)
            reply(on: shell, to: request, content: .object(replyContent))
        }
    }

    static func errorContent(_ error: ExecutionError) -> JSONValue {
        [
            "status": "error", "ename": .string(error.name), "evalue": .string(error.value),
            "traceback": .array(error.traceback.map(JSONValue.string)),
        ]
    }
}

/// One thread's way onto iopub: a PUSH socket into the iopub thread's queue. Create one per thread.
final class IOPubPublisher {
    private let socket: ZMQSocket
    private let codec: WireCodec
    private let session: String

    init(server: KernelServer) throws {
        socket = try ZMQSocket(context: server.context, kind: .push)
        try socket.setOption(ZMQ_LINGER, Int32(1000))
        try socket.connect(KernelServer.iopubQueueEndpoint)
        codec = server.codec
        session = server.kernelSession
    }

    deinit { socket.close() }

    func publish(type: String, content: JSONValue, parent: Message?, metadata: JSONValue = [:]) {
        let message = Message(
            // The topic frame: clients subscribe to everything, ipykernel's naming is kept for tools that filter.
            identities: [Array("kernel.\(session).\(type)".utf8)],
            header: Message.header(type: type, session: session),
            parentHeader: parent?.header ?? [:],
            metadata: metadata,
            content: content
        )
        try? socket.send(codec.encode(message))
    }

    /// `comm_open` and `comm_msg` from the interpreter, on iopub.
    func publishComm(_ output: ExecutionOutput, parent: Message) {
        switch output {
        case .commOpen(let id, let target, let data, let metadata):
            // The widget protocol's version travels in the message's metadata, where front ends read it.
            publish(
                type: "comm_open", content: ["comm_id": .string(id), "target_name": .string(target), "data": data],
                parent: parent, metadata: metadata)
        case .commMessage(let id, let data):
            publish(type: "comm_msg", content: ["comm_id": .string(id), "data": data], parent: parent)
        default:
            break
        }
    }

    func status(_ state: String, parent: Message) {
        publish(type: "status", content: ["execution_state": .string(state)], parent: parent)
    }

    func sendStop() {
        try? socket.send([KernelServer.stopFrame])
    }
}
