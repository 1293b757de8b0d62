import CloudModel
import Loading
import Simulation

// The types a program that runs suites names, under one import: `import RemsimKit`.

public typealias Scenario = Simulation.Scenario
public typealias ScenarioResult = Simulation.ScenarioResult
public typealias AssertionResult = Simulation.AssertionResult
public typealias MetricKind = Simulation.MetricKind
public typealias MetricSummary = Simulation.MetricSummary
public typealias Shard = Simulation.Shard
public typealias LoadError = Loading.LoadError
public typealias LoadErrors = Loading.LoadErrors
public typealias PathConfinement = Loading.PathConfinement
public typealias FixtureCache = Loading.FixtureCache
public typealias Inventory = CloudModel.Inventory
public typealias Resource = CloudModel.Resource
public typealias Value = CloudModel.Value
public typealias SimDuration = CloudModel.SimDuration
public typealias Timestamp = CloudModel.Timestamp
