import Foundation

/// One administrative division (GB/T 2260): province, city or county.
public struct Division: Hashable, Sendable, Codable {
    /// The 6-digit code (2 province, 2 city, 2 county).
    public let code: String
    public let name: String
    public let longitude: Double
    public let latitude: Double

    public var level: Level {
        if code.hasSuffix("0000") { return .province }
        if code.hasSuffix("00") { return .city }
        return .county
    }
    public var provinceCode: String { String(code.prefix(2)) + "0000" }
    public var cityCode: String { String(code.prefix(4)) + "00" }

    public enum Level: String, Sendable, Codable { case province, city, county }
}

/// China's divisions down to county level, loaded once from the shipped CSV (see NOTICE).
public final class Divisions: @unchecked Sendable {
    public static let shared: Divisions = {
        guard let url = Bundle.module.url(forResource: "divisions", withExtension: "csv", subdirectory: "Resources"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            fatalError("divisions.csv is missing from the LiudongCore bundle")
        }
        return Divisions(csv: text)
    }()

    public let all: [Division]
    private let byCode: [String: Division]
    private var slashedNames: [String: String] = [:]

    public init(csv: String) {
        var list: [Division] = []
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 4, f[0].count >= 6 else { continue }
            list.append(
                Division(
                    code: String(f[0].prefix(6)), name: String(f[1]),
                    longitude: Double(f[2]) ?? 0, latitude: Double(f[3]) ?? 0))
        }
        all = list.sorted { $0.code < $1.code }
        var map: [String: Division] = [:]
        for d in all where map[d.code] == nil { map[d.code] = d }
        byCode = map
        for d in all { slashedNames[d.code] = chain(d.code).map(\.name).joined(separator: "/") }
    }

    /// "内蒙古自治区/赤峰市/巴林左旗" as ledgers print a destination (precomputed: exports ask once per row); "" when unknown.
    public func slashedName(_ code: String) -> String { slashedNames[code] ?? "" }

    public subscript(code: String) -> Division? { byCode[code] }

    public func contains(_ code: String) -> Bool { byCode[code] != nil }

    /// The province, city and county a code names, outermost first (municipalities have no separate city row).
    public func chain(_ code: String) -> [Division] {
        guard let d = byCode[code] else { return [] }
        var out: [Division] = []
        if d.level != .province, let p = byCode[d.provinceCode] { out.append(p) }
        if d.level == .county, let c = byCode[d.cityCode] { out.append(c) }
        out.append(d)
        return out
    }

    /// "内蒙古自治区赤峰市巴林左旗"; a municipality's repeated name is written once ("北京市朝阳区").
    public func fullName(_ code: String) -> String {
        var names: [String] = []
        for d in chain(code) where names.last != d.name { names.append(d.name) }
        return names.joined()
    }

    public func children(of code: String) -> [Division] {
        guard let d = byCode[code] else { return all.filter { $0.level == .province } }
        switch d.level {
        case .province:
            let cities = all.filter { $0.level == .city && $0.provinceCode == code }
            // Municipalities have a city row of the same name (110100 北京市); without one, list districts directly.
            return cities.isEmpty ? all.filter { $0.level == .county && $0.provinceCode == code } : cities
        case .city: return all.filter { $0.level == .county && $0.cityCode == code }
        case .county: return []
        }
    }
}

/// The 56 ethnic groups (民族), 汉族 first.
public enum EthnicGroups {
    public static let all: [String] = {
        guard
            let url = Bundle.module.url(forResource: "ethnic-groups", withExtension: "csv", subdirectory: "Resources"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            fatalError("ethnic-groups.csv is missing from the LiudongCore bundle")
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }()

    public static func isValid(_ name: String) -> Bool { all.contains(name) }
}
