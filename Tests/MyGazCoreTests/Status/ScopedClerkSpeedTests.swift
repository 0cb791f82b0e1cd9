import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// What makes a clerk of some RGKs as fast as an operator of all (issue 37, item 4; the figures
/// live in bench/pg.sh): her stuck payments read from counters kept per RGK (schema version 17),
/// a search's page asked of PostgreSQL's search function, the program's connections without JIT.
@Suite struct ScopedClerkSpeedTests {
    @Test(arguments: TestEngine.all) func herStuckPaymentsAreReadFromTheCountersOfHerRGKs(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, cherepovets, _) = try DashboardTests.region(t)
        let today = t.session.clock.today
        #expect(try Dashboard.load(t.db, today: today, scope: [vologda]).count("payments_stuck") == 1)
        #expect(try Dashboard.load(t.db, today: today, scope: [cherepovets]).count("payments_stuck") == 0)
        // a count only the counter holds: she sees it when it is of her RGK, and only then
        try t.db.write { try t.db.run("INSERT INTO queue_count (queue, rgk_id, count) VALUES ('payment_processing_2000-01-01', ?, 1000)", vologda) }
        #expect(try Dashboard.load(t.db, today: today, scope: [vologda]).count("payments_stuck") == 1001)
        #expect(try Dashboard.load(t.db, today: today, scope: [cherepovets]).count("payments_stuck") == 0)
        #expect(try Dashboard.load(t.db, today: today).count("payments_stuck") == 1001)
        let kept = try t.db.query("SELECT rgk_id FROM queue_count WHERE queue = 'payment_processing_2026-05-01'").map { try $0.int64("rgk_id") }
        #expect(kept == [vologda], "counted under the payment's RGK")
    }

    /// Her applications by state are read from the counters kept per RGK (schema 22), her RGKs' rows
    /// alone, not counted from the applications.
    @Test(arguments: TestEngine.all) func herApplicationsByStateAreReadFromTheCountersOfHerRGKs(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, cherepovets, _) = try DashboardTests.region(t)
        let today = t.session.clock.today
        func counted(_ rgk: Int64?) throws -> [String] {
            try t.db.query("""
                SELECT status, count(*) AS n FROM application WHERE status <> 'draft' \(rgk == nil ? "" : "AND rgk_id = \(rgk!)")
                GROUP BY status ORDER BY status
                """).map { "\(try $0.string("status")) \(try $0.int("n"))" }
        }
        func shown(_ scope: [Int64]?) throws -> [String] {
            try Dashboard.load(t.db, today: today, scope: scope).applicationsByStatus.map { "\($0.0) \($0.1)" }
        }
        #expect(try !counted(vologda).isEmpty && counted(vologda) != counted(nil))
        #expect(try shown([vologda]) == counted(vologda))
        #expect(try shown([cherepovets]) == counted(cherepovets))
        #expect(try shown(nil) == counted(nil))
        // a count only the counter holds: hers when it is of her RGK
        try t.db.write { try t.db.run("INSERT INTO queue_count (queue, rgk_id, count) VALUES ('application_rejected', ?, 1000)", vologda) }
        #expect(try shown([vologda]).contains("rejected 1000"))
        #expect(try !shown([cherepovets]).contains { $0.hasPrefix("rejected") })
    }

    /// A database of version 16 counted the payments in processing under RGK 0 alone: the upgrade
    /// counts them per RGK, and (PostgreSQL) drops the search functions' one-argument forms (a
    /// value no room searches alone keeps none).
    @Test(arguments: TestEngine.all) func anUpgradeFromVersionSixteenCountsThePaymentsPerRGK(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, _, _) = try DashboardTests.region(t)
        try t.db.write {
            try t.db.run("DELETE FROM queue_count WHERE queue >= 'payment_processing_' AND queue < 'payment_processing`'")
            try t.db.run("""
                INSERT INTO queue_count (queue, rgk_id, count)
                SELECT 'payment_processing_' || paid_on, 0, count(*) FROM payment WHERE state = 'processing' GROUP BY paid_on
                """)
        }
        #expect(try !QueueCounters.differences(t.db).isEmpty, "version 16's layout is not this version's")
        try t.db.write {
            if engine == .postgresql {
                try t.db.execute("""
                    CREATE FUNCTION mygaz_search_account_search(text) RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT id FROM account $$;
                    CREATE FUNCTION mygaz_search_user_search_email(text) RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT id FROM portal_user $$;
                    UPDATE schema_version SET version = 16;
                    """)
            } else {
                try t.db.execute(SQLiteVersionEighteen.pieces + "\nPRAGMA user_version = 16")
            }
        }
        let moved = try Engines.migrate(t.db)
        #expect(moved.from == 16 && moved.to == Schema.currentVersion)
        #expect(try QueueCounters.differences(t.db).isEmpty)
        #expect(try t.db.query("SELECT rgk_id FROM queue_count WHERE queue = 'payment_processing_2026-05-01'").map { try $0.int64("rgk_id") }
                == [vologda])
        if engine == .postgresql {
            #expect(try t.db.scalarInt("SELECT count(*) FROM pg_proc WHERE proname = 'mygaz_search_account_search' AND pronargs = 1") == 0)
            #expect(try t.db.scalarInt("SELECT count(*) FROM pg_proc WHERE proname = 'mygaz_search_account_search' AND pronargs = 3") == 1)
            #expect(try t.db.scalarInt("SELECT count(*) FROM pg_proc WHERE proname = 'mygaz_search_user_search_email'") == 0,
                    "a value no room searches alone has no function")
        }
    }

    /// A list of nothing but a search asks the index for its page: the accounts first loaded, the
    /// newest users, of her RGKs alone; with another condition, every match is asked and the
    /// condition kept.
    @Test(arguments: TestEngine.all) func aSearchsPageIsTheFirstRowsInTheIndexsOrder(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let vologda = try t.rgk("vologda", name: "Вологда"), kostroma = try t.rgk("kostroma", name: "Кострома")
        var accounts: [(id: Int64, rgk: Int64)] = []
        for n in 0..<12 {
            let rgk = n % 2 == 0 ? vologda : kostroma
            accounts.append((try t.account(rgk: rgk, String(9100 + n), address: "г. Вологда, ул. Ленина, \(n)"), rgk))
        }
        func found(rgk: String? = nil, scope: [Int64]? = nil, limit: Int) throws -> Set<Int64> {
            var filter = AccountFilter()
            filter.search = "ленина"
            filter.rgk = rgk
            filter.scope = scope
            filter.limit = limit
            return Set(try Accounts.list(t.db, filter).map(\.id))
        }
        #expect(try found(limit: 5) == Set(accounts.prefix(5).map(\.id)))
        #expect(try found(scope: [vologda], limit: 3) == Set(accounts.filter { $0.rgk == vologda }.prefix(3).map(\.id)))
        #expect(try found(rgk: "kostroma", limit: 2) == Set(accounts.filter { $0.rgk == kostroma }.prefix(2).map(\.id)))
        #expect(try found(rgk: "kostroma", scope: [vologda], limit: 5).isEmpty, "an RGK not hers")

        // users: every third one waits for confirmation; the odd ones are linked to a Kostroma account
        var users: [Int64] = []
        for n in 0..<12 {
            let id = try t.db.insert("""
                INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at)
                VALUES (?, 'email', 'Смирнова Анна', ?, ?, ?)
                """, "smirnova\(n)@mail.example", n % 3 == 0 ? "pending" : "active", t.session.now, t.session.now)
            if n % 2 == 1 { try t.link(user: id, account: accounts[1].id) }
            users.append(id)
        }
        func people(_ status: UserStatus? = nil, scope: [Int64]? = nil) throws -> [Int64] {
            var filter = UserFilter()
            filter.search = "смирнова"
            filter.status = status
            filter.scope = scope
            filter.limit = 4
            return try Users.list(t.db, filter).map(\.id)
        }
        let newest = Array(users.enumerated().reversed())
        #expect(try people() == newest.prefix(4).map(\.element))
        #expect(try people(.active) == newest.filter { $0.offset % 3 != 0 }.prefix(4).map(\.element),
                "the newest active ones, not the active ones of the newest four")
        #expect(try people(scope: [vologda]) == newest.filter { $0.offset % 2 == 0 }.prefix(4).map(\.element),
                "a Vologda clerk: the users linked nowhere")
        #expect(try people(scope: [kostroma]) == newest.prefix(4).map(\.element))
    }

    /// The server compiled the plans of 1 ms queries under the row policies for 100–150 ms: the
    /// program's connections turn JIT off.
    @Test(.enabled(if: PGServer.available)) func theProgramsConnectionsRunWithoutJIT() throws {
        let t = try TestDB(engine: .postgresql)
        #expect(try t.db.queryOne("SHOW jit")?.string("jit") == "off")
    }

    /// Two workers started for a page of 200 rows cost more than the page: the program's
    /// connections plan without them, unless the address's own options ask for them.
    @Test(.enabled(if: PGServer.available)) func theProgramsConnectionsPlanWithoutParallelWorkersUnlessTheAddressAsks() throws {
        let database = try PGServer.database()
        let plain = try PGConnection(database.uri)
        #expect(try plain.queryOne("SHOW max_parallel_workers_per_gather")?.string("max_parallel_workers_per_gather") == "0")
        let asked = try PGConnection(database.uri + "&options=-c%20max_parallel_workers_per_gather%3D2%20-c%20jit%3Don")
        #expect(try asked.queryOne("SHOW max_parallel_workers_per_gather")?.string("max_parallel_workers_per_gather") == "2")
        #expect(try asked.queryOne("SHOW jit")?.string("jit") == "off", "JIT stays off whatever the address says")
    }

    /// The unconfirmed users' links are counted (schema 22) as the portal, the program, a
    /// confirmation, a block, a deletion and the links' own deletion change them; while there are
    /// none, a clerk of some RGKs has every unconfirmed user counted without a look at each, and
    /// when one is linked to another RGK's account she has it counted out.
    @Test(arguments: TestEngine.all) func theUnconfirmedUsersLinksAreCountedAndSpareHerALookAtEach(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, cherepovets, _) = try DashboardTests.region(t)
        let other = try #require(try t.db.scalarInt("SELECT id FROM account WHERE rgk_id = ? ORDER BY id LIMIT 1", cherepovets))
        let today = t.session.clock.today
        func pending(_ login: String) throws -> Int64 {
            try t.db.write {
                try t.db.insert("""
                    INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at)
                    VALUES (?, 'email', 'pending', '2026-05-01T08:00:00Z', '2026-05-01T08:00:00Z')
                    """, login)
            }
        }
        func kept() throws -> Int { try t.db.scalarInt("SELECT count FROM queue_count WHERE queue = 'links_unconfirmed' AND rgk_id = 0") ?? 0 }
        func step(_ sql: String, _ arguments: SQLBindable?...) throws { try t.db.write { _ = try t.db.run(sql, arguments: arguments) } }
        let anna = try pending("anna@mail.example"), boris = try pending("boris@mail.example")
        let all = try Dashboard.load(t.db, today: today).count("users_unconfirmed")
        #expect(all >= 2)

        // none linked: her count is everyone's, and not one user is looked at
        let counting = CountingStorage(t.db)
        #expect(try Dashboard.load(counting, today: today, scope: [vologda]).count("users_unconfirmed") == all)
        #expect(!counting.statements.contains { $0.contains("mygaz_unconfirmed_users") || $0.contains("FROM portal_user WHERE status = 'pending' AND") },
                "no user looked at")

        // the portal links Anna to a Cherepovets account before her confirmation: counted out of Vologda's
        try step("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (?, ?, '2026-05-01T09:00:00Z')", anna, other)
        #expect(try kept() == 1)
        #expect(try Dashboard.load(t.db, today: today, scope: [vologda]).count("users_unconfirmed") == all - 1)
        #expect(try Dashboard.load(t.db, today: today, scope: [cherepovets]).count("users_unconfirmed") == all, "hers and the unlinked")
        // confirmed, her link leaves the count; pending again, it comes back; unlinked, it goes
        try step("UPDATE portal_user SET status = 'active' WHERE id = ?", anna)
        #expect(try kept() == 0)
        try step("UPDATE portal_user SET status = 'pending' WHERE id = ?", anna)
        #expect(try kept() == 1)
        try step("DELETE FROM user_account WHERE user_id = ?", anna)
        #expect(try kept() == 0)
        // Boris linked and then deleted (a purge of the unconfirmed): his link goes with him, counted once
        try step("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (?, ?, '2026-05-01T09:00:00Z')", boris, other)
        #expect(try kept() == 1)
        try step("DELETE FROM portal_user WHERE id = ?", boris)
        #expect(try kept() == 0)
        #expect(try t.db.scalarInt("SELECT count(*) FROM user_account WHERE user_id = ?", boris) == 0)
        #expect(try QueueCounters.differences(t.db).isEmpty)
        #expect(try Dashboard.load(t.db, today: today, scope: [vologda]).count("users_unconfirmed") == all - 1)
    }

    /// On a server, a link removed while its user is confirmed at once: the confirmation waits for
    /// the removal (the counter locks the user's row it reads), so the link leaves the count once.
    @Test(.enabled(if: PGServer.available)) func aLinkRemovedWhileItsUserIsConfirmedLeavesTheCountOnce() throws {
        let t = try TestDB(engine: .postgresql)
        let (_, cherepovets, _) = try DashboardTests.region(t)
        let other = try #require(try t.db.scalarInt("SELECT id FROM account WHERE rgk_id = ? ORDER BY id LIMIT 1", cherepovets))
        let anna = try t.db.write {
            let id = try t.db.insert("""
                INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at)
                VALUES ('anna@mail.example', 'email', 'pending', '2026-05-01T08:00:00Z', '2026-05-01T08:00:00Z')
                """)
            try t.db.run("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (?, ?, '2026-05-01T09:00:00Z')", id, other)
            return id
        }
        let confirmer = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 10_000)
        let watcher = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 10_000)
        let confirmerPID = try confirmer.scalarInt("SELECT pg_backend_pid()") ?? 0
        let second = try t.db.write {
            _ = try t.db.run("DELETE FROM user_account WHERE user_id = ?", anna)
            // the confirmation, at once, from a connection of its own: it must wait for the removal
            let second = SecondWriter { try confirmer.write { try confirmer.run("UPDATE portal_user SET status = 'active' WHERE id = ?", anna) } }
            let waited = try second.waitedForALock(pid: confirmerPID, watcher: watcher)
            #expect(waited, "the confirmation did not wait for the removal")
            return second
        }
        #expect(try second.outcome.get() == 1)
        #expect(try t.db.scalarInt("SELECT coalesce(sum(count), 0) FROM queue_count WHERE queue = 'links_unconfirmed'") == 0)
        #expect(try QueueCounters.differences(t.db).isEmpty)
    }

    /// A database of version 21 has its unconfirmed users' links counted by the upgrade, its
    /// applications by state counted per RGK, and those that ever waited on the customer marked.
    @Test(arguments: TestEngine.all) func anUpgradeFromVersionTwentyOneCountsTheUnconfirmedLinks(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (_, cherepovets, _) = try DashboardTests.region(t)
        let other = try #require(try t.db.scalarInt("SELECT id FROM account WHERE rgk_id = ? ORDER BY id LIMIT 1", cherepovets))
        let name = PGRoles.counterFunctions[QueueCounters.unconfirmedLinks]
        try t.db.write {
            let id = try t.db.insert("""
                INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at)
                VALUES ('anna@mail.example', 'email', 'pending', '2026-05-01T08:00:00Z', '2026-05-01T08:00:00Z')
                """)
            try t.db.run("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (?, ?, '2026-05-01T09:00:00Z')", id, other)
            // an application that waited on the customer, back in work
            let app = try #require(try t.db.scalarInt("SELECT min(id) FROM application WHERE status = 'submitted'"))
            try t.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status)
                VALUES (?, '2026-05-02T10:00:00Z', 'operator', 'clerk', 'submitted', 'needs_info')
                """, app)
            // version 21 had neither the triggers nor the count, nor the mark of those that waited
            let triggers = ["\(name)_insert": "user_account", "\(name)_delete": "user_account", "\(name)_update": "user_account",
                            "links_unconfirmed_user_status": "portal_user", "links_unconfirmed_user_delete": "portal_user",
                            "application_waited": "application_event"]
            for (trigger, table) in triggers {
                try t.db.execute("DROP TRIGGER \(trigger)" + (engine == .postgresql ? " ON \(table)" : ""))
            }
            try t.db.execute("DROP INDEX application_waited_in_work; ALTER TABLE application DROP COLUMN waited")
            // version 23 on SQLite (a server's pieces are made again over themselves)
            if engine == .sqlite { try t.db.execute(SQLiteTicketClocks.counterTriggers + SQLiteTicketClocks.takenAway) }
            try t.db.run("DELETE FROM queue_count WHERE queue = 'links_unconfirmed'")
            // version 21 counted the applications by state under RGK 0 alone
            try t.db.run("DELETE FROM queue_count WHERE queue >= 'application_' AND queue < 'application`'")
            try t.db.run("""
                INSERT INTO queue_count (queue, rgk_id, count)
                SELECT 'application_' || status, 0, count(*) FROM application WHERE status <> 'draft' GROUP BY status
                """)
            if engine == .postgresql {
                for index in PGSchema.searchIndexes { try t.db.execute("DROP STATISTICS \(index.name)_stats") }
            }
            try t.db.execute(engine == .postgresql ? "UPDATE schema_version SET version = 21" : "PRAGMA user_version = 21")
        }
        let moved = try Engines.migrate(t.db)
        #expect(moved.from == 21 && moved.to == Schema.currentVersion)
        #expect(try t.db.scalarInt("SELECT count FROM queue_count WHERE queue = 'links_unconfirmed' AND rgk_id = 0") == 1)
        #expect(try t.db.scalarInt("SELECT count(*) FROM queue_count WHERE queue >= 'application_' AND queue < 'application`' AND rgk_id = 0") == 0,
                "the applications by state counted per RGK")
        #expect(try t.db.scalarInt("SELECT count(*) FROM application WHERE waited = 1")
                == t.db.scalarInt("SELECT count(DISTINCT application_id) FROM application_event WHERE to_status = 'needs_info'"))
        #expect(try t.db.scalarInt("SELECT count(*) FROM application WHERE waited = 1 AND (status = 'submitted' OR status = 'accepted')") ?? 0 >= 1)
        try t.db.write { _ = try t.db.run("UPDATE portal_user SET status = 'active' WHERE login = 'anna@mail.example'") }
        #expect(try QueueCounters.differences(t.db).isEmpty, "the triggers are there again")
        if engine == .postgresql {
            // each searched expression's statistics, built: the planner knows a common piece from a rare one
            for index in PGSchema.searchIndexes {
                #expect(try t.db.scalarInt("""
                    SELECT count(*) FROM pg_statistic_ext s JOIN pg_statistic_ext_data d ON d.stxoid = s.oid
                    WHERE s.stxname = ? AND d.stxdexpr IS NOT NULL
                    """, index.name + "_stats") == 1, "\(index.name)")
            }
        }
    }
}
