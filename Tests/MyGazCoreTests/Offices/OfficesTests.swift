import Foundation
import Testing
@testable import MyGazCore

/// The RGKs' offices on either engine: a piece of the name or the address in any case and ё/е,
/// one office by its id or by a piece of its name only it has.
@Suite struct OfficesTests {
    static func region(_ t: TestDB) throws -> Int64 {
        let vologda = try t.rgk("vologda"), cherepovets = try t.rgk("cherepovets")
        let sokol = try t.db.insert("""
            INSERT INTO office (rgk_id, name, address, phone, hours, lat, lon)
            VALUES (?, 'Абонентский пункт Сокол', 'г. Сокол, ул. Советская, 5', '+78173320000', 'пн–пт 9–17', 59.47, 40.11)
            """, vologda)
        try t.db.run("INSERT INTO office (rgk_id, name, address) VALUES (?, 'Центральный офис', 'г. Вологда, ул. Зосимовская, 1')", vologda)
        try t.db.run("INSERT INTO office (rgk_id, name, address) VALUES (?, 'Офис на Ёлкина', NULL)", cherepovets)
        return sokol
    }

    @Test(arguments: TestEngine.all) func officesAreFoundByAPieceOfTheirNameOrAddressInAnyCase(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let sokol = try Self.region(t)
        #expect(try Offices.list(t.db, rgk: nil, search: nil).map(\.name) == ["Офис на Ёлкина", "Абонентский пункт Сокол", "Центральный офис"])
        #expect(try Offices.list(t.db, rgk: "vologda", search: nil).count == 2)
        #expect(try Offices.list(t.db, rgk: nil, search: "СОКОЛ").map(\.id) == [sokol])
        #expect(try Offices.list(t.db, rgk: nil, search: "зосимовская").map(\.name) == ["Центральный офис"], "by the address")
        #expect(try Offices.list(t.db, rgk: nil, search: "елкина").map(\.name) == ["Офис на Ёлкина"], "ё as е")
        #expect(try Offices.list(t.db, rgk: nil, search: "офис").count == 2)
        #expect(try Offices.list(t.db, rgk: "vologda", search: "офис").map(\.name) == ["Центральный офис"])
        let office = try #require(try Offices.list(t.db, rgk: nil, search: "сокол").first)
        #expect(office.rgk == "vologda" && office.phone == "+78173320000" && office.hours == "пн–пт 9–17" && office.lat == 59.47 && office.lon == 40.11)
    }

    @Test(arguments: TestEngine.all) func anOfficeIsOneIdOrOnePieceOfAName(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let sokol = try Self.region(t)
        #expect(try Offices.find(t.db, String(sokol)).name == "Абонентский пункт Сокол")
        #expect(try Offices.find(t.db, "центральный").address == "г. Вологда, ул. Зосимовская, 1")
        #expect { try Offices.find(t.db, "офис") } throws: { ($0 as? MyGazError)?.message.key == .officeAmbiguous }
        #expect(try Offices.find(t.db, "офис", rgk: "cherepovets").name == "Офис на Ёлкина")
        #expect { try Offices.find(t.db, "Тотьма") } throws: { ($0 as? MyGazError)?.status == .notFound }
    }
}
