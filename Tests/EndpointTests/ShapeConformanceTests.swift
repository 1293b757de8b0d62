import CloudModel
import Foundation
import Testing

@testable import Endpoint

/// Every shape the endpoint declares, held to AWS's own service model (botocore's, from the
/// AWS CLI that CI installs from PyPI): each member is one the model has, of the model's type,
/// under the model's location and list member names, so that what an SDK sends is read and what
/// the endpoint answers is parsed.
@Suite(.enabled(if: ServedEndpoint.tools, "the AWS CLI is missing (pip install awscli)"))
struct ShapeConformanceTests {
    /// The service models of the served services, loaded by botocore beside the `aws` on PATH.
    static func models() async throws -> [String: Value] {
        let services = Set(AWSEndpoint.served.map(\.service)).sorted()
        let script = """
            import json, sys, botocore.loaders
            loader = botocore.loaders.Loader()
            # Signing names that are not the model's name.
            names = {'elasticloadbalancing': 'elbv2', 'tagging': 'resourcegroupstaggingapi'}
            json.dump({s: loader.load_service_model(names.get(s, s), 'service-2') for s in sys.argv[1:]},
                      sys.stdout)
            """
        // The python the `aws` script runs under: its `#!` line (`/usr/bin/env python3` read as
        // `python3`), else the python beside it (a pyenv shim's), else `python3` on PATH; the
        // first that has botocore.
        let aws = try await ServedEndpoint.run(
            "sh", ["-c", "command -v aws; head -1 \"$(command -v aws)\""])
        let lines = aws.output.split(separator: "\n").map(String.init)
        let folder = lines.first.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        let words =
            (lines.dropFirst().first ?? "").hasPrefix("#!")
            ? lines[1].dropFirst(2).split(whereSeparator: \.isWhitespace).map(String.init) : []
        let interpreter = words.first.flatMap { $0.hasSuffix("/env") ? words.dropFirst().first : $0 }
        var python = "python3"
        for candidate in [interpreter, "\(folder)/python3", "\(folder)/python", "python3"].compactMap({ $0 })
        where candidate.contains("python") {
            if try await ServedEndpoint.run(candidate, ["-c", "import botocore.loaders"]).status == 0 {
                python = candidate
                break
            }
        }
        let ran = try await ServedEndpoint.run(python, ["-c", script] + services)
        try #require(ran.status == 0, "\(ran.errors)")
        return try Value(json: ran.output).objectValue.map {
            Dictionary(uniqueKeysWithValues: $0.entries.map { ($0.key, $0.value) })
        } ?? [:]
    }

