import Fluent
import Foundation
import LiudongCore

/// A county's year-end publication (评比晾晒): the ranking frozen in `point_snapshot`, shown in the chosen form.
final class PointPublication: Model, @unchecked Sendable {
    static let schema = "point_publications"

    @ID(key: .id) var id: UUID?
    @Field(key: "county_id") var countyID: Int
    @Field(key: "year") var year: Int
    @Enum(key: "public_form") var publicForm: PublicForm
    /// The band lines used (`PointBands` as JSON).
    @Field(key: "bands") var bandsJSON: String
    @Field(key: "members") var members: Int
    @Field(key: "published_by") var publishedBy: String
    /// The last day of the notice period (公示期); nil for a publication made before it existed (final).
    @OptionalField(key: "notice_until") var noticeUntil: String?
    @Timestamp(key: "published_at", on: .create, format: .clock) var publishedAt: Date?

    init() {}

    var bands: PointBands {
        (try? JSONDecoder().decode(PointBands.self, from: Data(bandsJSON.utf8))) ?? PointBands()
    }
}
