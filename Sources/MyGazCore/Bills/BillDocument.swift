import Foundation

/// The bill as an A4 page in black and white: Russian text in the manuals' words, amounts in
/// rubles, the payment QR code, and a tear-off part for the customer to write new readings.
public enum BillDocument {
    public static let fontDirectory = "/usr/share/fonts/truetype/dejavu"
    static let fontFiles = [("DejaVuSans.ttf", "DejaVuSans"), ("DejaVuSans-Bold.ttf", "DejaVuSans-Bold")]

    /// The fonts, read once per process.
    static let loaded = load(directory: fontDirectory)

    /// Both faces from a directory; a missing or broken file is a setup fault naming the package.
    static func load(directory: String) -> Result<[TrueTypeFont], MyGazError> {
        var fonts: [TrueTypeFont] = []
        for (file, name) in fontFiles {
            let path = directory + "/" + file
            do { fonts.append(try TrueTypeFont(path: path, name: name)) } catch {
                return .failure(MyGazError(.database, .billNoFont, .text(path)))
            }
        }
        return .success(fonts)
    }

    public static func fonts() throws -> [TrueTypeFont] { try loaded.get() }

    static let months = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]

    /// `ноябрь 2026 г.`
    public static func monthName(_ period: String) -> String {
        let month = Int(period.suffix(2)) ?? 1
        return "\(months[max(0, min(11, month - 1))]) \(period.prefix(4)) г."
    }

    /// `-5 899,95` with plain spaces (what a reader copies from the page is what it sees).
    public static func rubles(_ kop: Int64) -> String {
        let magnitude = kop.magnitude
        let digits = String(magnitude / 100)
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += " " }
            grouped.append(c)
        }
        let cents = magnitude % 100
        return (kop < 0 ? "-" : "") + grouped + "," + (cents < 10 ? "0" : "") + String(cents)
    }

    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += " " }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func day(_ iso: String?) -> String { iso.flatMap { Day(iso: $0)?.russian } ?? "—" }

    /// Words of `text` in lines no wider than `width` points.
    static func wrap(_ text: String, width: Double, size: Double, page: PDFPage, weight: PDFPage.Weight = .regular) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if page.textWidth(candidate, size: size, weight: weight) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `квитанция_70000724_2026-11.pdf`
    public static func fileName(_ bill: Bill) -> String {
        "квитанция_\(bill.account.filter { $0.isLetter || $0.isNumber || $0 == "-" })_\(bill.period).pdf"
    }

    public static func pdf(_ bill: Bill) throws -> [UInt8] {
        var page = PDFPage(fonts: try fonts())
        let left = 40.0, right = PDFPage.a4.width - 40
        var y = 52.0

        page.text("Счет-квитанция (платежный документ) за \(monthName(bill.period))", x: left, y: y, size: 13, weight: .bold)
        y += 20
        page.text("Лицевой счет № \(bill.account)", x: left, y: y, size: 12, weight: .bold)
        y += 10
        page.line(from: (left, y), to: (right, y), width: 1)

        // the supplier
        y += 16
        let s = bill.supplier
        page.text("Поставщик: \(s.name)", x: left, y: y, size: 9.5, weight: .bold)
        y += 13
        page.text("ИНН \(s.inn)   КПП \(s.kpp)", x: left, y: y, size: 9)
        y += 12
        for line in wrap("Р/с \(s.account) в \(s.bankName), БИК \(s.bic), к/с \(s.correspondentAccount)", width: right - left, size: 9, page: page) {
            page.text(line, x: left, y: y, size: 9); y += 12
        }
        var contact: [String] = []
        if let phone = s.phone { contact.append("Телефон: \(Contact.written(phone))") }
        if let office = s.office { contact.append(office + (s.hours.map { ", часы работы: \($0)" } ?? "")) }
        for line in wrap(contact.joined(separator: "; "), width: right - left, size: 9, page: page) {
            page.text(line, x: left, y: y, size: 9); y += 12
        }

        // the payer, with the QR code beside
        y += 6
        page.line(from: (left, y), to: (right, y))
        let qrTop = y + 10
        let code = try QRCode(bytes: Array(bill.paymentString.utf8))
        let module = min(2.5, 180.0 / Double(code.size))
        let qrSide = Double(code.size) * module
        page.qr(code, x: right - qrSide, y: qrTop, module: module)
        page.text("Оплата по QR-коду", x: right - qrSide, y: qrTop + qrSide + 11, size: 8)
        page.text("в приложении банка", x: right - qrSide, y: qrTop + qrSide + 21, size: 8)
        let textWidth = right - qrSide - 14 - left
        y += 18
        page.text("Плательщик: \(bill.holder)", x: left, y: y, size: 9.5, weight: .bold)
        y += 13
        if let address = bill.address {
            for line in wrap("Адрес: \(address)", width: textWidth, size: 9, page: page) { page.text(line, x: left, y: y, size: 9); y += 12 }
        }
        var facts: [String] = []
        if let residents = bill.residents { facts.append("Проживающих: \(residents)") }
        if let area = bill.heatedArea {
            let tenths = Int64((area * 10).rounded())
            facts.append("Отапливаемая площадь: \(grouped(tenths / 10))" + (tenths % 10 == 0 ? "" : ",\(tenths % 10)") + " м²")
        }
        if !facts.isEmpty { page.text(facts.joined(separator: "   "), x: left, y: y, size: 9); y += 12 }
        y += 8
        if bill.toPayKop > 0 {
            page.text("Итого к оплате: \(rubles(bill.toPayKop)) ₽", x: left, y: y, size: 13, weight: .bold)
        } else {
            page.text("Задолженности нет" + (bill.dueKop > 0 ? ", переплата \(rubles(bill.dueKop)) ₽" : ""), x: left, y: y, size: 12, weight: .bold)
        }
        y += 13
        page.text("Оплатить до 25-го числа месяца, следующего за расчетным", x: left, y: y, size: 8.5)
        y = max(y + 14, qrTop + qrSide + 30)

        // per service, as the «Взаиморасчеты» section shows it
        page.text("Взаиморасчеты за \(monthName(bill.period)), руб.", x: left, y: y, size: 10, weight: .bold)
        y += 8
        let headers = ["Услуга", "Сальдо на начало", "Начислено", "Льгота", "Перерасчет", "Оплачено", "К оплате"]
        let columns = [left, 175, 245, 305, 365, 430, 490]
        let tableTop = y
        y += 12
        for (i, header) in headers.enumerated() {
            if i == 0 { page.text(header, x: columns[0] + 3, y: y, size: 8, weight: .bold) } else {
                page.text(header, x: (i + 1 < columns.count ? columns[i + 1] : right) - 3, y: y, size: 8, weight: .bold, alignRight: true)
            }
        }
        y += 5
        page.line(from: (left, y), to: (right, y))
        for line in bill.lines {
            y += 12
            let values = [line.openingKop, line.chargedKop, line.benefitKop, line.recalcKop, line.paidKop, line.toPayKop]
            page.text(Labels.label(.serviceKind, line.service, russian: true), x: columns[0] + 3, y: y, size: 8.5)
            for (i, value) in values.enumerated() {
                let edge = i + 2 < columns.count ? columns[i + 2] : right
                page.text(rubles(value), x: edge - 3, y: y, size: 8.5, alignRight: true)
            }
            y += 4
            page.line(from: (left, y), to: (right, y), width: 0.3)
        }
        page.box(x: left, y: tableTop, width: right - left, height: y - tableTop)
        y += 11
        page.text(bill.closed
                  ? "Месяц закрыт: к оплате — долг на конец месяца по данным РГК, с учетом льгот и перерасчетов."
                  : "Месяц не закрыт: к оплате — долг по формуле «сальдо на начало − начислено + оплачено».", x: left, y: y, size: 7.5)
        for line in bill.lines where line.overpaidKop > 0 {
            let service = Labels.label(.serviceKind, line.service, russian: true)
            let words = "Переплата за услугу «\(service)»: \(rubles(line.overpaidKop)) ₽ — платить не нужно, она учитывается в следующих начислениях."
            for piece in wrap(words, width: right - left, size: 7.5, page: page, weight: .bold) {
                y += 11
                page.text(piece, x: left, y: y, size: 7.5, weight: .bold)
            }
        }

        // the benefits that applied to the month («Абонент»: the RGK's list)
        if !bill.benefits.isEmpty {
            y += 14
            let named = bill.benefits.map { b in b.benefit + (b.percent.map { " (\($0) %)" } ?? "") }
            for line in wrap("Льготы за \(monthName(bill.period)): " + named.joined(separator: "; "), width: right - left, size: 8.5, page: page) {
                page.text(line, x: left, y: y, size: 8.5); y += 11
            }
        }

        // the meters
        if !bill.meters.isEmpty {
            y += 20
            page.text("Приборы учета", x: left, y: y, size: 10, weight: .bold)
            y += 13
            let meterColumns = [left, 135, 245, 360, 450]
            for (i, header) in ["Заводской номер", "Модель", "Последнее показание", "Дата показания", "Поверка до"].enumerated() {
                page.text(header, x: meterColumns[i], y: y, size: 8, weight: .bold)
            }
            for m in bill.meters {
                y += 12
                page.text(m.serial, x: meterColumns[0], y: y, size: 8.5)
                page.text(m.model ?? "—", x: meterColumns[1], y: y, size: 8.5)
                page.text(m.lastValue.map { grouped($0) } ?? "—", x: meterColumns[2], y: y, size: 8.5)
                page.text(day(m.lastDate), x: meterColumns[3], y: y, size: 8.5)
                page.text(day(m.nextVerification) + (m.expired ? " — истекла" : ""), x: meterColumns[4], y: y, size: 8.5,
                          weight: m.expired ? .bold : .regular)
            }
            if bill.meters.contains(where: \.expired) {
                y += 12
                page.text("Срок поверки истек: показания такого прибора не принимаются; обратитесь в РГК.", x: left, y: y, size: 7.5, weight: .bold)
            }
        }

        // the tear-off part
        y = max(y + 30, 640)
        page.line(from: (left, y), to: (right, y), width: 0.6, dash: 4)
        page.text("линия отреза", x: right, y: y - 3, size: 6.5, alignRight: true, gray: 0.3)
        y += 18
        page.text("Показания приборов учета (заполняет абонент) — лицевой счет № \(bill.account)", x: left, y: y, size: 9.5, weight: .bold)
        y += 12
        page.text(bill.holder, x: left, y: y, size: 9)
        y += 8
        let rows = max(1, bill.meters.count)
        let rowHeight = 20.0
        let formColumns = [left, 160, 300, 440, right]
        let formTop = y
        y += 12
        for (i, header) in ["Заводской номер", "Предыдущее показание", "Текущее показание", "Дата"].enumerated() {
            page.text(header, x: formColumns[i] + 3, y: y, size: 8, weight: .bold)
        }
        y += 4
        for i in 0..<rows {
            page.line(from: (left, y), to: (right, y), width: 0.3)
            if i < bill.meters.count {
                let m = bill.meters[i]
                page.text(m.serial, x: formColumns[0] + 3, y: y + 14, size: 9)
                page.text(m.lastValue.map { grouped($0) } ?? "—", x: formColumns[1] + 3, y: y + 14, size: 9)
            }
            y += rowHeight
        }
        page.box(x: left, y: formTop, width: right - left, height: y - formTop)
        for x in formColumns.dropFirst().dropLast() { page.line(from: (x, formTop), to: (x, y), width: 0.3) }
        y += 14
        page.text("Передать показания можно в личном кабинете «Мой газ», по телефону РГК или в абонентском пункте.", x: left, y: y, size: 7.5)
        return page.render(title: "Счет-квитанция, лицевой счет \(bill.account), \(monthName(bill.period))")
    }
}
