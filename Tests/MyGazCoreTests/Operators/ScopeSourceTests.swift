import Foundation
import Testing

/// Every room's list of items that carry an RGK goes through the one scope rule (issue 37): its
/// function renders `ScopeCondition`, and every handler or review walk that calls it hands it the
/// operator's RGKs (`rgkScope()`). A new list, or a call that forgets the scope, fails here.
@Suite struct ScopeSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// (file under Sources/MyGazCore, the list's signature, the call the CLI writes).
    static let lists: [(file: String, signature: String, call: String)] = [
        ("Readings/Readings.swift", "static func list(_ db: any Storage, _ filter: ReadingFilter, firstPage: Int", "Readings.list("),
        // the whole list streamed (`--limit 0`) is the same function, from a cursor
        ("Readings/Readings.swift", "static func list(_ db: any Storage, _ filter: ReadingFilter, firstPage: Int", "Readings.each("),
        ("Applications/Applications.swift", "public static func list(_ db: any Storage, _ filter: ApplicationFilter)", "Applications.list("),
        ("Tickets/Tickets.swift", "public static func list(_ db: any Storage, _ filter: TicketFilter)", "Tickets.list("),
        ("Accounts/Accounts.swift", "public static func list(_ db: any Storage, _ filter: AccountFilter)", "Accounts.list("),
        ("Users/Users.swift", "private static func conditions(_ db: any Storage, _ filter: UserFilter", "Users.list("),
        ("Payments/Payments.swift", "public static func list(_ db: any Storage, _ f: PaymentFilter)", "Payments.list("),
        ("Pins/Pins.swift", "public static func requests(", "Pins.requests("),
        ("Pins/Pins.swift", "public static func list(", "Pins.list("),
        ("Contracts/Contracts.swift", "public static func list(", "Contracts.list("),
        ("Outbox/Delivery.swift", "public static func list(_ db: any Storage, status:", "OutboxStore.list("),
        ("Outbox/Delivery.swift", "public static func list(_ db: any Storage, to recipient:", "OutboxStore.list("),
        ("Import/ImportHistory.swift", "public static func list(", "ImportHistory.list("),
        ("Accounts/HolderPhone.swift", "public static func conflicts(", "HolderPhone.conflicts("),
        ("Status/Dashboard.swift", "public static func load(", "Dashboard.load("),
        ("Audit/AuditLog.swift", "public static func list(_ db: any Storage, _ filter: AuditFilter)", "AuditLog.list("),
    ]

    /// Calls that are no operator's view, and why.
    static let exempt: [String: String] = [
        "Demo.swift": "the summary of the demo region it has just made, in a database of its own where no scope exists yet",
    ]

    /// The text of a function: from `signature` to the next function at its indentation.
    static func body(_ text: String, from signature: String) -> String? {
        guard let start = text.range(of: signature) else { return nil }
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n    public static func ") ?? rest.range(of: "\n    static func ") ?? rest.range(of: "\n    private static func ")
        return String(rest[..<(end?.lowerBound ?? rest.endIndex)])
    }

    @Test func everyListRendersTheScopeRule() throws {
        for list in Self.lists {
            let text = try String(contentsOf: Self.root.appendingPathComponent("Sources/MyGazCore/" + list.file), encoding: .utf8)
            let body = Self.body(text, from: list.signature)
            #expect(body != nil, "\(list.file): \(list.signature) is gone; say where the list is now")
            #expect(body?.contains("ScopeCondition.") == true, "\(list.file): \(list.signature) does not go through the scope rule")
        }
    }

    @Test func everyCallHandsItTheOperatorsRGKs() throws {
        let cli = Self.root.appendingPathComponent("Sources/MyGazCLI")
        let files = FileManager.default.enumerator(at: cli, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        var calls = 0
        for file in files where Self.exempt[file.lastPathComponent] == nil {
            let text = try String(contentsOf: file, encoding: .utf8)
            for call in Set(Self.lists.map(\.call)) {
                var from = text.startIndex
                while let found = text.range(of: call, range: from..<text.endIndex) {
                    from = found.upperBound
                    calls += 1
                    // the function the call is in: from the last `func ` before it to the end of the call's statement
                    let head = text[..<found.lowerBound].range(of: "func ", options: .backwards)?.lowerBound ?? text.startIndex
                    let tail = text[found.upperBound...].range(of: "\n\n")?.lowerBound ?? text.endIndex
                    #expect(text[head..<tail].contains("rgkScope()"),
                            "\(file.lastPathComponent): \(call) without the operator's RGKs (rgkScope())")
                }
            }
        }
        #expect(calls >= Self.lists.count, "the calls were not found: \(calls)")
    }
}
