import Foundation

public struct ApplicationSummary: Sendable {
    public let id: Int64
    public let kind: String
    public let status: String
    public let rgk: String
    public let account: String?
    public let address: String?
    public let contactName: String?
    public let contactPhone: String?
    public let contactEmail: String?
    public let source: String
    public let createdAt: String
    public let submittedAt: String?
    public let updatedAt: String
    public let assignedTo: String?
    /// Ever waited on the customer (`application.waited`, kept by a trigger on its steps and
    /// checked by `db check`): one that never did has no pause to read. True where not known.
    var waited = true
}

public struct ApplicationEvent: Sendable {
    public let at: String
    public let actorKind: String
    public let actor: String?
    public let from: String?
    public let to: String
    /// The words of whoever made the step (a clerk's question, the reason of a refusal).
    public let message: String?
    /// What the program noted on the step, as a code (`taken_at_office`).
    public let note: String?
}

/// A field of the application's kind, for `show`: key, label, value.
public struct ApplicationField: Sendable {
    /// How a value is read: as it is, as a day, as a decimal quantity, or as a code of a domain.
    public enum Kind: Sendable { case text, day, decimal, code(CodeDomain) }
    public let key: String
    public let label: L
    public let value: String?
    public var kind: Kind = .text
}

public struct ApplicationDetail: Sendable {
    public let summary: ApplicationSummary
    public let comment: String?
    public let userID: Int64?
    public let fields: [ApplicationField]
    public let equipment: [(kind: String, description: String, place: String?, lastVerification: String?)]
    public let attachments: [AttachmentInfo]
    public let events: [ApplicationEvent]
}

public struct ApplicationFilter: Sendable {
    public var statuses: [ApplicationStatus] = [.submitted, .needsInfo]
    public var kind: ApplicationKind?
    public var rgk: String?
    public var account: AccountRef?
    public var assignedTo: String?
    public var since: Int64?
    /// The customer as they say it: a phone, an e-mail, an account number, or a piece of the name or address.
    public var search: String?
    public var limit = 50
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public var scope: [Int64]?
    /// Only those of each kind registered before its moment (`DueQuery.dueBy`, through the index).
    var registeredBefore: [(ApplicationKind, Int64)]?
    public init() {}
}

/// What a clerk does to an application, and from which states (manual 001 §4.4, §4.5).
public enum ApplicationAction: String, Sendable, CaseIterable {
    case approve, clarify, answer, reject, complete, reopen

    public var target: ApplicationStatus {
        switch self {
        case .approve: return .accepted
        case .clarify: return .needsInfo
        case .answer, .reopen: return .submitted
        case .reject: return .rejected
        case .complete: return .completed
        }
    }

    /// Maintenance, repair and recalculation may be completed straight from submitted.
    public func allowedFrom(kind: ApplicationKind) -> [ApplicationStatus] {
        switch self {
        case .approve: return [.submitted]
        // a second question to a customer who was already asked is a new question
        case .clarify: return [.submitted, .needsInfo]
        case .answer: return [.needsInfo]
        // a wrong refusal or completion taken back: the application is looked at again
        case .reopen: return [.rejected, .completed]
        case .reject: return [.submitted, .needsInfo, .accepted]
        case .complete:
            return [.vdgoMaintenance, .repair, .recalculation].contains(kind) ? [.accepted, .submitted] : [.accepted]
        }
    }
}

/// Applications (SPEC §1.4): the review queue, its transitions, and applications taken at the office.
public enum Applications {
    static let select = """
        SELECT ap.id, ap.kind, ap.status, g.code AS rgk, a.number AS account, ap.address, ap.contact_name, ap.contact_phone,
               ap.contact_email, ap.source, ap.created_at, ap.submitted_at, ap.updated_at, ap.assigned_to, ap.waited
        FROM application ap JOIN rgk g ON g.id = ap.rgk_id LEFT JOIN account a ON a.id = ap.account_id
        """

    static func summary(_ r: Row) throws -> ApplicationSummary {
        try ApplicationSummary(id: r.int64("id"), kind: r.string("kind"), status: r.string("status"), rgk: r.string("rgk"),
                               account: r.optString("account"), address: r.optString("address"), contactName: r.optString("contact_name"),
                               contactPhone: r.optString("contact_phone"), contactEmail: r.optString("contact_email"),
                               source: r.string("source"), createdAt: r.string("created_at"), submittedAt: r.optString("submitted_at"),
                               updatedAt: r.string("updated_at"), assignedTo: r.optString("assigned_to"), waited: r.int("waited") != 0)
    }

