import Foundation

/// Fills a new database with a realistic, deterministic region: the same seed and date
/// give the same content on every machine and on either engine. Everything is written through
/// `Storage` in SQL both engines read; the rows of each account go in bulk (`DemoRows`).
public enum DemoGenerator {
    public struct Options: Sendable {
        public var accounts: Int
        public var seed: UInt64
        /// "Today" of the demo: readings, queues and ages are placed relative to it.
        public var anchor: Day
        public init(accounts: Int, seed: UInt64, anchor: Day) {
            self.accounts = accounts
            self.seed = seed
            self.anchor = anchor
        }
    }

    public struct Summary: Sendable {
        public var accounts = 0
        public var users = 0
        public var pendingReadings = 0
        public var openApplications = 0
    }

    /// The password of every demo portal user and the PIN printed on every demo bill,
    /// so that a clerk can try `user grant-extended --answer-stdin` on the demo.
    public static let demoPassword = "demo12345"
    public static let demoBillPIN = "24681357"

    public static func generate(_ session: Session, _ options: Options,
                                progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Summary {
        let db = session.db
        let populated = try db.scalarInt("""
            SELECT (SELECT count(*) FROM rgk) + (SELECT count(*) FROM account) + (SELECT count(*) FROM portal_user)
            """) ?? 0
        guard populated == 0 else { throw MyGazError(.conflict, .databaseHasData, .text(db.path)) }
        var generator = try Generator(session: session, options: options)
        if let sqlite = db as? Database {
            // bulk generation: a larger page cache and fewer checkpoints; the generator writes parents
            // before children by construction (`db check` proves it), so foreign keys wait
            try sqlite.withBulkSettings(.init(cacheKiB: 65_536, autocheckpointPages: 20_000, foreignKeys: false)) {
                try generator.run(progress: progress)
            }
        } else {
            // a server's database is filled in one transaction: a demo that fails midway leaves it as it was;
            // the accounts' rows go in as a bulk load (their indexes, keys and triggers made after them)
            try db.write {
                let bulk = try (db as? PGConnection).flatMap { try PGBulkLoad.begin($0, tables: DemoTable.bulkTables) }
                try generator.run(progress: progress, afterAccounts: { try bulk?.finish() })
                // the tables' owner: the counters written once more into files of their own
                try bulk?.compactCounters()
            }
        }
        try db.refreshPlannerStatistics([])
        return generator.summary
    }
}

private struct Generator {
    let session: Session
    let options: DemoGenerator.Options
    var rng: SeededRandom
    var summary = DemoGenerator.Summary()
    let db: any Storage
    /// The rows of the accounts, written in bulk once per part.
    var rows: DemoRows
    let nowEpoch: Int64
    let passwordHash: String
    let pinHash: String
    let codeHash: String

    var rgkIDs: [Int64] = []
    var accountIDs: [(id: Int64, rgk: Int, userID: Int64?)] = []
    var paymentSequence = 0
    var usernames = DemoUsernames()
    struct Pending { let meterID: Int64; let value: Int; let date: String; let submittedAt: String; let userID: Int64?; let rgkID: Int64 }
    var pending: [Pending] = []
    var pendingIndex = 0
    var phoneSequence = 0

    init(session: Session, options: DemoGenerator.Options) throws {
        self.session = session
        self.options = options
        self.db = session.db
        self.rows = try DemoRows(session.db)
        self.rng = SeededRandom(seed: options.seed)
        // the demo's "now": noon of the anchor day (UTC)
        self.nowEpoch = Int64(options.anchor.daysSinceEpoch) * 86_400 + 12 * 3600
        // hashing is deliberately slow; one hash serves every demo user (and one every bill PIN)
        self.passwordHash = try Secrets.hash(DemoGenerator.demoPassword)
        self.pinHash = try Secrets.hash(DemoGenerator.demoBillPIN)
        self.codeHash = try Secrets.hash("000000")
    }

    func iso(_ epoch: Int64) -> String { Timestamp.iso(epoch) }
    func iso(daysAgo: Int, seconds: Int = 0) -> String { iso(nowEpoch - Int64(daysAgo) * 86_400 - Int64(seconds)) }
    var anchor: Day { options.anchor }

    /// What `outbox send` and the desk need, so that a fresh demo works end to end.
    func settings() throws {
        for (key, value) in [(SettingKey.mailFrom, "noreply@moigaz-demo.example"), (.supportFrom, "support@moigaz-demo.example"),
                             (.portalURL, "https://moigaz-demo.example")] {
            try db.run("INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)",
                       key.rawValue, value, Timestamp.iso(nowEpoch), session.login)
        }
    }

    /// `afterAccounts`: called when the accounts' rows are in (a bulk load ends there: the rows
    /// after them — the queue, applications, tickets — go in through every check).
    mutating func run(progress: (Int, Int) -> Void, afterAccounts: () throws -> Void = {}) throws {
        try db.write {
            try regionsAndOffices()
            try operatorsAndFAQ()
            try settings()
        }
        // each part's rows are written on a thread of their own while the next part is made (the
        // making reads nothing from the database): the engine and the generator each take a core
        let chunk = 5000
        var start = 0
        var writing: BackgroundWrite?
        // a part that fails to be made stops the loop: the part being written is waited for first,
        // or the caller's rollback would meet the connection still in the writer's hands
        defer { try? writing?.wait() }
        while start < options.accounts {
            let end = min(options.accounts, start + chunk)
            for index in start..<end { try account(index) }
            let part = rows.take()
            try writing?.wait()
            writing = BackgroundWrite(db, part)
            start = end
            progress(end, options.accounts)
        }
        try writing?.wait()
        // one pending reading a meter at most, so the trigger that supersedes an older one has
        // nothing to do; on a server they go in with the bulk load, counted with the rest
        // (600 000 of them at 5M accounts, each through the counters' triggers, took longer than
        // the whole region)
        try db.write {
            for p in pending.sorted(by: { ($0.submittedAt, $0.meterID) < ($1.submittedAt, $1.meterID) }) {
                rows.add(.pendingReading, p.meterID, p.value, p.date, "portal", "pending", p.submittedAt, p.userID, p.rgkID)
            }
            try rows.write(to: db)
            pending = []
        }
        try afterAccounts()
        try db.write {
            try pinRequests()
            try applications()
            try tickets()
            try outboxAndImports()
            try socialSignIns()
            try strayLogins()
            try session.audit("demo.generate", .database, nil, new: String(options.accounts),
                              note: AuditNote(.demoGenerated, ["accounts": .int(Int64(options.accounts)), "seed": .int(Int64(options.seed)),
                                                               "date": .text(options.anchor.iso)]))
        }
        summary.accounts = options.accounts
        summary.users = try db.scalarInt("SELECT count(*) FROM portal_user") ?? 0
        summary.pendingReadings = try db.scalarInt("SELECT count(*) FROM reading WHERE status = 'pending'") ?? 0
        summary.openApplications = try db.scalarInt("SELECT count(*) FROM application WHERE status IN ('submitted', 'needs_info')") ?? 0
    }

