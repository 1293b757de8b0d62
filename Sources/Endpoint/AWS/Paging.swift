import CloudModel

/// The list calls' paging, whatever a service names its token and page size (EC2's
/// `NextToken`/`MaxResults`, IAM's `Marker`/`MaxItems`, KMS's `Marker`/`Limit`, RDS's
/// `Marker`/`MaxRecords`, Logs' `nextToken`/`limit`): the endpoint's tokens are `remsim-N`, the
/// offset of the next page.
struct Paging: Sendable {
    var token: String
    var size: String
    /// The page size when the call gives none; nil for everything at once.
    var defaultSize: Int?
    var sizes: ClosedRange<Int>
    var badToken: @Sendable (String) -> AWSError
    var badSize: @Sendable (Int) -> AWSError

    /// The slice of `count` results the call asks for, and the token of the page after it.
    func window(_ count: Int, _ call: AWSCall) throws(AWSError) -> (range: Range<Int>, next: String?) {
        var start = 0
        if let token = call.string(self.token) {
            guard token.hasPrefix("remsim-"), let offset = Int(token.dropFirst(7)), (0...count).contains(offset) else {
                throw badToken(token)
            }
            start = offset
        }
        guard let size = call.parameters[size]?.intValue ?? defaultSize else { return (start..<count, nil) }
        guard sizes.contains(size) else { throw badSize(size) }
        let end = min(count, start + size)
        return (start..<end, end < count ? "remsim-\(end)" : nil)
    }

    /// `Marker`/`MaxRecords` paging, as RDS's and Redshift's describe calls have it.
    static let maxRecords = Paging(
        token: "Marker", size: "MaxRecords", defaultSize: 100, sizes: 20...100,
        badToken: { AWSError(code: "InvalidParameterValue", message: "Invalid marker: \($0)") },
        badSize: {
            AWSError(code: "InvalidParameterValue", message: "MaxRecords must be between 20 and 100, not \($0)")
        })

    /// The page of `items` the call asks for, each described, under `key`, and the next page's
    /// token under `nextKey` when there is one.
    func answer<Item>(
        _ items: [Item], _ call: AWSCall, into key: String, next nextKey: String, _ described: (Item) -> Value
    ) throws(AWSError) -> Fields {
        let page = try window(items.count, call)
        var answer = Fields()
        answer[key] = .array(items[page.range].map(described))
        if let next = page.next { answer[nextKey] = .string(next) }
        return answer
    }
}
