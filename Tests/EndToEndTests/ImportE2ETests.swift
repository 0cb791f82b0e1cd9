import Foundation
import Testing
import MyGazCore

/// How a test file is written: the encodings RGK exports come in.
enum FileBytes {
    case cp1251, utf8BOM, utf8

    func encode(_ text: String) -> Data {
        switch self {
        case .cp1251: return text.data(using: .windowsCP1251)!     // the system's converter, not ours
        case .utf8BOM: return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        case .utf8: return Data(text.utf8)
        }
    }
}

/// One file per kind, in the order they depend on each other: the RGK's own Russian
/// dialect (`;`, CRLF, Russian headers in assorted spellings, decimal commas, DD.MM.YYYY,
/// Russian words for codes, quoted fields with `;`, quotes and a line break).
let russianFiles: [(kind: String, text: String)] = [
    ("rgk", "Код;Наименование;Регион;Телефон;E-mail;Макс_расход\r\n"
        + "vologda;\"Газпром межрегионгаз Вологда\";Вологодская область;8-800-100-00-00;info@vologda.example;300\r\n"
        + "kostroma;Кострома;;;;\r\n"),
    ("offices", "РГК;Отделение;Адрес;Телефон;График;Широта;Долгота\r\n"
        + "vologda;Центральное;\"г. Вологда, ул. Мира; д. 1\";+7 8172 00-00-00;Пн-Пт 8:00-17:00;59,2205;39,8915\r\n"),
    ("accounts", "Лицевой счёт;Фамилия;Имя;Отчество;Адрес;Телефон;Проживающих;Отапливаемая площадь;Статус\r\n"
        + "023-185952;Иванова;Анна;Петровна;\"г. Вологда, ул. Ленина, д. 5, кв. 12\";8 (911) 000-00-00;3;54,5;открыт\r\n"
        + "70000017;Петров;Иван;;\"ул. \"\"Новая\"\", 1\";(8172) 72-00-00;1;;Закрыт\r\n"),
    ("services", "ЛС;Услуга;Сальдо\r\n023-185952;Природный газ;-3319,52\r\n023-185952;ТО ВДГО;0\r\n70000017;природный  газ;12,5\r\n"),
    ("meters", "Лицевой_счет;Заводской номер;Модель;Разрядность;Место установки;Дата поверки;Состояние;Макс_расход\r\n"
        + "023-185952;64567281;СГМН-1 G6;5;Кухня;01.03.2030;исправен;\r\n"
        + "70000017;91234408;BK-G4;5;\"Коридор\r\nу входа\";31.12.2029;Исправен;500\r\n"),
    ("readings", "Лицевой счет;Заводской номер;Дата;Показание\r\n"
        + "023-185952;64567281;25.05.2026;3 700\r\n023-185952;64567281;25.06.2026;3846\r\n"),
    ("settlements", "ЛС;Услуга;Период;Сальдо нач.;Начислено;Оплачено;Льгота;Перерасчет;Сальдо кон.\r\n"
        + "023-185952;Природный газ;05.2026;-3000,00;1319,52;1000;0;0;-3319,52\r\n"
        + "023-185952;Природный газ;06.2026;-3319,52;500;;;;\r\n"),
    ("payments", "ЛС;Услуга;Дата оплаты;Сумма;Место оплаты;Состояние;Номер платежа\r\n"
        + "023-185952;Природный газ;15.06.2026;1 000,00;Сбербанк Онлайн;оплачено;P-0001\r\n"
        + "023-185952;ТО ВДГО;16.06.2026;250,5;Почта России;;P-0002\r\n"),
    ("contracts", "ЛС;Номер договора;Вид договора;Дата заключения;Действует до;Состояние\r\n"
        + "023-185952;Д-100/2020;Поставка газа;01.02.2020;;\r\n023-185952;В-7;ТО ВДГО;01.02.2021;01.02.2026;\r\n"),
    ("acts", "Договор;Номер акта;Дата;Работа;Стоимость\r\nВ-7;А-1;10.03.2025;Проверка плиты;850,00\r\nВ-7;А-1;10.03.2025;Проверка колонки;1200\r\n"),
    ("pins", "ЛС;ПИН-код\r\n023-185952;4821\r\n"),
    ("benefits", "ЛС;Льгота;Размер льготы;Основание;Действует с;Действует до\r\n"
        + "023-185952;Ветеран труда;50;\"уд. № 123; серия А\";01.01.2020;\r\n023-185952;Многодетная семья;30;;01.01.2026;31.12.2026\r\n"),
    ("consumption", "ЛС;Режим потребления;Норматив;Ед. изм.;Действует с\r\n"
        + "023-185952;Приготовление пищи;10,5;куб. м на человека в месяц;01.01.2020\r\n023-185952;Отопление;7,8;куб. м на кв. м в месяц;\r\n"),
    ("equipment", "ЛС;Вид оборудования;Заводской номер;Модель;Дата установки\r\n"
        + "023-185952;Газовая плита;П-1;Гефест 3200;01.03.2015\r\n023-185952;Газовая колонка;К-7;Neva 4510;\r\n"),
]

/// The same data as a UTF-8 export with English headers, `,` and LF, ISO dates, decimal points.
let englishFiles: [(kind: String, text: String)] = [
    ("rgk", "code,name,region,phone,email,max_monthly_m3\n"
        + "vologda,Газпром межрегионгаз Вологда,Вологодская область,8-800-100-00-00,info@vologda.example,300\nkostroma,Кострома,,,,\n"),
    ("offices", "rgk,name,address,phone,hours,lat,lon\n"
        + "vologda,Центральное,\"г. Вологда, ул. Мира; д. 1\",+7 8172 00-00-00,Пн-Пт 8:00-17:00,59.2205,39.8915\n"),
    ("accounts", "account,surname,name,patronymic,address,phone,residents,heated_area,status\n"
        + "23185952,Иванова,Анна,Петровна,\"г. Вологда, ул. Ленина, д. 5, кв. 12\",+79110000000,3,54.5,open\n"
        + "70000017,Петров,Иван,,\"ул. \"\"Новая\"\", 1\",(8172) 72-00-00,1,,closed\n"),
    ("services", "account,service,balance\n23185952,gas,-3319.52\n23185952,vdgo,0\n70000017,gas,12.50\n"),
    ("meters", "account,serial,model,digits,place,next_verification,state,max_monthly_m3\n"
        + "23185952,64567281,СГМН-1 G6,5,Кухня,2030-03-01,working,\n70000017,91234408,BK-G4,5,\"Коридор\r\nу входа\",2029-12-31,working,500\n"),
    ("readings", "account,serial,date,value\n23185952,64567281,2026-05-25,3700\n23185952,64567281,2026-06-25,3846\n"),
    ("settlements", "account,service,period,opening,charged,paid,benefit,recalc,closing\n"
        + "23185952,gas,2026-05,-3000.00,1319.52,1000,0,0,-3319.52\n23185952,gas,2026-06,-3319.52,500,,,,\n"),
    ("payments", "account,service,date,amount,channel,state,external_id\n"
        + "23185952,gas,2026-06-15,1000.00,Сбербанк Онлайн,paid,P-0001\n23185952,vdgo,2026-06-16,250.50,Почта России,,P-0002\n"),
    ("contracts", "account,number,kind,signed,valid_until,state\n23185952,Д-100/2020,supply,2020-02-01,,\n23185952,В-7,vdgo,2021-02-01,2026-02-01,\n"),
    ("acts", "contract,number,date,work,cost\nВ-7,А-1,2025-03-10,Проверка плиты,850\nВ-7,А-1,2025-03-10,Проверка колонки,1200.00\n"),
    ("pins", "account,pin\n23185952,4821\n"),
    ("benefits", "account,benefit,percent,basis,valid_from,valid_until\n"
        + "23185952,Ветеран труда,50,\"уд. № 123; серия А\",2020-01-01,\n23185952,Многодетная семья,30,,2026-01-01,2026-12-31\n"),
    ("consumption", "account,mode,norm_m3,unit,valid_from\n"
        + "23185952,Приготовление пищи,10.5,куб. м на человека в месяц,2020-01-01\n23185952,Отопление,7.80,куб. м на кв. м в месяц,\n"),
    ("equipment", "account,kind,serial,model,installed\n23185952,stove,П-1,Гефест 3200,2015-03-01\n23185952,water_heater,К-7,Neva 4510,\n"),
]

