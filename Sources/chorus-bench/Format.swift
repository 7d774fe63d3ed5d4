import Glibc

/// Number formatting for the progress line, the tables and the JSON.
enum Format {
    /// `value` with `decimals` digits after the point.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "-" }
        var unit: Int64 = 1
        for _ in 0..<decimals { unit *= 10 }
        let scaled = Int64((abs(value) * Double(unit)).rounded())
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let fraction = String(scaled % unit)
        let padding = String(repeating: "0", count: decimals - fraction.count)
        return sign + String(scaled / unit) + "." + padding + fraction
    }

    /// Rounds for JSON so the `RESULT` line is not full of binary-fraction noise.
    static func round(_ value: Double, _ decimals: Int) -> Double {
        guard value.isFinite else { return 0 }
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }

    /// 1234 → `1234`, 1234567 → `1.23M`.
    static func count(_ value: Int) -> String {
        if value >= 10_000_000 { return fixed(Double(value) / 1e6, 1) + "M" }
        if value >= 1_000_000 { return fixed(Double(value) / 1e6, 2) + "M" }
        if value >= 100_000 { return fixed(Double(value) / 1e3, 0) + "k" }
        return String(value)
    }

    /// Left-pads or truncates to `width` for table columns.
    static func column(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
