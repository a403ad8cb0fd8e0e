import Foundation

/// Server-rendered SVG charts (no scripts, no CDN): horizontal bars, a trend line, and a dot map of China.
public enum SVGChart {
    public struct Item: Sendable, Equatable {
        public var label: String
        public var value: Int
        public init(_ label: String, _ value: Int) {
            self.label = label
            self.value = value
        }
    }

    /// One decimal, for coordinates.
    static func n(_ d: Double) -> String { String(Double(Int((d * 10).rounded())) / 10) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Horizontal bars, one per item, the value at the end of each bar.
    public static func bars(_ items: [Item], title: String, width: Int = 560, color: String = "#b71c1c") -> String {
        let row = 24, left = 132, top = 8
        let height = top * 2 + max(1, items.count) * row
        let maxValue = max(1, items.map(\.value).max() ?? 1)
        let span = Double(width - left - 60)
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" style=\"max-width:\(width)px\" font-size=\"12\" font-family=\"sans-serif\">"
        for (i, item) in items.enumerated() {
            let y = top + i * row
            let w = Int((Double(item.value) / Double(maxValue) * span).rounded())
            out +=
                "<text x=\"\(left - 6)\" y=\"\(y + 16)\" text-anchor=\"end\" fill=\"#333\">\(escape(item.label))</text>"
            out +=
                "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(max(w, item.value > 0 ? 1 : 0))\" height=\"16\" fill=\"\(color)\" rx=\"2\"/>"
            out += "<text x=\"\(left + w + 4)\" y=\"\(y + 16)\" fill=\"#333\">\(item.value)</text>"
        }
        return out + "</svg>"
    }

    /// A line over quarters (or any ordered labels).
    public static func trend(_ items: [Item], title: String, width: Int = 560, height: Int = 180) -> String {
        let left = 40, right = 40, top = 16, bottom = 28
        let maxValue = max(1, items.map(\.value).max() ?? 1)
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        func x(_ i: Int) -> Double {
            items.count <= 1 ? Double(left) + plotW / 2 : Double(left) + plotW * Double(i) / Double(items.count - 1)
        }
        func y(_ v: Int) -> Double { Double(top) + plotH * (1 - Double(v) / Double(maxValue)) }
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" style=\"max-width:\(width)px\" font-size=\"11\" font-family=\"sans-serif\">"
        out +=
            "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"#999\"/>"
        let points = items.enumerated().map { String(format: "%.1f,%.1f", x($0.offset), y($0.element.value)) }.joined(
            separator: " ")
        if items.count > 1 {
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#b71c1c\" stroke-width=\"2\"/>"
        }
        for (i, item) in items.enumerated() {
            out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#b71c1c\"/>", x(i), y(item.value))
            out += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#333\">%d</text>", x(i),
                y(item.value) - 7, item.value)
            out +=
                "<text x=\"\(n(x(i)))\" y=\"\(height - 10)\" text-anchor=\"middle\" fill=\"#666\">\(escape(item.label))</text>"
        }
        return out + "</svg>"
    }

    /// Dots at the seats of government of the destinations, sized by count, over China's extent (73–135°E, 18–54°N).
    public static func dotMap(
        _ points: [(label: String, longitude: Double, latitude: Double, value: Int)], title: String,
        width: Int = 560, height: Int = 420
    ) -> String {
        let minLon = 73.0, maxLon = 135.0, minLat = 18.0, maxLat = 54.0
        func px(_ lon: Double) -> Double { (lon - minLon) / (maxLon - minLon) * Double(width - 20) + 10 }
        func py(_ lat: Double) -> Double { (maxLat - lat) / (maxLat - minLat) * Double(height - 20) + 10 }
        let maxValue = Double(max(1, points.map(\.value).max() ?? 1))
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" style=\"max-width:\(width)px;background:#f4f7fb\" font-size=\"10\" font-family=\"sans-serif\">"
        // Graticule every 10 degrees, so the dots can be read against longitude and latitude.
        for lon in stride(from: 80.0, through: 130.0, by: 10) {
            out += String(
                format: "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dde3ea\"/>", px(lon), px(lon),
                height)
        }
        for lat in stride(from: 20.0, through: 50.0, by: 10) {
            out += String(
                format: "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dde3ea\"/>", py(lat), width, py(lat)
            )
        }
        for p in points.sorted(by: { $0.value > $1.value }) where p.value > 0 {
            let r = 2.5 + 14 * (Double(p.value) / maxValue).squareRoot()
            out +=
                "<circle cx=\"\(n(px(p.longitude)))\" cy=\"\(n(py(p.latitude)))\" r=\"\(n(r))\" fill=\"#b71c1c\" fill-opacity=\"0.55\" stroke=\"#fff\" stroke-width=\"0.5\"><title>\(escape(p.label)) \(p.value)</title></circle>"
        }
        for p in points.sorted(by: { $0.value > $1.value }).prefix(3) where p.value > 0 {
            out +=
                "<text x=\"\(n(px(p.longitude) + 6))\" y=\"\(n(py(p.latitude) - 6))\" fill=\"#222\">\(escape(p.label))</text>"
        }
        return out + "</svg>"
    }
}
