import Foundation

/// The columns of a pairing list (结对名单).
public enum PairingColumn: String, SheetColumn {
    case idNumber, memberName, side, cadreName, cadrePost, cadrePhone, cadreOrg, account

    public var aliases: [String] {
        switch self {
        case .idNumber: return ["公民身份号码", "身份证号", "身份证号码", "党员身份证号"]
        case .memberName: return ["姓名", "党员姓名", "流动党员"]
        case .side: return ["结对方", "结对类型", "一方", "所属方", "流出地/流入地"]
        case .cadreName: return ["结对人", "结对人姓名", "结对干部", "联系人"]
        case .cadrePost: return ["职务", "结对人职务"]
        case .cadrePhone: return ["电话", "联系电话", "结对人电话", "手机号码", "结对人手机"]
        case .cadreOrg: return ["结对人所在党组织代码", "党组织代码", "组织代码", "结对人党组织代码"]
        case .account: return ["账号", "结对人账号", "系统账号"]
        }
    }
    public static let required: [PairingColumn] = [.idNumber, .cadreName, .cadrePhone]
    public static let noHeaderMessage = "前30行中没有找到表头：至少应有“公民身份号码”“结对人”“联系电话”三列"
}

/// A pairing list (结对名单) from .xlsx or CSV, read tolerantly (`HeaderedSheet`).
public typealias PairingSheet = HeaderedSheet<PairingColumn>

extension HeaderedSheet where Column == PairingColumn {
    /// `流出地`/`outflow` → "outflow", `流入地`/`inflow` → "inflow"; empty means the outflow side.
    public static func side(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return "outflow" }
        let t = Normalize.key(raw).lowercased()
        if ["流出地", "流出", "outflow", "流出方", "家乡"].contains(t) { return "outflow" }
        if ["流入地", "流入", "inflow", "流入方"].contains(t) { return "inflow" }
        return nil
    }
}
