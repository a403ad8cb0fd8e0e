import Fluent
import SQLKit
import Vapor

/// What was done; stored by raw value, shown by label.
enum AuditAction: String, Codable, CaseIterable, Sendable {
    case signIn, signInFailed, signOut, create, update, delete, reveal, export, `import`, lookup
    var label: String {
        switch self {
        case .signIn: return "登录"
        case .signInFailed: return "登录失败"
        case .signOut: return "退出"
        case .create: return "新增"
        case .update: return "修改"
        case .delete: return "删除"
        case .reveal: return "查看完整信息"
        case .export: return "导出"
        case .import: return "导入"
        case .lookup: return "按号码查找"
        }
    }
}

/// One line of the append-only audit log. The database refuses updates and deletes (see the migration).
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @OptionalField(key: "account_id") var accountID: UUID?
    @Field(key: "username") var username: String
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @OptionalField(key: "object_ref") var objectRef: String?
    @Field(key: "summary") var summary: String
    @Field(key: "client_address") var clientAddress: String
    /// The path of the actor's scope organization, so a county sees only its own entries.
    @OptionalField(key: "scope_path") var scopePath: String?

    init() {}
}
