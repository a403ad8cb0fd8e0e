import Foundation

/// The kinds of organizational life (组织生活) the party's rules name.
public enum OrgLifeKind: String, Codable, Sendable, CaseIterable, Labelled {
    case memberMeeting, committeeMeeting, groupMeeting, partyClass, themeDay, lifeMeeting, appraisal, talk

    public var label: String {
        switch self {
        case .memberMeeting: return "支部党员大会"
        case .committeeMeeting: return "支委会"
        case .groupMeeting: return "党小组会"
        case .partyClass: return "党课"
        case .themeDay: return "主题党日"
        case .lifeMeeting: return "组织生活会"
        case .appraisal: return "民主评议党员"
        case .talk: return "座谈授课"
        }
    }
    /// Meetings that vote (支部党员大会, 民主评议党员): only full members count toward the quorum.
    public var isVoting: Bool { self == .memberMeeting || self == .appraisal }
}

/// How often a requirement counts: per month, quarter or year.
public enum OrgLifePeriod: String, Codable, Sendable, CaseIterable {
    case month, quarter, year

    public var label: String {
        switch self {
        case .month: return "每月"
        case .quarter: return "每季度"
        case .year: return "每年"
        }
    }
}

public enum AttendanceStatus: String, Codable, Sendable, CaseIterable {
    case present, excused, absent

    public var label: String {
        switch self {
        case .present: return "出席"
        case .excused: return "请假"
        case .absent: return "缺席"
        }
    }
}

/// How an attendance was recorded: by the organization, by the member entering the event's code, or by the
/// organization scanning the member's activity certificate.
public enum AttendanceVia: String, Codable, Sendable {
    case staff, code, certificate

    public var label: String {
        switch self {
        case .staff: return "组织登记"
        case .code: return "本人签到码"
        case .certificate: return "扫活动证"
        }
    }
}

/// Beijing-time `yyyy-MM-ddTHH:mm` strings.
public enum OrgLifeTime {
    private static func formatter(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = CalendarDate.shanghai
        f.dateFormat = format
        return f
    }

    /// Accepts `2026-12-01T19:30`, with seconds, with a space instead of `T`, or a full ISO 8601 time with its zone.
    public static func parse(_ raw: String?) -> Date? {
        guard let s = Normalize.text(raw), s.count <= 40 else { return nil }
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"] {
            if let d = formatter(format).date(from: s) { return d }
        }
        let iso = ISO8601DateFormatter()
        if let d = iso.date(from: s) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: s)
    }

    public static func text(_ date: Date) -> String { formatter("yyyy-MM-dd'T'HH:mm").string(from: date) }

    /// `2026年12月1日 19:30` for pages.
    public static func chinese(_ stored: String) -> String {
        guard let d = parse(stored) else { return stored }
        let day = CalendarDate(date: d)
        return "\(day.chinese) \(formatter("HH:mm").string(from: d))"
    }
}
