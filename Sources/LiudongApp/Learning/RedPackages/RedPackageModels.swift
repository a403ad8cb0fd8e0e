import Fluent
import Foundation
import LiudongCore

/// A red-package campaign (红色包裹): what an organization mails to its mobile members — a name, the standard contents
/// and the budget.
final class RedPackageCampaign: Model, @unchecked Sendable {
    static let schema = "red_package_campaigns"

    @ID(key: .id) var id: UUID?
    /// The organization that runs it (its branches' members are the recipients).
    @Field(key: "org_id") var orgID: Int
    @Field(key: "name") var name: String
    @Field(key: "contents") var contents: String
    @Field(key: "budget_fen") var budgetFen: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    var items: [String] { contents.split(separator: "\n").map(String.init) }
}

/// 红色包裹: one package to one member — by itself or in a campaign (with its number there and the address), with
/// courier and tracking number once mailed (empty before), until the member answers 收到 or 未收到.
final class RedPackage: Model, @unchecked Sendable {
    static let schema = "red_packages"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "branch_id") var branchID: Int
    @Field(key: "contents") var contents: String
    /// The day it was mailed; empty while a campaign's package waits to be mailed.
    @Field(key: "sent_on") var sentOn: String
    @Field(key: "courier") var courier: String
    /// Empty while a campaign's package waits to be mailed.
    @Field(key: "tracking_no") var trackingNo: String
    /// The day the member said 收到.
    @OptionalField(key: "confirmed_on") var confirmedOn: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @OptionalField(key: "campaign_id") var campaignID: UUID?
    /// Its number in the campaign (the tracking list's 包裹编号).
    @OptionalField(key: "seq") var seq: Int?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "answer") var answer: PackageAnswer?
    @OptionalField(key: "reason") var reason: NotReceivedReason?
    @OptionalField(key: "reason_note") var reasonNote: String?
    @OptionalField(key: "reflection") var reflection: String?
    @OptionalField(key: "answered_on") var answeredOn: String?

    init() {}

    var items: [String] { contents.split(separator: "\n").map(String.init) }
    var mailed: Bool { !trackingNo.isEmpty }

    func state(today: CalendarDate) -> PackageState {
        RedPackageRules.state(
            trackingNo: trackingNo, sentOn: sentOn, answer: answer, confirmedOn: confirmedOn, today: today)
    }
}