    @Test func everyServedShapeIsTheServiceModels() async throws {
        let models = try await Self.models()
        var problems: [String] = []
        for operation in AWSEndpoint.served {
            guard let model = models[operation.service], let op = model["operations"]?[operation.action] else {
                problems.append("\(operation.name): not in botocore's model")
                continue
            }
            let shapes = model["shapes"] ?? .null
            let protocolName = model["metadata"]?["protocol"]?.stringValue
            let http = op["http"] ?? .null
            if let route = operation.route {
                if route.method != http["method"]?.stringValue || route.requestUri != http["requestUri"]?.stringValue {
                    problems.append(
                        "\(operation.name): routed as \(route.method) \(route.requestUri), the model says "
                            + "\(http["method"]?.stringValue ?? "?") \(http["requestUri"]?.stringValue ?? "?")")
                }
            } else if protocolName == "json" {
                let prefix = model["metadata"]?["targetPrefix"]?.stringValue
                if prefix != AWSEndpoint.jsonServices[operation.service] {
                    problems.append("\(operation.name): the model's X-Amz-Target prefix is \(prefix ?? "none")")
                }
            } else if protocolName != "query" && protocolName != "ec2" {
                problems.append("\(operation.name): the \(protocolName ?? "?") protocol needs a route")
            }
            if let input = op["input"]?["shape"]?.stringValue {
                Self.compare(operation.input, to: input, in: shapes, at: "\(operation.name) input", &problems)
            } else if !operation.input.members.isEmpty {
                problems.append("\(operation.name): the model has no input")
            }
            if let output = op["output"]?["shape"]?.stringValue {
                Self.compare(operation.output, to: output, in: shapes, at: "\(operation.name) output", &problems)
                if protocolName == "query" {
                    let wrapper = op["output"]?["resultWrapper"]?.stringValue
                    if wrapper != "\(operation.action)Result" {
                        problems.append("\(operation.name): the model wraps the answer in \(wrapper ?? "nothing")")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    static func compare(_ shape: Shape, to name: String, in shapes: Value, at path: String, _ problems: inout [String])
    {
        guard let model = shapes[name] else {
            problems.append("\(path): no shape \(name)")
            return
        }
        let type = model["type"]?.stringValue ?? ""
        switch shape {
        case .structure(let members):
            guard type == "structure" else { return problems.append("\(path): \(name) is a \(type), not a structure") }
            for member in members {
                guard let declared = model["members"]?[member.name] else {
                    problems.append("\(path).\(member.name): not a member of \(name)")
                    continue
                }
                let placement: Member.Placement =
                    switch declared["location"]?.stringValue {
                    case "uri": .uri
                    case "header": .header
                    case "querystring": .querystring
                    default:
                        declared["xmlAttribute"] == true
                            ? .attribute : model["payload"]?.stringValue == member.name ? .payload : .element
                    }
                if placement != member.placement {
                    problems.append(
                        "\(path).\(member.name): placed as \(member.placement), the model says \(placement)")
                }
                let location = declared["locationName"]?.stringValue
                if location != member.location {
                    problems.append(
                        "\(path).\(member.name): located at \(member.location ?? "its name"), the model says \(location ?? "its name")"
                    )
                }
                if let inner = declared["shape"]?.stringValue {
                    compare(member.shape, to: inner, in: shapes, at: "\(path).\(member.name)", &problems)
                }
            }
        case .flattened(let element):
            guard type == "list", model["flattened"] == true else {
                return problems.append("\(path): \(name) is not a flattened list")
            }
            if let inner = model["member"]?["shape"]?.stringValue {
                compare(element, to: inner, in: shapes, at: "\(path)[]", &problems)
            }
        case .list(let element, let memberName):
            guard type == "list" else { return problems.append("\(path): \(name) is a \(type), not a list") }
            if model["flattened"] == true { problems.append("\(path): \(name) is a flattened list") }
            let modelMember = model["member"]?["locationName"]?.stringValue ?? "member"
            // EC2 reads its request lists without member names, so only answers are held to them.
            if modelMember != memberName, !(memberName == "item" && path.contains(" input")) {
                problems.append("\(path): items are <\(memberName)>, the model says <\(modelMember)>")
            }
            if let inner = model["member"]?["shape"]?.stringValue {
                compare(element, to: inner, in: shapes, at: "\(path)[]", &problems)
            }
        case .map(let element):
            guard type == "map" else { return problems.append("\(path): \(name) is a \(type), not a map") }
            if let inner = model["value"]?["shape"]?.stringValue {
                compare(element, to: inner, in: shapes, at: "\(path){}", &problems)
            }
        case .string: if type != "string" { problems.append("\(path): \(name) is a \(type), not a string") }
        case .integer: if type != "integer" { problems.append("\(path): \(name) is a \(type), not an integer") }
        case .long: if type != "long" { problems.append("\(path): \(name) is a \(type), not a long") }
        case .boolean: if type != "boolean" { problems.append("\(path): \(name) is a \(type), not a boolean") }
        case .double: if type != "double" { problems.append("\(path): \(name) is a \(type), not a double") }
        case .blob: if type != "blob" { problems.append("\(path): \(name) is a \(type), not a blob") }
        case .timestamp: if type != "timestamp" { problems.append("\(path): \(name) is a \(type), not a timestamp") }
        }
    }
}
