import Foundation
@_exported import JSON

/// The connection file Jupyter writes for a kernel: where to bind and how to sign.
public struct ConnectionInfo: Codable, Sendable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var hbPort: Int
    public var key: String
    public var signatureScheme: String
    public var kernelName: String?

    enum CodingKeys: String, CodingKey {
        case transport, ip, key
        case shellPort = "shell_port", iopubPort = "iopub_port", stdinPort = "stdin_port"
        case controlPort = "control_port", hbPort = "hb_port"
        case signatureScheme = "signature_scheme", kernelName = "kernel_name"
    }

    public init(
        transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int, iopubPort: Int, stdinPort: Int,
        controlPort: Int, hbPort: Int, key: String, signatureScheme: String = "hmac-sha256", kernelName: String? = nil
    ) {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.controlPort = controlPort
        self.hbPort = hbPort
        self.key = key
        self.signatureScheme = signatureScheme
        self.kernelName = kernelName
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        transport = try container.decodeIfPresent(String.self, forKey: .transport) ?? "tcp"
        ip = try container.decodeIfPresent(String.self, forKey: .ip) ?? "127.0.0.1"
        shellPort = try container.decode(Int.self, forKey: .shellPort)
        iopubPort = try container.decode(Int.self, forKey: .iopubPort)
        stdinPort = try container.decode(Int.self, forKey: .stdinPort)
        controlPort = try container.decode(Int.self, forKey: .controlPort)
        hbPort = try container.decode(Int.self, forKey: .hbPort)
        key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
        signatureScheme = try container.decodeIfPresent(String.self, forKey: .signatureScheme) ?? "hmac-sha256"
        kernelName = try container.decodeIfPresent(String.self, forKey: .kernelName)
    }

    public enum Channel: String, CaseIterable, Sendable { case shell, iopub, stdin, control, heartbeat }

    public func port(of channel: Channel) -> Int {
        switch channel {
        case .shell: shellPort
        case .iopub: iopubPort
        case .stdin: stdinPort
        case .control: controlPort
        case .heartbeat: hbPort
        }
    }

    /// The ZeroMQ endpoint of a channel: `tcp://ip:port`, or for ipc the file `ip-port`
    /// (the naming jupyter_client uses).
    public func endpoint(of channel: Channel) -> String {
        let port = port(of: channel)
        if transport == "ipc" { return "ipc://\(ip)-\(port)" }
        return "tcp://\(ip):\(port)"
    }

    public static func load(path: String) throws -> ConnectionInfo {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let info = try JSONDecoder().decode(ConnectionInfo.self, from: data)
        guard info.transport == "tcp" || info.transport == "ipc" else {
            throw ProtocolError.unsupported("transport \(info.transport)")
        }
        guard info.signatureScheme == "hmac-sha256" || info.key.isEmpty else {
            throw ProtocolError.unsupported("signature scheme \(info.signatureScheme)")
        }
        return info
    }
}

public enum ProtocolError: Error, CustomStringConvertible, Equatable {
    case unsupported(String)
    case malformed(String)
    case badSignature
    /// A signature seen before: a replayed message.
    case replayed

    public var description: String {
        switch self {
        case .unsupported(let what): "unsupported \(what)"
        case .malformed(let what): "malformed message: \(what)"
        case .badSignature: "message signature does not match"
        case .replayed: "message replayed (its signature was seen before)"
        }
    }
}
