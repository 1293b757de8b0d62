import CloudModel

/// A user's row of the IAM credential report, as Custodian reads it: the CSV's values with
/// `N/A` and `no_information` as None and `true`/`false` as booleans, and the columns of each of
/// the first two access keys as one `access_keys` list (a key slot counts when its key is active
/// or has a rotation date). Made from what remsim holds of the user: `UserName`, `Arn`,
/// `CreateDate`, `PasswordLastUsed`, `LoginProfile` (get-login-profile), `MFADevices`
/// (list-mfa-devices) and `AccessKeys` (list-access-keys, each with the `AccessKeyLastUsed` of
/// get-access-key-last-used where known). Dates are written as the report writes them
/// (`2026-01-01T00:00:00+00:00`): text, which a value filter reads as a date only under `age`
/// and the other date value types.
package enum CredentialReport {
    /// The report's columns remsim fills in, as Custodian's `credential` filter names them.
    package static let keys = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "mfa_active", "access_keys",
        "access_keys.active", "access_keys.last_used_date", "access_keys.last_used_region",
        "access_keys.last_used_service", "access_keys.last_rotated",
    ]

    /// Columns remsim cannot fill in, with why.
    package static let unmodelled: [String: String] = [
        "password_last_changed": "remsim models no password change dates",
        "password_next_rotation": "remsim models no password change dates",
        "certs": "remsim models no signing certificates",
        "certs.active": "remsim models no signing certificates",
        "certs.last_rotated": "remsim models no signing certificates",
    ]

    package static func row(_ user: Value) -> Value {
        var row = Fields()
        row["user"] = user["UserName"] ?? .null
        row["arn"] = user["Arn"] ?? .null
        row["user_creation_time"] = date(user["CreateDate"])
        let password = user["LoginProfile"].map { !$0.isNull } ?? false
        row["password_enabled"] = .bool(password)
        row["password_last_used"] = password ? date(user["PasswordLastUsed"]) : .null
        row["mfa_active"] = .bool(!(user["MFADevices"]?.arrayValue ?? []).isEmpty)
        var keys: [Value] = []
        for key in (user["AccessKeys"]?.arrayValue ?? []).prefix(2) {
            let active = key["Status"]?.stringValue == "Active"
            let rotated = date(key["CreateDate"])
            guard active || !rotated.isNull else { continue }
            let used = key["AccessKeyLastUsed"]
            keys.append([
                "active": .bool(active), "last_rotated": rotated, "last_used_date": date(used?["LastUsedDate"]),
                "last_used_region": text(used?["Region"]), "last_used_service": text(used?["ServiceName"]),
            ])
        }
        if !keys.isEmpty { row["access_keys"] = .array(keys) }
        return .object(row)
    }

    /// A date as the report writes it, None when there is none.
    static func date(_ value: Value?) -> Value {
        guard let text = value?.stringValue, let t = Timestamp(iso8601: text) else { return .null }
        return .string(t.formatted(strftime: "%Y-%m-%dT%H:%M:%S+00:00"))
    }

    /// A text column: `N/A` and empty read as None.
    static func text(_ value: Value?) -> Value {
        guard let s = value?.stringValue, !s.isEmpty, s != "N/A" else { return .null }
        return .string(s)
    }
}

/// Custodian's `credential` filter on an IAM user: a value filter over the user's row of the
/// credential report (`CredentialReport`), or, for `access_keys.FIELD`, over each of its
/// access keys, true when one matches. The matched keys are the user's keys whose creation
/// time is a matched key's `last_rotated`, as Custodian finds them again for `remove-keys` with
/// `matched: true`: two keys made in the same second are both found, and a creation time with a
/// fraction of a second (moto's) never is.
package final class CredentialReportCheck: ResourceCheck, @unchecked Sendable {
    let filter: CustodianValueFilter
    let overKeys: Bool

    package init(filter: CustodianValueFilter, overKeys: Bool, written: Value) {
        self.filter = filter
        self.overKeys = overKeys
        super.init(resourceType: "aws.iam-user", written: written)
    }

    override package var ageThresholds: [SimDuration] {
        CustodianValueCheck(filter, written: .null, resourceType: resourceType).ageThresholds
    }

    func matchedReportKeys(_ resource: CheckedResource, now: Timestamp) -> [Value] {
        (CredentialReport.row(resource.properties)["access_keys"]?.arrayValue ?? []).filter {
            filter.matches($0, tags: [:], now: now)
        }
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        if overKeys { return !matchedReportKeys(resource, now: now).isEmpty }
        return filter.matches(CredentialReport.row(resource.properties), tags: [:], now: now)
    }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        guard overKeys else { return nil }
        // The report's dates are whole seconds; a key is found again when its creation time is
        // that instant exactly (IAM's are whole seconds too).
        let rotated = Set(
            matchedReportKeys(resource, now: now).compactMap {
                $0["last_rotated"]?.stringValue.flatMap(Timestamp.init(iso8601:))
            })
        var kept: [Value] = []
        for key in resource.properties["AccessKeys"]?.arrayValue ?? [] {
            guard case .object(var fields) = key,
                let created = key["CreateDate"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
                rotated.contains(created)
            else { continue }
            if fields["UserName"] == nil { fields["UserName"] = resource.properties["UserName"] ?? .null }
            kept.append(.object(fields))
        }
        return MatchedElements(path: "c7n:matched-keys", elements: kept)
    }
}

/// Custodian's `mfa-device` filter: a value filter whose key is always the user's
/// `MFADevices` (list-mfa-devices; none when the user's properties do not list any).
package final class MFADeviceCheck: ResourceCheck, @unchecked Sendable {
    let filter: CustodianValueFilter

    package init(filter: CustodianValueFilter, written: Value) {
        self.filter = filter
        super.init(resourceType: "aws.iam-user", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        guard case .object(var fields) = resource.document else { return false }
        fields["MFADevices"] = resource.properties["MFADevices"] ?? .array([])
        return filter.matches(.object(fields), tags: resource.tags, now: now)
    }
}
