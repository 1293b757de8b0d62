import CloudModel
import Foundation

/// `aws.lambda`: a Python function that does nothing, run by a role made for it, traced as the
/// fixture has it; compared on its tracing mode.
struct LambdaFunctionAdapter: ReplayAdapter {
    let type = "aws.lambda"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["FunctionName"]?.stringValue ?? resource.name
        // Functions of one name in several regions each get a role: numbered by their place in the plan.
        let n = context.planned.firstIndex { $0.id == resource.id } ?? 0
        let roleName = String("remsim-replay-\(context.replayId)-\(n)-\(name)".prefix(64))
        let trust: Value = [
            "Version": "2012-10-17",
            "Statement": [
                ["Effect": "Allow", "Principal": ["Service": "lambda.amazonaws.com"], "Action": "sts:AssumeRole"]
            ],
        ]
        let role = try IAMRoleAdapter.make(roleName, trust: trust, in: context)
        context.helper("role", of: resource, is: roleName)

        let code = FileManager.default.temporaryDirectory.appendingPathComponent(
            "remsim-replay-\(context.replayId)-\(name).zip")
        do {
            try StoredZip.archive(["index.py": Data("def handler(event, context):\n    return None\n".utf8)]).write(
                to: code)
        } catch {
            throw .callFailed(
                call: "lambda create-function", message: "cannot write the function's code to \(code.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: code) }
        try context.create(
            resource.region,
            [
                "lambda", "create-function", "--function-name", name, "--runtime", "python3.12", "--handler",
                "index.handler",
                "--role", role, "--zip-file", "fileb://\(code.path)",
                "--tracing-config", "Mode=\(properties["TracingConfig"]?["Mode"]?.stringValue ?? "PassThrough")",
                "--tags", "\(context.tagKey)=\(context.replayId)",
            ], named: "function \(name)", alreadyThere: ["ResourceConflictException"])
        return name
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["lambda", "get-function-configuration", "--function-name", id])
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        ["TracingConfig": ["Mode": properties["TracingConfig"]?["Mode"] ?? "PassThrough"]]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["lambda", "delete-function", "--function-name", id])
        if let role = context.helper("role", of: resource) {
            try context.aws("us-east-1", ["iam", "delete-role", "--role-name", role])
        }
    }

}