    // MARK: reference data

    mutating func regionsAndOffices() throws {
        let created = iso(daysAgo: 400)
        for region in DemoData.regions {
            let rgkID = try db.insert("""
                INSERT INTO rgk (code, name, region, phone, email, max_monthly_m3, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, region.code, region.name, region.region, region.phone, region.email, region.maxMonthly, created, created)
            rgkIDs.append(rgkID)
            // a generator of its own: the rest of the demo stays what it was before bills had bank details
            var bankRandom = SeededRandom(seed: UInt64(rgkID) &* 7919)
            let bank = BankDetails.demo(&bankRandom)
            try db.run("UPDATE rgk SET inn = ?, kpp = ?, bank_account = ?, bank_name = ?, bic = ?, corr_account = ? WHERE id = ?",
                       bank.inn, bank.kpp, bank.account, bank.bankName, bank.bic, bank.corr, rgkID)
            for (i, town) in region.towns.prefix(3).enumerated() {
                try db.run("""
                    INSERT INTO office (rgk_id, name, address, phone, hours, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, rgkID, "Абонентский пункт \(town.replacingOccurrences(of: "г. ", with: "").replacingOccurrences(of: "пгт ", with: ""))",
                    "\(town), \(rng.pick(DemoData.streets)), д. \(rng.int(in: 1...90))",
                    DemoData.officePhone(town, region: region, local: rng.digits(6)),
                    i == 0 ? "пн–чт 8:00–17:00, пт 8:00–16:00, обед 12:00–12:45" : "пн–пт 9:00–17:00",
                    region.lat + Double(i) * 0.1, region.lon + Double(i) * 0.1)
            }
        }
    }

    mutating func operatorsAndFAQ() throws {
        try Operators.bootstrap(session)
        let demoOperators: [(String, String, String)] = [
            ("ivanova", "clerk", "Иванова Анна Петровна"),
            ("petrova", "clerk", "Петрова Ольга Сергеевна"),
            ("sidorov", "support", "Сидоров Игорь Викторович"),
        ]
        for (login, role, name) in demoOperators where login != session.login {
            try db.run("INSERT INTO operator (login, role, full_name, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                       login, role, name, iso(daysAgo: 300), session.login)
        }
        for (topic, question, answer) in DemoData.faq {
            try db.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                       topic, question, answer, iso(daysAgo: 200), iso(daysAgo: 200))
        }
    }

    // MARK: accounts and everything under them

    mutating func regionIndex(for index: Int) -> Int {
        // a fixed split by position, so that account numbers stay dense per RGK
        let fraction = Double(index % 10) / 10
        return fraction < DemoData.regions[0].share ? 0 : (fraction < DemoData.regions[0].share + DemoData.regions[1].share ? 1 : 2)
    }

    mutating func account(_ index: Int) throws {
        let r = regionIndex(for: index)
        let region = DemoData.regions[r]
        let number = String(region.accountPrefix * 1_000_000 + index + 1)
        let person = DemoData.person(&rng)
        let town = rng.pick(region.towns)
        let house = rng.int(in: 1...120)
        let flat = rng.chance(0.6) ? ", кв. \(rng.int(in: 1...140))" : ""
        let address = "\(region.region), \(town), \(rng.pick(DemoData.streets)), д. \(house)\(flat)"
        let residents = rng.int(in: 1...5)
        let area = Double(rng.int(in: 300...1500)) / 10
        let phone = "+79\(rng.digits(9))"
        let updated = iso(daysAgo: 30)
        let accountID = rows.nextID(.account)
        rows.add(.account, accountID, rgkIDs[r], number, person.surname, person.name, person.patronymic, address, phone, residents, area,
                 "open", updated)

        // portal user first, so that the pending reading can name its sender
        let userID = try portalUser(for: accountID, person: person, index: index)
        accountIDs.append((accountID, r, userID))

        let debtor = rng.chance(0.15)
        let hasVDGO = rng.chance(0.6)
        var gasConsumption = 0
        let meterCount = rng.chance(0.1) ? 2 : 1
        for m in 0..<meterCount {
            gasConsumption += try meter(accountID: accountID, index: index, second: m == 1, area: area / Double(meterCount),
                                        region: region, rgkID: rgkIDs[r], userID: userID)
        }
        try services(accountID: accountID, r: r, debtor: debtor, hasVDGO: hasVDGO, monthlyM3: max(20, gasConsumption))
        try contracts(accountID: accountID, r: r, number: number, hasVDGO: hasVDGO)
        abonent(accountID: accountID, index: index)
    }

    /// The «Абонент» section of an account: a stove everywhere, a water heater or a boiler in some
    /// homes with their consumption modes, a benefit in about one in six. Drawn from a generator of
    /// the account's own, so that the rest of the demo is what it was before the section existed.
    mutating func abonent(accountID: Int64, index: Int) {
        var own = SeededRandom(seed: 0xAB0E_E700 &+ UInt64(index))
        let updated = iso(daysAgo: 30)
        let since = Day(year: anchor.year - own.int(in: 2...15), month: own.int(in: 1...12), day: 1)!
        rows.add(.accountEquipment, accountID, "stove", own.digits(7), own.pick(DemoData.stoves), since.iso, updated)
        rows.add(.accountConsumption, accountID, "Приготовление пищи", 10.5, "куб. м на человека в месяц", since.iso, updated)
        if own.chance(0.4) {
            rows.add(.accountEquipment, accountID, "water_heater", own.digits(7), own.pick(DemoData.waterHeaters), since.iso, updated)
            rows.add(.accountConsumption, accountID, "Подогрев воды", 12.8, "куб. м на человека в месяц", since.iso, updated)
        } else if own.chance(0.3) {
            rows.add(.accountEquipment, accountID, "boiler", own.digits(7), own.pick(DemoData.boilers), since.iso, updated)
            rows.add(.accountConsumption, accountID, "Отопление", 7.8, "куб. м на кв. м в месяц", since.iso, updated)
        }
        if own.chance(0.16) {
            let benefit = own.pick(DemoData.benefits)
            let from = Day(year: anchor.year - own.int(in: 0...10), month: own.int(in: 1...12), day: 1)!
            // about one in four has ended, most of them last year
            let until = own.chance(0.25) ? Day(year: anchor.year - 1, month: 12, day: 31)! : nil
            rows.add(.accountBenefit, accountID, benefit.name, benefit.percent, "удостоверение № \(own.digits(6))", from.iso,
                     until.map { $0 < from ? from.iso : $0.iso }, updated)
        }
    }

