import Foundation

/// The arithmetic of a fixed throttle window, apart from where its count is kept.
public enum ThrottleWindow {
    /// Whole seconds until a window ending at `ends` is over: at least 1, at most the window's length (a clock that
    /// moved, or a row written by a node with another clock, never asks for a wait longer than the window itself).
    public static func wait(until ends: Date, now: Date, window: TimeInterval) -> Int {
        let cap = max(1, min(window, 86_400 * 366))
        let seconds = ends.timeIntervalSince(now)
        guard seconds.isFinite else { return Int(cap.rounded(.up)) }
        return Int(max(1, min(cap, seconds)).rounded(.up))
    }
}
