import Foundation
import Testing
@testable import MyGazCore

/// The one rule every room uses to limit itself to the operator's RGKs (issue 37 item 1).
@Suite struct ScopeRuleTests {
    @Test(arguments: TestEngine.all) func theConditionKeepsOnlyTheOperatorsRGKs(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        let vologda = try t.rgk("vologda"), kostroma = try t.rgk("kostroma"), yaroslavl = try t.rgk("yaroslavl")
        for (rgk, number) in [(vologda, "1"), (kostroma, "2"), (yaroslavl, "3")] { _ = try t.account(rgk: rgk, number) }
        _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda", "yaroslavl"]))
        func numbers(_ s: Session) throws -> [String] {
            let c = try s.inScope("a.rgk_id")
            return try t.db.query("SELECT number FROM account a WHERE \(c.sql) ORDER BY number", arguments: c.arguments).map { try $0.string("number") }
        }
        let petrova = Session(db: t.db, login: "petrova")
        #expect(try numbers(petrova) == ["1", "3"])
        #expect(try numbers(t.session) == ["1", "2", "3"])
        #expect(try petrova.works(rgkID: vologda) && !petrova.works(rgkID: kostroma))
        #expect { try petrova.requireWorks(rgk: "kostroma", .reading, 7) } throws: {
            let e = $0 as? MyGazError
            return e?.status == .permission && e?.message.args.contains(.text("kostroma")) == true
        }
    }

    @Test(arguments: TestEngine.all) func aClerkOfOneRGKNeitherSeesNorDecidesAnothersReadings(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        let vologda = try t.rgk("vologda"), kostroma = try t.rgk("kostroma")
        let mine = try t.reading(meter: t.meter(account: t.account(rgk: vologda, "1"), "V-1"), value: 100, date: "2026-07-01")
        let theirs = try t.reading(meter: t.meter(account: t.account(rgk: kostroma, "2"), "K-1"), value: 100, date: "2026-07-01")
        _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda"]))
        let petrova = Session(db: t.db, login: "petrova")
        var filter = ReadingFilter()
        filter.scope = try petrova.rgkScope()
        #expect(try Readings.list(t.db, filter).map(\.id) == [mine])
        filter.scope = nil
        #expect(Set(try Readings.list(t.db, filter).map(\.id)) == [mine, theirs])
        #expect { try Readings.find(petrova, theirs) } throws: { ($0 as? MyGazError)?.status == .notFound }
        #expect(try Readings.find(petrova, mine).id == mine)
        #expect { try Readings.reject(petrova, theirs, reason: .other, message: "нет") } throws: {
            let e = $0 as? MyGazError
            return e?.status == .permission && e?.message.args.contains(.text("kostroma")) == true
        }
        #expect(try Readings.find(t.db, theirs).status == .pending)
        #expect(try Readings.reject(petrova, mine, reason: .other, message: "нет").to == "rejected")
    }

    /// Three RGKs, one item of each room in vologda and in kostroma, the portal-wide ones (a
    /// support ticket, a code's message, a user with no link), and petrova, a clerk of vologda.
    struct Region {
        let t: TestDB
        let petrova: Session
        var mine: [Entity: Int64] = [:], theirs: [Entity: Int64] = [:], portal: [Entity: Int64] = [:]
        let vologda: Int64, kostroma: Int64

        init(_ engine: TestEngine) throws {
            t = try TestDB(login: "boss", engine: engine)
            vologda = try t.rgk("vologda"); kostroma = try t.rgk("kostroma"); _ = try t.rgk("yaroslavl")
            let now = t.session.now
            for (rgk, n) in [(vologda, "1"), (kostroma, "2")] {
                var ids: [Entity: Int64] = [:]
                let account = try t.account(rgk: rgk, n)
                ids[.account] = account
                ids[.reading] = try t.reading(meter: t.meter(account: account, "M-\(n)"), value: 100, date: "2026-07-01")
                ids[.application] = try t.db.insert("""
                    INSERT INTO application (kind, status, rgk_id, account_id, source, contact_name, contact_phone, created_at, submitted_at, updated_at)
                    VALUES ('repair', 'submitted', ?, ?, 'office', 'Иванов', '+79110000000', ?, ?, ?)
                    """, rgk, account, now, now, now)
                ids[.ticket] = try t.db.insert("""
                    INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_phone, created_at, updated_at, last_customer_at)
                    VALUES ('rgk', ?, 'other', 'new', 'Иванов', '+79110000000', ?, ?, ?)
                    """, rgk, now, now, now)
                ids[.pinRequest] = try t.db.insert("""
                    INSERT INTO pin_request (account_id, full_name, phone, status, created_at) VALUES (?, 'Иванов', '+79110000000', 'open', ?)
                    """, account, now)
                ids[.payment] = try t.db.insert("""
                    INSERT INTO payment (rgk_id, external_id, account_id, service, paid_on, amount_kop, state) VALUES (?, ?, ?, 'gas', '2026-07-01', 100, 'paid')
                    """, rgk, "P-" + n, account)
                ids[.outbox] = try t.db.insert("""
                    INSERT INTO outbox (channel, recipient, body, rgk_id, kind, status, next_attempt_at, created_at)
                    VALUES ('sms', '+79110000000', 'текст', ?, 'other', 'waiting', ?, ?)
                    """, rgk, now, now)
                let user = try t.portalUser("u\(n)@example.ru")
                try t.link(user: user, account: account)
                ids[.user] = user
                if rgk == vologda { mine = ids } else { theirs = ids }
            }
            portal[.ticket] = try t.db.insert("""
                INSERT INTO ticket (channel, topic, status, sender_name, sender_phone, created_at, updated_at, last_customer_at)
                VALUES ('support', 'registration', 'new', 'Петров', '+79110000001', ?, ?, ?)
                """, now, now, now)
            portal[.outbox] = try t.db.insert("""
                INSERT INTO outbox (channel, recipient, body, kind, status, next_attempt_at, created_at)
                VALUES ('sms', '+79110000001', 'код', 'confirmation_code', 'waiting', ?, ?)
                """, now, now)
            portal[.user] = try t.portalUser("new@example.ru", status: .pending)
            _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda"]))
            petrova = Session(db: t.db, login: "petrova")
        }
    }

    @Test(arguments: TestEngine.all) func everyOwnerShapeIsOneRule(_ engine: TestEngine) throws {
        let r = try Region(engine)
        for entity in [Entity.account, .reading, .application, .ticket, .pinRequest, .payment, .outbox, .user] {
            let mine = r.mine[entity]!, theirs = r.theirs[entity]!
            #expect(try r.petrova.outsideScope(entity, [mine]) == nil, "\(entity)")
            let outside = try r.petrova.outsideScope(entity, [mine, theirs])
            #expect(outside?.id == theirs && outside?.rgk == "kostroma", "\(entity): \(String(describing: outside))")
            #expect { try r.petrova.requireSees(entity, theirs) } throws: { ($0 as? MyGazError)?.status == .notFound }
            #expect { try r.petrova.requireWorks(entity, [mine, theirs]) } throws: {
                let e = $0 as? MyGazError
                return e?.status == .permission && e?.message.args.contains(.text("kostroma")) == true
            }
            // an operator of every RGK is never outside
            #expect(try r.t.session.outsideScope(entity, [mine, theirs]) == nil, "\(entity)")
        }
        // the portal-wide ones are everyone's: the support channel's ticket, a code's message, a user with no link
        for (entity, id) in r.portal { #expect(try r.petrova.outsideScope(entity, [id]) == nil, "\(entity)") }
    }

    @Test(arguments: TestEngine.all) func everyRoomsListKeepsOnlyHers(_ engine: TestEngine) throws {
        let r = try Region(engine)
        let scope = try r.petrova.rgkScope()
        var applications = ApplicationFilter(); applications.statuses = []; applications.scope = scope
        #expect(try Applications.list(r.t.db, applications).map(\.id) == [r.mine[.application]!])
        var tickets = TicketFilter(); tickets.statuses = []; tickets.scope = scope
        #expect(Set(try Tickets.list(r.t.db, tickets).map(\.id)) == [r.mine[.ticket]!, r.portal[.ticket]!])
        var accounts = AccountFilter(); accounts.scope = scope
        #expect(try Accounts.list(r.t.db, accounts).map(\.id) == [r.mine[.account]!])
        var users = UserFilter(); users.scope = scope
        #expect(Set(try Users.list(r.t.db, users).map(\.id)) == [r.mine[.user]!, r.portal[.user]!])
        users.search = "example.ru"
        #expect(Set(try Users.list(r.t.db, users).map(\.id)) == [r.mine[.user]!, r.portal[.user]!])
        var payments = PaymentFilter(); payments.scope = scope
        #expect(try Payments.list(r.t.db, payments).map(\.id) == [r.mine[.payment]!])
        #expect(try Pins.requests(r.t.db, status: nil, rgk: nil, limit: 10, scope: scope).map(\.id) == [r.mine[.pinRequest]!])
        #expect(Set(try OutboxStore.list(r.t.db, status: nil, limit: 10, scope: scope).map(\.id)) == [r.mine[.outbox]!, r.portal[.outbox]!])
        var readings = ReadingFilter(); readings.scope = scope
        #expect(try Readings.list(r.t.db, readings).map(\.id) == [r.mine[.reading]!])
        // and nothing is lost for an operator of every RGK
        applications.scope = nil
        #expect(try Applications.list(r.t.db, applications).count == 2)
    }

    /// The trail of another RGK's items is not hers to read (a clerk's words may name the customer):
    /// her `audit list` keeps the rows about her items, the portal-wide ones and those about no
    /// RGK's item (an operator, a setting).
    @Test(arguments: TestEngine.all) func herAuditListKeepsOnlyTheRowsAboutHerItems(_ engine: TestEngine) throws {
        let r = try Region(engine)
        try r.t.db.write {
            for (entity, id) in r.mine { try r.t.session.audit("test.mine", entity, id, reason: "моё") }
            for (entity, id) in r.theirs { try r.t.session.audit("test.theirs", entity, id, reason: "Иванову из Ярославля") }
            for (entity, id) in r.portal { try r.t.session.audit("test.portal", entity, id) }
            try r.t.session.audit("test.setting", .setting, "payment.stuck_days")
            try r.t.session.audit("test.odd", .reading, "not-a-number")
        }
        var filter = AuditFilter()
        filter.action = "test"
        filter.limit = 1000
        filter.scope = try r.petrova.rgkScope()
        let hers = try AuditLog.list(r.t.db, filter)
        #expect(!r.theirs.isEmpty && !hers.contains { $0.action == "test.theirs" }, "\(hers.map(\.action))")
        #expect(hers.filter { $0.action == "test.mine" }.count == r.mine.count)
        #expect(hers.filter { $0.action == "test.portal" }.count == r.portal.count)
        #expect(hers.contains { $0.action == "test.setting" } && !hers.contains { $0.action == "test.odd" })
        filter.scope = nil
        #expect(try AuditLog.list(r.t.db, filter).filter { $0.action == "test.theirs" }.count == r.theirs.count, "an admin reads them all")
    }

    @Test(arguments: TestEngine.all) func statusCountsOnlyHers(_ engine: TestEngine) throws {
        let r = try Region(engine)
        let hers = try Dashboard.load(r.t.db, today: Day(iso: "2026-07-20")!, scope: r.petrova.rgkScope())
        let all = try Dashboard.load(r.t.db, today: Day(iso: "2026-07-20")!)
        #expect(hers.count("readings_pending") == 1 && all.count("readings_pending") == 2)
        #expect(hers.count("applications_open") == 1 && all.count("applications_open") == 2)
        #expect(hers.count("tickets_open") == 2 && all.count("tickets_open") == 3, "hers and the support channel's")
        #expect(hers.count("pin_requests_open") == 1 && all.count("pin_requests_open") == 2)
        #expect(hers.count("outbox_waiting") == 2 && all.count("outbox_waiting") == 3)
        #expect(hers.perRGK.map(\.code) == ["vologda"] && all.perRGK.count == 3)
        #expect(hers.applicationsByStatus.map(\.1) == [1])
    }

    @Test(arguments: TestEngine.all) func completionOffersOnlyHers(_ engine: TestEngine) throws {
        let r = try Region(engine)
        let scope = try r.petrova.rgkScope()
        func values(_ source: LiveSource, _ s: [Int64]?) throws -> Set<String> {
            Set(try LiveValues.candidates(r.t.db, source, prefix: "", scope: s).map(\.value))
        }
        #expect(try values(.pendingReading, scope) == [String(r.mine[.reading]!)])
        #expect(try values(.pendingReading, nil).count == 2)
        #expect(try values(.openApplication, scope) == [String(r.mine[.application]!)])
        #expect(try values(.openTicket, scope) == [String(r.mine[.ticket]!), String(r.portal[.ticket]!)])
        #expect(try values(.pinRequest, scope) == [String(r.mine[.pinRequest]!)])
        #expect(try values(.account, scope) == ["1"])
        #expect(try values(.rgk, scope) == ["vologda"])
        #expect(try values(.userLogin, scope) == ["u1@example.ru", "new@example.ru"])
    }

    @Test(arguments: TestEngine.all) func decisionsOnAnotherRGKsItemsAreRefusedAndChangeNothing(_ engine: TestEngine) throws {
        let r = try Region(engine)
        let theirs = r.theirs
        func refused(_ body: () throws -> Any) -> Bool {
            do { _ = try body(); return false } catch let e as MyGazError {
                return e.status == .permission && e.message.args.contains(.text("kostroma"))
            } catch { return false }
        }
        #expect(refused { try Applications.transition(r.petrova, theirs[.application]!, .approve, message: nil) })
        #expect(refused { try Applications.assign(r.petrova, theirs[.application]!, to: "petrova") })
        #expect(refused { try Tickets.close(r.petrova, theirs[.ticket]!, message: nil) })
        #expect(refused { try Pins.rejectRequest(r.petrova, id: theirs[.pinRequest]!, reason: "нет") })
        #expect(refused { try Pins.revoke(r.petrova, account: AccountRef.byID(r.t.db, theirs[.account]!)) })
        #expect(refused { try OutboxStore.retry(r.petrova, theirs[.outbox]!) })
        #expect(refused { try Readings.rejectAllInvalid(r.petrova, rgk: "kostroma", dryRun: false) })
        #expect(try r.t.db.scalarString("SELECT status FROM application WHERE id = ?", theirs[.application]!) == "submitted")
        #expect(try r.t.db.scalarString("SELECT status FROM ticket WHERE id = ?", theirs[.ticket]!) == "new")
        #expect(try r.t.db.scalarString("SELECT status FROM pin_request WHERE id = ?", theirs[.pinRequest]!) == "open")
        // hers still go
        #expect(try Tickets.close(r.petrova, r.mine[.ticket]!, message: nil).to == "closed")
        #expect(try Applications.transition(r.petrova, r.mine[.application]!, .approve, message: nil).to == "accepted")
    }
}
