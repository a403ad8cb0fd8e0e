import Vapor

/// A command that already told the operator what went wrong; exits non-zero.
struct CommandFailed: Error, CustomStringConvertible {
    var description: String { "命令未完成" }
}