    /// Creates one meter with a year of accepted history and maybe a pending reading;
    /// answers the typical monthly consumption.
    mutating func meter(accountID: Int64, index: Int, second: Bool, area: Double,
                        region: DemoData.Region, rgkID: Int64, userID: Int64?) throws -> Int {
        let digits = rng.chance(0.1) ? 4 : (rng.chance(0.1) ? 6 : 5)
        let capacity = Int(pow10(digits))
        let boiler = rng.chance(0.03)
        let maxMonthly = boiler ? 800 : region.maxMonthly
        var state = "working"
        if index == 7 && !second { state = "faulty" }
        else if rng.chance(0.003) { state = "faulty" }
        else if rng.chance(0.002) { state = "removed" }
        let expired = rng.chance(0.03)
        let verification = expired ? anchor.adding(days: -rng.int(in: 1...300)) : anchor.adding(days: rng.int(in: 30...3650))
        let serial = rng.digits(8)
        let meterID = rows.nextID(.meter)
        rows.add(.meter, meterID, accountID, serial, rng.pick(DemoData.meterModels), digits, rng.pick(DemoData.places), verification.iso,
                 state, boiler ? 800 : nil)

        // a year of accepted readings from the RGK, on the 25th of each month; 4-digit
        // meters may roll over past 9999 on the way
        let firstOfMonth = Day(year: anchor.year, month: anchor.month, day: 1)!
        var value = digits == 4 && rng.chance(0.3) ? capacity - rng.int(in: 300...1500) : rng.int(capacity / 3)
        var lastValue = value
        var lastDate = firstOfMonth
        var typical = 0
        for monthsBack in stride(from: 12, through: 1, by: -1) {
            let date = firstOfMonth.adding(months: -monthsBack).adding(days: 24)
            let used = consumption(month: date.month, area: area) * (boiler ? 3 : 1)
            value = (value + used) % capacity
            let at = iso(Timestamp.localMidnight(date) + 10 * 3600)
            rows.add(.reading, meterID, value, date.iso, "rgk", "accepted", at, nil)
            lastValue = value
            lastDate = date
            typical = used
        }

        // the pending queue: about one meter in ten has a new reading from the portal
        let faulty = state != "working"
        guard faulty || expired && rng.chance(0.5) || rng.chance(0.09) else { return typical }
        let limit = maxMonthly
        let used = consumption(month: anchor.month, area: area) * (boiler ? 3 : 1)
        var pendingValue = (lastValue + used) % capacity
        let scenario = pendingIndex < 3 ? pendingIndex : rng.int(100)
        pendingIndex += 1
        switch scenario {
        case 0, 10...13:          // lower than the previous accepted reading
            pendingValue = lastValue >= 60 ? lastValue - rng.int(in: 1...50) : lastValue
            if lastValue < 60 { pendingValue = (lastValue + capacity - 1) % capacity }
        case 1, 20...22:          // does not fit the meter's digits
            pendingValue = capacity + rng.int(1000)
        case 2, 30...32:          // more than the maximum consumption
            let candidate = lastValue + limit + rng.int(in: 50...400)
            if candidate < capacity { pendingValue = candidate }
        default:
            break
        }
        let daysAgo = rng.int(in: 0...5)
        let date = anchor.adding(days: -daysAgo)
        let submitted = iso(Timestamp.localMidnight(date) + Int64(rng.int(in: 8 * 3600...21 * 3600)))
        _ = lastDate
        // written after all the history, in the order they arrived, as the portal writes them
        pending.append(Pending(meterID: meterID, value: pendingValue, date: date.iso, submittedAt: min(submitted, iso(nowEpoch)), userID: userID,
                               rgkID: rgkID))
        return typical
    }

    func pow10(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { acc, _ in acc * 10 } }

    mutating func consumption(month: Int, area: Double) -> Int {
        let seasonal: [Double] = [1.6, 1.5, 1.2, 0.8, 0.4, 0.2, 0.2, 0.2, 0.4, 0.8, 1.2, 1.5]
        return Int(area * seasonal[month - 1]) + rng.int(in: 5...15)
    }

    mutating func services(accountID: Int64, r: Int, debtor: Bool, hasVDGO: Bool, monthlyM3: Int) throws {
        for kind in hasVDGO ? ["gas", "vdgo"] : ["gas"] {
            let tariff = 780   // kopecks per m³
            var opening = debtor ? -Int64(rng.int(in: 20_000...600_000)) : Int64(rng.int(in: 0...30_000))
            var due: Int64 = 0
            let serviceID = rows.nextID(.service)
            for monthsBack in stride(from: 2, through: 0, by: -1) {
                let periodDay = Day(year: anchor.year, month: anchor.month, day: 1)!.adding(months: -monthsBack)
                let charged = kind == "gas" ? Int64(monthlyM3 * tariff + rng.int(in: 0...999)) : 15_000
                let paid: Int64 = debtor ? (rng.chance(0.2) ? Int64(rng.int(in: 10_000...100_000)) : 0)
                                         : (monthsBack == 0 && rng.chance(0.5) ? 0 : charged + Int64(rng.int(in: 0...5_000)))
                let benefit: Int64 = rng.chance(0.08) ? Int64(rng.int(in: 5_000...30_000)) : 0
                let recalc: Int64 = rng.chance(0.02) ? -Int64(rng.int(in: 1_000...20_000)) : 0
                let closing = opening - charged + paid + benefit + recalc
                rows.add(.settlement, serviceID, periodDay.period, opening, charged, paid, benefit, recalc, monthsBack == 0 ? nil : closing)
                if paid > 0 {
                    paymentSequence += 1
                    let paidOn = periodDay.adding(days: rng.int(in: 2...24))
                    // the last days' payments are still processing; about one in fifty of last month's is stuck
                    // there (chosen by its number, so the rest of the demo draws the same)
                    let stuck = monthsBack == 1 && paymentSequence % 50 == 7
                    let state = (monthsBack == 0 && paidOn.daysSinceEpoch > anchor.daysSinceEpoch - 3) || stuck ? "processing" : "paid"
                    rows.add(.payment, rgkIDs[r], "P\(String(paymentSequence + 10_000_000))", accountID, kind,
                             min(paidOn, anchor).iso, paid, rng.pick(DemoData.paymentChannels), state)
                }
                due = opening - charged + paid
                opening = closing
            }
            // its balance is known once its months are: the row is written after theirs (its id was taken before)
            rows.add(.service, serviceID, accountID, kind, due, iso(daysAgo: 2))
        }
    }

