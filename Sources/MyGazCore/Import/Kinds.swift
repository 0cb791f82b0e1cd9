import Foundation

public enum ImportOutcome: Sendable { case inserted, updated, unchanged }

/// What every kind shares: the database, the RGKs by code, the RGK that `--rgk` fills in.
final class ImportContext {
    let session: Session
    let fillRGK: Int64?
    let fillRGKCode: String?
    var batchID: Int64?
    /// Which of the kind's columns the file has: a column it lacks is left as it is in the database.
    var present: [Bool] = []
    /// The RGKs the rows named (to file the batch under its RGK).
    var seenRGKs: Set<Int64> = []
    private var rgks: [String: Int64] = [:]

    init(session: Session, fillRGK: String?) throws {
        self.session = session
        fillRGKCode = fillRGK?.lowercased()
        self.fillRGK = try fillRGK.map { try RGK.id(session.db, $0) }
        try reloadRGKs()
    }

    var db: Database { session.db }

    func reloadRGKs() throws {
        rgks = Dictionary(uniqueKeysWithValues: try db.query("SELECT code, id FROM rgk").map { ($0.string(0), $0.int64(1)) })
    }

    func rgk(code: String) -> Int64? { rgks[code.lowercased()] }
}

/// One kind of RGK file: its columns, how a row is checked, and how it is written.
/// `check` is read-only and is run by the validating pass and again before each write.
class ImportKindHandler {
    class var columns: [ImportColumn] { [] }
    let ctx: ImportContext
    var db: Database { ctx.db }
    /// The time of the import, for the rows it writes (formatted once, not per row).
    let now: String
    private var lastRGK: (bytes: [UInt8], id: Int64)?

