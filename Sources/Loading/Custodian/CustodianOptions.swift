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
        guard let d = Python.number(try n.value()), d >= 0 else { throw n.error("'\(key)' is a number of at least 0") }
        return d
    }

    /// Refuses a `tz` other than UTC: marks are read and written in UTC.
    func checkUTC() throws(LoadError) {
        if let tz = self["tz"], !["utc", "UTC", "Z", "GMT"].contains(try tz.string()) {
            throw tz.error("remsim reads and writes marks in UTC only ('tz: utc')")
        }
    }
}
