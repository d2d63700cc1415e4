import CalculusLanguage
import CalculusSession
import JSON

/// Renders `explore`: the statement's own rendering at the sliders' values, as the HTML a widget
/// shows under the sliders, and as the display bundle that stands in where no widget can live
/// (nbconvert, GitHub, an untrusted notebook, `calculus-kernel run`): the sliders' values in words,
/// then the rendering, in plain text and HTML (pictures as data-URI images).
public enum ExploreRenderer {
    /// `a = 0 (-3 to 3, step 0.06)`.
    static func sliderText(_ slider: ExploreResult.SliderState) -> String {
        "\(slider.name) = \(NumberFormatting.shortest(slider.value)) (\(NumberFormatting.shortest(slider.minimum)) to "
            + "\(NumberFormatting.shortest(slider.maximum)), step \(NumberFormatting.shortest(slider.step)))"
    }

    /// The statement's rendering as HTML: its own HTML where it has one, else its plain text; an
    /// error at these values as the error (the next move may recover).
    public static func html(_ outcome: ExploreResult.Outcome) -> String {
        switch outcome {
        case .error(let error):
            return "<pre class=\"calculus-error\" style=\"color:#b00020\">\(TableRenderer.escape("\(error.kind.rawValue): \(error.message)"))</pre>"
        case .result(let result):
            switch Renderer.render(result) {
            case .stream(let text): return "<pre>\(TableRenderer.escape(text))</pre>"
            case .display(let output):
                if let html = output.data[MimeType.html]?.stringValue { return html }
                return "<pre>\(TableRenderer.escape(output.plainText))</pre>"
            }
        }
    }

    public static func plainText(_ outcome: ExploreResult.Outcome) -> String {
        switch outcome {
        case .error(let error): "\(error.kind.rawValue): \(error.message)"
        case .result(let result): Renderer.plainText(result)
        }
    }

    public static func render(_ result: ExploreResult) -> RenderedOutput {
        let values = result.sliders.map(sliderText).joined(separator: ", ")
        let headline = "explore \(result.statement.source) with \(values)"
        return RenderedOutput(data: [
            MimeType.plain: .string(headline + "\n" + plainText(result.outcome)),
            MimeType.html: .string(
                "<div class=\"calculus-explore\"><p><em>\(TableRenderer.escape(headline))</em></p>\n\(html(result.outcome))</div>"),
            MimeType.explore: [
                "statement": .string(result.statement.source),
                "sliders": .array(result.sliders.map {
                    ["name": .string($0.name), "min": .double($0.minimum), "max": .double($0.maximum), "step": .double($0.step),
                     "value": .double($0.value)]
                }),
                "error": { if case .error(let error) = result.outcome { return .string("\(error.kind.rawValue): \(error.message)") }; return .null }(),
            ],
        ])
    }
}
