import Vapor

enum Commands {
    static func register(on app: Application) {
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(AdminCommand(), as: "admin")
        app.asyncCommands.use(SweepCommand(), as: "sweep")
        app.asyncCommands.use(ExportCommand(), as: "export")
        app.asyncCommands.use(LedgerCommand(), as: "ledger")
        app.asyncCommands.use(GenerateCommand(), as: "generate")
        app.asyncCommands.use(ImportCommand(), as: "import")
        app.asyncCommands.use(ReconcileCommand(), as: "reconcile")
    }
}

/// A command that already told the operator what went wrong; exits non-zero.
struct CommandFailed: Error, CustomStringConvertible {
    var description: String { "命令未完成" }
}
