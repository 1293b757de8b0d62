import CloudModel
import Foundation

/// `aws.iam-user`: a user with its access keys, each in its fixture status, its console
/// password (`LoginProfile`) and its MFA devices (made as virtual ones); compared on the keys'
/// statuses. The endpoint issues its own key ids, so each fixture key id maps to the new
/// one (commands name the new key; the comparison names the fixture's).
struct IAMUserAdapter: ReplayAdapter {
    let type = "aws.iam-user"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["UserName"]?.stringValue ?? resource.name
        try context.create(
            resource.region,
            [
                "iam", "create-user", "--user-name", name, "--tags", "Key=\(context.tagKey),Value=\(context.replayId)",
            ], named: "user \(name)", alreadyThere: ["EntityAlreadyExists"])
        return name
    }

    func configure(_ resource: Resource, id name: String, properties: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        // A console password, and each MFA device as a virtual one (the codes are not checked by
        // an emulator; a real account would need a device's own).
        if let profile = properties["LoginProfile"], !profile.isNull {
            try context.aws(
                resource.region,
                ["iam", "create-login-profile", "--user-name", name, "--password", "Replay-\(context.replayId)-Pw1!"])
        }
        for (index, device) in (properties["MFADevices"]?.arrayValue ?? []).enumerated() {
            // The AWS CLI writes the device's seed to a file it must be given; it is not kept.
            let seed = FileManager.default.temporaryDirectory.appendingPathComponent(
                "remsim-replay-\(context.replayId)-\(name)-\(index).seed")
            defer { try? FileManager.default.removeItem(at: seed) }
            let made = try context.aws(
                resource.region,
                [
                    "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "\(name)-\(index)", "--outfile",
                    seed.path, "--bootstrap-method", "Base32StringSeed",
                ])
            guard let serial = made["VirtualMFADevice"]?["SerialNumber"]?.stringValue else {
                throw .callFailed(call: "iam create-virtual-mfa-device", message: "no SerialNumber in the answer")
            }
            if let fixtureSerial = device["SerialNumber"]?.stringValue { context.created(fixtureSerial, as: serial) }
            try context.aws(
                resource.region,
                [
                    "iam", "enable-mfa-device", "--user-name", name, "--serial-number", serial,
                    "--authentication-code1", "123456", "--authentication-code2", "654321",
                ])
        }
        for key in properties["AccessKeys"]?.arrayValue ?? [] {
            guard let fixtureKey = key["AccessKeyId"]?.stringValue else { continue }
            let made = try context.aws(resource.region, ["iam", "create-access-key", "--user-name", name])
            guard let realKey = made["AccessKey"]?["AccessKeyId"]?.stringValue else {
                throw .callFailed(call: "iam create-access-key", message: "no AccessKeyId in the answer")
            }
            context.created(fixtureKey, as: realKey)
            if let status = key["Status"]?.stringValue, status != "Active" {
                try context.aws(
                    resource.region,
                    ["iam", "update-access-key", "--user-name", name, "--access-key-id", realKey, "--status", status])
            }
        }
    }

    func read(_ resource: Resource, id name: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let keys =
            try context.aws(resource.region, ["iam", "list-access-keys", "--user-name", name])["AccessKeyMetadata"]?
            .arrayValue ?? []
        let user = try context.aws(resource.region, ["iam", "get-user", "--user-name", name])["User"] ?? .emptyObject
        let devices =
            try context.aws(resource.region, ["iam", "list-mfa-devices", "--user-name", name])["MFADevices"]?
            .arrayValue ?? []
        var out = Fields()
        out["UserName"] = .string(name)
        out["AccessKeys"] = .array(keys)
        out["MFADevices"] = .array(devices)
        for key in ["Arn", "CreateDate", "PasswordLastUsed"] { if let v = user[key] { out[key] = v } }
        if let profile = try context.optional(resource.region, ["iam", "get-login-profile", "--user-name", name])?[
            "LoginProfile"]
        {
            out["LoginProfile"] = profile
        }
        return .object(out)
    }

    /// Each key as "fixture key id: status", sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let keys = (properties["AccessKeys"]?.arrayValue ?? []).map { k in
            "\(context.fixture(k["AccessKeyId"]?.stringValue ?? "")): \(k["Status"]?.stringValue ?? "")"
        }
        return ["AccessKeys": .array(keys.sorted().map(Value.string))]
    }

    func delete(_ resource: Resource, id name: String, in context: ReplayContext) throws(ReplayError) {
        for key in try context.aws(resource.region, ["iam", "list-access-keys", "--user-name", name])[
            "AccessKeyMetadata"]?.arrayValue ?? []
        {
            if let id = key["AccessKeyId"]?.stringValue {
                try context.aws(
                    resource.region, ["iam", "delete-access-key", "--user-name", name, "--access-key-id", id])
            }
        }
        for device in try context.aws(resource.region, ["iam", "list-mfa-devices", "--user-name", name])[
            "MFADevices"]?.arrayValue ?? []
        {
            if let serial = device["SerialNumber"]?.stringValue {
                try context.aws(
                    resource.region, ["iam", "deactivate-mfa-device", "--user-name", name, "--serial-number", serial])
                try context.aws(resource.region, ["iam", "delete-virtual-mfa-device", "--serial-number", serial])
            }
        }
        _ = try context.optional(resource.region, ["iam", "delete-login-profile", "--user-name", name])
        try context.aws(resource.region, ["iam", "delete-user", "--user-name", name])
    }
}
