import CloudModel
import Simulation
import Testing

/// The digest of an inventory built in code names what it holds, not the order it was built in.
struct InventoryDigestTests {
    let resources = InventoryGenerator(seed: 9).inventory(count: 500).all

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