    mutating func contracts(accountID: Int64, r: Int, number: String, hasVDGO: Bool) throws {
        let signed = Day(year: rng.int(in: 2012...2023), month: rng.int(in: 1...12), day: rng.int(in: 1...28))!
        rows.add(.contract, rows.nextID(.contract), rgkIDs[r], "П-\(number)", accountID, "supply", signed.iso, nil, "active")
        guard hasVDGO else { return }
        let vdgoSigned = anchor.adding(days: -rng.int(in: 30...1000))
        let contractID = rows.nextID(.contract)
        rows.add(.contract, contractID, rgkIDs[r], "ВДГО-\(number)", accountID, "vdgo", vdgoSigned.iso, vdgoSigned.adding(months: 36).iso,
                 "active")
        if rng.chance(0.1) {
            let old = vdgoSigned.adding(months: -36)
            rows.add(.contract, rows.nextID(.contract), rgkIDs[r], "ВДГО-\(number)-А", accountID, "vdgo", old.iso,
                     vdgoSigned.adding(days: -1).iso, "archive")
        }
        if rng.chance(0.25) {
            let actDate = vdgoSigned.adding(days: rng.int(in: 10...200))
            guard actDate < anchor else { return }
            let actID = rows.nextID(.act)
            rows.add(.act, actID, contractID, "А-\(number)-1", actDate.iso)
            let works: [(String, Int64)] = [("Техническое обслуживание плиты газовой 4-конфорочной", 85_000),
                                            ("Проверка герметичности газопровода", 30_000),
                                            ("Техническое обслуживание котла газового", 150_000),
                                            ("Проверка тяги в дымоходе", 25_000)]
            for work in works.prefix(rng.int(in: 1...3)) {
                rows.add(.actItem, actID, work.0, work.1)
            }
        }
    }

    // MARK: portal users

    /// About 40% of accounts have a portal user; users come in every state.
    mutating func portalUser(for accountID: Int64, person: DemoData.Person, index: Int) throws -> Int64? {
        let forced = index < 8
        guard forced || rng.chance(0.4) else { return nil }
        let roll = forced ? [0.5, 0.9, 0.95, 0.99, 0.5, 0.5, 0.5, 0.5][index] : Double(rng.int(1000)) / 1000
        let status = roll < 0.84 ? "active" : (roll < 0.92 ? "pending" : (roll < 0.97 ? "blocked" : "deleted"))
        let byPhone = rng.chance(0.55)
        phoneSequence += 1
        let phone = "+79\(String(100_000_000 + phoneSequence * 7 + rng.int(7)))"
        let email = "\(DemoData.transliterate(person.surname)).\(DemoData.transliterate(String(person.name.prefix(1))))\(phoneSequence)@\(rng.pick(DemoData.mailDomains))"
        let registeredDaysAgo = status == "pending" ? rng.int(in: 0...20) : rng.int(in: 10...700)
        let registered = iso(daysAgo: registeredDaysAgo, seconds: rng.int(86_400))
        let userID = rows.nextID(.portalUser)
        if status == "deleted" {
            // an erased user: only what erasure keeps, the flags at the table's defaults
            rows.add(.portalUser, userID, "erased-\(userID)", "erased", nil, nil, nil, nil, "deleted", nil, nil, nil, 1, 1, 0, 0,
                     registered, nil, nil, iso(daysAgo: 5), iso(daysAgo: 5), nil, nil)
            return nil
        }
        let login = byPhone ? phone : email
        let username = self.username(person, userID: userID)
        rows.add(.portalUser, userID, login, byPhone ? "phone" : "email", passwordHash, person.fullName,
                   byPhone && rng.chance(0.5) ? nil : email, byPhone ? phone : (rng.chance(0.5) ? phone : nil),
                   status, status == "blocked" ? "Нарушение пользовательского соглашения: передача учетной записи третьим лицам" : nil,
                   status == "pending" ? nil : registered, status == "pending" ? nil : "portal",
                   1, rng.chance(0.8) ? 1 : 0, rng.chance(0.3) ? 1 : 0, rng.chance(0.4) ? 1 : 0,
                   registered, status == "pending" ? iso(Timestamp.parse(registered)! + 7 * 86_400) : nil,
                   status == "pending" ? nil : registered, nil, registered, username, username.map(Username.key))
        if status == "pending" {
            // registration codes: some still valid, most long expired
            let created = rng.chance(0.2) ? nowEpoch - Int64(rng.int(in: 10...100)) : Timestamp.parse(registered)!
            rows.add(.confirmationCode, userID, "registration", byPhone ? "sms" : "email", login, codeHash, iso(created), iso(created + 160))
            return nil
        }
        let extended = rng.chance(0.45)
        let via = rng.pick(["pin", "meter_serial", "last_charge", "in_person"])
        rows.add(.userAccount, userID, accountID, extended ? "extended" : "restricted", rng.chance(0.3) ? rng.pick(["Дом", "Дача", "Квартира мамы"]) : nil,
                   index == 3 ? 5 : 0, index == 3 ? iso(daysAgo: 1) : nil,
                   extended ? registered : nil, extended ? via : nil, registered)
        // a second property of the same person, linked by the same user
        if let previous = accountIDs.last, previous.userID == nil, rng.chance(0.08) {
            rows.add(.userAccount, userID, previous.id, "restricted", nil, 0, nil, nil, nil, registered)
        }
        cards(userID: userID, registered: registered)
        return userID
    }

