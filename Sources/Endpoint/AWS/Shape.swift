/// The shape of a request or response member, as AWS's service models (botocore's
/// `service-2.json`) declare it: what the query protocol's keys and the XML answers are named, and
/// what type each value is. Only the members remsim serves are declared; `ShapeConformanceTests`
/// checks each one against botocore's model.
package indirect enum Shape: Sendable {
    case string
    case integer
    case long
    case boolean
    case double
    case timestamp
    /// Bytes, base64 in XML; the value holds the base64 text.
    case blob
    /// A list; `member` is the element name of each item in XML (`item` in EC2, `member` elsewhere)
    /// and, in the query protocol outside EC2, the key segment before each index.
    case list(Shape, member: String)
    /// A list written without a wrapping element, in REST-XML: each item is an element named by
    /// the member's location (`ServerSideEncryptionConfiguration`'s `Rule`s).
    case flattened(Shape)
    case structure([Member])
    /// A map of string keys to values of a shape (Lambda's `Environment.Variables`): an object
    /// in JSON, `entry`s of `key` and `value` in XML and the query protocol.
    case map(Shape)

    package static func list(_ element: Shape) -> Shape { .list(element, member: "member") }
    /// An EC2 list, whose XML items are `item`s.
    package static func items(_ element: Shape) -> Shape { .list(element, member: "item") }

    package var members: [Member] { if case .structure(let m) = self { m } else { [] } }
}

/// One member of a structure.
package struct Member: Sendable {
    /// As the API names it, and as remsim's resource properties hold it: `IpPermissions`.
    package var name: String
    package var shape: Shape
    /// The model's `locationName`: the member's XML element, and (capitalised) its EC2 query key.
    package var location: String?
    /// Where the member travels: REST protocols put some in the URI, the headers or the query
    /// string, and one request or answer member may be the whole body.
    package var placement: Placement

    package enum Placement: Sendable, Equatable {
        /// An element of the XML (or a key of the query protocol's form): the default.
        case element
        /// An attribute of its structure's element (`xsi:type` of an S3 grantee).
        case attribute
        /// A `{label}` of the request URI, named by `location`.
        case uri
        /// An HTTP header, named by `location`.
        case header
        /// A query string key, named by `location`.
        case querystring
        /// The whole body: a structure as the root element, a string as the text itself.
        case payload
    }

    package init(_ name: String, _ shape: Shape, location: String? = nil, placement: Placement = .element) {
        self.name = name
        self.shape = shape
        self.location = location
        self.placement = placement
    }

    /// A member of an EC2 shape: its location is its name with the first letter lowercased
    /// (`GroupId` → `groupId`), which is how EC2's model names nearly all of them.
    package static func ec2(_ name: String, _ shape: Shape, location: String? = nil) -> Member {
        Member(name, shape, location: location ?? (name.prefix(1).lowercased() + name.dropFirst()))
    }

    /// The element this member is written as in XML.
    package var xmlName: String { location ?? name }
}
