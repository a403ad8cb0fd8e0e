import Fluent
import Foundation
import LiudongCore
import Vapor

/// Sessions end on the server after `UserAuthenticator.sessionHours`; `liudong sweep` deletes the records of ended
/// ones (signed-in or not), so page views by strangers leave nothing behind for long.
enum SessionPurge {
    /// Deletes session records begun more than `hours` ago, or with no start time; returns how many.
    static func run(olderThan hours: Double = UserAuthenticator.sessionHours, now: Date = AppClock.now, on db: Database)
        async throws -> Int
    {
        let cutoff = now.timeIntervalSince1970 - hours * 3600
        var last: UUID?
        var deleted = 0
        while true {
            var query = SessionRecord.query(on: db).sort(\.$id).limit(1000)
            if let last { query = query.filter(\.$id > last) }
            let batch = try await query.all()
            guard let tail = batch.last?.id else { break }
            last = tail
            let ended = batch.filter { record in
                guard let since = record.data["since"].flatMap(Double.init) else { return true }
                return since < cutoff
            }.compactMap(\.id)
            if !ended.isEmpty {
                try await SessionRecord.query(on: db).filter(\.$id ~~ ended).delete()
                deleted += ended.count
            }
        }
        return deleted
    }
}
