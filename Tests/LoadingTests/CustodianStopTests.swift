import CloudModel
import Foundation
import Policies
import RemediationEngine
import Testing

@testable import Loading

/// Custodian's `stop` splits running instances by their root device as Custodian does: an EBS
/// root is stopped (hibernated where asked and configured), anything else cannot be stopped and
/// is terminated only with `terminate-ephemeral`.
struct CustodianStopTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func calls(_ action: String, _ properties: Value) throws -> [String] {
        let text = "policies:\n  - name: p\n    resource: ec2\n    actions:\n      - \(action)\n"
        let policy = try #require(try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml").first)
        var fields = properties.objectValue ?? Fields()
        fields["InstanceId"] = "i-1"
        if fields["State"] == nil { fields["State"] = ["Name": "running"] }
        let instance = Resource(
            id: "i-1", type: "aws.ec2", account: "1", region: "us-east-1", properties: .object(fields))
        guard let finding = Evaluator(now: now).finding(policy, instance) else { return [] }
        return try RemediationPlan(policy: policy, finding: finding, resource: instance, now: now).calls.map {
            $0.operation + ($0.parameters["Hibernate"] == true ? " hibernate" : "")
        }
    }

    let ebsRoot: Value = ["BlockDeviceMappings": [["DeviceName": "/dev/xvda", "Ebs": ["VolumeId": "vol-1"]]]]
    let storeRoot: Value = ["BlockDeviceMappings": [["DeviceName": "/dev/sda1"]]]
    let otherDevices: Value = ["BlockDeviceMappings": [["DeviceName": "/dev/sdf", "Ebs": ["VolumeId": "vol-2"]]]]

    @Test func theRootDeviceDecidesWhetherAnInstanceIsStopped() throws {
        #expect(try calls("stop", ebsRoot) == ["ec2:StopInstances"])
        // An instance-store root, or no root mapping at all, is not stopped.
        #expect(try calls("stop", storeRoot) == [])
        #expect(try calls("stop", otherDevices) == [])
        #expect(try calls("stop", [:]) == [])
        #expect(try calls("{type: stop, terminate-ephemeral: true}", storeRoot) == ["ec2:TerminateInstances"])
        #expect(try calls("{type: stop, terminate-ephemeral: true}", ebsRoot) == ["ec2:StopInstances"])
        // Only running instances.
        var stopped = ebsRoot.objectValue ?? Fields()
        stopped["State"] = ["Name": "stopped"]
        #expect(try calls("{type: stop, terminate-ephemeral: true}", .object(stopped)) == [])
    }

    @Test func hibernateOnlyWhereTheInstanceIsConfiguredForIt() throws {
        var configured = ebsRoot.objectValue ?? Fields()
        configured["HibernationOptions"] = ["Configured": true]
        #expect(try calls("{type: stop, hibernate: true}", .object(configured)) == ["ec2:StopInstances hibernate"])
        #expect(try calls("{type: stop, hibernate: true}", ebsRoot) == ["ec2:StopInstances"])
        #expect(try calls("stop", .object(configured)) == ["ec2:StopInstances"])
    }

    @Test func forceIsRefusedWhereItIsWritten() {
        let text = "policies:\n  - name: p\n    resource: ec2\n    actions:\n      - {type: stop, force: true}\n"
        do {
            _ = try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml")
            Issue.record("loaded")
        } catch {
            #expect(error.line == 5 && error.column == 29, "\(error)")
            #expect(error.message.contains("ec2:ModifyInstanceAttribute"), "\(error)")
        }
    }
}
