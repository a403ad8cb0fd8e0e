import Fluent
import LiudongCore
import Vapor

/// Reconciliation's three-way matching: the roster, the national export and the inflow lists loaded for a scope,
/// classified by `ThreeWayMatch` in the core, and the differences stored as queue items; `liudong reconcile`. The
/// page that runs it is the reconciliation page's (`POST /reconcile/:code/run`).
struct MatchingFeature: Feature {
    let name = "matching"

    var commands: [(name: String, command: any AsyncCommand)] { [("reconcile", ReconcileCommand())] }
}