extension E2E {
    @discardableResult
    func write(_ name: String, _ text: String, _ bytes: FileBytes = .cp1251) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: bytes.encode(text))
        return path
    }

    /// Imports every kind (the RGK file first, then the rest with --rgk vologda).
    func importAll(_ files: [(kind: String, text: String)], _ bytes: FileBytes) -> [Result] {
        files.map { file in
            let path = write("\(file.kind).csv", file.text, bytes)
            return run(["import", file.kind, path] + (file.kind == "rgk" ? [] : ["--rgk", "vologda"]))
        }
    }

    /// The data the imports wrote, without what depends on the moment or the run (timestamps,
    /// batch ids, salted hashes): equal digests mean equal content (of two databases on one engine:
    /// each is read as CSV by its engine's own reader).
    /// `accountsByNumber`: the accounts without their ids, in the order of their numbers (a
    /// server's sequence never hands out again the ids a rolled-back import took).
    func contentDigest(accountsByNumber: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let queries = [
            "SELECT id, code, name, region, phone, email, max_monthly_m3 FROM rgk ORDER BY id",
            "SELECT * FROM office ORDER BY id",
            accountsByNumber
                ? "SELECT rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, status FROM account ORDER BY rgk_id, number"
                : "SELECT id, rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, status FROM account ORDER BY id",
            "SELECT id, account_id, kind, balance_kop FROM service ORDER BY id",
            "SELECT * FROM meter ORDER BY id",
            "SELECT id, meter_id, value, reading_date, source, status FROM reading ORDER BY id",
            "SELECT * FROM settlement ORDER BY id",
            "SELECT * FROM payment ORDER BY id",
            "SELECT * FROM contract ORDER BY id",
            "SELECT * FROM act ORDER BY id",
            "SELECT * FROM act_item ORDER BY id",
            "SELECT id, account_id, source, state, issued_by FROM pin ORDER BY id",
            "SELECT id, account_id, benefit, percent, basis, valid_from, valid_until FROM account_benefit ORDER BY id",
            "SELECT id, account_id, mode, norm_m3, unit, valid_from FROM account_consumption ORDER BY id",
            "SELECT id, account_id, kind, serial, model, installed_on FROM account_equipment ORDER BY id",
        ]
        var hash = SHA256()
        for q in queries {
            let r = switch engine {
            case .sqlite: E2E.exec("/usr/bin/sqlite3", ["-readonly", "-csv", db, q])
            case .postgresql: E2E.exec(E2E.psql, ["-X", "-q", "--csv", "-t", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", q])
            }
            if r.status != 0 || !r.stderr.isEmpty { Issue.record("\(engine) refused \(q): \(r)", sourceLocation: sourceLocation) }
            hash.update(Array(q.utf8))
            hash.update(Array(r.stdout.utf8))
        }
        return hash.finishHex()
    }
}

@Suite struct ImportE2ETests {
    @Test func brokenRecordsAreRefusedWithTheirLineAndNeverHeldInMemory() {
        let t = E2E()
        t.run("init")
        let header = t.write("header.csv", "\"code;name;max_monthly_m3\nvologda;Вологда;300\n", .utf8)
        let r = t.run("import", "rgk", header)
        #expect(r.status == 6 && r.stderr == "mygaz-admin: \(header):1: a quote opened in the header is not closed; nothing was written\n", "\(r)")

        let long = t.write("long.csv", "code;name;max_monthly_m3\nvologda;" + String(repeating: "я", count: 2_500) + ";300\n", .utf8)
        let field = t.run("import", "rgk", long)
        #expect(field.status == 6 && field.stderr.contains("long.csv:2: name: a field of 5,000 bytes; at most 4,096 are accepted"), "\(field)")

        // a quote left open near the top of a large file: refused at the limit, not read into memory
        let open = t.write("open.csv", "code;name;max_monthly_m3\nvologda;\"Вологда;300\n" + String(repeating: "kostroma;Кострома;300\n", count: 200_000), .utf8)
        let quote = t.run("import", "rgk", open)
        #expect(quote.status == 6 && quote.stderr.contains("open.csv:2: —: a record longer than 1,048,576 bytes"), "\(quote)")
        #expect(t.sql("SELECT count(*) FROM rgk") == "0", "nothing was written")
    }

    @Test func everyKindImportsFromWindows1251WithRussianHeaders() {
        let t = E2E()
        t.run("init")
        for (file, r) in zip(russianFiles, t.importAll(russianFiles, .cp1251)) {
            #expect(r.status == 0, "\(file.kind): \(r)")
            #expect(r.stdout.contains("(cp1251, ';')"), "the summary says which encoding and delimiter: \(r.stdout)")
            #expect(r.stdout.contains(" 0 rejected"), "\(r.stdout)")
        }
        #expect(t.sql("SELECT code || '|' || name || '|' || max_monthly_m3 FROM rgk ORDER BY code")
                == "kostroma|Кострома|500\nvologda|Газпром межрегионгаз Вологда|300", "an empty maximum keeps the default")
        #expect(t.sql("SELECT lat || ' ' || lon || ' ' || address FROM office") == "59.2205 39.8915 г. Вологда, ул. Мира; д. 1")
        #expect(t.sql("SELECT number || '|' || coalesce(CAST(heated_area AS TEXT), '') || '|' || status || '|' || address FROM account ORDER BY number")
                == "23185952|54.5|open|г. Вологда, ул. Ленина, д. 5, кв. 12\n70000017||closed|ул. \"Новая\", 1",
                "numbers lose separators and leading zeros; «открыт»/«Закрыт» are codes")
        #expect(t.sql("SELECT number || '|' || phone FROM account ORDER BY number") == "23185952|+79110000000\n70000017|(8172) 72-00-00",
                "a mobile is kept as logins are, a landline as the file wrote it")
        let byPhone = t.run("account", "list", "--search", "8 911 000-00-00", "--format", "tsv")
        #expect(byPhone.status == 0 && byPhone.stdout.contains("23185952") && !byPhone.stdout.contains("70000017"), "\(byPhone)")
        #expect(t.sql("SELECT a.number || ' ' || s.kind || ' ' || s.balance_kop FROM service s JOIN account a ON a.id = s.account_id ORDER BY 1")
                == "23185952 gas -331952\n23185952 vdgo 0\n70000017 gas 1250")
        #expect(t.sql("SELECT serial || '|' || next_verification || '|' || state || '|' || coalesce(CAST(max_monthly_m3 AS TEXT), 'NULL') FROM meter ORDER BY serial")
                == "64567281|2030-03-01|working|NULL\n91234408|2029-12-31|working|500")
        #expect(t.sql("SELECT place FROM meter WHERE serial = '91234408'") == "Коридор\r\nу входа", "a line break inside quotes is kept")
        #expect(t.sql("SELECT value || ' ' || reading_date || ' ' || source || ' ' || status FROM reading ORDER BY reading_date")
                == "3700 2026-05-25 rgk accepted\n3846 2026-06-25 rgk accepted")
        #expect(t.sql("SELECT period || ' ' || opening_kop || ' ' || charged_kop || ' ' || paid_kop || ' ' || coalesce(CAST(closing_kop AS TEXT), 'NULL') FROM settlement ORDER BY period")
                == "2026-05 -300000 131952 100000 -331952\n2026-06 -331952 50000 0 NULL", "an open month has no closing balance, not zero")
        #expect(t.sql("SELECT external_id || '|' || service || '|' || amount_kop || '|' || channel || '|' || state FROM payment ORDER BY 1")
                == "P-0001|gas|100000|Сбербанк Онлайн|paid\nP-0002|vdgo|25050|Почта России|paid", "the place of payment is free text")
        #expect(t.sql("SELECT number || ' ' || kind FROM contract ORDER BY number") == "В-7 vdgo\nД-100/2020 supply")
        #expect(t.sql("SELECT a.number || ' ' || i.work || ' ' || i.cost_kop FROM act_item i JOIN act a ON a.id = i.act_id ORDER BY i.id")
                == "А-1 Проверка плиты 85000\nА-1 Проверка колонки 120000", "one act, two items")
        let hash = t.sql("SELECT pin_hash FROM pin")
        #expect(hash.hasPrefix("$") && !hash.contains("4821"), "PINs from bills are stored hashed")
        #expect(t.sql("SELECT source || ' ' || state FROM pin") == "bill active")

        // imported readings are the previous accepted reading, settlements and payments feed account show
        let show = t.run("account", "show", "023-185952", "--json")
        #expect(show.status == 0, "\(show)")
        let meters = show.jsonObject["meters"] as? [[String: Any]] ?? []
        #expect(meters.first { $0["serial"] as? String == "64567281" }?["last_value"] as? Int == 3846)
        #expect((show.jsonObject["settlements"] as? [Any])?.count == 2)
        #expect((show.jsonObject["payments"] as? [Any])?.count == 2)
        #expect(show.jsonObject["active_pin"] as? Bool == true)

        // the «Абонент» section: in JSON by its keys, for people in the clerk's language
        let benefits = show.jsonObject["benefits"] as? [[String: Any]] ?? []
        #expect(benefits.map { $0["benefit"] as? String } == ["Ветеран труда", "Многодетная семья"], "\(benefits)")
        #expect(benefits.first?["basis"] as? String == "уд. № 123; серия А" && benefits.first?["percent"] as? Int == 50)
        #expect((show.jsonObject["consumption_modes"] as? [[String: Any]])?.map { $0["norm_m3"] as? Double } == [7.8, 10.5])
        #expect((show.jsonObject["equipment"] as? [[String: Any]])?.map { "\($0["kind"] ?? "")/\($0["serial"] ?? "")" } == ["stove/П-1", "water_heater/К-7"])
        let ru = t.run("account", "show", "023-185952", "--lang", "ru")
        for words in ["АБОНЕНТ: ЛЬГОТЫ", "Ветеран труда", "АБОНЕНТ: РЕЖИМЫ ПОТРЕБЛЕНИЯ", "Приготовление пищи", "10,5",
                      "АБОНЕНТ: ГАЗОИСПОЛЬЗУЮЩЕЕ ОБОРУДОВАНИЕ", "газовая плита", "газовый водонагреватель", "01.03.2015"] {
            #expect(ru.stdout.contains(words), "«\(words)» in \(ru.stdout)")
        }
        let en = t.run("account", "show", "023-185952", "--lang", "en")
        #expect(en.stdout.contains("SUBSCRIBER: BENEFITS") && en.stdout.contains("gas stove") && en.stdout.contains("water heater"), "\(en.stdout)")
    }

    @Test func utf8WithBOMAndEnglishHeadersGiveTheSameContent() {
        let russian = E2E(), english = E2E()
        russian.run("init")
        english.run("init")
        #expect(russian.importAll(russianFiles, .cp1251).allSatisfy { $0.status == 0 })
        for (file, r) in zip(englishFiles, english.importAll(englishFiles, .utf8BOM)) {
            #expect(r.status == 0, "\(file.kind): \(r)")
            #expect(r.stdout.contains("(utf-8, ',')"), "\(r.stdout)")
        }
        #expect(russian.contentDigest() == english.contentDigest())
    }

    @Test func aSecondImportOfTheSameFilesChangesNothing() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(russianFiles, .cp1251).allSatisfy { $0.status == 0 })
        let before = t.contentDigest()
        let audits = t.sql("SELECT count(*) FROM audit")
        for (file, r) in zip(russianFiles, t.importAll(russianFiles, .cp1251)) {
            let rows = file.text.components(separatedBy: "\r\n").count - 2 - (file.kind == "meters" ? 1 : 0)
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains(" 0 inserted, 0 updated, \(rows) unchanged, 0 rejected"), "\(file.kind): \(r.stdout)")
            #expect(r.stdout.contains("nothing changed"), "\(r.stdout)")
        }
        #expect(t.contentDigest() == before)
        #expect(Int(t.sql("SELECT count(*) FROM audit"))! == Int(audits)! + russianFiles.count, "one audit entry per run, nothing else")
        #expect(t.sql("SELECT count(*) FROM import_batch WHERE status = 'completed'") == String(2 * russianFiles.count),
                "each run is kept as a batch")
    }

    @Test func changedRowsAreUpdatedAndCounted() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let path = t.write("accounts2.csv", "Лицевой счет;Фамилия;Имя;Телефон;Статус\r\n023-185952;Иванова;Анна;89110000001;открыт\r\n"
                           + "70000017;Петров;Иван;(8172) 72-00-00;закрыт\r\n70000018;Сидоров;Пётр;;открыт\r\n")
        let r = t.run("import", "accounts", path, "--rgk", "vologda", "--json")
        #expect(r.status == 0, "\(r)")
        let report = r.jsonArray.first ?? [:]
        #expect(report["inserted"] as? Int == 1 && report["updated"] as? Int == 1 && report["unchanged"] as? Int == 1, "\(report)")
        #expect(report["encoding"] as? String == "cp1251")
        #expect(t.sql("SELECT phone || '|' || address FROM account WHERE number = '23185952'") == "+79110000001|г. Вологда, ул. Ленина, д. 5, кв. 12",
                "columns the file lacks are left as they were")
    }

    @Test func everyBadRowIsReportedWithItsLineAndNothingIsWritten() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let path = t.write("bad.csv", """
            ЛС;Заводской номер;Разрядность;Дата поверки;Состояние\r
            023-185952;A1;пять;01.01.2030;исправен\r
            023-185952;A2;5;31.02.2030;исправен\r
            023-185952;A3;5;01.01.2030;сломан\r
            99999999;A4;5;01.01.2030;исправен\r
            023-185952;A5;5\r
            023-185952;A6;5;01.01.2030;исправен\r
            ;A7;5;;\r

            """)
        let r = t.run("import", "meters", path, "--rgk", "vologda")
        #expect(r.status == 6, "\(r)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 7, "\(r.stderr)")
        #expect(lines.first { $0.hasPrefix("\(path):2: Разрядность: ") }?.contains("'пять' is not a number") == true, "\(r.stderr)")
        #expect(lines.first { $0.hasPrefix("\(path):3: Дата поверки: ") }?.contains("31.02.2030") == true, "\(r.stderr)")
        #expect(lines.first { $0.hasPrefix("\(path):4: Состояние: ") }?.contains("исправен, неисправен, снят") == true, "\(r.stderr)")
        #expect(lines.first { $0.hasPrefix("\(path):5: ЛС: ") }?.contains("99999999") == true, "a missing parent: \(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("\(path):6: ") && $0.contains("5 columns") && $0.contains("3") }, "\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("\(path):8: ЛС: ") }, "an empty required cell: \(r.stderr)")
        #expect(lines.last?.hasPrefix("mygaz-admin: \(path): 6 bad rows; nothing was written") == true, "\(r.stderr)")
        #expect(t.sql("SELECT count(*) FROM meter") == "0", "the good row A6 is not written either")
        #expect(t.sql("SELECT count(*) FROM import_batch WHERE kind = 'meters'") == "0")
        #expect(r.stdout.isEmpty)

        let json = t.run("import", "meters", path, "--rgk", "vologda", "--json")
        #expect(json.status == 6)
        let problems = json.jsonArray.first?["problems"] as? [[String: Any]] ?? []
        #expect(problems.map { $0["line"] as? Int ?? 0 } == [2, 3, 4, 5, 6, 8], "\(json.stdout)")
    }

    /// The «Абонент» kinds as the others: a row naming an unknown account or an equipment kind the
    /// program does not know is refused with its file, line and column, nothing written; with
    /// --skip-invalid the good rows go in and the bad ones to the rejects file, in cp1251 as the
    /// RGK wrote them (read back by Python's csv module).
    @Test func theAbonentKindsRefuseAnUnknownAccountOrEquipmentKindAtItsLine() throws {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let files: [(kind: String, text: String, column: String, words: String)] = [
            ("equipment", "ЛС;Вид оборудования;Заводской номер\r\n023-185952;плита;П-1\r\n023-185952;камин;Х-1\r\n99999999;котел;К-1\r\n",
             "Вид оборудования", "'камин' is not one of: газовая плита, колонка, котел, конвектор"),
            ("benefits", "ЛС;Льгота;Размер льготы\r\n023-185952;Ветеран труда;50\r\n023-185952;Инвалид;150\r\n99999999;Ветеран;50\r\n",
             "Размер льготы", "150"),
            ("consumption", "ЛС;Режим потребления;Норматив\r\n023-185952;Отопление;7,8\r\n023-185952;Подогрев воды;много\r\n99999999;Отопление;1\r\n",
             "Норматив", "'много' is not a number"),
        ]
        for file in files {
            let path = t.write("\(file.kind).csv", file.text)
            let r = t.run("import", file.kind, path, "--rgk", "vologda")
            #expect(r.status == 6, "\(file.kind): \(r)")
            let lines = r.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first { $0.hasPrefix("\(path):3: \(file.column): ") }?.contains(file.words) == true, "\(file.kind): \(r.stderr)")
            #expect(lines.first { $0.hasPrefix("\(path):4: ЛС: ") }?.contains("99999999") == true, "an unknown account: \(r.stderr)")
            #expect(lines.last?.hasPrefix("mygaz-admin: \(path): 2 bad rows; nothing was written") == true, "\(r.stderr)")
            #expect(t.sql("SELECT count(*) FROM import_batch WHERE kind = '\(file.kind)'") == "0")

            let rejects = t.dir + "/\(file.kind)-rejects.csv"
            let skipped = t.run("import", file.kind, path, "--rgk", "vologda", "--skip-invalid", "--rejects", rejects)
            #expect(skipped.status == 5 && skipped.stdout.contains("3 rows read, 1 inserted, 0 updated, 0 unchanged, 2 rejected"), "\(skipped)")
            let read = E2E.exec("/usr/bin/python3", ["-c", """
                import csv, sys
                with open(sys.argv[1], encoding='cp1251', newline='') as f:
                    for row in csv.reader(f, delimiter=';'): print(row[0] + '|' + row[2])
                """, rejects])
            #expect(read.status == 0 && read.stdout == "line|ЛС\n3|023-185952\n4|99999999\n", "\(file.kind): \(read)")
        }
        #expect(t.sql("SELECT count(*) FROM account_equipment") == "1" && t.sql("SELECT count(*) FROM account_benefit") == "1"
                && t.sql("SELECT count(*) FROM account_consumption") == "1")
    }

    @Test func anUnterminatedQuoteIsReportedAtItsLine() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let path = t.write("q.csv", "ЛС;Заводской номер;Разрядность\r\n023-185952;B1;5\r\n023-185952;\"B2;5\r\n023-185952;B3;5\r\n")
        let r = t.run("import", "meters", path, "--rgk", "vologda")
        #expect(r.status == 6, "\(r)")
        #expect(r.stderr.contains("\(path):3: "), "\(r.stderr)")
        #expect(r.stderr.contains("never closed"), "\(r.stderr)")
        // with --skip-invalid the row before it is imported; the rest of the file, inside the quote,
        // is the rejects file's last entry, whole
        let skip = t.run("import", "meters", path, "--rgk", "vologda", "--skip-invalid", "--rejects", t.dir + "/rej.csv")
        #expect(skip.status == 5, "\(skip)")
        #expect(t.sql("SELECT serial FROM meter") == "B1")
        let rejects = (try? String(contentsOfFile: t.dir + "/rej.csv", encoding: .windowsCP1251)) ?? ""
        #expect(rejects.contains("\r\n3-4;") && rejects.contains("023-185952;B3;5"), "\(rejects)")
    }

    @Test func invalidBytesAndNULAreReportedWithTheirLines() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let path = t.dir + "/bytes.csv"
        let bytes = Array("ЛС;Заводской номер;Разрядность\n023-185952;C1;5\n".utf8) + Array("023-185952;C".utf8) + [0xFF] + Array("2;5\n".utf8)
            + Array("023-185952;C3".utf8) + [0] + Array(";5\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let r = t.run("import", "meters", path, "--rgk", "vologda", "--encoding", "utf-8")
        #expect(r.status == 6, "\(r)")
        #expect(r.stderr.contains("\(path):3: ") && r.stderr.contains("not utf-8"), "\(r.stderr)")
        #expect(r.stderr.contains("\(path):4: ") && r.stderr.contains("NUL"), "\(r.stderr)")
        // left to auto, a file that is not UTF-8 is read as Windows-1251, and the header says so
        let auto = t.run("import", "meters", path, "--rgk", "vologda")
        #expect(auto.status == 6, "\(auto)")
        #expect(auto.stderr.contains("\(path):1: ") && auto.stderr.contains("cp1251"), "\(auto.stderr)")
    }

    @Test func atMostFiftyBadRowsAreShownThenACount() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let rows = (1...80).map { "023-185952;S\($0);x\r\n" }.joined()
        let path = t.write("many.csv", "ЛС;Заводской номер;Разрядность\r\n" + rows)
        let r = t.run("import", "meters", path, "--rgk", "vologda")
        #expect(r.status == 6)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("\(path):") }.count == 50, "\(r.stderr)")
        #expect(r.stderr.contains("30 more"), "\(r.stderr)")
        #expect(r.stderr.contains("80 bad rows"), "\(r.stderr)")
    }

    @Test func skipInvalidImportsTheGoodRowsAndWritesTheBadOnesAside() throws {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let path = t.write("m.csv", "ЛС;Заводской номер;Разрядность\r\n023-185952;G1;5\r\n023-185952;B1;пять\r\n70000017;G2;4\r\n99;B2;5\r\n")
        let rejects = t.dir + "/отклонено.csv"
        let noRejects = t.run("import", "meters", path, "--rgk", "vologda", "--skip-invalid")
        #expect(noRejects.status == 2, "--skip-invalid needs --rejects: \(noRejects)")
        let r = t.run("import", "meters", path, "--rgk", "vologda", "--skip-invalid", "--rejects", rejects)
        #expect(r.status == 5, "partial: \(r)")
        #expect(r.stdout.contains("4 rows read, 2 inserted, 0 updated, 0 unchanged, 2 rejected"), "\(r.stdout)")
        #expect(t.sql("SELECT serial FROM meter ORDER BY serial") == "G1\nG2")
        let data = try #require(FileManager.default.contents(atPath: rejects))
        let text = try #require(String(data: data, encoding: .windowsCP1251), "in the source file's encoding")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "line;reason;ЛС;Заводской номер;Разрядность")
        #expect(lines[1].hasPrefix("3;Разрядность: ") && lines[1].hasSuffix(";023-185952;B1;пять"), "\(text)")
        #expect(lines[2].hasPrefix("5;") && lines[2].hasSuffix(";99;B2;5"), "\(text)")
        #expect(t.sql("SELECT rejected FROM import_batch WHERE kind = 'meters'") == "2")
        let again = t.run("import", "meters", path, "--rgk", "vologda", "--skip-invalid", "--rejects", rejects)
        #expect(again.status == 4, "an existing rejects file is never overwritten: \(again)")
    }

    @Test func dryRunChecksAndCountsButWritesNothing() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let before = t.contentDigest()
        let path = t.write("m.csv", "ЛС;Заводской номер;Разрядность\r\n023-185952;G1;5\r\n70000017;G2;4\r\n")
        let r = t.run("import", "meters", path, "--rgk", "vologda", "--dry-run")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("2 inserted"), "\(r.stdout)")
        #expect(r.stdout.contains("nothing was written"), "\(r.stdout)")
        #expect(t.contentDigest() == before)
        #expect(t.sql("SELECT count(*) FROM import_batch WHERE kind = 'meters'") == "0")
    }

    @Test func severalFilesInOneRunAndOneTransactionOnRequest() {
        let t = E2E(), single = E2E()
        for e in [t, single] {
            e.run("init")
            #expect(e.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        }
        let a = t.write("a.csv", "Лицевой счет;Фамилия\r\n1;Аксенов\r\n2;Боброва\r\n")
        let b = t.write("b.csv", "Лицевой счет;Фамилия\r\n3;Волков\r\n", .utf8BOM)
        let bad = t.write("c.csv", "Лицевой счет;Фамилия\r\nx;Гусев\r\n")
        let r = t.run("import", "accounts", a, b, bad, "--rgk", "vologda", "--json")
        #expect(r.status == 6, "the third file is refused: \(r)")
        #expect(r.jsonArray.map { $0["bad_rows"] as? Int } == [0, 0, 1], "every file's report: \(r.stdout)")
        #expect(t.sql("SELECT surname FROM account ORDER BY number") == "Аксенов\nБоброва\nВолков",
                "files before it are imported, each whole")
        let one = single.run("import", "accounts", a, b, "--rgk", "vologda", "--single-transaction")
        #expect(one.status == 0, "\(one)")
        #expect(one.lines.count == 2, "a summary per file: \(one.stdout)")
        #expect(single.contentDigest() == t.contentDigest())
    }

    @Test func theRGKComesFromTheFileOrFromTheOption() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        let noRGK = t.write("a.csv", "Лицевой счет;Фамилия\r\n1;А\r\n")
        let missing = t.run("import", "accounts", noRGK)
        #expect(missing.status == 6, "\(missing)")
        #expect(missing.stderr.contains("\(noRGK):1: ") && missing.stderr.contains("--rgk"), "\(missing.stderr)")
        let unknown = t.run("import", "accounts", noRGK, "--rgk", "tver")
        #expect(unknown.status == 3, "\(unknown)")
        #expect(unknown.stderr.contains("tver"), "\(unknown.stderr)")
        let mixed = t.write("b.csv", "РГК;Лицевой счет;Фамилия\r\nvologda;1;А\r\nkostroma;2;Б\r\ntver;3;В\r\n")
        let r = t.run("import", "accounts", mixed)
        #expect(r.status == 6, "\(r)")
        #expect(r.stderr.contains("\(mixed):4: РГК: ") && r.stderr.contains("tver"), "\(r.stderr)")
        let only = t.run("import", "accounts", mixed, "--rgk", "vologda")
        #expect(only.status == 6, "\(only)")
        #expect(only.stderr.contains("\(mixed):3: РГК: "), "--rgk is the only RGK allowed: \(only.stderr)")
        let fixed = t.write("c.csv", "РГК;Лицевой счет;Фамилия\r\nvologda;1;А\r\nkostroma;2;Б\r\n")
        #expect(t.run("import", "accounts", fixed).status == 0)
        #expect(t.sql("SELECT g.code || ' ' || a.number FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY 1") == "kostroma 2\nvologda 1")
    }

    @Test func headerProblemsAreOneClearLine() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        let cases: [(String, String, Int32)] = [
            ("empty.csv", "", 6),
            ("noaccount.csv", "Фамилия;Имя\r\nИванов;Иван\r\n", 6),
            ("twice.csv", "ЛС;Лицевой счет\r\n1;1\r\n", 6),
        ]
        for (name, text, status) in cases {
            let path = t.write(name, text)
            let r = t.run("import", "accounts", path, "--rgk", "vologda")
            #expect(r.status == status, "\(name): \(r)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.contains(path), "\(name): \(r.stderr)")
        }
        let none = t.run("import", "accounts", t.dir + "/nope.csv", "--rgk", "vologda")
        #expect(none.status == 3, "\(none)")
        let dir = t.run("import", "accounts", t.dir, "--rgk", "vologda")
        #expect(dir.status == 3, "\(dir)")
    }

    @Test func historyListsTheRunsWithTheirCountsAndFingerprints() throws {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(3)), .cp1251).allSatisfy { $0.status == 0 })
        let h = t.run("import", "history", "--json")
        #expect(h.status == 0, "\(h)")
        #expect(h.jsonArray.map { $0["kind"] as? String ?? "" } == ["accounts", "offices", "rgk"], "newest first")
        let accounts = try #require(h.jsonArray.first)
        let sha = E2E.sh("sha256sum '\(t.dir)/accounts.csv'").stdout.split(separator: " ").first.map(String.init)
        #expect(accounts["sha256"] as? String == sha)
        #expect(accounts["rows_read"] as? Int == 2 && accounts["inserted"] as? Int == 2)
        #expect(accounts["operator"] as? String == NSUserName())
        #expect(accounts["status"] as? String == "completed")
        #expect(accounts["rgk"] as? String == "vologda")
        let filtered = t.run("import", "history", "--kind", "rgk", "--json")
        #expect(filtered.jsonArray.count == 1)
        let table = t.run("import", "history")
        #expect(table.lines.first?.contains("BATCH") == true && table.stdout.contains("accounts.csv"), "\(table)")
    }
}

