import ArgumentParser
import CalculusKernel
import Foundation
import JupyterProtocol
import KernelServer

/// `calculus-kernel kernel -f CONNECTION_FILE`: what kernel.json's argv runs.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Serve the Jupyter messaging protocol on the ports of a connection file.")

    @Option(name: [.customShort("f"), .customLong("connection-file")], help: "The connection file Jupyter wrote.")
    var connectionFile: String

    func run() throws {
        try Self.serve(connectionFile: connectionFile)
    }

    static func serve(connectionFile: String) throws {
        let connection: ConnectionInfo
        do {
            connection = try ConnectionInfo.load(path: connectionFile)
        } catch {
            throw ValidationError("cannot read the connection file \(connectionFile): \(error)")
        }
        let server = try KernelServer(connection: connection, interpreter: CalculusInterpreter())
        try server.run()
    }
}