    public static func parseID(_ text: String) throws -> Int64 {
        try References.parseID(.application, text)
    }

    public static func list(_ db: any Storage, _ filter: ApplicationFilter) throws -> [ApplicationSummary] {
        // oldest submission first; each status is a branch of the page in its queue index's order
        // (a draft has no submission time: its creation time orders it)
        var page = BranchPage(table: "application ap", orderColumn: "ap.submitted_at", descending: false)
        var seen = Set<ApplicationStatus>()   // a status named twice is one branch, or its rows would fill the page twice
        page.branches = (filter.statuses.isEmpty ? ApplicationStatus.allCases.map { $0 } : filter.statuses).filter { seen.insert($0).inserted }.map {
            ("ap.status = ?", [$0.rawValue], $0 == .draft ? "ap.created_at" : nil)
        }
        if let kind = filter.kind { page.conditions.append("ap.kind = ?"); page.arguments.append(kind.rawValue) }
        if let rgk = filter.rgk { page.conditions.append("ap.rgk_id = ?"); page.arguments.append(try RGK.id(db, rgk)) }
        if filter.scope != nil {
            let scope = ScopeCondition.rgk(db, "ap.rgk_id", in: filter.scope)
            page.conditions.append(scope.sql); page.arguments += scope.arguments
        }
        if let account = filter.account { page.conditions.append("ap.account_id = ?"); page.arguments.append(account.id) }
        if let login = filter.assignedTo { page.conditions.append("ap.assigned_to = ?"); page.arguments.append(login) }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            if let phone = Contact.phone(search) {
                page.conditions.append("ap.contact_phone = ?"); page.arguments.append(phone)
            } else if let email = Contact.email(search) {
                page.conditions.append("ap.contact_email = ?"); page.arguments.append(email)
            } else if let number = Contact.accountNumber(search) {
                page.conditions.append("ap.account_id IN (SELECT id FROM account WHERE number = ? AND rgk_id IN (SELECT id FROM rgk))")
                page.arguments.append(number)
            } else {
                let sql = db.sql, needle = sql.fold("CAST(? AS TEXT)")
                page.conditions.append("(\(sql.contains(sql.fold("coalesce(ap.contact_name, '')"), needle))"
                                       + " OR \(sql.contains(sql.fold("coalesce(ap.address, '')"), needle)))")
                page.arguments.append(search); page.arguments.append(search)
            }
        }
        if let since = filter.since {
            page.conditions.append("coalesce(ap.submitted_at, ap.created_at) >= ?")
            page.arguments.append(Timestamp.iso(since))
        }
        if let before = filter.registeredBefore {
            page.conditions.append("(" + before.map { _ in "(ap.kind = ? AND coalesce(ap.submitted_at, ap.created_at) < ?)" }.joined(separator: " OR ") + ")")
            for (kind, moment) in before { page.arguments += [kind.rawValue, Timestamp.iso(moment)] as [SQLBindable?] }
        }
        // the page's ids first, then the columns for those rows only
        let (pageSQL, arguments) = page.subquery(limit: filter.limit)
        return try db.query(select + " WHERE ap.id IN (SELECT k.id FROM \(pageSQL) ORDER BY \(page.order) LIMIT ?)"
                            + " ORDER BY coalesce(ap.submitted_at, ap.created_at), ap.id", arguments: arguments + [filter.limit]).map(summary)
    }

    /// The states in which an application is due: in work. One waiting on the customer
    /// (`needs_info`) has its clock stopped.
    public static let inWork: [ApplicationStatus] = [.submitted, .accepted, .needsInfo]

    /// The list with each in-work application's due date (docs/deadlines.md); with `dueBy` only
    /// those due by then, with `sort` the nearest due first. The candidates come from the queue's
    /// index by registration time, kind by kind; each one's pauses then move its own date.
    public static func list(_ db: any Storage, _ filter: ApplicationFilter, due q: DueQuery) throws -> [(summary: ApplicationSummary, due: DueReport?)] {
        var f = filter
        if let dueBy = q.dueBy {
            let running: [ApplicationStatus] = [.submitted, .accepted]
            f.statuses = filter.statuses.isEmpty ? running : filter.statuses.filter(running.contains)
            f.registeredBefore = (filter.kind.map { [$0] } ?? ApplicationKind.allCases).compactMap { kind in
                q.registeredBefore(.application(kind), dueBy: dueBy).map { (kind, $0) }
            }
            if f.statuses.isEmpty || f.registeredBefore?.isEmpty == true { return [] }
        }
        if q.sort, f.statuses.allSatisfy(inWork.contains), !f.statuses.isEmpty { return try nearestFirst(db, f, q) }
        return try q.list(limit: filter.limit, read: { f.limit = $0; return try list(db, f) }, dues: { try self.dues(db, $0, q) }, id: \.id)
            .map { (summary: $0.0, due: $0.1) }
    }

    /// `--sort due` without reading the queue: a due day never comes earlier for a later submission
    /// of the same kind in the same zone, so the nearest `limit` are among the first of each kind
    /// and zone in the queue's order, once those that waited on the customer (whose pauses move
    /// them later) are read past. Equal days keep the
    /// queue's order, as a sort of the whole queue would. For the states in work alone (a decided
    /// one, due never, would stand in a kind's first rows too). Those waiting on the customer now
    /// (`needs_info`, paused) come after every dated one, by the day they began to wait: the
    /// running states are read first, and the paused ones only when the dated ones do not fill the
    /// page (their order is not the queue's, so then every one is read).
    static func nearestFirst(_ db: any Storage, _ f: ApplicationFilter, _ q: DueQuery) throws -> [(summary: ApplicationSummary, due: DueReport?)] {
        let running = f.statuses.filter { $0 != .needsInfo }
        if !running.isEmpty {
            let dated = try nearestFirst(db, f, q, statuses: running)
            if dated.count >= f.limit || running.count == f.statuses.count { return dated }
        }
        return try nearestFirst(db, f, q, statuses: f.statuses)
    }

    /// The nearest `f.limit` of the states `statuses`, each kind and zone a stream of its first rows:
    /// read until `f.limit` of them never waited on the customer (a later one of those is due no
    /// sooner, and one that waited is due no sooner than had it not), those that waited among them
    /// kept as well. With the paused state every row is read: there are fewer than `f.limit` in the
    /// running states then (`nearestFirst` asked them first), and the paused are not in the queue's order.
    static func nearestFirst(_ db: any Storage, _ f: ApplicationFilter, _ q: DueQuery,
                             statuses: [ApplicationStatus]) throws -> [(summary: ApplicationSummary, due: DueReport?)] {
        // the RGKs of each zone (one stream for all where they share it)
        var zones: [String: [Int64]] = [:]
        for row in try db.query("SELECT id, code FROM rgk ORDER BY id") {
            zones[q.zone(try row.string("code")).identifier, default: []].append(try row.int64("id"))
        }
        let groups: [[Int64]?] = zones.count <= 1 ? [nil] : zones.keys.sorted().map { zones[$0] }
        var candidates: [ApplicationSummary] = [], seen = Set<Int64>()
        for kind in f.kind.map({ [$0] }) ?? ApplicationKind.allCases {
            for group in groups {
                var stream = f
                stream.kind = kind
                stream.statuses = statuses
                if let group {
                    stream.scope = f.scope.map { $0.filter(group.contains) } ?? group
                    if stream.scope?.isEmpty == true { continue }
                }
                var rows: [ApplicationSummary] = []
                // the paused, by the day they began to wait and not in the queue's order: every one
                stream.limit = statuses.contains(.needsInfo) ? Int(Int32.max) : f.limit
                while true {
                    rows = try list(db, stream)
                    if stream.limit == Int(Int32.max) { break }
                    let waited = rows.filter(\.waited).count
                    if rows.count < stream.limit || rows.count - waited >= f.limit { break }
                    stream.limit = f.limit + max(waited, stream.limit - f.limit + 1)
                }
                for a in rows where seen.insert(a.id).inserted { candidates.append(a) }
            }
        }
        candidates.sort { ($0.submittedAt ?? $0.createdAt, $0.id) < ($1.submittedAt ?? $1.createdAt, $1.id) }
        let found = try dues(db, candidates, q)
        let listed = candidates.map { ($0, found[$0.id]) }.filter { q.wanted($0.1) }
        return DueQuery.ordered(listed.map(\.1)).prefix(f.limit).map { (summary: listed[$0].0, due: listed[$0].1) }
    }

    /// The due date of each in-work application among `rows`, its pauses read from its steps.
    public static func dues(_ db: any Storage, _ rows: [ApplicationSummary], _ q: DueQuery) throws -> [Int64: DueReport] {
        let working = rows.filter { ApplicationStatus(rawValue: $0.status).map(inWork.contains) ?? false }
        // the steps of those that may have paused: one that never waited, and does not wait now, has none
        let paused = working.filter { $0.waited || $0.status == ApplicationStatus.needsInfo.rawValue }
        var steps: [Int64: [(at: String, to: String)]] = [:]
        var start = 0
        while start < paused.count {
            let chunk = paused[start..<min(start + 500, paused.count)].map(\.id)
            start += chunk.count
            try db.eachRow("""
                SELECT application_id, at, to_status FROM application_event
                WHERE application_id IN (\(chunk.map { _ in "?" }.joined(separator: ", "))) ORDER BY application_id, at, id
                """, arguments: chunk) { row in
                steps[try row.int64("application_id"), default: []].append((try row.string("at"), try row.string("to_status")))
            }
        }
        var dues: [Int64: DueReport] = [:]
        for a in working {
            guard let kind = ApplicationKind(rawValue: a.kind), let registered = Timestamp.parse(a.submittedAt ?? a.createdAt) else { continue }
            var pauses = Deadlines.pauses(steps: steps[a.id] ?? [], waiting: ApplicationStatus.needsInfo.rawValue)
            if a.status == ApplicationStatus.needsInfo.rawValue, !pauses.contains(where: { $0.end == nil }) {
                // the state set without its step (a writer of its own): waiting on the customer since its last step
                let last = (steps[a.id] ?? []).compactMap { Timestamp.parse($0.at) }.max() ?? registered
                pauses.append(DeadlinePause(start: last, end: nil))
            }
            dues[a.id] = q.deadlines.report(.application(kind), registeredAt: registered, zone: q.zone(a.rgk), pauses: pauses, now: q.now)
        }
        return dues
    }

    public static func show(_ db: any Storage, _ id: Int64) throws -> ApplicationDetail {
        try db.read {
            guard let row = try db.queryOne(select + " WHERE ap.id = ?", id) else { throw MyGazError.notFound(.application, String(id)) }
            let s = try summary(row)
            let extra = try db.queryOne("SELECT comment, user_id FROM application WHERE id = ?", id)
            let events = try db.query("""
                SELECT at, actor_kind, actor, from_status, to_status, message, note FROM application_event WHERE application_id = ? ORDER BY at, id
                """, id).map {
                try ApplicationEvent(at: $0.string("at"), actorKind: $0.string("actor_kind"), actor: $0.optString("actor"),
                                     from: $0.optString("from_status"), to: $0.string("to_status"), message: $0.optString("message"),
                                     note: $0.optString("note"))
            }
            let equipment = try db.query("""
                SELECT kind, description, place, last_verification FROM application_equipment WHERE application_id = ? ORDER BY id
                """, id).map {
                try (kind: $0.string("kind"), description: $0.string("description"), place: $0.optString("place"),
                     lastVerification: $0.optString("last_verification"))
            }
            return ApplicationDetail(summary: s, comment: try extra?.optString("comment"), userID: try extra?.optInt64("user_id"),
                                     fields: try fields(db, id, kind: ApplicationKind(rawValue: s.kind) ?? .repair),
                                     equipment: equipment, attachments: try Attachments.list(db, .application(id)), events: events)
        }
    }

    /// The fields of the application's kind, labelled as the portal's forms label them.
    static func fields(_ db: any Storage, _ id: Int64, kind: ApplicationKind) throws -> [ApplicationField] {
        func read(_ table: String, _ columns: [(String, L)]) throws -> [ApplicationField] {
            guard let row = try db.queryOne("SELECT \(columns.map(\.0).joined(separator: ", ")) FROM \(table) WHERE application_id = ?", id) else {
                return []
            }
            return try columns.map { column in
                let key = column.0
                let kind: ApplicationField.Kind
                switch key {
                case "desired_date", "date_from", "commissioning_date": kind = .day
                case "heated_area", "max_hourly_m3", "heated_living_area", "heated_other_area": kind = .decimal
                case "reason" where table == "application_recalculation": kind = .code(.recalculationReason)
                default: kind = .text
                }
                return ApplicationField(key: key, label: column.1, value: try row.value(key).string, kind: kind)
            }
        }
        switch kind {
        case .vdgoMaintenance:
            return try read("application_maintenance", [("work_type", L("Work type", "Вид работ")),
                                                        ("description", L("Description", "Описание работ")),
                                                        ("desired_date", L("Desired date", "Желаемая дата"))])
        case .repair:
            return try read("application_repair", [("reason", L("Reason", "Причина обращения"))])
        case .recalculation:
            return try read("application_recalculation", [("reason", L("Reason", "Причина перерасчета")),
                                                          ("date_from", L("From", "Дата начала перерасчета")),
                                                          ("residents", L("New residents", "Новое количество проживающих")),
                                                          ("heated_area", L("New heated area, m²", "Новая отапливаемая площадь, м²"))])
        case .contractConnection, .contractSupply, .contractVDGO:
            var columns: [(String, L)] = [
                ("customer_name", L("Customer", "ФИО заказчика")),
                ("customer_address", L("Residence", "Место жительства")),
                ("identity_document", L("Identity document", "Документ, удостоверяющий личность")),
                ("object_type", L("Object type", "Тип объекта газификации")),
                ("object_address", L("Object address", "Адрес объекта газификации")),
            ]
            switch kind {
            case .contractConnection:
                columns += [("max_hourly_m3", L("Max hourly consumption, m³/h", "Максимальный часовой расход газа, м³/ч")),
                            ("commissioning_date", L("Commissioning", "Срок ввода в эксплуатацию"))]
            case .contractSupply:
                columns += [("ownership_document", L("Ownership document", "Документ на собственность")),
                            ("residents", L("Residents", "Количество проживающих")),
                            ("heated_living_area", L("Heated living area, m²", "Площадь жилых отапливаемых помещений, м²")),
                            ("heated_other_area", L("Heated non-living area, m²", "Площадь нежилых отапливаемых помещений, м²")),
                            ("livestock", L("Livestock and poultry", "Сельскохозяйственные животные и птица")),
                            ("benefits", L("Benefits", "Льготы"))]
            default:
                columns += [("ownership_document", L("Ownership document", "Документ на собственность")),
                            ("payment_form", L("Payment form", "Форма оплаты работ по ТО ВДГО"))]
            }
            return try read("application_contract", columns)
        }
    }

    // MARK: transitions

    /// One step of an application's life, checked against its current state inside the write
    /// transaction. A repeat of the current state is "unchanged"; a forbidden step is exit 4.
    /// The row is held before it is judged: of two clerks deciding at once, the second waits and
    /// judges what the first left (as SQLite's one writer has it), so a second approval is
    /// "unchanged" on either engine; a decision on a state shown earlier (`expect`) is a conflict.
    public static func transition(_ session: Session, _ id: Int64, _ action: ApplicationAction, message: String?,
                                  expect: ApplicationStatus? = nil, attachments: [NewAttachment] = []) throws -> Transition {
        try session.db.write {
            if !session.db.sql.lockingRows.isEmpty {
                try session.db.run("SELECT id FROM application WHERE id = ? \(session.db.sql.lockingRows)", id)
            }
            guard let row = try session.db.queryOne("""
                SELECT ap.status, ap.kind, ap.contact_email, ap.contact_name, ap.user_id, ap.rgk_id, u.notify_status, u.email AS user_email,
                       ap.contact_phone, u.phone AS user_phone, g.code AS rgk
                FROM application ap JOIN rgk g ON g.id = ap.rgk_id LEFT JOIN portal_user u ON u.id = ap.user_id WHERE ap.id = ?
                """, id) else { throw MyGazError.notFound(.application, String(id)) }
            try session.requireWorks(.application, [id])
            guard let current = ApplicationStatus(rawValue: try row.string("status")), let kind = ApplicationKind(rawValue: try row.string("kind")) else {
                throw MyGazError(.internalError, .internalError, .text("application \(id) has a state or kind the schema does not allow"))
            }
            let rgk = try row.string("rgk")
            if let expect, expect != current {
                throw MyGazError(.conflict, .expectStatusMismatch, .entity(.application), .text(String(id)),
                                 .code(.applicationStatus, current.rawValue), .code(.applicationStatus, expect.rawValue))
            }
            let target = action.target
            // asking again is not "already needs_info": it is a new question, with its event and its message
            let askingAgain = action == .clarify && current == .needsInfo
            if current == target && !askingAgain {
                var same = Transition(.application, id, .applicationStatus, from: current.rawValue, to: target.rawValue)
                same.rgk = rgk
                return same
            }
            let allowed = action.allowedFrom(kind: kind)
            guard allowed.contains(current) else {
                throw MyGazError.conflict(.conflictState, .entity(.application), .text(String(id)), .code(.applicationStatus, current.rawValue),
                                          .text("application \(action.rawValue)"),
                                          .codes(.applicationStatus, allowed.map(\.rawValue)))
            }
            if (action == .clarify || action == .reject || action == .reopen) && (message ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw MyGazError.usage(.optionRequires, .text("application \(action.rawValue)"), action == .clarify ? "--message" : "--reason")
            }
            try Decision.move(session.db, .application, id, .applicationStatus, from: current.rawValue, to: target.rawValue,
                              setting: "updated_at = ?", session.now)
            try session.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status, message)
                VALUES (?, ?, 'operator', ?, ?, ?, ?)
                """, id, session.now, session.login, current.rawValue, target.rawValue, message)
            try Attachments.store(session, .application(id), attachments)
            try session.audit("application.\(action.rawValue)", .application, id, old: current.rawValue, new: target.rawValue, reason: message)
            var t = Transition(.application, id, .applicationStatus, from: current.rawValue, to: target.rawValue)
            t.forceChanged = askingAgain
            t.rgk = rgk
            // a reopening is told only to a customer who was told of the decision it takes back
            let decisionWasTold = try action != .reopen || session.db.scalarInt("""
                SELECT CASE WHEN EXISTS (SELECT 1 FROM outbox WHERE entity_type = 'application' AND entity_id = ? AND kind = 'application_status'
                               AND status <> 'cancelled'
                               AND created_at >= (SELECT max(at) FROM application_event WHERE application_id = ? AND to_status = ?))
                       THEN 1 ELSE 0 END AS told
                """, id, id, current.rawValue) == 1
            if action != .answer && decisionWasTold {
                let userID = try row.optInt64("user_id"), name = try row.optString("contact_name")
                let reach = Notify.Reach(email: try row.optString("contact_email") ?? row.optString("user_email"),
                                         phone: try row.optString("contact_phone") ?? row.optString("user_phone"),
                                         optedOut: try userID != nil && row.optInt("notify_status") == 0, userID: userID)
                // a question, a refusal and a reopening must reach the customer; an approval or a completion may be switched off
                let need: Notify.Need = action == .clarify || action == .reject || action == .reopen ? .required : .optional
                t.told(try Notify.tell(session, reach, notice(id, kind: kind, action: action, from: current, message: message, name: name,
                                                                   rgkPhone: try Notify.rgkPhone(session.db, rgkID: try row.int64("rgk_id"))),
                                       need: need, rgkID: try row.int64("rgk_id"), entity: .application, entityID: id, who: name ?? ""))
            }
            return t
        }
    }

    /// What the customer reads of a step of their application.
    static func notice(_ id: Int64, kind: ApplicationKind, action: ApplicationAction, from: ApplicationStatus, message: String?,
                       name: String?, rgkPhone: String? = nil) -> Notify.Notice {
        let title = Labels.label(.applicationKind, kind.rawValue, russian: true)
        let to = Labels.label(.applicationStatus, action.target.rawValue, russian: true)
        switch action {
        case .clarify:
            return Notify.Notice(subject: "Заявка № \(id): требуется уточнение", to: name, body: """
                По вашей заявке № \(id) («\(title)») требуется уточнение:

                \(message ?? "")

                Ответьте, пожалуйста, в личном кабинете «Мой газ» (кнопка «Ответить оператору» рядом с заявкой) или в абонентском отделе.
                """, sms: "Заявка № \(id) требует уточнения: \(message ?? ""). Ответьте в ЛК «Мой газ».", kind: .applicationQuestion)
        case .reject:
            return Notify.Notice(subject: "Заявка № \(id) не согласована", to: name, body: """
                Ваша заявка № \(id) («\(title)») не согласована абонентским отделом.\(message.map { "\n\n" + Notify.sentence($0) } ?? "")

                Что делать дальше: исправьте то, что указано выше, и подайте новую заявку в личном кабинете «Мой газ» (раздел «Заявки») \
                или приходите в абонентский отдел — телефон и часы работы ниже.
                """, sms: Notify.sms(head: "Заявка № \(id) не согласована.", words: message,
                                     next: "Подайте новую заявку в ЛК «Мой газ» или позвоните в РГК.", phone: rgkPhone),
                kind: .applicationStatus)
        case .reopen:
            return Notify.Notice(subject: "Заявка № \(id) снова в работе", to: name, body: """
                Решение по вашей заявке № \(id) («\(title)») пересмотрено: заявка снова в обработке.\(message.map { "\n\($0)" } ?? "")

                Состояние заявки — в разделе «Заявки» личного кабинета «Мой газ».
                """, sms: "Заявка № \(id) снова в обработке.\(message.map { " \($0)" } ?? "")", kind: .applicationStatus)
        default:
            let before = Labels.label(.applicationStatus, from.rawValue, russian: true)
            return Notify.Notice(subject: "Заявка № \(id): \(to)", to: name, body: """
                Состояние вашей заявки № \(id) («\(title)») изменилось: «\(before)» → «\(to)».\(message.map { "\n\n\($0)" } ?? "")

                Подробности — в разделе «Заявки» личного кабинета «Мой газ».
                """, sms: "Заявка № \(id): «\(to)». Подробности в ЛК «Мой газ».", kind: .applicationStatus)
        }
    }

    public static func assign(_ session: Session, _ id: Int64, to login: String) throws -> Transition {
        try session.db.write {
            guard try Operators.find(session.db, login) != nil else { throw MyGazError.notFound(.operator, login) }
            guard let row = try session.db.queryOne("SELECT assigned_to, status FROM application WHERE id = ? \(session.db.sql.lockingRows)", id) else {
                throw MyGazError.notFound(.application, String(id))
            }
            try session.requireWorks(.application, [id])
            let old = try row.optString("assigned_to"), status = try row.string("status")
            if old == login {
                var same = Transition(.application, id, .applicationStatus, from: status, to: status, extra: [("assigned_to", login)])
                same.human = Message(.alreadyAssigned, [.entity(.application), .text(String(id)), .text(login)])
                return same
            }
            try session.db.run("UPDATE application SET assigned_to = ?, updated_at = ? WHERE id = ?", login, session.now, id)
            try session.audit("application.assign", .application, id, old: old, new: login)
            var t = Transition(.application, id, .applicationStatus, from: status, to: status, extra: [("assigned_to", login)])
            t.forceChanged = true
            t.human = Message(.assignedTo, [.entity(.application), .text(String(id)), .text(old ?? "—"), .text(login)])
            return t
        }
    }

    // MARK: taken at the office

    public enum Details: Sendable {
        case maintenance(workType: String, description: String, desiredDate: Day)
        case repair(reason: String)
        case recalculation(reason: RecalculationReason, dateFrom: Day, residents: Int?, heatedArea: Double?)
        case contract(Contract)
    }

    public struct Contract: Sendable {
        public var customerName, customerAddress, identityDocument, objectType, objectAddress: String
        public var ownershipDocument: String?
        public var maxHourlyM3: Double?
        public var commissioningDate: Day?
        public var residents: Int?
        public var heatedLivingArea: Double?
        public var heatedOtherArea: Double?
        public var livestock: String?
        public var benefits: String?
        public var paymentForm: String?
        public var appliances: [String]
        public var meters: [String]

        public init(customerName: String, customerAddress: String, identityDocument: String, objectType: String, objectAddress: String,
                    ownershipDocument: String?, maxHourlyM3: Double?, commissioningDate: Day?, residents: Int?, heatedLivingArea: Double?,
                    heatedOtherArea: Double?, livestock: String?, benefits: String?, paymentForm: String?, appliances: [String], meters: [String]) {
            self.customerName = customerName
            self.customerAddress = customerAddress
            self.identityDocument = identityDocument
            self.objectType = objectType
            self.objectAddress = objectAddress
            self.ownershipDocument = ownershipDocument
            self.maxHourlyM3 = maxHourlyM3
            self.commissioningDate = commissioningDate
            self.residents = residents
            self.heatedLivingArea = heatedLivingArea
            self.heatedOtherArea = heatedOtherArea
            self.livestock = livestock
            self.benefits = benefits
            self.paymentForm = paymentForm
            self.appliances = appliances
            self.meters = meters
        }
    }

    public struct New: Sendable {
        public var kind: ApplicationKind
        public var rgkCode: String?
        public var account: AccountRef?
        public var address: String?
        public var contactName: String?
        public var phone: String
        public var email: String?
        public var comment: String?
        public var details: Details
        public var attachments: [NewAttachment]

        public init(kind: ApplicationKind, rgkCode: String?, account: AccountRef?, address: String?, contactName: String?,
                    phone: String, email: String?, comment: String?, details: Details, attachments: [NewAttachment]) {
            self.kind = kind
            self.rgkCode = rgkCode
            self.account = account
            self.address = address
            self.contactName = contactName
            self.phone = phone
            self.email = email
            self.comment = comment
            self.details = details
            self.attachments = attachments
        }
    }

    public static func create(_ session: Session, _ new: New) throws -> Int64 {
        guard let phone = try Contact.validPhone(new.phone) else { throw MyGazError.invalid(.badPhone, .text(new.phone)) }
        let email = try Contact.validEmail(new.email)
        try checkDetails(new.kind, new.details)
        return try session.db.write {
            let rgkID: Int64
            if let account = new.account { rgkID = account.rgkID } else {
                guard let code = new.rgkCode else { throw MyGazError.usage(.optionRequires, "--address", "--rgk") }
                rgkID = try RGK.id(session.db, code)
            }
            try session.requireWorks(rgkID: rgkID)
            let id = try session.db.insert("""
                INSERT INTO application (kind, status, rgk_id, account_id, address, source, contact_name, contact_phone, contact_email,
                                         comment, created_at, submitted_at, updated_at)
                VALUES (?, 'submitted', ?, ?, ?, 'office', ?, ?, ?, ?, ?, ?, ?)
                """, new.kind.rawValue, rgkID, new.account?.id, new.address, new.contactName, phone, email, new.comment,
                session.now, session.now, session.now)
            switch new.details {
            case let .maintenance(workType, description, desiredDate):
                try session.db.run("INSERT INTO application_maintenance (application_id, work_type, description, desired_date) VALUES (?, ?, ?, ?)",
                                   id, workType, description, desiredDate.iso)
            case let .repair(reason):
                try session.db.run("INSERT INTO application_repair (application_id, reason) VALUES (?, ?)", id, reason)
            case let .recalculation(reason, dateFrom, residents, area):
                try session.db.run("""
                    INSERT INTO application_recalculation (application_id, reason, date_from, residents, heated_area) VALUES (?, ?, ?, ?, ?)
                    """, id, reason.rawValue, dateFrom.iso, residents, area)
            case let .contract(c):
                try session.db.run("""
                    INSERT INTO application_contract (application_id, customer_name, customer_address, identity_document, object_type,
                        object_address, ownership_document, max_hourly_m3, commissioning_date, residents, heated_living_area,
                        heated_other_area, livestock, benefits, payment_form)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, id, c.customerName, c.customerAddress, c.identityDocument, c.objectType, c.objectAddress, c.ownershipDocument,
                    c.maxHourlyM3, c.commissioningDate?.iso, c.residents, c.heatedLivingArea, c.heatedOtherArea, c.livestock,
                    c.benefits, c.paymentForm)
                for appliance in c.appliances {
                    try session.db.run("INSERT INTO application_equipment (application_id, kind, description) VALUES (?, 'appliance', ?)", id, appliance)
                }
                for meter in c.meters {
                    try session.db.run("INSERT INTO application_equipment (application_id, kind, description) VALUES (?, 'meter', ?)", id, meter)
                }
            }
            try Attachments.store(session, .application(id), new.attachments)
            try session.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status, message, note)
                VALUES (?, ?, 'operator', ?, NULL, 'submitted', NULL, 'taken_at_office')
                """, id, session.now, session.login)
            try session.audit("application.create", .application, id, new: "submitted", note: AuditNote(.applicationCreated, ["kind": .text(new.kind.rawValue)]))
            return id
        }
    }

    /// The kind's required fields (manual 001 §4.4.1, §4.4.2, §4.5.2).
    static func checkDetails(_ kind: ApplicationKind, _ details: Details) throws {
        func need(_ ok: Bool, _ option: String) throws {
            if !ok { throw MyGazError.usage(.kindNeeds, .text(kind.rawValue), .text(option)) }
        }
        switch (kind, details) {
        case (.vdgoMaintenance, .maintenance), (.repair, .repair):
            return
        case let (.recalculation, .recalculation(reason, _, residents, area)):
            if reason == .residents { try need(residents != nil, "--residents") }
            if reason == .heatedArea { try need(area != nil, "--heated-area") }
        case let (.contractConnection, .contract(c)):
            try need(c.maxHourlyM3 != nil, "--max-hourly-m3")
            try need(c.commissioningDate != nil, "--commissioning-date")
        case let (.contractSupply, .contract(c)):
            try need(c.ownershipDocument != nil, "--ownership-document")
            try need(!c.appliances.isEmpty, "--appliance")
            try need(c.residents != nil, "--residents")
            try need(c.heatedLivingArea != nil, "--heated-living-area")
        case let (.contractVDGO, .contract(c)):
            try need(c.ownershipDocument != nil, "--ownership-document")
            try need(!c.appliances.isEmpty, "--appliance")
            try need(c.paymentForm != nil, "--payment-form")
        default:
            throw MyGazError.usage(.kindNeeds, .text(kind.rawValue), "details")
        }
    }
}