/// A large Windows-1251 accounts file, as 1C writes it.
func largeAccountsFile(_ t: E2E, rows: Int) -> String {
    var text = "Лицевой счет;Фамилия;Имя;Отчество;Адрес;Проживающих;Отапливаемая площадь;Статус\r\n"
    text.reserveCapacity(rows * 110)
    let surnames = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов"]
    for i in 0..<rows {
        let n = 70_000_000 + i
        text += "0\(n / 1_000_000)-\(n % 1_000_000);\(surnames[i % 5]);Иван;Петрович;\"г. Вологда, ул. Ленина, д. \(i % 120), кв. \(i % 70)\";\(i % 5);\(i % 90),5;открыт\r\n"
    }
    return t.write("accounts-\(rows).csv", text)
}

/// A large file of an «Абонент» kind (issue 39 §2) for the accounts of `largeAccountsFile(rows:
/// accounts)`, as the RGK writes it (cp1251, `;`, Russian headers): two rows per account.
func largeAbonentFile(_ t: E2E, kind: String, accounts: Int) -> String {
    let header = switch kind {
    case "benefits": "ЛС;Льгота;Размер льготы;Основание;Действует с;Действует до\r\n"
    case "consumption": "ЛС;Режим потребления;Норматив;Ед. изм.;Действует с\r\n"
    default: "ЛС;Вид оборудования;Заводской номер;Модель;Дата установки\r\n"
    }
    var text = header
    text.reserveCapacity(accounts * 140)
    for i in 0..<accounts {
        let n = 70_000_000 + i, number = "0\(n / 1_000_000)-\(n % 1_000_000)"
        switch kind {
        case "benefits":
            text += "\(number);Ветеран труда;50;\"уд. № \(i); серия А\";01.01.2020;\r\n\(number);Многодетная семья;\(i % 100);;01.01.2026;31.12.2026\r\n"
        case "consumption":
            text += "\(number);Приготовление пищи;10,5;куб. м на человека в месяц;01.01.2020\r\n\(number);Отопление;\(i % 9),8;куб. м на кв. м в месяц;\r\n"
        default:
            text += "\(number);Газовая плита;П-\(i);Гефест 3200;01.03.2015\r\n\(number);Газовая колонка;К-\(i);Neva 4510;\r\n"
        }
    }
    return t.write("\(kind)-\(accounts).csv", text)
}

