import CalculusLanguage
import CalculusSession
import Rendering

/// Runs cells in one session and reads back their plain text, as a notebook user sees it.
public struct Notebook {
    public let session = Session()

    public init() {}

    public func run(_ cell: String) throws(CellError) -> [String] {
        try session.run(cell).map(Renderer.plainText)
    }

    public func error(_ cell: String) -> CalculusError? {
        do {
            _ = try session.run(cell)
            return nil
        } catch {
            return error.error
        }
    }
}
