import CloudModel
import CloudOperations
import Policies
import RemediationEngine

/// Load-time checks of a remediation step against the operation catalog: the operation exists,
/// the call gives what the cloud requires, and an `az`/`gcloud`/`gsutil` call can be written as
/// a command. A step that would fail every time is refused here, with its reason.
enum StepCheck {
    static func problem(_ step: RemediationStep) -> String? {
        guard let spec = OperationCatalog.spec(named: step.operation) else {
            let cloud = step.operation.contains("/") ? Cloud.azure : step.operation.contains(":") ? .aws : .gcp
            let known = OperationCatalog.all.filter { $0.cloud == cloud }.map(\.name)
            return
                "'\(step.operation)' is not an operation remsim "
                + "models\(Suggest.didYouMean(step.operation, in: OperationCatalog.names))"
                + " (\(cloud.rawValue) operations: \(known.joined(separator: ", ")))"
        }
        // A step whose elements bring parameters (Custodian's S3 tag set) is checked on what it
        // writes itself.
        for key in spec.required where !step.parametersFromItem {
            let present =
                (try? ValuePath(parsing: key)).flatMap { $0.resolve(in: step.parameters) }.map {
                    !$0.isNull && $0 != ""
                } ?? false
            if !present { return "\(spec.name) needs the parameter '\(key)'" }
        }
        if !spec.commands.isEmpty, !spec.commands.contains(where: { $0.uncoveredParameters(step.parameters).isEmpty }) {
            let uncovered = spec.commands[0].uncoveredParameters(step.parameters)
            let shapes = spec.commands.map { "`\($0.commandLine) \($0.usage)`" }.joined(separator: " or ")
            return
                "\(spec.name) cannot carry \(uncovered.map { "'\($0)'" }.joined(separator: ", ")) as a command: "
                + "it is written \(shapes)"
        }
        return nil
    }
}
