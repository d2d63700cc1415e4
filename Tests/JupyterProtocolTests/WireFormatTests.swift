import Foundation
import JupyterProtocol
import Testing

/// The wire format and its signatures, checked against HMAC-SHA256 values computed by Python's
/// `hmac` module over the same bytes (the reference jupyter_client uses).
@Suite struct WireFormatTests {
    let header = #"{"msg_id":"a1","msg_type":"kernel_info_request","session":"s1","username":"u","version":"5.4","date":"2026-11-24T10:00:00.000000Z"}"#

    @Test func signatureMatchesPythonHMAC() {
        let signer = MessageSigner(key: "3a2b1c0d-test-key")
        let parts = [header, "{}", "{}", "{}"].map { Array($0.utf8) }
        #expect(signer.signature(of: parts) == "a72c26a080e69306604c2d8676ec487427d1290a6b90910ce886262400332de4")
    }

    @Test func signatureOfNonASCIIKeyAndContent() {
        let signer = MessageSigner(key: "kéy")
        let parts = [#"{"a":"é"}"#, "{}", #"{"m":1}"#, #"{"code":"d/dx sin(x)"}"#].map { Array($0.utf8) }
        #expect(signer.signature(of: parts) == "8f1f6dfa479e37b894c45cf70ae3e39ffa4110d43149cb7e92239f0c9f862cbb")
    }

    func frames(signature: String, identities: [[UInt8]] = [Array("client-1".utf8)]) -> [[UInt8]] {
        identities + [WireCodec.delimiter, Array(signature.utf8)] + [header, "{}", "{}", "{}"].map { Array($0.utf8) }
    }

    @Test func decodesASignedMessageWithItsIdentities() throws {
        let codec = WireCodec(key: "3a2b1c0d-test-key")
        let message = try codec.decode(frames(signature: "a72c26a080e69306604c2d8676ec487427d1290a6b90910ce886262400332de4"))
        #expect(message.identities == [Array("client-1".utf8)])
        #expect(message.messageType == "kernel_info_request")
        #expect(message.messageID == "a1")
        #expect(message.session == "s1")
    }

    @Test func uppercaseHexSignatureIsAccepted() throws {
        let codec = WireCodec(key: "3a2b1c0d-test-key")
        _ = try codec.decode(frames(signature: "A72C26A080E69306604C2D8676EC487427D1290A6B90910CE886262400332DE4"))
    }

    @Test(arguments: [
        "a72c26a080e69306604c2d8676ec487427d1290a6b90910ce886262400332de5",  // last digit off
        "",
        "not hex at all",
        "a72c26a080e69306604c2d8676ec487427d1290a6b90910ce886262400332d",  // too short
    ])
    func wrongSignatureIsRefused(signature: String) {
        let codec = WireCodec(key: "3a2b1c0d-test-key")
        #expect(throws: ProtocolError.badSignature) { try codec.decode(frames(signature: signature)) }
    }

    @Test func replayedSignatureIsRefusedInAnyCase() throws {
        let codec = WireCodec(key: "3a2b1c0d-test-key", refusingReplays: true)
        let signature = "a72c26a080e69306604c2d8676ec487427d1290a6b90910ce886262400332de4"
        _ = try codec.decode(frames(signature: signature))
        #expect(throws: ProtocolError.replayed) { try codec.decode(frames(signature: signature)) }
        // The same signature in upper case is the same HMAC, so it is the same replay.
        #expect(throws: ProtocolError.replayed) { try codec.decode(frames(signature: signature.uppercased())) }
        // Without the guard (the default, as the client side of a codec uses it) a repeat decodes.
        let lenient = WireCodec(key: "3a2b1c0d-test-key")
        _ = try lenient.decode(frames(signature: signature))
        _ = try lenient.decode(frames(signature: signature))
    }

    @Test func replayGuardForgetsOnlyTheOldestBeyondItsCapacity() {
        let guardOfTwo = ReplayGuard(capacity: 2)
        let signatures = (1...3).map { Array(String(repeating: String($0), count: 64).utf8) }
        #expect(guardOfTwo.admit(signatures[0]))
        #expect(guardOfTwo.admit(signatures[1]))
        #expect(!guardOfTwo.admit(signatures[1]))
        #expect(guardOfTwo.admit(signatures[2]))  // evicts signatures[0]
        #expect(!guardOfTwo.admit(signatures[1]))
        #expect(!guardOfTwo.admit(signatures[2]))
        #expect(guardOfTwo.admit(signatures[0]))
        #expect(!guardOfTwo.admit(Array("not a signature".utf8)))
    }

    @Test func emptyKeyMeansNoSigning() throws {
        let codec = WireCodec(key: "")
        let message = try codec.decode(frames(signature: ""))
        #expect(message.messageType == "kernel_info_request")
        #expect(codec.encode(message)[2] == [])
    }

    @Test func malformedFramesAreErrorsNotCrashes() {
        let codec = WireCodec(key: "")
        #expect(throws: ProtocolError.self) { try codec.decode([Array("no delimiter".utf8)]) }
        #expect(throws: ProtocolError.self) { try codec.decode([WireCodec.delimiter, [], Array("{}".utf8)]) }
        #expect(throws: ProtocolError.self) {
            try codec.decode([WireCodec.delimiter, [], Array("not json".utf8), [123, 125], [123, 125], [123, 125]])
        }
        #expect(throws: ProtocolError.self) {
            try codec.decode([WireCodec.delimiter, [], Array("{}".utf8), [123, 125], [123, 125], [123, 125]])
        }
    }

    @Test func encodeThenDecodeKeepsEverything() throws {
        let codec = WireCodec(key: "secret")
        let original = Message(
            identities: [[1, 2, 3]], header: Message.header(type: "execute_request", session: "abc"),
            parentHeader: ["msg_id": "p"], metadata: ["m": 1], content: ["code": "d/dx x²", "silent": false],
            buffers: [[9, 9]])
        let frames = codec.encode(original)
        #expect(frames[1] == WireCodec.delimiter)
        let decoded = try codec.decode(frames)
        #expect(decoded == original)
    }

    @Test func headersCarryWhatTheSpecAsks() throws {
        let header = Message.header(type: "status", session: "s")
        #expect(header["msg_type"] == "status")
        #expect(header["version"]?.stringValue == jupyterProtocolVersion)
        let id = try #require(header["msg_id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil)
        let date = try #require(header["date"]?.stringValue)
        #expect(date.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression) != nil)
        #expect(Message.header(type: "status", session: "s")["msg_id"] != header["msg_id"])
    }

    @Test func integersStayIntegersInJSON() {
        let json: JSONValue = ["execution_count": 3, "value": 0.25]
        #expect(String(decoding: json.serialized(), as: UTF8.self) == #"{"execution_count":3,"value":0.25}"#)
    }
}