    required init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        now = ctx.session.now
    }

    /// Checks a row; answers the values `write(_:values:)` needs, or nil when the row has
    /// problems (recorded in the row). Read-only: it may run on another thread and connection.
    func checked(_ row: inout RowView) throws -> Any? { fatalError("abstract") }
    func write(_ row: RowView, values: Any) throws -> ImportOutcome { fatalError("abstract") }

    /// Whether writing the row would change nothing, read-only; nil when the kind cannot tell.
    func unchanged(_ row: RowView, values: Any) throws -> Bool? { nil }

    /// Runs an upsert whose DO UPDATE has a WHERE that is false when nothing differs. An
    /// insert sets the last rowid, an update does not: zero it first to tell them apart.
    func upsert(_ statement: Statement) throws -> ImportOutcome {
        db.lastInsertRowID = 0
        try statement.execute()
        if db.changes == 0 { return .unchanged }
        return db.lastInsertRowID != 0 ? .inserted : .updated
    }

    /// One column of an upsert. `value` is the SQL of the inserted value ("?" is its parameter);
    /// `update` what an existing row gets (default: the inserted value); `from` is the file's
    /// column it comes from, when the file may lack it.
    struct UpsertColumn {
        let name: String
        var from: Int?
        var value = "?"
        var update: String?
        var compared = true
        /// false: set by the insert only (created_at)
        var updated = true
    }

    /// INSERT … ON CONFLICT DO UPDATE whose WHERE is false when nothing differs, so that
    /// `upsert` tells inserted, updated and unchanged apart. Columns the file lacks are
    /// neither updated nor compared. Parameters are numbered in the order of `key + columns`.
    func upsertSQL(_ table: String, key: [UpsertColumn], _ columns: [UpsertColumn]) -> String {
        let all = key + columns
        func numbered(_ sql: String, _ index: Int) -> String { sql.replacingOccurrences(of: "?", with: "?\(index + 1)") }
        var set: [String] = [], differs: [String] = []
        for (offset, c) in columns.enumerated() where c.updated && (c.from.map { ctx.present[$0] } ?? true) {
            let update = numbered(c.update ?? c.value, key.count + offset)
            set.append("\(c.name) = \(update)")
            if c.compared { differs.append("\(c.name) IS NOT \(update)") }
        }
        var sql = "INSERT INTO \(table) (\(all.map(\.name).joined(separator: ", "))) VALUES ("
            + all.enumerated().map { numbered($0.element.value, $0.offset) }.joined(separator: ", ") + ")"
            + " ON CONFLICT (\(key.map(\.name).joined(separator: ", ")))"
        sql += differs.isEmpty ? " DO NOTHING" : " DO UPDATE SET \(set.joined(separator: ", ")) WHERE \(differs.joined(separator: " OR "))"
        return sql
    }

    /// Column 0 of every kind but `rgk`: the RGK code, or `--rgk` when the file has none.
    func rgkID(_ row: inout RowView) -> Int64? {
        guard row.map[0] != nil else {
            if ctx.fillRGK == nil { row.problem(0, .importNeedsRGK) }
            return ctx.fillRGK
        }
        guard let r = row.required(0) else { return nil }
        // the rows of a file nearly always name the same RGK: compare bytes before a lookup
        if let last = lastRGK, Self.same(row.utf8[r], last.bytes) { return last.id }
        let code = String(decoding: row.utf8[r], as: UTF8.self)
        guard let id = ctx.rgk(code: code) else {
            row.problem(0, .importUnknownRGK, .text(code))
            return nil
        }
        if let fill = ctx.fillRGK, fill != id {
            row.problem(0, .importOtherRGK, .text(code), .text(ctx.fillRGKCode ?? ""))
            return nil
        }
        if ctx.seenRGKs.count < 2 { ctx.seenRGKs.insert(id) }
        lastRGK = (Array(row.utf8[r]), id)
        return id
    }

    static func same(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { p in b.withUnsafeBufferPointer { memcmp(p.baseAddress!, $0.baseAddress!, b.count) == 0 } }
    }

    /// The account of a row, which must already be known.
    func accountID(_ row: inout RowView, rgk: Int64?, column: Int) throws -> Int64? {
        guard let number = row.account(column), let rgk else { return nil }
        let statement = try db.prepare("SELECT id FROM account WHERE rgk_id = ? AND number = ?")
        try statement.bind([rgk, number])
        defer { statement.reset() }
        guard try statement.step() else {
            row.problem(column, .importMissingParent, .entity(.account), .text(number), "accounts")
            return nil
        }
        return statement.int64(at: 0)
    }

    func bind(_ s: Statement, _ row: RowView, _ column: Int, at index: Int32) {
        if let r = row.range(column) { s.bind(utf8: row.utf8[r], at: index) } else { s.bindNull(at: index) }
    }

    static let serviceWords = CodeWords([
        "gas": "gas", "газ": "gas", "природный газ": "gas", "газоснабжение": "gas", "поставка газа": "gas",
        "vdgo": "vdgo", "то вдго": "vdgo", "вдго": "vdgo", "техническое обслуживание вдго": "vdgo", "то": "vdgo",
    ])
}

/// The values a kind finds in a row; they travel from the checking thread to the writing one.
protocol KindValues { init() }

/// A kind whose check fills `s` and whose write reads it.
class Kind<Values: KindValues>: ImportKindHandler {
    /// The values of the row at hand.
    var v = Values()

    override func checked(_ row: inout RowView) throws -> Any? {
        v = Values()
        return try check(&row) ? v : nil
    }

    override func write(_ row: RowView, values: Any) throws -> ImportOutcome {
        v = values as! Values
        return try write(row)
    }

    override func unchanged(_ row: RowView, values: Any) throws -> Bool? {
        v = values as! Values
        return try unchanged(row)
    }

    func unchanged(_ row: RowView) throws -> Bool? { nil }

    func check(_ row: inout RowView) throws -> Bool { fatalError("abstract") }
    func write(_ row: RowView) throws -> ImportOutcome { fatalError("abstract") }
}

// MARK: rgk

struct RGKValues: KindValues {
    var code = ""
    var max: Int64?
}

