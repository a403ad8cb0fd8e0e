import Foundation

/// Where an uploaded import stands. `checking` and `applying` are work a node does; the others wait for a person
/// (`checked`) or are over.
public enum ImportJobPhase: String, Sendable, Codable, CaseIterable {
    case checking, checked, applying, applied, failed

    /// A node has work to do for the job.
    public var isRunning: Bool { self == .checking || self == .applying }
}

/// Who runs an import job, and what happens when its node stops.
public enum ImportJobRules {
    /// A node that has not renewed its hold on a job for this long is taken to have stopped.
    public static let staleAfter: TimeInterval = 60
    /// How often a running node renews its hold (and writes its progress).
    public static let heartbeat: TimeInterval = 5
    /// Runs of one job: the first, and takeovers after a node stopped; beyond this the job fails.
    public static let maxAttempts = 3

    public enum Takeover: Equatable, Sendable {
        /// Run it (again) from the start: a dry run writes nothing, an apply that did not finish was rolled back.
        case run
        /// Give up, with the sentence the uploader reads.
        case fail(String)
    }

    /// Whether a job in `phase` whose holder's last heartbeat was at `heartbeat` may be claimed at `now`.
    public static func claimable(phase: ImportJobPhase, owner: String?, heartbeat: Date?, now: Date) -> Bool {
        guard phase.isRunning else { return false }
        guard owner != nil, let heartbeat else { return true }
        return now.timeIntervalSince(heartbeat) >= staleAfter
    }

    /// What a node that claims a job does, given the runs before this one.
    public static func takeover(phase: ImportJobPhase, attempts: Int) -> Takeover {
        guard attempts >= maxAttempts else { return .run }
        let what = phase == .applying ? "应用" : "检查"
        return .fail("处理这份文件的服务节点\(attempts)次中断，\(what)未完成，文件未导入，名单没有任何改变。请重新上传；如仍不成功，请联系管理员")
    }
}
