import CloudModel
import Testing

/// The digest of an inventory built in code names what it holds, not the order it was built in.
struct InventoryDigestTests {
    /// Resources of every part: tags, properties, relations and usage, some of each missing.
    let resources: [Resource] = {
        var generator = SeededGenerator(seed: 9)
        return (0..<500).map { i in
            var r = Resource(
                id: "sg-\(i)", type: "aws.security-group", account: "\(100 + i % 7)", region: "eu-west-\(i % 3)",
                properties: [
                    "GroupId": .string("sg-\(i)"),
                    "IpPermissions": [["FromPort": .int(Int.random(in: 0...65535, using: &generator))]],
                ])
            if i % 2 == 0 { r.tags = ["team": "t\(i % 5)", "env": "prod"] }
            if i % 3 == 0 { r.relations = ["attached-to": ["i-\(i)", "i-\(i + 1)"]] }
            if i % 4 == 0 { r.usage = ["flows": [["port": 22]]] }
            return r
        }
    }()

    @Test func theOrderResourcesWentInDoesNotMatter() throws {
        let forward = try Inventory(resources)
        let backward = try Inventory(resources.reversed())
        #expect(forward.contentDigest.value == backward.contentDigest.value)
    }

    @Test func everyPartOfAResourceCounts() throws {
        let base = try Inventory(resources).contentDigest.value
        let changes: [(String, (inout Resource) -> Void)] = [
            ("name", { $0.name += "x" }),
            ("region", { $0.region = "eu-west-9" }),
            ("a tag", { $0.tags["team"] = "other" }),
            ("a property", { $0.properties = ["Changed": true] }),
            ("a relation", { $0.relations["attached-to"] = ["i-elsewhere"] }),
            ("usage", { $0.usage = ["flows": []] }),
        ]
        for (what, change) in changes {
            var inventory = try Inventory(resources)
            inventory.modify(id: resources[17].id, change)
            #expect(inventory.contentDigest.value != base, "changing \(what) must change the digest")
        }
        var removed = try Inventory(resources)
        removed.remove(id: resources[3].id)
        #expect(removed.contentDigest.value != base)
    }
}