final class RGKImport: Kind<RGKValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("code", ["код", "код ргк"], required: true), ImportColumn("name", ["наименование", "название"], required: true),
         ImportColumn("region", ["регион"]), ImportColumn("phone", ["телефон"]), ImportColumn("email", ["e-mail", "эл почта", "почта"]),
         ImportColumn("max_monthly_m3", ["макс_расход", "максимальный расход", "макс расход м3"])]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        if let text = row.text(0, required: true) {
            v.code = text.lowercased()
            if !(2...32).contains(v.code.count) || !v.code.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }) {
                row.problem(0, .importBadRGKCode, .text(text))
            }
        }
        _ = row.required(1)
        v.max = row.int(5, min: 1)
        if let email = row.string(4), Contact.email(email) == nil { row.problem(4, .badEmail, .text(email)) }
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("rgk", key: [UpsertColumn(name: "code")], [
        UpsertColumn(name: "name"), UpsertColumn(name: "region", from: 2), UpsertColumn(name: "phone", from: 3), UpsertColumn(name: "email", from: 4),
        // an empty maximum: the default for a new RGK, the present one for a known RGK
        UpsertColumn(name: "max_monthly_m3", from: 5, value: "coalesce(?, 500)", update: "coalesce(?, max_monthly_m3)"),
        UpsertColumn(name: "created_at", updated: false), UpsertColumn(name: "updated_at", compared: false),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        s.bind(text: v.code, at: 1)
        bind(s, row, 1, at: 2); bind(s, row, 2, at: 3); bind(s, row, 3, at: 4)
        s.bind(optionalText: row.string(4).flatMap(Contact.email), at: 5)
        s.bind(optionalInt: v.max, at: 6)
        s.bind(text: now, at: 7)
        s.bind(text: now, at: 8)
        let outcome = try upsert(s)
        if outcome == .inserted { try ctx.reloadRGKs() }
        return outcome
    }
}

// MARK: offices

struct OfficeValues: KindValues {
    var rgk: Int64?
    var lat: Double?
    var lon: Double?
}

final class OfficeImport: Kind<OfficeValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк", "код ргк"]), ImportColumn("name", ["отделение", "наименование", "название"], required: true),
         ImportColumn("address", ["адрес"]), ImportColumn("phone", ["телефон"]), ImportColumn("hours", ["график", "режим работы", "часы работы"]),
         ImportColumn("lat", ["широта"]), ImportColumn("lon", ["долгота"])]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        v.rgk = rgkID(&row)
        _ = row.required(1)
        v.lat = row.decimal(5, min: -90)
        v.lon = row.decimal(6, min: -180)
        if let lat = v.lat, lat > 90 { row.problem(5, .importOutOfRange, .text(String(lat))) }
        if let lon = v.lon, lon > 180 { row.problem(6, .importOutOfRange, .text(String(lon))) }
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("office", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "name")], [
        UpsertColumn(name: "address", from: 2), UpsertColumn(name: "phone", from: 3), UpsertColumn(name: "hours", from: 4),
        UpsertColumn(name: "lat", from: 5), UpsertColumn(name: "lon", from: 6),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        s.bind(int: v.rgk!, at: 1)
        for (column, index) in [(1, 2), (2, 3), (3, 4), (4, 5)] { bind(s, row, column, at: Int32(index)) }
        try s.bind(v.lat.sqlValue, at: 6)
        try s.bind(v.lon.sqlValue, at: 7)
        return try upsert(s)
    }
}

// MARK: accounts

struct AccountValues: KindValues {
    var rgk: Int64?
    var number: String?
    var residents: Int64?
    var area: Double?
    var status = "open"
}

