import Foundation
import MyGazCore

/// The audit rows shown at the bottom of `show` commands.
enum AuditView {
    static func table(_ entries: [AuditEntry]) -> Table {
        var t = Table([
            Column("at", L("AT", "ВРЕМЯ")), Column("operator", L("OPERATOR", "ОПЕРАТОР")), Column("action", L("ACTION", "ДЕЙСТВИЕ")),
            Column("old_value", L("OLD", "БЫЛО"), .machineOnly), Column("new_value", L("NEW", "СТАЛО"), .machineOnly),
            Column("change", L("CHANGE", "ИЗМЕНЕНИЕ"), .humanOnly), Column("reason", L("REASON", "ПРИЧИНА")),
        ])
        for e in entries {
            let change = e.oldValue == nil && e.newValue == nil ? "" : "\(e.oldValue ?? "—") → \(e.newValue ?? "—")"
            t.append([Cell(.text(e.at), display: Timestamp.display(e.at)), Cell(.text(e.operatorLogin)), Cell(.text(e.action)),
                      Cell(.of(e.oldValue)), Cell(.of(e.newValue)), Cell(.text(change)), Cell(.of(e.reason))])
        }
        return t
    }
}