@Suite(.serialized) struct ImportFaultE2ETests {
    /// Whether another connection is writing accounts this moment: on SQLite an import batch
    /// running with rows done (its parts are committed as they go), on PostgreSQL a transaction
    /// holding the accounts' table for writing (the import writes in one transaction, which no
    /// one else sees until it commits).
    static func writingAccounts(_ t: E2E) -> Bool { writing(t, "account") }

    /// Waits until the import writes `table`, then kills it (kill -9). The import is stopped
    /// (SIGSTOP) while each probe asks, so that nothing is written between the answer and the kill:
    /// a fast machine otherwise finished the import in that gap. Answers whether it was writing.
    static func killWhileWriting(_ process: Process, _ t: E2E, _ table: String) -> Bool {
        let pid = process.processIdentifier
        var writing = false
        let deadline = Date().addingTimeInterval(120)
        while !writing && process.isRunning && Date() < deadline {
            usleep(20_000)
            kill(pid, SIGSTOP)
            writing = Self.writing(t, table)
            if !writing { kill(pid, SIGCONT) }
        }
        kill(pid, SIGKILL)
        return writing
    }

    /// Whether another connection is writing `table` by an import this moment (as `writingAccounts`;
    /// on SQLite read beside the writer, `sqlite3` waiting for its lock rather than failing).
    static func writing(_ t: E2E, _ table: String) -> Bool {
        switch t.engine {
        case .sqlite:
            let done = E2E.exec("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", t.db,
                                                     "SELECT coalesce(max(rows_done), 0) FROM import_batch WHERE status = 'running'"])
            return (Int(done.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0
        case .postgresql:
            return t.sql("""
                SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = '\(table)' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
                """) != "0"
        }
    }

    /// Issue 39 §2, the «Абонент» kinds as the others: kill -9 in the middle of the writing pass
    /// of `import benefits`, `consumption` and `equipment`, then the same import again. Nothing
    /// half-written (SQLite keeps whole parts and the rerun finishes the interrupted import;
    /// PostgreSQL's one transaction leaves nothing), nothing twice: the content of one clean run,
    /// each row once, the batch's counts those of one run.
    @Test func killedAbonentImportsAreFinishedByRunningThemAgain() throws {
        let accounts = 60_000, rows = 2 * accounts
        let clean = E2E()
        clean.run("init")
        #expect(clean.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        #expect(clean.run("import", "accounts", largeAccountsFile(clean, rows: accounts), "--rgk", "vologda").status == 0)
        let killed = E2E(copying: clean)
        let kinds = [("benefits", "account_benefit", "a.number, x.benefit, x.percent, x.basis, x.valid_from, x.valid_until", "a.number, x.benefit"),
                     ("consumption", "account_consumption", "a.number, x.mode, x.norm_m3, x.unit, x.valid_from", "a.number, x.mode"),
                     ("equipment", "account_equipment", "a.number, x.kind, x.serial, x.model, x.installed_on", "a.number, x.kind, x.serial")]
        for (kind, table, columns, key) in kinds {
            let file = largeAbonentFile(clean, kind: kind, accounts: accounts)
            let once = clean.run("import", kind, file, "--rgk", "vologda")
            #expect(once.status == 0, "\(kind): \(once)")

            let running = E2E.start(E2E.binary, ["--db", killed.db, "import", kind, file, "--rgk", "vologda"])
            let writing = Self.killWhileWriting(running.process, killed, table)
            let interrupted = running.finish()
            #expect(writing && interrupted.status == SIGKILL, "\(kind) killed in the middle: \(interrupted)")
            let written = Int(killed.sql("SELECT count(*) FROM \(table)")) ?? -1
            switch killed.engine {
            case .sqlite:
                #expect(written > 0 && written < rows, "\(kind): some parts written, not all: \(written)")
                #expect(killed.run("import", "history", "--json").jsonArray.first?["status"] as? String == "incomplete", "\(kind)")
            case .postgresql:
                #expect(written == 0, "\(kind): the import's one transaction went with its connection: \(written)")
            }

            let rerun = killed.run("import", kind, file, "--rgk", "vologda")
            #expect(rerun.status == 0, "\(kind): \(rerun)")
            #expect(rerun.stdout.contains("finished the interrupted import") == (killed.engine == .sqlite), "\(kind): \(rerun.stdout)")
            // the rows by their natural keys (a server's sequence never hands out again the ids a rolled-back import took)
            let content = "SELECT \(columns) FROM \(table) x JOIN account a ON a.id = x.account_id ORDER BY \(key)"
            let (mine, theirs) = (killed.sql(content), clean.sql(content))
            #expect(mine.split(separator: "\n").count == rows && SHA256.hex(Array(mine.utf8)) == SHA256.hex(Array(theirs.utf8)),
                    "\(kind): the content of one clean run")
            #expect(killed.sql("SELECT count(*) FROM (SELECT DISTINCT \(key) FROM \(table) x JOIN account a ON a.id = x.account_id) AS k") == String(rows),
                    "\(kind): each row once")
            let history = killed.run("import", "history", "--json").jsonArray
            #expect(history.first?["status"] as? String == "completed" && history.first?["inserted"] as? Int == rows,
                    "\(kind): counts of one run: \(history.first ?? [:])")
            #expect(killed.sql("SELECT count(*) FROM import_batch WHERE status = 'running'") == "0", "\(kind): no batch left running")
        }
    }

    /// kill -9 in the middle of the writing pass. On SQLite the parts written stay, and the
    /// next run finishes the interrupted import; on PostgreSQL the import is one transaction,
    /// which the server rolls back with its connection: nothing is written, nothing is left
    /// incomplete, and the next run does it all. Either way: the content of one clean run.
    @Test func aKilledImportIsFinishedByRunningItAgainToTheSameContent() throws {
        let rows = 80_000
        let clean = E2E(), killed = E2E()
        for t in [clean, killed] {
            t.run("init")
            #expect(t.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        }
        let file = largeAccountsFile(killed, rows: rows)
        #expect(clean.run("import", "accounts", file, "--rgk", "vologda").status == 0)

        let running = E2E.start(E2E.binary, ["--db", killed.db, "import", "accounts", file, "--rgk", "vologda"])
        let writing = Self.killWhileWriting(running.process, killed, "account")
        let interrupted = running.finish()
        #expect(writing && interrupted.status == SIGKILL, "killed in the middle: \(interrupted)")
        let written = Int(killed.sql("SELECT count(*) FROM account")) ?? -1
        let status = killed.run("status", "--json")
        let imports = status.jsonObject["imports"] as? [[String: Any]] ?? []
        let history = killed.run("import", "history", "--json")
        switch killed.engine {
        case .sqlite:
            #expect(written > 0 && written < rows, "some rows written, not all: \(written)")
            #expect(imports.first?["status"] as? String == "incomplete", "\(status.stdout)")
            #expect(history.jsonArray.first?["status"] as? String == "incomplete")
        case .postgresql:
            #expect(written == 0, "the import's one transaction went with its connection: \(written)")
            #expect(!imports.contains { $0["status"] as? String != "completed" }, "\(status.stdout)")
            #expect(history.jsonArray.first?["kind"] as? String == "rgk", "no batch of the killed import: \(history.stdout)")
        }

        let rerun = killed.run("import", "accounts", file, "--rgk", "vologda")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stdout.contains("finished the interrupted import") == (killed.engine == .sqlite), "\(rerun.stdout)")
        let byNumber = killed.engine == .postgresql
        #expect(killed.contentDigest(accountsByNumber: byNumber) == clean.contentDigest(accountsByNumber: byNumber), "the same content as one clean run")
        let after = killed.run("import", "history", "--json").jsonArray
        #expect(after.first?["status"] as? String == "completed")
        #expect(after.first?["inserted"] as? Int == rows, "counts carried over from the killed run: \(after.first ?? [:])")
        #expect(killed.run("status", "--json").jsonObject["imports"].map { "\($0)" }?.contains("incomplete") == false)
    }

    @Test func aPortalWriterKeepsSucceedingDuringALargeImport() throws {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        // large enough that the writing pass lasts a while now that imports go at the engine's pace
        let file = largeAccountsFile(t, rows: 200_000)
        let running = E2E.start(E2E.binary, ["--db", t.db, "import", "accounts", file, "--rgk", "vologda", "--json"])
        // the portal: its own connection with a 5 s busy timeout, a small write every 20 ms
        let portal = try Engines.open(t.db, purpose: .use, busyTimeoutMs: 5000)
        var writes = 0, writesWhileImporting = 0, failures: [String] = [], worst = 0.0
        while running.process.isRunning {
            let importing = Self.writingAccounts(t)
            let start = Date()
            do {
                try portal.write {
                    _ = try portal.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')")
                }
                writes += 1
                if importing { writesWhileImporting += 1 }
            } catch {
                failures.append("\(error)")
            }
            worst = max(worst, Date().timeIntervalSince(start))
            usleep(20_000)
        }
        let r = running.finish()
        #expect(r.status == 0, "\(r)")
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(writesWhileImporting >= 3, "the writer ran during the writing pass: \(writes) writes, \(writesWhileImporting) during")
        #expect(worst < 5, "every write got the lock within the busy timeout: \(worst) s")
        #expect(t.sql("SELECT count(*) FROM faq") == String(writes))
        #expect(t.sql("SELECT count(*) FROM account") == "200000")
    }
}