    /// The username half the customers chose (manual 003): their name and surname, in Russian or
    /// in Latin letters, a letter or two more where another has it. From a generator of the user's
    /// own, so that the rest of the demo is what it was before usernames existed.
    mutating func username(_ person: DemoData.Person, userID: Int64) -> String? {
        var own = SeededRandom(seed: 0x05E4_0000 &+ UInt64(userID))
        guard own.chance(0.5) else { return nil }
        let base = own.chance(0.5) ? "\(person.name) \(person.surname)"
            : "\(DemoData.transliterate(person.name).capitalized) \(DemoData.transliterate(person.surname).capitalized)"
        return usernames.pick(base.filter { Username.isLetter($0) || $0 == " " }, userID: userID)
    }

    /// The bank cards some customers linked to pay by (manual 001 §4.7.3): masked as the portal
    /// keeps them, each with the payment service's token. From a generator of the user's own, so
    /// that the rest of the demo is what it was before cards existed.
    mutating func cards(userID: Int64, registered: String) {
        var own = SeededRandom(seed: 0xCA4D_0000 &+ UInt64(userID))
        guard own.chance(0.3) else { return }
        for _ in 0..<(own.chance(0.2) ? 2 : 1) {
            let bank = own.pick(DemoData.banks)
            let linked = max(registered, iso(daysAgo: own.int(in: 1...400)))
            let expiry = Day(year: anchor.year + own.int(in: 0...4), month: own.int(in: 1...12), day: 1)!.period
            rows.add(.userCard, userID, bank.bin, own.digits(4).replacingOccurrences(of: "0", with: "7"), expiry, bank.name,
                     "tok_" + (0..<24).map { _ in String(own.int(16), radix: 16) }.joined(), linked)
        }
    }

