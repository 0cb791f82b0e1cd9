/// The one rule of what a month of settlements leaves the customer (issue 41): `account show`
/// and the bill both read it.
public enum SettlementBalance {
    /// A closed month: the RGK's closing balance, which includes the benefits and the
    /// recalculations. The open month (no closing balance yet): the manual's formula, 001
    /// §4.3.1.2, opening − charged + paid (−3319,52 − 2580,43 + 0 = −5899,95). Negative: a debt.
    public static func due(opening: Int64, charged: Int64, paid: Int64, closing: Int64?) -> Int64 {
        closing ?? opening - charged + paid
    }

    /// What is to be paid: the debt, never a negative figure.
    public static func toPay(_ due: Int64) -> Int64 { max(0, -due) }

    /// What was paid beyond what was owed: the credit, never a negative figure.
    public static func overpaid(_ due: Int64) -> Int64 { max(0, due) }
}
