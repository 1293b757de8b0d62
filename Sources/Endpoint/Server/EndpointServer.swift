import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The endpoint on a socket: Hummingbird's HTTP/1.1 server, bound to 127.0.0.1 only, handing
/// each whole request to the sans-I/O core and writing back its answer.
package enum EndpointServer {
    /// The most a request body may hold: far above any AWS call's parameters.
    static let maxBody = 16 << 20

    /// Serves until the task running it is cancelled. `port` 0 takes a free port; `onRunning`
    /// hears the port once requests can be made.
    package static func run(
        port: Int, respond: @escaping @Sendable (WireRequest) -> WireResponse,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let responder = CallbackResponder { (request: Request, _: BasicRequestContext) async throws -> Response in
            var request = request
            let body = try await request.collectBody(upTo: maxBody)
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
            }
            let wire = WireRequest(
                method: request.method.rawValue, path: request.uri.path,
                query: request.uri.query.map { FormEncoding.decode($0) } ?? [], headers: headers,
                body: Array(buffer: body))
            let answer = respond(wire)
            var fields = HTTPFields()
            for (name, value) in answer.headers.sorted(by: { $0.key < $1.key }) {
                if let field = HTTPField.Name(name) { fields[field] = value }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname("127.0.0.1", port: port), serverName: "remsim", reuseAddress: false),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: Logger(label: "remsim.endpoint", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.runService(gracefulShutdownSignals: [])
    }
}
