/// The tables the demo fills per account, in the order their rows are written: parents before
/// children (PostgreSQL checks every foreign key as it goes), each with the columns the demo gives.
enum DemoTable: Int, CaseIterable {
    case account, portalUser, confirmationCode, userAccount, meter, reading, service, settlement, payment, contract, act, actItem
    case accountBenefit, accountConsumption, accountEquipment, userCard
    /// The portal's pending readings, written after every account's history, with their RGK (on a
    /// server, in the bulk load: the triggers that would set it and count them are off there)
    case pendingReading

    var name: String {
        switch self {
        case .account: return "account"
        case .portalUser: return "portal_user"
        case .confirmationCode: return "confirmation_code"
        case .userAccount: return "user_account"
        case .meter: return "meter"
        case .reading: return "reading"
        case .service: return "service"
        case .settlement: return "settlement"
        case .payment: return "payment"
        case .contract: return "contract"
        case .act: return "act"
        case .actItem: return "act_item"
        case .accountBenefit: return "account_benefit"
        case .accountConsumption: return "account_consumption"
        case .accountEquipment: return "account_equipment"
        case .userCard: return "user_card"
        case .pendingReading: return "reading"
        }
    }

    /// The tables a bulk load takes, each once.
    static var bulkTables: [String] {
        allCases.map(\.name).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Whether the demo names each row's id (it refers to the row before the row is written).
    var hasExplicitID: Bool { columns.first == "id" }

    var columns: [String] {
        switch self {
        case .account:
            return ["id", "rgk_id", "number", "surname", "name", "patronymic", "address", "phone", "residents", "heated_area",
                    "status", "updated_at"]
        case .portalUser:
            return ["id", "login", "login_kind", "password_hash", "full_name", "email", "phone", "status", "blocked_reason",
                    "consent_at", "consent_channel", "notify_debts", "notify_status", "notify_news", "email_bills",
                    "registered_at", "confirm_until", "confirmed_at", "deleted_at", "updated_at", "username", "username_key"]
        case .confirmationCode:
            return ["user_id", "purpose", "channel", "destination", "code_hash", "created_at", "expires_at"]
        case .userAccount:
            return ["user_id", "account_id", "access_level", "alias", "failed_answers", "locked_at", "extended_at", "extended_via",
                    "linked_at"]
        case .meter:
            return ["id", "account_id", "serial", "model", "digits", "place", "next_verification", "state", "max_monthly_m3"]
        case .reading:
            return ["meter_id", "value", "reading_date", "source", "status", "submitted_at", "user_id"]
        case .pendingReading:
            return ["meter_id", "value", "reading_date", "source", "status", "submitted_at", "user_id", "rgk_id"]
        case .service:
            return ["id", "account_id", "kind", "balance_kop", "updated_at"]
        case .settlement:
            return ["service_id", "period", "opening_kop", "charged_kop", "paid_kop", "benefit_kop", "recalc_kop", "closing_kop"]
        case .payment:
            return ["rgk_id", "external_id", "account_id", "service", "paid_on", "amount_kop", "channel", "state"]
        case .contract:
            return ["id", "rgk_id", "number", "account_id", "kind", "signed_on", "valid_until", "state"]
        case .act:
            return ["id", "contract_id", "number", "act_date"]
        case .actItem:
            return ["act_id", "work", "cost_kop"]
        case .accountBenefit:
            return ["account_id", "benefit", "percent", "basis", "valid_from", "valid_until", "updated_at"]
        case .accountConsumption:
            return ["account_id", "mode", "norm_m3", "unit", "valid_from", "updated_at"]
        case .accountEquipment:
            return ["account_id", "kind", "serial", "model", "installed_on", "updated_at"]
        case .userCard:
            return ["user_id", "first6", "last4", "expiry", "bank", "token", "linked_at"]
        }
    }
}

/// The demo's bulk rows, gathered per table and written in one go per table: on SQLite one
/// prepared INSERT per row (its statement cache makes that its fastest way), on PostgreSQL one
/// `COPY … FROM STDIN` per table (a round trip per row would take minutes). Ids the demo names
/// come from counters that start past the table's largest id, so both engines give every row
/// the same id; PostgreSQL's identity sequences are moved past them after each write.
struct DemoRows {
    private var rows: [[[SQLBindable?]]] = Array(repeating: [], count: DemoTable.allCases.count)
    private var lastID: [Int64] = Array(repeating: 0, count: DemoTable.allCases.count)

    /// Counters past what `db` holds already.
    init(_ db: any Storage) throws {
        for table in DemoTable.allCases where table.hasExplicitID {
            lastID[table.rawValue] = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) AS id FROM \(table.name)") ?? 0)
        }
    }

    /// The id of the next row of `table` (written later with `add`).
    mutating func nextID(_ table: DemoTable) -> Int64 {
        lastID[table.rawValue] += 1
        return lastID[table.rawValue]
    }

    /// One row, its values in the order of `table.columns`.
    mutating func add(_ table: DemoTable, _ values: SQLBindable?...) {
        precondition(values.count == table.columns.count, "\(table.name): \(values.count) values for \(table.columns.count) columns")
        rows[table.rawValue].append(values)
    }

    var isEmpty: Bool { rows.allSatisfy(\.isEmpty) }

    /// The rows gathered so far, to be written elsewhere (with the ids counted up to now); these
    /// go on from there, empty.
    mutating func take() -> DemoRows {
        let taken = self
        rows = Array(repeating: [], count: DemoTable.allCases.count)
        return taken
    }

    /// Writes every gathered row, parents first, and forgets them.
    mutating func write(to db: any Storage) throws {
        let postgres = db as? PGConnection
        for table in DemoTable.allCases where !rows[table.rawValue].isEmpty {
            let columns = table.columns.joined(separator: ", ")
            if let postgres {
                try postgres.copyIn("COPY \(table.name) (\(columns)) FROM STDIN") { writer in
                    for row in rows[table.rawValue] { try writer.row(row) }
                }
                if table.hasExplicitID {
                    // the rows named their ids: the identity goes on after them
                    try postgres.run("SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), ?)", lastID[table.rawValue])
                }
            } else {
                let insert = "INSERT INTO \(table.name) (\(columns)) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))"
                for row in rows[table.rawValue] { try db.run(insert, arguments: row) }
            }
            rows[table.rawValue] = []
        }
    }
}
