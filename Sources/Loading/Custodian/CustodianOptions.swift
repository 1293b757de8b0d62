import CloudModel
import Policies

/// What Custodian's filters and actions share in reading their options.
extension YAMLMapping {
    /// Refuses an option not in `allowed` (besides `type`), naming it and what is allowed, for
    /// `what` (`a 'toggle-logging' action`).
    func checkCustodianKeys(_ allowed: [String], in what: String) throws(LoadError) {
        for (key, at) in entries where key != "type" && !allowed.contains(key) {
            throw at.error(
                "unknown key \(YAMLNode.quoted(key)) in \(what)\(Suggest.didYouMean(key, in: allowed)) "
                    + "(allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    /// A number of at least 0 (`days`, `skew`), 0 when not given.
    func nonNegative(_ key: String) throws(LoadError) -> Double {
        guard let n = self[key] else { return 0 }
        guard let d = Python.number(try n.value()), d >= 0, d.isFinite else {
            throw n.error("'\(key)' is a number of at least 0")
        }
        return d
    }

    /// `milliseconds` as a span, refused (at the mapping) when longer than a file may write.
    func span(_ milliseconds: Double, of keys: String) throws(LoadError) -> SimDuration {
        guard milliseconds.rounded() <= Double(SimDuration.maximum.milliseconds) else {
            throw owner.error("\(keys) come to more than \(SimDuration.maximum) (100 years)")
        }
        return SimDuration(milliseconds: Int64(milliseconds.rounded()))
    }

    /// Refuses a `tz` other than UTC: marks are read and written in UTC.
    func checkUTC() throws(LoadError) {
        if let tz = self["tz"], !["utc", "UTC", "Z", "GMT"].contains(try tz.string()) {
            throw tz.error("remsim reads and writes marks in UTC only ('tz: utc')")
        }
    }
}
