/// Inflow organizations without an account (issue 27 item 11): most street committees will never sign in, so the
/// county or committee whose members report there may upload that organization's quarterly list on its behalf
/// (代为上传) and record its sign-off on the strength of a stamped receipt (盖章回执, scan attached); the
/// reconciliation treats both as that side's.
public enum ProxyRules {
    /// The stamped receipt's largest size.
    public static let maxReceiptBytes = 10 << 20

    /// Why the account may not act for the inflow organization, or nil when it may.
    public static func refusal(hasAccount: Bool, related: Bool) -> String? {
        if hasAccount { return "该流入地党组织有系统账号，应由其自行上传名单和签认" }
        if !related { return "本辖区没有向该党组织报到的流动党员，不能代为办理" }
        return nil
    }

    /// A receipt scan: a PDF, JPEG or PNG judged by its bytes, at most 10 MB.
    public static func receipt(kind: ScanKind?, bytes: Int) -> Result<ScanKind, RuleError> {
        guard bytes > 0 else { return .failure(.field("receipt", "请上传流入地党组织盖章的确认回执扫描件")) }
        guard bytes <= maxReceiptBytes else { return .failure(.field("receipt", "回执扫描件超过10MB，请压缩后再上传")) }
        guard let kind else { return .failure(.field("receipt", "回执应为 PDF、JPG 或 PNG 扫描件")) }
        return .success(kind)
    }

    /// How the inflow side's signature reads when the county recorded it from the receipt.
    public static func signer(_ username: String) -> String { "\(username)（凭盖章回执代签）" }
}
