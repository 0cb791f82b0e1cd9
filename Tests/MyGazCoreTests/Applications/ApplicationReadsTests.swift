import Foundation
import Testing
@testable import MyGazCore

/// The applications room's reads on each engine: the queue and its search, an application with
/// its fields, history and files.
@Suite struct ApplicationReadsTests {
    @Test(arguments: TestEngine.all) func theQueueIsSearchedAndAnApplicationShownAlikeOnEachEngine(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '70000017', 'x');
            """)
        let pdf = try NewAttachment.make(name: "акт.pdf", bytes: Array("%PDF-1.7\n\0\u{1}\u{FF}".utf8) + [0, 0xFF, 0x80])
        let recalculation = try Applications.create(t.session, .init(
            kind: .recalculation, rgkCode: nil, account: try AccountRef.byID(t.db, 1), address: nil, contactName: "Семёнов Пётр",
            phone: "8 911 555-00-11", email: "semenov@mail.ru", comment: "Уехали на лето",
            details: .recalculation(reason: .heatedArea, dateFrom: Day(year: 2026, month: 6, day: 1)!, residents: nil, heatedArea: 45.5),
            attachments: [pdf]))
        t.advance(seconds: 60)
        let repair = try Applications.create(t.session, .init(
            kind: .repair, rgkCode: "vologda", account: nil, address: "Вологда, ул. Ленина, 3", contactName: "Иванова Анна",
            phone: "+79115550022", email: nil, comment: nil, details: .repair(reason: "Запах газа"), attachments: []))
        func found(_ search: String) throws -> [Int64] {
            var filter = ApplicationFilter()
            filter.search = search
            return try Applications.list(t.db, filter).map(\.id)
        }
        #expect(try found("СЕМЕНОВ") == [recalculation], "ё and case fold on both engines")
        #expect(try found("ленина") == [repair])
        #expect(try found("+7 911 555-00-22") == [repair])
        #expect(try found("semenov@mail.ru") == [recalculation])
        #expect(try found("70000017") == [recalculation])
        #expect(try found("Петров").isEmpty)
        var queue = ApplicationFilter()
        queue.statuses = [.submitted, .submitted, .needsInfo]
        #expect(try Applications.list(t.db, queue).map(\.id) == [recalculation, repair], "oldest first, a status named twice once")
        queue.kind = .repair
        queue.rgk = "vologda"
        #expect(try Applications.list(t.db, queue).map(\.id) == [repair])

        _ = try Applications.transition(t.session, recalculation, .clarify, message: "Приложите справку")
        _ = try Applications.assign(t.session, recalculation, to: "tester")
        let shown = try Applications.show(t.db, recalculation)
        #expect(shown.summary.status == "needs_info" && shown.summary.account == "70000017" && shown.summary.rgk == "vologda")
        #expect(shown.summary.assignedTo == "tester" && shown.summary.contactPhone == "+79115550011" && shown.comment == "Уехали на лето")
        #expect(shown.fields.map(\.key) == ["reason", "date_from", "residents", "heated_area"])
        #expect(shown.fields.map(\.value) == ["heated_area", "2026-06-01", nil, "45.5"])
        #expect(shown.events.map { "\($0.from ?? "-")→\($0.to) \($0.note ?? $0.message ?? "")" }
                == ["-→submitted taken_at_office", "submitted→needs_info Приложите справку"])
        #expect(shown.attachments.map(\.name) == ["акт.pdf"] && shown.attachments.first?.size == pdf.bytes.count)
        #expect(try Attachments.content(t.db, .application(recalculation), name: "акт.pdf") == pdf.bytes, "the bytes as stored, NUL and all")
        #expect(throws: MyGazError.self) { try Attachments.content(t.db, .application(recalculation), name: "нет.pdf") }
    }
}
