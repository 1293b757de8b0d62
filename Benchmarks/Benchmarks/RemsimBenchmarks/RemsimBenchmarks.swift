import Benchmark
import CloudModel
import Policies
import PolicyPack
import RemediationEngine
import Simulation

/// Shared inputs, built once per benchmark process outside the measured region.
enum Inputs {
    static let policies: [Policy] = (try? BuiltinPolicies.load()) ?? []
    static let start = Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0)
    static let million = InventoryGenerator(seed: 42).inventory(count: 1_000_000)
    static let hundredThousand = InventoryGenerator(seed: 42).inventory(count: 100_000)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .cpuTotal],
        warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 10)

    // The whole built-in pack over one million resources, on one core, as the engine's scan
    // does it: each resource type's resources are walked once (the inventory's type index), and
    // each resource is read once for all the policies of its type.
    Benchmark(
        "Built-in pack over 1M resources",
        configuration: .init(
            metrics: [.wallClock, .throughput, .cpuTotal], maxIterations: 10, setup: { _ = Inputs.million })
    ) { benchmark in
        let evaluator = Evaluator(now: Inputs.start)
        var violations = 0
        evaluator.forEachViolation(of: Inputs.policies, in: Inputs.million) { _, _ in violations += 1 }
        blackHole(violations)
    }

    // Peak memory of holding a generated inventory of one million resources (divide the peak
    // resident memory by 1,000,000 for the cost per resource).
    Benchmark(
        "Inventory of 1M resources, peak memory",
        configuration: .init(metrics: [.peakMemoryResident, .wallClock], warmupIterations: 0, maxIterations: 1)
    ) { benchmark in
        let inventory = InventoryGenerator(seed: 7).inventory(count: 1_000_000)
        blackHole(inventory.count)
    }

    // Engine events: one config-change event per resource, each evaluating every policy of the
    // resource's type (detection only, so every event is the same work). Throughput × 100,000 =
    // events per second.
    Benchmark(
        "Engine resourceChanged events x100k",
        configuration: .init(
            metrics: [.wallClock, .throughput], maxIterations: 10, setup: { _ = Inputs.hundredThousand })
    ) { benchmark in
        var engine = Engine(
            policies: Inputs.policies,
            rules: [AlertRule(name: "watch", autoRemediate: false, detection: .event(deliveryDelay: .seconds(90)))])
        let inventory = Inputs.hundredThousand
        var effects = 0
        for resource in inventory.all {
            effects +=
                engine.handle(
                    .resourceChanged(resourceId: resource.id, rule: "watch"), at: Inputs.start, view: inventory
                ).count
        }
        blackHole(effects)
        blackHole(engine.alerts.count)
    }

    // A whole simulated day over 100,000 resources with auto-remediation on: the initial scan,
    // every remediation call, its change event and its verification.
    Benchmark(
        "Simulated day, 100k resources, auto-remediation",
        configuration: .init(
            metrics: [.wallClock, .throughput, .peakMemoryResident], maxIterations: 5,
            setup: { _ = Inputs.hundredThousand })
    ) { benchmark in
        let scenario = Scenario(
            name: "bench", inventory: Inputs.hundredThousand, policies: Inputs.policies,
            settings: EngineSettings(rules: [
                AlertRule(name: "auto", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
            ]),
            runFor: .days(1), seed: 1)
        let result = try Simulator(scenario: scenario).run()
        blackHole(result.eventsProcessed)
    }
}
