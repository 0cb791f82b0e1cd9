/// Numbers as people and RGK files write them, read one way everywhere.
public enum Numbers {
    /// `65,5`, `65.5`, `-3 319,52`, `1 200`: finite by construction (at most 13 whole digits and
    /// 9 decimals), no exponent, no hex, no `inf`; nil for anything else.
    public static func decimal(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        return RowView.decimal(ArraySlice(trimmed.utf8))
    }

    /// `0`, `1000000`, `0.5`: a bound as a message shows it.
    public static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