@Suite struct ExportE2ETests {
    /// Decided readings: accept two, reject one.
    func decided() -> E2E {
        let t = E2E()
        t.seedReadings()
        for serial in ["A-MAX-EQ", "D-ROLL-EQ"] { #expect(t.run("reading", "accept", t.pendingID(serial)).status == 0) }
        #expect(t.run("reading", "reject", t.pendingID("C-LOWER"), "--reason", "lower_than_previous").status == 0)
        return t
    }

    @Test func acceptedReadingsInTheRGKsDialect() throws {
        let t = decided()
        let path = t.dir + "/показания.csv"
        let r = t.run("export", "readings", "--rgk", "vologda", "--output", path)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("2") && r.stderr.contains(path), "\(r.stderr)")
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(String(data: data, encoding: .utf8) == nil, "Windows-1251 by default")
        let text = try #require(String(data: data, encoding: .windowsCP1251))
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3, "\(text)")
        #expect(lines[0].hasPrefix("РГК;Лицевой счет;Заводской номер;Дата;Показание"), "\(lines[0])")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("vologda;70000017;") && $0.contains(";20.07.2026;") }, "\(text)")
        #expect(lines.contains { $0.contains(";A-MAX-EQ;20.07.2026;1300;") }, "\(text)")
        #expect(!text.contains("C-LOWER"), "accepted only by default")