    /// Sign-in through outside services (manual 000): some e-mail users signed in with the
    /// service of their address; a few newcomers signed up that way and never followed the link.
    /// Written last, so that everything before stays what it was.
    mutating func socialSignIns() throws {
        let providers = ["yandex.ru": "yandex", "mail.ru": "mailru", "bk.ru": "mailru", "gmail.com": "google"]
        let users = try db.query("""
            SELECT id, login, registered_at FROM portal_user WHERE login_kind = 'email' AND status = 'active' AND id % 5 = 0 ORDER BY id
            """)
        for u in users {
            let (id, login, created) = try (u.int64("id"), u.string("login"), u.string("registered_at"))
            guard let provider = providers[String(login.split(separator: "@").last ?? "")] else { continue }
            try db.run("INSERT INTO social_identity (user_id, provider, subject, email, created_at, activated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       id, provider, String(1_000_000_000 + id * 7919), login, created, iso(Timestamp.parse(created)! + 300))
        }
        // newcomers: pending, no password, the first link long expired ("the letter never came")
        let newcomers: [(String, String, String)] = [("Лебедева Ольга Викторовна", "lebedeva.o@yandex.ru", "yandex"),
                                                     ("Кузьмин Артем Игоревич", "kuzmin.artem@mail.ru", "vk"),
                                                     ("Белова Дарья Андреевна", "belova.da@gmail.com", "google")]
        let extra = max(0, options.accounts / 1000 - newcomers.count)
        var people = newcomers
        for i in 0..<extra {
            let person = DemoData.person(&rng)
            let domain = rng.pick(["yandex.ru", "mail.ru", "gmail.com"])
            people.append((person.fullName, "\(DemoData.transliterate(person.surname)).s\(i + 1)@\(domain)", providers[domain] ?? "vk"))
        }
        for (index, (name, email, provider)) in people.enumerated() {
            let registered = nowEpoch - Int64(2 + index % 5) * 86_400 - Int64(index * 611 % 86_400)
            let userID = try db.insert("""
                INSERT INTO portal_user (login, login_kind, full_name, email, status, registered_at, confirm_until, updated_at)
                VALUES (?, 'email', ?, ?, 'pending', ?, ?, ?)
                """, email, name, email, iso(registered), iso(registered + 7 * 86_400), iso(registered))
            let identityID = try db.insert("INSERT INTO social_identity (user_id, provider, subject, email, created_at) VALUES (?, ?, ?, ?, ?)",
                                           userID, provider, String(7_000_000_000 + userID * 104_729), email, iso(registered))
            try db.run("INSERT INTO activation_link (identity_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                       identityID, SHA256.hex(Array("demo activation \(userID)".utf8)), iso(registered),
                       iso(registered + Users.activationSeconds))
        }
    }

    /// What an older version of the portal left behind: a login and an e-mail in spellings of
    /// their own, and a second registration of a number someone already has (`db repair-logins`).
    mutating func strayLogins() throws {
        let registered = iso(daysAgo: 400)
        func user(_ login: String, _ kind: String, _ name: String, email: String?, phone: String?, status: String) throws {
            try db.run("""
                INSERT INTO portal_user (login, login_kind, password_hash, full_name, email, phone, status, consent_at, consent_channel,
                                         registered_at, confirm_until, confirmed_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'portal', ?, ?, ?, ?)
                """, login, kind, passwordHash, name, email, phone, status, registered, registered,
                   status == "pending" ? iso(daysAgo: 393) : nil, status == "pending" ? nil : registered, registered)
        }
        try user("89115550011", "phone", "Стрельцова Анна Павловна", email: "A.Streltsova@Mail.RU", phone: nil, status: "active")
        try user("+79115550012", "phone", "Лосев Петр Николаевич", email: nil, phone: "+79115550012", status: "active")
        try user("8 (911) 555-00-12", "phone", "Лосев Петр Николаевич", email: nil, phone: "8 911 555 00 12", status: "pending")
    }

    // MARK: queues

    mutating func pinRequests() throws {
        let candidates = try db.query("""
            SELECT u.id AS user_id, u.full_name, u.email, u.phone, l.account_id FROM user_account l JOIN portal_user u ON u.id = l.user_id
            WHERE l.access_level = 'restricted' AND u.status = 'active' ORDER BY u.id, l.account_id LIMIT ?
            """, max(12, options.accounts / 150))
        for (i, row) in candidates.enumerated() {
            let status = i % 4 == 3 ? "issued" : (i % 6 == 5 ? "rejected" : "open")
            let created = iso(daysAgo: rng.int(in: 0...10), seconds: rng.int(86_400))
            let (accountID, phone) = try (row.int64("account_id"), row.optString("phone"))
            let email = try row.optString("email") ?? (phone == nil ? "abonent\(i)@mail.ru" : nil)
            let requestID = try db.insert("""
                INSERT INTO pin_request (account_id, user_id, full_name, email, phone, status, created_at, decided_at, decided_by, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, accountID, row.int64("user_id"), row.string("full_name"), email, phone, status, created,
                       status == "open" ? nil : iso(daysAgo: 0, seconds: 3600), status == "open" ? nil : "ivanova",
                       status == "rejected" ? "ФИО в запросе не совпадает с владельцем лицевого счета" : nil)
            if status == "issued" {
                try db.run("""
                    INSERT INTO pin (account_id, pin_hash, source, state, issued_at, issued_by, expires_at, request_id)
                    VALUES (?, ?, 'issued', 'active', ?, 'ivanova', ?, ?)
                    """, accountID, pinHash, iso(daysAgo: 0, seconds: 3600), iso(nowEpoch + 30 * 86_400), requestID)
            }
        }
        // PINs printed on bills for a part of one RGK's accounts
        let billed = try db.query("""
            SELECT a.id FROM account a JOIN rgk r ON r.id = a.rgk_id
            WHERE r.code = 'kostroma' AND NOT EXISTS (SELECT 1 FROM pin p WHERE p.account_id = a.id AND p.state = 'active')
            ORDER BY a.id LIMIT ?
            """, max(10, options.accounts / 20))
        for row in billed {
            try db.run("""
                INSERT INTO pin (account_id, pin_hash, source, state, issued_at, issued_by, expires_at) VALUES (?, ?, 'bill', 'active', ?, 'rgk', NULL)
                """, row.int64("id"), pinHash, iso(daysAgo: 20))
        }
    }

    mutating func applications() throws {
        let kinds = ["vdgo_maintenance", "repair", "recalculation", "contract_connection", "contract_supply", "contract_vdgo"]
        let statuses = ["submitted", "needs_info", "accepted", "rejected", "completed", "draft"]
        let count = max(36, options.accounts / 60)
        let clerks = ["ivanova", "petrova"]
        for i in 0..<count {
            let kind = kinds[i % kinds.count]
            // every kind meets every status in the first 36; then mostly the open queue
            var status = statuses[(i / kinds.count) % statuses.count]
            if i >= 36 { status = rng.chance(0.6) ? "submitted" : rng.pick(statuses) }
            if kind != "vdgo_maintenance" && kind != "repair" && kind != "recalculation" && status == "completed" && i >= 36 {
                status = "accepted"
            }
            let target = accountIDs[rng.int(accountIDs.count)]
            let account = try db.queryOne("SELECT surname, name, patronymic, address, phone FROM account WHERE id = ?", target.id)!
            let user = try target.userID.flatMap { try db.queryOne("SELECT full_name, email, phone, notify_status FROM portal_user WHERE id = ?", $0) }
            let (surname, address) = try (account.string("surname"), account.string("address"))
            let name = try "\(surname) \(account.string("name")) \(account.string("patronymic"))"
            let email = try user?.optString("email") ?? "\(DemoData.transliterate(surname)).\(i)@mail.ru"
            let phone = try user?.optString("phone") ?? account.optString("phone") ?? "+79\(rng.digits(9))"
            let createdDaysAgo = rng.int(in: 1...40)
            let created = nowEpoch - Int64(createdDaysAgo) * 86_400 - Int64(rng.int(36_000))
            let source = target.userID == nil ? rng.pick(["office", "phone"]) : "portal"
            let assigned = status == "draft" || status == "submitted" && rng.chance(0.5) ? nil : rng.pick(clerks)
            let noAccount = kind == "contract_connection" || (kind == "repair" && rng.chance(0.3))
            let appID = try db.insert("""
                INSERT INTO application (kind, status, rgk_id, account_id, address, user_id, source, contact_name, contact_phone,
                                         contact_email, comment, assigned_to, created_at, submitted_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, kind, status, rgkIDs[target.rgk], noAccount ? nil : target.id, noAccount ? address : nil,
                       target.userID, source, name, phone, email,
                       rng.chance(0.3) ? "Удобное время для звонка — после 18:00" : nil, assigned,
                       iso(created), status == "draft" ? nil : iso(created + 600), iso(created + 86_400))
            try applicationDetails(appID, kind: kind, name: name, address: address)
            try applicationHistory(appID, status: status, created: created, clerk: assigned ?? "ivanova")
        }
    }

    mutating func applicationDetails(_ id: Int64, kind: String, name: String, address: String) throws {
        switch kind {
        case "vdgo_maintenance":
            try db.run("INSERT INTO application_maintenance (application_id, work_type, description, desired_date) VALUES (?, ?, ?, ?)",
                       id, rng.pick(["Плановое ТО", "Внеплановое ТО", "Замена гибкой подводки"]),
                       rng.pick(["Прошу провести ТО газовой плиты и колонки", "Плановое обслуживание котла перед отопительным сезоном",
                                 "Заменить гибкую подводку к плите"]), anchor.adding(days: rng.int(in: 3...30)).iso)
        case "repair":
            try db.run("INSERT INTO application_repair (application_id, reason) VALUES (?, ?)", id,
                       rng.pick(["Не зажигается конфорка плиты", "Запах газа у счетчика", "Колонка гаснет при открытии воды",
                                 "Не работает автоматика котла"]))
        case "recalculation":
            let byResidents = rng.chance(0.6)
            try db.run("INSERT INTO application_recalculation (application_id, reason, date_from, residents, heated_area) VALUES (?, ?, ?, ?, ?)",
                       id, byResidents ? "residents" : "heated_area", anchor.adding(days: -rng.int(in: 10...90)).iso,
                       byResidents ? rng.int(in: 1...6) : nil, byResidents ? nil : Double(rng.int(in: 400...1600)) / 10)
            try attachment(applicationID: id, name: "справка_о_составе_семьи.pdf", type: "application/pdf", bytes: DemoData.tinyPDF)
        default:
            try db.run("""
                INSERT INTO application_contract (application_id, customer_name, customer_address, identity_document, object_type,
                    object_address, ownership_document, max_hourly_m3, commissioning_date, residents, heated_living_area,
                    heated_other_area, livestock, benefits, payment_form)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, id, name, address, "паспорт 19 \(rng.int(in: 10...99)) \(rng.digits(6))", rng.pick(["жилой дом", "квартира", "садовый дом"]),
                       address, kind == "contract_connection" ? nil : "выписка ЕГРН от \(anchor.adding(days: -rng.int(in: 30...900)).russian)",
                       kind == "contract_connection" ? Double(rng.int(in: 12...70)) / 10 : nil,
                       kind == "contract_connection" ? anchor.adding(months: rng.int(in: 3...12)).iso : nil,
                       kind == "contract_supply" ? rng.int(in: 1...5) : nil,
                       kind == "contract_supply" ? Double(rng.int(in: 400...1600)) / 10 : nil,
                       kind == "contract_supply" && rng.chance(0.3) ? Double(rng.int(in: 50...300)) / 10 : nil,
                       kind == "contract_supply" && rng.chance(0.1) ? "куры — 10" : nil,
                       kind == "contract_supply" && rng.chance(0.15) ? "ветеран труда" : nil,
                       kind == "contract_vdgo" ? rng.pick(["ежемесячно", "единовременно"]) : nil)
            if kind != "contract_connection" {
                try db.run("INSERT INTO application_equipment (application_id, kind, description, place) VALUES (?, 'appliance', ?, 'кухня')",
                           id, rng.pick(["плита газовая 4-конфорочная", "котел газовый настенный", "колонка газовая"]))
            }
            if kind == "contract_supply" {
                try db.run("""
                    INSERT INTO application_equipment (application_id, kind, description, place, last_verification)
                    VALUES (?, 'meter', ?, 'кухня', ?)
                    """, id, rng.pick(DemoData.meterModels), anchor.adding(days: -rng.int(in: 100...2000)).iso)
            }
            try attachment(applicationID: id, name: "паспорт.jpg", type: "image/jpeg", bytes: DemoData.tinyJPEG)
            try attachment(applicationID: id, name: "план_объекта.png", type: "image/png", bytes: DemoData.tinyPNG)
        }
    }

    func attachment(applicationID: Int64? = nil, ticketID: Int64? = nil, name: String, type: String, bytes: [UInt8]) throws {
        try db.run("""
            INSERT INTO attachment (application_id, ticket_id, name, content_type, size, sha256, content, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, applicationID, ticketID, name, type, bytes.count, SHA256.hex(bytes), bytes, iso(daysAgo: 3))
    }

    /// The events that lead to `status`, as the portal and the clerks would have written them.
    mutating func applicationHistory(_ id: Int64, status: String, created: Int64, clerk: String) throws {
        // the draft is saved when created and sent ten minutes later (submitted_at); clerks follow
        var at = created - 600
        func event(_ kind: String, _ actor: String?, _ from: String?, _ to: String, _ message: String?) throws {
            at += from == nil || from == "draft" ? 600 : Int64(rng.int(in: 600...86_400))
            at = min(at, nowEpoch - 60)
            try db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status, message)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, id, iso(at), kind, actor, from, to, message)
        }
        try event("customer", nil, nil, "draft", nil)
        if status == "draft" { return }
        try event("customer", nil, "draft", "submitted", nil)
        switch status {
        case "needs_info":
            try event("operator", clerk, "submitted", "needs_info", "Приложите копию документа, подтверждающего право собственности")
        case "accepted":
            try event("operator", clerk, "submitted", "accepted", "Заявка зарегистрирована")
        case "rejected":
            try event("operator", clerk, "submitted", "needs_info", "Уточните адрес объекта")
            try event("customer", nil, "needs_info", "submitted", "Адрес указан верно, дом 12")
            try event("operator", clerk, "submitted", "rejected", "Объект не газифицирован: требуется договор на техническое присоединение")
        case "completed":
            try event("operator", clerk, "submitted", "accepted", "Заявка зарегистрирована")
            try event("operator", clerk, "accepted", "completed", "Работы выполнены")
        default:
            break
        }
    }

    mutating func tickets() throws {
        let topics = ["registration", "extended", "settlements", "bills", "payments", "meters", "other"]
        let questions: [String: String] = [
            "registration": "Не приходит СМС с кодом подтверждения регистрации. Номер указан верно.",
            "extended": "Не могу подключить расширенную версию: ПИН-код с квитанции не подходит.",
            "settlements": "В разделе «Взаиморасчеты» не отображается оплата за прошлый месяц.",
            "bills": "Прошу присылать квитанции на электронную почту.",
            "payments": "Оплатил 1500 руб. через Сбербанк Онлайн, а долг не уменьшился.",
            "meters": "Показания отклонены с причиной «превышает разрядность», хотя я ввел их верно.",
            "other": "Подскажите часы работы абонентского пункта в субботу.",
        ]
        let count = max(21, options.accounts / 120)
        let offices = try db.query("SELECT id, rgk_id FROM office ORDER BY id")
        for i in 0..<count {
            let topic = topics[i % topics.count]
            let statusRoll = i < 21 ? [0, 1, 2][(i / 7) % 3] : rng.int(3)
            let status = ["new", "answered", "closed"][statusRoll]
            let channel = i % 5 == 4 ? "support" : (i % 5 == 3 ? "office" : "rgk")
            let target = accountIDs[rng.int(accountIDs.count)]
            let anonymous = target.userID == nil || i % 6 == 5
            let account = try db.queryOne("SELECT surname, name, patronymic, number, phone FROM account WHERE id = ?", target.id)!
            let surname = try account.string("surname")
            let name = try "\(surname) \(account.string("name")) \(account.string("patronymic"))"
            let email = "\(DemoData.transliterate(surname)).t\(i)@\(rng.pick(DemoData.mailDomains))"
            let office = try channel == "office" ? offices.first { try $0.int64("rgk_id") == rgkIDs[target.rgk] } : nil
            let created = nowEpoch - Int64(rng.int(in: 1...20)) * 86_400 - Int64(rng.int(40_000))
            var lastCustomer = created
            var lastOperator: Int64? = nil
            let ticketID = try db.insert("""
                INSERT INTO ticket (channel, rgk_id, office_id, topic, status, user_id, sender_name, sender_email, sender_phone,
                                    account_number, account_id, source, assigned_to, created_at, updated_at, last_customer_at,
                                    last_operator_at, closed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
                """, channel, channel == "support" ? nil : rgkIDs[target.rgk], office?.int64("id"), topic, status,
                       anonymous ? nil : target.userID, name, email, account.optString("phone"),
                       account.string("number"), target.id, anonymous ? "portal_anonymous" : "portal",
                       status == "new" && rng.chance(0.6) ? nil : (channel == "support" ? "sidorov" : "ivanova"),
                       iso(created), iso(created), iso(created))
            try db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'customer', NULL, ?)",
                       ticketID, iso(created), questions[topic]!)
            if topic == "payments" && i < 21 {
                try attachment(ticketID: ticketID, name: "чек.png", type: "image/png", bytes: DemoData.tinyPNG)
            }
            if status != "new" {
                let answered = created + Int64(rng.int(in: 3600...172_800))
                try db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'operator', ?, ?)",
                           ticketID, iso(min(answered, nowEpoch - 120)), channel == "support" ? "sidorov" : "ivanova",
                           "Здравствуйте! Ваше обращение рассмотрено. Проверьте, пожалуйста, данные еще раз.")
                lastOperator = min(answered, nowEpoch - 120)
                // some customers wrote back: the ticket is open again
                if status == "answered" && rng.chance(0.4) {
                    lastCustomer = min(lastOperator! + Int64(rng.int(in: 600...40_000)), nowEpoch - 60)
                    try db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'customer', NULL, ?)",
                               ticketID, iso(lastCustomer), "Проверил, проблема осталась. Что еще можно сделать?")
                }
            }
            try db.run("""
                UPDATE ticket SET last_customer_at = ?, last_operator_at = ?, updated_at = ?, closed_at = ? WHERE id = ?
                """, iso(lastCustomer), lastOperator.map(iso), iso(max(lastCustomer, lastOperator ?? 0)),
                       status == "closed" ? iso(min((lastOperator ?? created) + 3600, nowEpoch - 30)) : nil, ticketID)
        }
    }

    mutating func outboxAndImports() throws {
        let replies = try db.query("""
            SELECT t.id, t.sender_email, t.rgk_id FROM ticket t WHERE t.status <> 'new' AND t.sender_email IS NOT NULL ORDER BY t.id LIMIT 5
            """)
        for (i, row) in replies.enumerated() {
            let status = i < 3 ? "sent" : "waiting"
            let ticketID = try row.int64("id")
            try db.run("""
                INSERT INTO outbox (channel, recipient, subject, body, rgk_id, kind, entity_type, entity_id, status, attempts,
                                    next_attempt_at, created_at, sent_at, message_id)
                VALUES ('email', ?, ?, ?, ?, 'ticket_reply', 'ticket', ?, ?, ?, ?, ?, ?, ?)
                """, row.string("sender_email"), "Ответ на обращение № \(ticketID)",
                       "Здравствуйте! Ваше обращение рассмотрено. Проверьте, пожалуйста, данные еще раз.",
                       row.optInt64("rgk_id"), ticketID, status, status == "sent" ? 1 : 0, iso(daysAgo: 1), iso(daysAgo: 1),
                       status == "sent" ? iso(daysAgo: 1, seconds: -60) : nil,
                       status == "sent" ? "<demo.\(ticketID)@mygaz-admin>" : nil)
        }
        for (i, rgkID) in rgkIDs.enumerated() {
            let started = nowEpoch - Int64(i + 1) * 86_400
            let accounts = try db.scalarInt("SELECT count(*) FROM account WHERE rgk_id = ?", rgkID) ?? 0
            try db.run("""
                INSERT INTO import_batch (kind, rgk_id, file_name, file_sha256, file_size, encoding, delimiter, operator, status,
                                          started_at, finished_at, rows_read, rows_done, inserted, updated, unchanged, rejected)
                VALUES ('accounts', ?, ?, ?, 0, 'cp1251', ';', ?, 'completed', ?, ?, ?, ?, 0, ?, 0, 0)
                """, rgkID, "ЛС_\(DemoData.regions[i].code)_\(anchor.adding(days: -(i + 1)).russian).csv",
                       String(repeating: "0", count: 64), session.login, iso(started), iso(started + 40), accounts, accounts, accounts)
        }
    }

}

