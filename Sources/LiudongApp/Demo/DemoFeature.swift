import Vapor

/// `liudong demo` and `liudong generate`.
struct DemoFeature: Feature {
    let name = "demo"

    var commands: [(name: String, command: any AsyncCommand)] {
        [("demo", DemoCommand()), ("generate", GenerateCommand())]
    }
}