        // exporting marks nothing: the same again, into another file, gives the same bytes
        let second = t.dir + "/показания-2.csv"
        let again = t.run("export", "readings", "--rgk", "vologda", "--encoding", "cp1251", "--output", second)
        #expect(again.status == 0, "\(again)")
        #expect(try #require(FileManager.default.contents(atPath: second)) == data)
        let exists = t.run("export", "readings", "--rgk", "vologda", "--output", path)
        #expect(exists.status == 4, "an existing file is never overwritten: \(exists)")

        // the billing side loads it: the file imports as readings, Russian headers and all
        let other = E2E()
        other.seedReadings()
        let load = other.run("import", "readings", path, "--dry-run")
        #expect(load.status == 0, "\(load)")
        #expect(load.stdout.contains("2 rows read, 2 inserted"), "\(load.stdout)")
    }

    @Test func rejectedAndAllWithTheirReasonsAndDates() {
        let t = decided()
        let rejected = t.run("export", "readings", "--rgk", "vologda", "--status", "rejected", "--encoding", "utf-8")
        #expect(rejected.status == 0)
        let lines = rejected.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 2, "\(rejected.stdout)")
        #expect(lines[1].contains(";C-LOWER;20.07.2026;999;отказано;меньше предыдущего показания;"), "in the RGK's words: \(lines)")
        let all = t.run("export", "readings", "--rgk", "vologda", "--status", "all", "--json")
        #expect(all.jsonArray.count == 3)
        #expect(Set(all.jsonArray.map { $0["status"] as? String ?? "" }) == ["accepted", "rejected"])
        let future = t.run("export", "readings", "--rgk", "vologda", "--since", "2099-01-01", "--json")
        #expect(future.status == 0 && future.jsonArray.isEmpty)
        let other = t.run("export", "readings", "--rgk", "kostroma", "--json")
        #expect(other.jsonArray.isEmpty, "another RGK's readings stay out")
        let noRGK = t.run("export", "readings")
        #expect(noRGK.status == 2, "\(noRGK)")
        let unknown = t.run("export", "readings", "--rgk", "tver")
        #expect(unknown.status == 3, "\(unknown)")
    }
}