/// The demo's usernames, unique by their key (case aside), as the portal keeps them.
struct DemoUsernames {
    private var taken: Set<String> = []

    /// `plain`, or where it is taken (or no username by the rule) it with letters of the user's
    /// own number after it, which no other user's are (a letter or two tried in turn ran out at
    /// some 60 000 users: 26 of them per name, and the demo never ended).
    mutating func pick(_ plain: String, userID: Int64) -> String {
        var name = plain, attempt = 0
        while taken.contains(Username.key(name)) || !Username.isValid(name) {
            let tail = Self.letters(Int(userID) + attempt * 10_000_019)
            let stem = String(plain.prefix(Username.maxLength - 1 - tail.count)).trimmingCharacters(in: .whitespaces)
            name = stem.isEmpty ? tail : stem + " " + tail
            attempt += 1
        }
        taken.insert(Username.key(name))
        return name
    }

    /// `n` in Latin letters, a word for every number: a, b, … z, aa, ab, …
    static func letters(_ n: Int) -> String {
        var n = n, text = ""
        repeat {
            text = String(UnicodeScalar(UInt8(97 + n % 26))) + text
            n = n / 26 - 1
        } while n >= 0
        return text
    }
}

/// One part of the demo's rows written in a transaction on a thread of its own; `wait` returns
/// when it is in, or throws what stopped it. The connection is the thread's until then (the
/// generator, meanwhile, reads nothing from it).
private final class BackgroundWrite: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let db: any Storage
    private var part: DemoRows
    private var failure: Error?

    init(_ db: any Storage, _ part: DemoRows) {
        self.db = db
        self.part = part
        Thread.detachNewThread { [self] in run() }
    }

    private func run() {
        do { try db.write { try part.write(to: db) } } catch { failure = error }
        done.signal()
    }

    /// Returns at once when waited for before.
    func wait() throws {
        if !finished {
            done.wait()
            finished = true
        }
        if let failure { throw failure }
    }
    private var finished = false
}
