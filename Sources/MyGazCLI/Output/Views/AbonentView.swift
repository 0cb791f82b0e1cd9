import Foundation
import MyGazCore

/// The «Абонент» section of an account as the customer sees it in the portal (manual 001
/// §4.3.3): benefits, consumption modes, gas-using equipment — three tables under one heading
/// word, in the clerk's language; machines get `benefits`, `consumption_modes`, `equipment`.
enum AbonentView {
    static func sections(_ a: Abonent, into r: inout Record, _ out: Output) {
        let lang = out.lang, texts = out.texts
        var benefits = Table([
            Column("benefit", L("BENEFIT", "ЛЬГОТА"), cut: 14), Column("percent", L("%", "%"), align: .right),
            Column("basis", L("BASIS", "ОСНОВАНИЕ"), cut: 10, priority: 1),
            Column("valid_from", L("FROM", "С")), Column("valid_until", L("UNTIL", "ПО")),
        ])
        for b in a.benefits {
            benefits.append([Cell(.text(b.benefit)), Cell(.of(b.percent), display: b.percent.map { "\($0)" } ?? "—"), Cell(.of(b.basis)),
                             AccountView.day(b.validFrom), AccountView.day(b.validUntil)])
        }
        r.section("benefits", L("Subscriber: benefits", "Абонент: льготы"), benefits)

        var modes = Table([
            Column("mode", L("CONSUMPTION MODE", "РЕЖИМ ПОТРЕБЛЕНИЯ"), cut: 14), Column("norm_m3", L("NORM", "НОРМАТИВ"), align: .right),
            Column("unit", L("UNIT", "ЕД. ИЗМ."), cut: 8, priority: 1), Column("valid_from", L("FROM", "С")),
        ])
        for m in a.modes {
            modes.append([Cell(.text(m.mode)), Cell(.of(m.normM3), display: m.normM3.map { Format.decimal($0, lang, fractionDigits: 3) } ?? "—"),
                          Cell(.of(m.unit)), AccountView.day(m.validFrom)])
        }
        r.section("consumption_modes", L("Subscriber: consumption modes", "Абонент: режимы потребления"), modes)

        var equipment = Table([
            Column("kind", L("EQUIPMENT", "ОБОРУДОВАНИЕ")), Column("model", L("MODEL", "МОДЕЛЬ"), cut: 8, priority: 1),
            Column("serial", L("SERIAL", "ЗАВ. НОМЕР")), Column("installed_on", L("INSTALLED", "УСТАНОВЛЕНО"), priority: 2),
        ])
        for e in a.equipment {
            equipment.append([.code(.applianceKind, e.kind, texts), Cell(.of(e.model)), Cell(.text(e.serial)), AccountView.day(e.installedOn)])
        }
        r.section("equipment", L("Subscriber: gas equipment", "Абонент: газоиспользующее оборудование"), equipment)
    }
}