@Suite struct ConnectionFileTests {
    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "connection-\(UUID().uuidString).json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsATCPConnectionFile() throws {
        let path = try write(#"""
            {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "calculus"}
            """#)
        let info = try ConnectionInfo.load(path: path)
        #expect(info.endpoint(of: .shell) == "tcp://127.0.0.1:5001")
        #expect(info.endpoint(of: .iopub) == "tcp://127.0.0.1:5002")
        #expect(info.endpoint(of: .stdin) == "tcp://127.0.0.1:5003")
        #expect(info.endpoint(of: .control) == "tcp://127.0.0.1:5004")
        #expect(info.endpoint(of: .heartbeat) == "tcp://127.0.0.1:5005")
        #expect(info.key == "k")
        #expect(info.kernelName == "calculus")
    }

    @Test func ipcEndpointsUseJupyterNaming() throws {
        let path = try write(#"""
            {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
             "ip": "/tmp/kernel-abc", "key": "", "transport": "ipc", "signature_scheme": "hmac-sha256"}
            """#)
        let info = try ConnectionInfo.load(path: path)
        #expect(info.endpoint(of: .shell) == "ipc:///tmp/kernel-abc-1")
        #expect(info.endpoint(of: .heartbeat) == "ipc:///tmp/kernel-abc-5")
    }

    @Test func refusesUnknownTransportAndScheme() throws {
        let udp = try write(#"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"transport":"udp","key":"k"}"#)
        #expect(throws: ProtocolError.self) { try ConnectionInfo.load(path: udp) }
        let md5 = try write(#"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-md5"}"#)
        #expect(throws: ProtocolError.self) { try ConnectionInfo.load(path: md5) }
        let missing = try write(#"{"shell_port":1}"#)
        #expect(throws: (any Error).self) { try ConnectionInfo.load(path: missing) }
    }
}
