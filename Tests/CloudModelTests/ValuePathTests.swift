import CloudModel
import Testing

struct ValuePathTests {
    static let group: Value = [
        "GroupId": "sg-1",
        "IpPermissions": [
            ["IpProtocol": "tcp", "FromPort": 22, "IpRanges": [["CidrIp": "10.0.0.0/8"], ["CidrIp": "0.0.0.0/0"]]],
            ["IpProtocol": "tcp", "FromPort": 443, "IpRanges": [["CidrIp": "0.0.0.0/0"]]],
            ["IpProtocol": "tcp", "FromPort": 8080, "UserIdGroupPairs": [["GroupId": "sg-2"]]],
        ],
    ]

    @Test(arguments: [
        ("GroupId", Value.string("sg-1")),
        ("IpPermissions[1].FromPort", Value.int(443)),
        ("IpPermissions[].FromPort", Value.array([22, 443, 8080])),
        ("IpPermissions[].IpRanges[].CidrIp", Value.array(["10.0.0.0/8", "0.0.0.0/0", "0.0.0.0/0"])),
        ("IpPermissions[0].IpRanges[1].CidrIp", Value.string("0.0.0.0/0")),
    ])
    func resolves(path: String, expected: Value) throws {
        #expect(try ValuePath(parsing: path).resolve(in: Self.group) == expected)
    }

    @Test(arguments: ["Missing", "GroupId.Inner", "IpPermissions[9].FromPort", "IpPermissions.FromPort"])
    func missingMembersResolveToNil(path: String) throws {
        #expect(try ValuePath(parsing: path).resolve(in: Self.group) == nil)
    }

    @Test func projectionSkipsElementsWithoutTheMember() throws {
        #expect(
            try ValuePath(parsing: "IpPermissions[].UserIdGroupPairs[].GroupId").resolve(in: Self.group) == ["sg-2"])
    }

    @Test(arguments: ["", ".a", "a.", "a..b", "[0]", "a[x]", "a[-1]", "a[0]b", "a[", "a.[0]"])
    func rejectsMalformedPaths(path: String) {
        #expect(throws: ValuePathError.self) { try ValuePath(parsing: path) }
    }

    @Test func assignCreatesIntermediateObjectsAndRemoves() throws {
        var v: Value = ["A": ["B": 1]]
        try ValuePath(parsing: "A.C.D").assign(true, in: &v)
        #expect(v["A"]?["C"]?["D"] == true)
        #expect(v["A"]?["B"] == 1)
        try ValuePath(parsing: "A.B").assign(nil, in: &v)
        #expect(v["A"]?["B"] == nil)
        var list: Value = ["L": [1, 2, 3]]
        try ValuePath(parsing: "L[1]").assign(nil, in: &list)
        #expect(list["L"] == [1, 3])
    }

    @Test func assignRefusesProjectionsAndScalars() throws {
        var v: Value = ["A": 1]
        #expect(throws: ValuePathError.self) { try ValuePath(parsing: "A[].B").assign(1, in: &v) }
        #expect(throws: ValuePathError.self) { try ValuePath(parsing: "A.B").assign(1, in: &v) }
    }
}
