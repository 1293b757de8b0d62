import CloudModel
import Testing

struct InventoryTests {
    func sample() throws -> Inventory {
        try Inventory([
            Resource(id: "sg-1", type: "aws.security-group", account: "1", region: "us-east-1"),
            Resource(id: "b-1", type: "aws.s3", account: "1", region: "us-east-1"),
            Resource(id: "sg-2", type: "aws.security-group", account: "2", region: "eu-west-1"),
        ])
    }

    @Test func indexesByIdTypeAndAccount() throws {
        let inv = try sample()
        #expect(inv.count == 3)
        #expect(inv["b-1"]?.type == "aws.s3")
        #expect(inv.resources(ofType: "aws.security-group").map(\.id) == ["sg-1", "sg-2"])
        #expect(inv.resources(inAccount: "1").map(\.id) == ["sg-1", "b-1"])
        #expect(inv.types == ["aws.s3", "aws.security-group"])
        #expect(inv.resources(ofType: "aws.vpc").isEmpty)
    }

    @Test func refusesDuplicateIds() throws {
        var inv = try sample()
        #expect(throws: InventoryError.duplicateId("sg-1")) {
            try inv.insert(Resource(id: "sg-1", type: "aws.s3", account: "1", region: "x"))
        }
    }

    @Test func removeAndUpsertKeepIndicesRight() throws {
        var inv = try sample()
        #expect(inv.remove(id: "sg-1")?.id == "sg-1")
        #expect(inv["sg-1"] == nil)
        #expect(inv.resources(ofType: "aws.security-group").map(\.id) == ["sg-2"])
        #expect(inv.count == 2)
        var moved = try #require(inv["sg-2"])
        moved.account = "3"
        inv.upsert(moved)
        #expect(inv.resources(inAccount: "2").isEmpty)
        #expect(inv.resources(inAccount: "3").map(\.id) == ["sg-2"])
        #expect(inv.count == 2)
    }

    @Test func modifyChangesInPlace() throws {
        var inv = try sample()
        let changed = inv.modify(id: "b-1") { $0.tags["env"] = "prod" }
        #expect(changed)
        #expect(inv["b-1"]?.tags == ["env": "prod"])
        #expect(!inv.modify(id: "nope") { _ in })
    }

    /// The relation index answers what a walk of the type would, in the same order, through
    /// inserts, removals, upserts and changes in place, whatever their order (a fixed seed).
    @Test func theRelationIndexAgreesWithAWalkThroughEveryKindOfChange() throws {
        var inventory = Inventory()
        var rng = SeededGenerator(seed: 42)
        let types = ["aws.lambda", "aws.ec2"]
        let keys = (0..<6).map { "K\($0)" }
        func randomResource(_ id: String, type: String) -> Resource {
            let named = keys.filter { _ in rng.next() % 3 == 0 }
            return Resource(
                id: id, type: type, account: "1", region: "r",
                relations: named.isEmpty ? [:] : ["uses-key": named + named.prefix(1)])
        }
        for step in 0..<600 {
            let id = "r\(rng.next() % 40)"
            let type = types[Int(rng.next() % 2)]
            switch rng.next() % 4 {
            case 0: try? inventory.insert(randomResource(id, type: type))
            case 1: inventory.remove(id: id)
            case 2: inventory.upsert(randomResource(id, type: inventory[id]?.type ?? type))
            default:
                let replacement = randomResource(id, type: type)
                inventory.modify(id: id) { $0.relations = replacement.relations }
            }
            for type in types {
                for key in keys {
                    var walked: [String] = []
                    inventory.forEach(ofType: type) { r in
                        if (r.relations["uses-key"] ?? []).contains(key) { walked.append(r.id) }
                    }
                    var indexed: [String] = []
                    inventory.forEach(ofType: type, relatedBy: "uses-key", to: key) { indexed.append($0.id) }
                    #expect(indexed == walked, "step \(step), \(type), \(key)")
                    if indexed != walked { return }
                }
            }
        }
    }

    @Test func fieldsKeepOrderAndCompareAsSets() {
        var a = Fields()
        a["z"] = 1
        a["a"] = 2
        #expect(a.keys == ["z", "a"])
        var b = Fields()
        b["a"] = 2
        b["z"] = 1
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        a["z"] = nil
        #expect(a.keys == ["a"])
    }

    @Test func jsonTextKeepsMemberOrderAndEscapes() {
        let v: Value = ["b": 1, "a": ["x\"y", "line\nbreak", 1.5, true, nil]]
        #expect(v.jsonText == #"{"b":1,"a":["x\"y","line\nbreak",1.5,true,null]}"#)
    }

    @Test func cloudComesFromTheTypePrefix() {
        #expect(Resource(id: "x", type: "azure.storage", account: "a", region: "r").cloud == .azure)
        #expect(Resource(id: "x", type: "custom", account: "a", region: "r").cloud == nil)
    }
}
