import Foundation

extension Value {
    /// Compact JSON with members in their written order: the form rendered commands and stored
    /// runs use, identical from run to run.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses JSON text into a value; objects keep the member order of the text only where the
    /// decoder reports it, so callers that need order use the YAML loader.
    public init(jsonText: String) throws {
        self = try JSONDecoder().decode(Value.self, from: Data(jsonText.utf8))
    }
}