/// Issue 17: a batch of checked rows goes to the table in one INSERT … SELECT, and its counts
/// are what writing the rows one by one, in the file's order, would have given.
@Suite struct BatchedImportTests {
    @Test func countsAreThoseOfRowsWrittenInOrderAcrossAndWithinBatches() throws {
        let t = E2E()
        t.demo(accounts: 600)
        let meters = t.sql("SELECT a.number || ';' || m.serial FROM meter m JOIN account a ON a.id = m.account_id JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' ORDER BY m.id LIMIT 250")
            .split(separator: "\n").map(String.init)
        try #require(meters.count == 250)
        // 1 500 rows (three batches of 512): six dates per meter; row 700 names row 650's key again
        // with another value (within a batch), row 1 200 names row 100's (across batches)
        var rows: [String] = []
        for (i, meter) in meters.enumerated() {
            for d in 1...6 { rows.append("\(meter);0\(d).01.2024;\(i * 10 + d)") }
        }
        func key(_ row: String) -> String { row.split(separator: ";").prefix(3).joined(separator: ";") }
        rows[699] = key(rows[649]) + ";7"
        rows[1199] = key(rows[99]) + ";8"
        let path = t.dir + "/readings.csv"
        try (["ЛС;Заводской номер;Дата;Показание"] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let before = Int(t.sql("SELECT count(*) FROM reading"))!

        let first = t.run("import", "readings", path, "--rgk", "vologda", "--json").jsonArray.first ?? [:]
        #expect(first["inserted"] as? Int == 1_498 && first["updated"] as? Int == 2 && first["unchanged"] as? Int == 0, "\(first)")
        #expect(Int(t.sql("SELECT count(*) FROM reading"))! == before + 1_498)
        // the import's batch and time, bound once by each write rather than kept in every staged row
        #expect(t.sql("""
            SELECT count(*) FROM reading r JOIN import_batch b ON b.id = r.import_batch_id
            WHERE r.source = 'rgk' AND b.id = (SELECT max(id) FROM import_batch) AND r.submitted_at = b.started_at
            """) == "1498")
        // the later row of a key wins, as it would row by row
        let (meter650, date650) = (rows[649].split(separator: ";")[1], rows[649].split(separator: ";")[2])
        #expect(t.sql("SELECT r.value FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = '\(meter650)' AND r.reading_date = '2024-01-0\(date650.prefix(2).last!)' AND r.source = 'rgk'") == "7")

        // again: each key named twice changes twice (to the first value, back to the second)
        let again = t.run("import", "readings", path, "--rgk", "vologda", "--json").jsonArray.first ?? [:]
        #expect(again["inserted"] as? Int == 0 && again["updated"] as? Int == 4 && again["unchanged"] as? Int == 1_496, "\(again)")

        // a month later two readings were corrected: only those two change
        rows[10] = key(rows[10]) + ";999"
        rows[1400] = key(rows[1400]) + ";998"
        rows[699] = key(rows[699]) + ";\(rows[649].split(separator: ";")[3])"
        rows[1199] = key(rows[1199]) + ";\(rows[99].split(separator: ";")[3])"
        try (["ЛС;Заводской номер;Дата;Показание"] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let corrected = t.run("import", "readings", path, "--rgk", "vologda", "--json").jsonArray.first ?? [:]
        #expect(corrected["inserted"] as? Int == 0 && corrected["updated"] as? Int == 4 && corrected["unchanged"] as? Int == 1_496, "\(corrected)")
        #expect(t.run("db", "check").status == 0)
    }

    /// Each statement that writes accounts adds one part to their search index (SQLite 3.40's
    /// FTS5 writes what it holds at every statement): written a range at a time, 3 000 accounts
    /// make six parts; written row by row they made thousands, merged over and over (1M
    /// accounts: 109 s instead of 22 s).
    @Test(.sqliteOnly("the parts of SQLite's FTS5 index; a server's trigram index has none"))
    func accountsAreWrittenARangeAtATimeSoTheirSearchIndexGainsFewParts() {
        let t = E2E()
        t.run("init")
        #expect(t.importAll(Array(russianFiles.prefix(1)), .cp1251).allSatisfy { $0.status == 0 })
        let file = largeAccountsFile(t, rows: 3_000)
        let report = t.run("import", "accounts", file, "--rgk", "vologda", "--json")
        #expect(report.status == 0 && report.jsonArray.first?["inserted"] as? Int == 3_000, "\(report)")
        let parts = Int(t.sql("SELECT count(DISTINCT segid) FROM account_search_idx")) ?? -1
        #expect(parts >= 1 && parts <= 8, "parts of the accounts' search index: \(parts)")
        #expect(t.sql("SELECT count(*) FROM account_search WHERE account_search MATCH '\"ленина, д. 7, кв\"'") == "25")
    }
}