final class AccountImport: Kind<AccountValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк", "код ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс", "номер лс", "номер лицевого счета"], required: true),
         ImportColumn("surname", ["фамилия"]), ImportColumn("name", ["имя"]), ImportColumn("patronymic", ["отчество"]),
         ImportColumn("address", ["адрес"]), ImportColumn("phone", ["телефон"]), ImportColumn("residents", ["проживающих", "количество проживающих"]),
         ImportColumn("heated_area", ["отапливаемая_площадь", "отапливаемая площадь", "площадь"]), ImportColumn("status", ["статус", "состояние"])]
    }
    static let statusWords = CodeWords(["open": "open", "открыт": "open", "открытый": "open", "действует": "open",
                                                "действующий": "open", "активен": "open", "closed": "closed", "закрыт": "closed",
                                                "закрытый": "closed", "архив": "closed"])
    let find: Statement, insert: Statement
    /// Sets only the columns the file has (parameters keep their numbers: the rest go unused).
    private lazy var updateSQL: String = {
        let names = ["surname", "name", "patronymic", "address", "phone", "residents", "heated_area", "status"]
        let set = names.enumerated().filter { ctx.present[$0.offset + 2] }.map { "\($0.element) = ?\($0.offset + 1)" } + ["updated_at = ?9"]
        return "UPDATE account SET \(set.joined(separator: ", ")) WHERE id = ?10"
    }()
    static let textColumns = [2, 3, 4, 5, 6]

    required init(_ ctx: ImportContext) throws {
        find = try ctx.db.prepare("""
            SELECT id, surname, name, patronymic, address, phone, residents, heated_area, status FROM account WHERE rgk_id = ? AND number = ?
            """)
        insert = try ctx.db.prepare("""
            INSERT INTO account (surname, name, patronymic, address, phone, residents, heated_area, status, updated_at, rgk_id, number)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try super.init(ctx)
    }

    override func check(_ row: inout RowView) throws -> Bool {
        v.rgk = rgkID(&row)
        v.number = row.account(1)
        v.residents = row.int(7, min: 0, max: 1000)
        v.area = row.decimal(8, min: 0)
        v.status = row.code(9, Self.statusWords, allowed: "открыт, закрыт") ?? "open"
        return row.problems.isEmpty
    }

    /// A million-row file is mostly accounts the database has already: look each up by its
    /// key and write only when something differs.
    /// New accounts come in runs (a first import), known ones too (every later import):
    /// after an insert, the next row is tried as an insert; after a known key, looked up.
    private var expectNew = true

    override func write(_ row: RowView) throws -> ImportOutcome {
        if expectNew {
            do {
                // the row's text is bound where it lies (no copy) and the insert runs before the buffer can change
                try row.utf8.withUnsafeBufferPointer { base in
                    for (i, column) in Self.textColumns.enumerated() {
                        if let r = row.range(column) {
                            insert.bind(staticUTF8: UnsafeBufferPointer(rebasing: base[r]), at: Int32(i + 1))
                        } else {
                            insert.bindNull(at: Int32(i + 1))
                        }
                    }
                    try bindScalars(insert)
                    insert.bind(int: v.rgk!, at: 10)
                    insert.bind(text: v.number!, at: 11)
                    try insert.execute()
                }
                return .inserted
            } catch let error as SQLiteError where error.isUniqueViolation {
                expectNew = false
            }
        }
        find.bind(int: v.rgk!, at: 1)
        defer { find.reset() }
        if try find.withBound(text: v.number!, at: 2, { try find.step() }) {
            if sameAsFound(row) { return .unchanged }
            let id = find.int64(at: 0)
            let update = try db.prepare(updateSQL)
            try bindValues(update, row)
            update.bind(int: id, at: 10)
            try update.execute()
            return .updated
        }
        find.reset()
        try bindValues(insert, row)
        insert.bind(int: v.rgk!, at: 10)
        insert.bind(text: v.number!, at: 11)
        try insert.execute()
        expectNew = true
        return .inserted
    }

    override func unchanged(_ row: RowView) throws -> Bool? {
        find.bind(int: v.rgk!, at: 1)
        defer { find.reset() }
        return try find.withBound(text: v.number!, at: 2, { try find.step() }) && sameAsFound(row)
    }

    /// The row found by `find` holds exactly the row's values.
    private func sameAsFound(_ row: RowView) -> Bool {
        let present = ctx.present
        return Self.textColumns.enumerated().allSatisfy { i, column in
            !present[column] || find.textEquals(at: Int32(i + 1), row.range(column).map { row.utf8[$0] })
        } && (!present[7] || (v.residents == nil ? find.isNull(at: 6) : (!find.isNull(at: 6) && find.int64(at: 6) == v.residents!)))
          && (!present[8] || (v.area == nil ? find.isNull(at: 7) : (!find.isNull(at: 7) && find.double(at: 7) == v.area!)))
          && (!present[9] || find.text(at: 8) == v.status)
    }

    private func bindValues(_ s: Statement, _ row: RowView) throws {
        for (i, column) in Self.textColumns.enumerated() { bind(s, row, column, at: Int32(i + 1)) }
        try bindScalars(s)
    }

    private func bindScalars(_ s: Statement) throws {
        s.bind(optionalInt: v.residents, at: 6)
        try s.bind(v.area.sqlValue, at: 7)
        s.bind(text: v.status, at: 8)
        s.bind(text: now, at: 9)
    }
}

// MARK: services

struct ServiceValues: KindValues {
    var account: Int64?
    var kind: String?
    var balance: Int64?
}

final class ServiceImport: Kind<ServiceValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("service", ["услуга"], required: true), ImportColumn("balance", ["сальдо", "баланс", "задолженность"], required: true)]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        let rgk = rgkID(&row)
        v.account = try accountID(&row, rgk: rgk, column: 1)
        v.kind = row.code(2, Self.serviceWords, required: true, allowed: "Природный газ, ТО ВДГО")
        v.balance = row.money(3, required: true)
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("service", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "kind")], [
        UpsertColumn(name: "balance_kop"), UpsertColumn(name: "updated_at", compared: false),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        try s.bind([v.account!, v.kind!, v.balance!, now])
        return try upsert(s)
    }
}

// MARK: meters

struct MeterValues: KindValues {
    var account: Int64?
    var digits: Int64?
    var next: Day?
    var state = "working"
    var max: Int64?
}

final class MeterImport: Kind<MeterValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("serial", ["заводской_номер", "заводской номер", "серийный номер", "номер пу"], required: true),
         ImportColumn("model", ["модель", "тип"]), ImportColumn("digits", ["разрядность"], required: true),
         ImportColumn("place", ["место_установки", "место установки"]), ImportColumn("next_verification", ["дата_поверки", "дата поверки", "дата следующей поверки"]),
         ImportColumn("state", ["состояние"]), ImportColumn("max_monthly_m3", ["макс_расход", "максимальный расход"])]
    }
    static let stateWords = CodeWords(["working": "working", "исправен": "working", "исправный": "working", "работает": "working",
                                               "faulty": "faulty", "неисправен": "faulty", "неисправный": "faulty",
                                               "removed": "removed", "снят": "removed", "демонтирован": "removed"])

    override func check(_ row: inout RowView) throws -> Bool {
        let rgk = rgkID(&row)
        v.account = try accountID(&row, rgk: rgk, column: 1)
        _ = row.required(2)
        v.digits = row.int(4, required: true, min: 1, max: 12)
        v.next = row.day(6)
        v.state = row.code(7, Self.stateWords, allowed: "исправен, неисправен, снят") ?? "working"
        v.max = row.int(8, min: 1)
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("meter", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "serial")], [
        UpsertColumn(name: "model", from: 3), UpsertColumn(name: "digits"), UpsertColumn(name: "place", from: 5),
        UpsertColumn(name: "next_verification", from: 6), UpsertColumn(name: "state", from: 7), UpsertColumn(name: "max_monthly_m3", from: 8),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        s.bind(int: v.account!, at: 1)
        bind(s, row, 2, at: 2); bind(s, row, 3, at: 3)
        s.bind(int: v.digits!, at: 4)
        bind(s, row, 5, at: 5)
        s.bind(optionalText: v.next?.iso, at: 6)
        s.bind(text: v.state, at: 7)
        s.bind(optionalInt: v.max, at: 8)
        return try upsert(s)
    }
}

// MARK: readings

struct ReadingValues: KindValues {
    var meter: Int64?
    var date: Day?
    var value: Int64?
}

final class ReadingImport: Kind<ReadingValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("serial", ["заводской_номер", "заводской номер", "номер пу"], required: true),
         ImportColumn("date", ["дата", "дата показания"], required: true), ImportColumn("value", ["показание", "показания"], required: true)]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        let rgk = rgkID(&row)
        let account = try accountID(&row, rgk: rgk, column: 1)
        v.meter = nil
        if let account, let serial = row.text(2, required: true) {
            let s = try db.prepare("SELECT id, digits FROM meter WHERE account_id = ? AND serial = ?")
            try s.bind([account, serial])
            defer { s.reset() }
            if try s.step() {
                v.meter = s.int64(at: 0)
                v.value = row.int(4, required: true, min: 0, max: ReadingRules.power10(Int(s.int64(at: 1))) - 1)
            } else {
                row.problem(2, .importMissingParent, .entity(.meter), .text(serial), "meters")
            }
        } else {
            _ = row.int(4, required: true, min: 0)
        }
        v.date = row.day(3, required: true)
        return row.problems.isEmpty
    }

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare("""
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, import_batch_id)
            VALUES (?1, ?2, ?3, 'rgk', 'accepted', ?4, ?5)
            ON CONFLICT (meter_id, reading_date) WHERE source = 'rgk' DO UPDATE SET value = excluded.value, import_batch_id = excluded.import_batch_id
            WHERE value IS NOT excluded.value
            """)
        try s.bind([v.meter!, v.value!, v.date!.iso, now, ctx.batchID])
        return try upsert(s)
    }
}

// MARK: settlements

struct SettlementValues: KindValues {
    var service: Int64?
    var period: String?
    var amounts: [Int64?] = []
}

final class SettlementImport: Kind<SettlementValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("service", ["услуга"], required: true), ImportColumn("period", ["период", "месяц"], required: true),
         ImportColumn("opening", ["сальдо_нач", "сальдо нач", "сальдо на начало", "сальдо на начало периода"], required: true),
         ImportColumn("charged", ["начислено"]), ImportColumn("paid", ["оплачено", "оплата"]), ImportColumn("benefit", ["льгота", "льготы"]),
         ImportColumn("recalc", ["перерасчет"]), ImportColumn("closing", ["сальдо_кон", "сальдо кон", "сальдо на конец", "сальдо на конец периода"])]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        let rgk = rgkID(&row)
        let account = try accountID(&row, rgk: rgk, column: 1)
        let kind = row.code(2, Self.serviceWords, required: true, allowed: "Природный газ, ТО ВДГО")
        v.service = nil
        if let account, let kind {
            v.service = try db.queryOne("SELECT id FROM service WHERE account_id = ? AND kind = ?", account, kind)?.int64(0)
            if v.service == nil { row.problem(2, .importMissingParent, .text(kind), .text(row.string(1) ?? ""), "services") }
        }
        v.period = row.period(3, required: true)
        // an empty closing balance is a month not closed yet (manual 001 §4.3.1.2): NULL, not zero
        v.amounts = [row.money(4, required: true), row.money(5), row.money(6), row.money(7), row.money(8), row.money(9)]
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("settlement", key: [UpsertColumn(name: "service_id"), UpsertColumn(name: "period")], [
        UpsertColumn(name: "opening_kop"),
        UpsertColumn(name: "charged_kop", from: 5, value: "coalesce(?, 0)"), UpsertColumn(name: "paid_kop", from: 6, value: "coalesce(?, 0)"),
        UpsertColumn(name: "benefit_kop", from: 7, value: "coalesce(?, 0)"), UpsertColumn(name: "recalc_kop", from: 8, value: "coalesce(?, 0)"),
        UpsertColumn(name: "closing_kop", from: 9),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        try s.bind([v.service!, v.period!] + v.amounts.map { $0 as SQLBindable? })
        return try upsert(s)
    }
}

// MARK: payments

struct PaymentValues: KindValues {
    var rgk: Int64?
    var account: Int64?
    var kind = "gas"
    var date: Day?
    var amount: Int64?
    var state = "paid"
}

final class PaymentImport: Kind<PaymentValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("service", ["услуга"]), ImportColumn("date", ["дата", "дата оплаты"], required: true),
         ImportColumn("amount", ["сумма"], required: true), ImportColumn("channel", ["место_оплаты", "место оплаты"]),
         ImportColumn("state", ["состояние", "статус"]), ImportColumn("external_id", ["номер_платежа", "номер платежа", "ид платежа"], required: true)]
    }
    static let stateWords = CodeWords(["paid": "paid", "оплачено": "paid", "оплачен": "paid", "проведен": "paid",
                                               "processing": "processing", "в обработке": "processing", "обрабатывается": "processing"])

    override func check(_ row: inout RowView) throws -> Bool {
        v.rgk = rgkID(&row)
        v.account = try accountID(&row, rgk: v.rgk, column: 1)
        v.kind = row.code(2, Self.serviceWords, allowed: "Природный газ, ТО ВДГО") ?? "gas"
        v.date = row.day(3, required: true)
        v.amount = row.money(4, required: true)
        if let a = v.amount, a <= 0 { row.problem(4, .importOutOfRange, .text(row.string(4) ?? "")) }
        v.state = row.code(6, Self.stateWords, allowed: "оплачено, в обработке") ?? "paid"
        _ = row.required(7)
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("payment", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "external_id")], [
        UpsertColumn(name: "account_id"), UpsertColumn(name: "service", from: 2), UpsertColumn(name: "paid_on"), UpsertColumn(name: "amount_kop"),
        UpsertColumn(name: "channel", from: 5), UpsertColumn(name: "state", from: 6),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        s.bind(int: v.rgk!, at: 1)
        bind(s, row, 7, at: 2)
        try s.bind(v.account!.sqlValue, at: 3)
        s.bind(text: v.kind, at: 4)
        s.bind(text: v.date!.iso, at: 5)
        s.bind(int: v.amount!, at: 6)
        bind(s, row, 5, at: 7)
        s.bind(text: v.state, at: 8)
        return try upsert(s)
    }
}

// MARK: contracts

struct ContractValues: KindValues {
    var rgk: Int64?
    var account: Int64?
    var kind: String?
    var signed: Day?
    var until: Day?
    var state = "active"
}

final class ContractImport: Kind<ContractValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("number", ["номер", "номер договора"], required: true), ImportColumn("kind", ["вид", "вид договора", "тип договора"], required: true),
         ImportColumn("signed", ["дата_заключения", "дата заключения"]), ImportColumn("valid_until", ["действует_до", "действует до", "срок действия"]),
         ImportColumn("state", ["состояние", "статус"])]
    }
    static let kindWords = CodeWords([
        "supply": "supply", "поставка газа": "supply", "договор на поставку газа": "supply", "газоснабжение": "supply",
        "vdgo": "vdgo", "то вдго": "vdgo", "договор на то вдго": "vdgo", "техническое обслуживание вдго": "vdgo",
        "connection": "connection", "техническое присоединение": "connection", "договор на техническое присоединение": "connection",
        "тп": "connection"])
    static let stateWords = CodeWords(["active": "active", "действует": "active", "действующий": "active", "активен": "active",
                                               "archive": "archive", "архив": "archive", "архивный": "archive", "расторгнут": "archive",
                                               "закрыт": "archive"])

    override func check(_ row: inout RowView) throws -> Bool {
        v.rgk = rgkID(&row)
        v.account = try accountID(&row, rgk: v.rgk, column: 1)
        _ = row.required(2)
        v.kind = row.code(3, Self.kindWords, required: true, allowed: "поставка газа, ТО ВДГО, техническое присоединение")
        v.signed = row.day(4)
        v.until = row.day(5)
        v.state = row.code(6, Self.stateWords, allowed: "действует, архив") ?? "active"
        return row.problems.isEmpty
    }

    private lazy var sql = upsertSQL("contract", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "number")], [
        UpsertColumn(name: "account_id"), UpsertColumn(name: "kind"), UpsertColumn(name: "signed_on", from: 4),
        UpsertColumn(name: "valid_until", from: 5), UpsertColumn(name: "state", from: 6),
    ])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let s = try db.prepare(sql)
        s.bind(int: v.rgk!, at: 1)
        bind(s, row, 2, at: 2)
        s.bind(int: v.account!, at: 3)
        s.bind(text: v.kind!, at: 4)
        s.bind(optionalText: v.signed?.iso, at: 5)
        s.bind(optionalText: v.until?.iso, at: 6)
        s.bind(text: v.state, at: 7)
        return try upsert(s)
    }
}

// MARK: acts

struct ActValues: KindValues {
    var contract: Int64?
    var date: Day?
    var cost: Int64?
}

final class ActImport: Kind<ActValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("contract", ["договор", "номер договора"], required: true),
         ImportColumn("number", ["номер", "номер акта"], required: true), ImportColumn("date", ["дата", "дата акта"], required: true),
         ImportColumn("work", ["работа", "наименование работ", "вид работ"], required: true), ImportColumn("cost", ["стоимость", "сумма"], required: true)]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        let rgk = rgkID(&row)
        v.contract = nil
        if let rgk, let number = row.text(1, required: true) {
            v.contract = try db.queryOne("SELECT id FROM contract WHERE rgk_id = ? AND number = ?", rgk, number)?.int64(0)
            if v.contract == nil { row.problem(1, .importMissingParent, .text("contract"), .text(number), "contracts") }
        }
        _ = row.required(2)
        v.date = row.day(3, required: true)
        _ = row.required(4)
        v.cost = row.money(5, required: true)
        if let c = v.cost, c < 0 { row.problem(5, .importOutOfRange, .text(row.string(5) ?? "")) }
        return row.problems.isEmpty
    }

    private lazy var actSQL = upsertSQL("act", key: [UpsertColumn(name: "contract_id"), UpsertColumn(name: "number")], [UpsertColumn(name: "act_date")])
    private lazy var itemSQL = upsertSQL("act_item", key: [UpsertColumn(name: "act_id"), UpsertColumn(name: "work")], [UpsertColumn(name: "cost_kop")])

    override func write(_ row: RowView) throws -> ImportOutcome {
        let act = try db.prepare(actSQL)
        act.bind(int: v.contract!, at: 1)
        bind(act, row, 2, at: 2)
        act.bind(text: v.date!.iso, at: 3)
        let actOutcome = try upsert(act)
        let actID = try db.queryOne("SELECT id FROM act WHERE contract_id = ? AND number = ?", v.contract!, row.string(2)!)!.int64(0)
        let item = try db.prepare(itemSQL)
        item.bind(int: actID, at: 1)
        bind(item, row, 4, at: 2)
        item.bind(int: v.cost!, at: 3)
        let itemOutcome = try upsert(item)
        if itemOutcome == .inserted { return .inserted }
        return itemOutcome == .updated || actOutcome != .unchanged ? .updated : .unchanged
    }
}

// MARK: pins

struct PinValues: KindValues {
    var account: Int64?
    var pin: String?
}

final class PinImport: Kind<PinValues> {
    override class var columns: [ImportColumn] {
        [ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
         ImportColumn("pin", ["пин", "пин-код", "пин код", "pin-код"], required: true)]
    }

    override func check(_ row: inout RowView) throws -> Bool {
        let rgk = rgkID(&row)
        v.account = try accountID(&row, rgk: rgk, column: 1)
        v.pin = row.text(2, required: true)
        if let p = v.pin, !(4...12).contains(p.count) || !p.allSatisfy(\.isASCIIDigit) {
            // never echo a PIN into a report
            row.problem(2, .importBadPIN)
            v.pin = nil
        }
        return row.problems.isEmpty
    }

    /// Stored hashed exactly like issued PINs; the same PIN again is unchanged.
    override func write(_ row: RowView) throws -> ImportOutcome {
        let active = try db.query("SELECT id, pin_hash, source FROM pin WHERE account_id = ? AND state = 'active'", v.account!)
        if active.count == 1, active[0].string(2) == "bill", Secrets.verify(v.pin!, hash: active[0].string(1)) { return .unchanged }
        try db.run("UPDATE pin SET state = 'revoked', revoked_at = ?, revoked_by = 'import' WHERE account_id = ? AND state = 'active'",
                   now, v.account!)
        try db.run("""
            INSERT INTO pin (account_id, pin_hash, source, state, issued_at, issued_by, import_batch_id) VALUES (?, ?, 'bill', 'active', ?, 'rgk', ?)
            """, v.account!, try Secrets.hash(v.pin!), now, ctx.batchID)
        return active.isEmpty ? .inserted : .updated
    }
}

extension ImportKind {
    var handler: ImportKindHandler.Type {
        switch self {
        case .rgk: return RGKImport.self
        case .offices: return OfficeImport.self
        case .accounts: return AccountImport.self
        case .services: return ServiceImport.self
        case .meters: return MeterImport.self
        case .readings: return ReadingImport.self
        case .settlements: return SettlementImport.self
        case .payments: return PaymentImport.self
        case .contracts: return ContractImport.self
        case .acts: return ActImport.self
        case .pins: return PinImport.self
        }
    }

    /// The columns of the kind, for `help import-formats` and the header check.
    public var columns: [ImportColumn] { handler.columns }
}
