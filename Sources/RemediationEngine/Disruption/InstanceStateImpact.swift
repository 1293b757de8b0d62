import CloudModel
import CloudOperations

/// Stopping or terminating an instance: whatever runs on it stops. A running instance behind a
/// load balancer (its `targets`), or with traffic in its `usage.flows` in the look-back window,
/// is high; any other running instance medium. Terminating also deletes the EBS volumes marked
/// `DeleteOnTermination`, and cannot be undone: high whatever the instance's state.
struct InstanceStateImpact: ImpactRule {
    let operations: Set<String> = ["ec2:StopInstances", "ec2:TerminateInstances"]
    let summary =
        "stops what runs on the instance: load balancers lose a target, its traffic stops; terminating "
        + "deletes its DeleteOnTermination volumes for good"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        let terminating = c.operation == "ec2:TerminateInstances"
        let state = c.resource.property("State")?["Name"]?.stringValue
        var evidence: [String] = []
        if state == "running" || state == nil {
            var balancers: [String] = []
            c.view.forEachResource(ofType: "aws.app-elb") { lb in
                if lb.relations["targets"]?.contains(c.resource.id) == true { balancers.append(lb.name) }
            }
            if !balancers.isEmpty { evidence.append("a target of \(balancers.sorted().joined(separator: ", "))") }
            let flows = (c.resource.usage["flows"]?.arrayValue ?? []).filter { c.isRecent(c.time($0["last-seen"])) }
            if let last = flows.compactMap({ c.time($0["last-seen"]) }).max() {
                evidence.append("\(flows.count) flow\(flows.count == 1 ? "" : "s") seen, the last \(c.ago(last))")
            }
        }
        var deleted: [String] = []
        if terminating {
            for mapping in c.resource.property("BlockDeviceMappings")?.arrayValue ?? []
            where mapping["Ebs"]?["DeleteOnTermination"]?.boolValue == true {
                deleted.append(mapping["Ebs"]?["VolumeId"]?.stringValue ?? mapping["DeviceName"]?.stringValue ?? "?")
            }
            if !deleted.isEmpty { evidence.append("volumes deleted with it: \(deleted.joined(separator: ", "))") }
        }
        let running = state == "running" || state == nil
        guard running || terminating else { return [] }
        let severity: ImpactSeverity =
            terminating || !evidence.isEmpty ? .high : .medium
        let verb = terminating ? "terminating" : "stopping"
        return [
            DisruptionWarning(
                kind: "instance-\(terminating ? "terminated" : "stopped")", severity: severity,
                resourceId: c.resource.id, operation: c.operation,
                evidence: evidence.isEmpty ? ["the instance is \(state ?? "running")"] : evidence,
                explanation: running
                    ? "\(verb) the running instance stops whatever it serves"
                        + (terminating ? ", and it cannot be started again" : "")
                    : "terminating the instance deletes it and cannot be undone")
        ]
    }
}
