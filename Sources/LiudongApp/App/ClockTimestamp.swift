import FluentKit
import Foundation
import LiudongCore

/// Fluent stamps `created_at`/`updated_at` with the system time when it writes a row; this format moves that stamp
/// onto the app's clock (`AppClock`), so rows written under `LIUDONG_TODAY` carry the same day as everything else.
/// Only for fields Fluent touches itself: a value the code assigns is already on the app's clock and would be moved
/// twice, so no code assigns these fields (they are `@Timestamp(…, format: .clock)` and nothing else).
struct ClockTimestampFormat: TimestampFormat {
    typealias Value = Date

    func parse(_ value: Date) -> Date? { value }

    func serialize(_ date: Date) -> Date? { date.addingTimeInterval(AppClock.offset) }
}

extension TimestampFormatFactory {
    /// Fluent's own stamp, on the app's clock.
    static var clock: TimestampFormatFactory<ClockTimestampFormat> { .init { ClockTimestampFormat() } }
}
