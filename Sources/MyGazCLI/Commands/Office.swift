import Foundation
import MyGazCore

/// «Where is the nearest office, when is it open?»
enum OfficeCommands {
    static let spec = CommandSpec(
        "office", L("the RGKs' offices: address, phone, hours", "отделения РГК: адрес, телефон, часы работы"),
        subcommands: [
            CommandSpec("list", L("list offices", "список отделений"),
                        options: [Opt.rgk, OptionSpec(.search, short: "s", value: "TEXT", L("a piece of the name or the address", "часть названия или адреса"))],
                        examples: [Example("mygaz-admin office list --search Сокол", L("The office in a customer's town.", "Отделение в городе клиента."))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one office", "одно отделение"),
                        arguments: [ArgumentSpec("OFFICE", L("the id, or a piece of the name only one office has", "ID или часть названия, которая есть только у одного отделения"),
                                                 completion: .live(.office))],
                        examples: [Example("mygaz-admin office show 1", L("Address, phone, hours and where it is on the map.", "Адрес, телефон, часы работы и место на карте."))],
                        access: .everyone, handler: show),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        inv.out.table(table(try Offices.list(inv.db, rgk: inv.string(.rgk), search: inv.string(.search)), inv.out))
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let o = try Offices.find(inv.db, inv.argument("OFFICE")!)
        inv.out.record(Record(row: cells(o, inv.out), of: columns))
        return .success
    }

    static let columns = [
        Column("id", L("ID", "ID"), align: .right), Column("rgk", L("RGK", "РГК")), Column("name", L("NAME", "НАЗВАНИЕ")),
        Column("address", L("ADDRESS", "АДРЕС")), Column("phone", L("PHONE", "ТЕЛЕФОН")), Column("hours", L("HOURS", "ЧАСЫ РАБОТЫ")),
        Column("lat", L("LATITUDE", "ШИРОТА"), .machineOnly), Column("lon", L("LONGITUDE", "ДОЛГОТА"), .machineOnly),
    ]

    static func cells(_ o: OfficeItem, _ out: Output) -> [Cell] {
        [Cell(.int(o.id)), Cell(.text(o.rgk)), Cell(.text(o.name)), Cell(.of(o.address), display: o.address ?? "—"),
         .phone(o.phone, empty: "—"), Cell(.of(o.hours), display: o.hours ?? "—"),
         Cell(.of(o.lat), display: o.lat.map { Format.decimal($0, out.lang, fractionDigits: 5) } ?? "—"),
         Cell(.of(o.lon), display: o.lon.map { Format.decimal($0, out.lang, fractionDigits: 5) } ?? "—")]
    }

    static func table(_ rows: [OfficeItem], _ out: Output) -> Table {
        var t = Table(columns)
        for o in rows { t.append(cells(o, out)) }
        return t
    }
}
