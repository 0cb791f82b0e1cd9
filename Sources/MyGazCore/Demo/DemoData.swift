/// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< n
    public mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    public mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    public mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    public mutating func digits(_ count: Int) -> String {
        String((0..<count).map { i in Character(String(i == 0 ? int(in: 1...9) : int(10))) })
    }
}

/// Names, places and words of the demo region.
enum DemoData {
    /// The «Абонент» section: equipment models and benefits as RGKs list them.
    static let stoves = ["Гефест 3200", "Дарина 1401", "Hansa FCGW", "ПГ-4 Брест", "Лысьва ЭГ"]
    static let waterHeaters = ["Neva 4510", "Electrolux GWH 265", "Bosch WR 10", "ВПГ-23"]
    static let boilers = ["АОГВ-11,6", "Baxi Eco Four 24", "Navien Deluxe 13K", "Protherm Гепард"]
    static let banks: [(bin: String, name: String)] = [
        ("220220", "Сбербанк"), ("427601", "Сбербанк"), ("220070", "Т-Банк"), ("537643", "Т-Банк"), ("220024", "ВТБ"), ("415428", "Альфа-Банк"),
    ]
    static let benefits: [(name: String, percent: Int64)] = [
        ("Ветеран труда", 50), ("Многодетная семья", 30), ("Инвалид II группы", 50), ("Ветеран боевых действий", 50),
        ("Труженик тыла", 50),
    ]

    struct Region {
        let code: String
        let name: String
        let region: String
        let phone: String
        let email: String
        let maxMonthly: Int
        let accountPrefix: Int
        let share: Double
        let towns: [String]
        let lat: Double
        let lon: Double
    }

    /// The towns' telephone codes (the Russian numbering plan: a regional centre's four digits,
    /// a district town's five), so an office's number is real-shaped for its town.
    static let townCodes = ["г. Вологда": "8172", "г. Череповец": "8202", "г. Сокол": "81733", "г. Ярославль": "4852", "г. Рыбинск": "4855",
                            "г. Переславль-Залесский": "48535", "г. Кострома": "4942", "г. Буй": "49435", "г. Нерехта": "49431"]

    /// `+7` + the town's code + as many of `local`'s digits as the ten national digits leave.
    static func officePhone(_ town: String, region: Region, local: String) -> String {
        let code = townCodes[town] ?? String(region.phone.dropFirst(2).prefix(4))
        return "+7" + code + local.prefix(10 - code.count)
    }

    static let regions: [Region] = [
        Region(code: "vologda", name: "ООО «Газпром межрегионгаз Вологда»", region: "Вологодская область",
               phone: "+78172720000", email: "abon@vologda-regiongaz.example", maxMonthly: 300, accountPrefix: 70,
               share: 0.5, towns: ["г. Вологда", "г. Череповец", "г. Сокол", "г. Великий Устюг", "г. Грязовец", "пгт Шексна"],
               lat: 59.22, lon: 39.89),
        Region(code: "yaroslavl", name: "ООО «Газпром межрегионгаз Ярославль»", region: "Ярославская область",
               phone: "+74852580000", email: "abon@yar-regiongaz.example", maxMonthly: 350, accountPrefix: 76,
               share: 0.3, towns: ["г. Ярославль", "г. Рыбинск", "г. Переславль-Залесский", "г. Углич", "г. Ростов", "г. Тутаев"],
               lat: 57.63, lon: 39.87),
        Region(code: "kostroma", name: "ООО «Газпром межрегионгаз Кострома»", region: "Костромская область",
               phone: "+74942390000", email: "abon@kostroma-regiongaz.example", maxMonthly: 300, accountPrefix: 44,
               share: 0.2, towns: ["г. Кострома", "г. Буй", "г. Нерехта", "г. Галич", "г. Шарья", "г. Мантурово"],
               lat: 57.77, lon: 40.93),
    ]

    static let surnames = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
                           "Новиков", "Федоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семенов", "Егоров",
                           "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
                           "Захаров", "Зайцев", "Соловьев", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьев",
                           "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королев", "Гусев", "Киселев",
                           "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалев", "Белов", "Медведев",
                           "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
                           "Герасимов", "Богданов", "Осипов", "Сидоров"]
    static let maleNames = ["Александр", "Сергей", "Владимир", "Андрей", "Алексей", "Дмитрий", "Николай", "Иван",
                            "Михаил", "Евгений", "Юрий", "Виктор", "Олег", "Павел", "Игорь", "Василий", "Анатолий",
                            "Геннадий", "Валерий", "Константин"]
    static let femaleNames = ["Елена", "Татьяна", "Ольга", "Наталья", "Ирина", "Светлана", "Галина", "Людмила", "Анна",
                              "Мария", "Надежда", "Валентина", "Нина", "Любовь", "Марина", "Екатерина", "Вера", "Тамара",
                              "Лариса", "Антонина"]
    static let patronymicStems = ["Александров", "Сергеев", "Владимиров", "Андреев", "Алексеев", "Дмитриев", "Николаев",
                                  "Иванов", "Михайлов", "Евгеньев", "Юрьев", "Викторов", "Олегов", "Павлов", "Игорев",
                                  "Васильев", "Анатольев", "Геннадьев", "Валерьев", "Константинов"]
    static let streets = ["ул. Ленина", "ул. Советская", "ул. Мира", "ул. Гагарина", "ул. Пушкина", "ул. Садовая",
                          "ул. Молодежная", "ул. Школьная", "ул. Лесная", "пр-т Победы", "ул. Октябрьская",
                          "ул. Набережная", "ул. Заводская", "ул. Северная", "ул. Кирова", "ул. Чкалова"]
    static let meterModels = ["ВК-G4", "СГМН-1 G6", "Гранд-4", "NPM-G4", "СГК-4", "Elster BK-G6"]
    static let places = ["кухня", "коридор", "котельная", "прихожая"]
    static let paymentChannels = ["Сбербанк Онлайн", "Почта России", "Касса РГК", "Личный кабинет «Мой газ»", "ВТБ Онлайн"]
    static let mailDomains = ["mail.ru", "yandex.ru", "gmail.com", "rambler.ru", "bk.ru"]

    struct Person {
        let surname: String
        let name: String
        let patronymic: String
        var fullName: String { "\(surname) \(name) \(patronymic)" }
    }

    static func person(_ rng: inout SeededRandom) -> Person {
        let female = rng.chance(0.55)
        let surname = rng.pick(surnames)
        let stem = rng.pick(patronymicStems)
        return Person(surname: female ? surname + "а" : surname,
                      name: female ? rng.pick(femaleNames) : rng.pick(maleNames),
                      patronymic: stem + (female ? "на" : "ич"))
    }

    static let latin: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    ]

    static func transliterate(_ text: String) -> String {
        text.lowercased().map { latin[$0] ?? String($0) }.joined()
    }

    static let faq: [(String, String, String)] = [
        ("registration", "Как зарегистрироваться в личном кабинете?",
         "Укажите номер мобильного телефона или адрес электронной почты и задайте пароль из 5–10 латинских букв и цифр. Подтвердите регистрацию кодом из СМС или письма: код действует 160 секунд."),
        ("registration", "Не приходит код подтверждения. Что делать?",
         "Проверьте правильность номера или адреса и папку «Спам». Запросите код повторно через минуту. Если сменился номер телефона, обратитесь в абонентский отдел лично."),
        ("registration", "Как восстановить пароль?",
         "Нажмите «Забыли пароль?», укажите логин и введите код из СМС или письма. Код восстановления действует 70 секунд."),
        ("extended", "Как подключить расширенную версию?",
         "Ответьте на контрольный вопрос: заводской номер прибора учета, сумма последнего начисления в копейках или ПИН-код с квитанции. ПИН-код можно запросить в личном кабинете или получить в абонентском отделе."),
        ("extended", "Где взять ПИН-код?",
         "В зависимости от региона ПИН-код напечатан на квитанции, присылается по электронной почте по запросу или выдается в абонентском отделе."),
        ("settlements", "Как рассчитывается сумма к оплате?",
         "Сумма к оплате = состояние счета на начало периода − начисления за текущий месяц + оплата за текущий месяц. Сальдо на конец текущего месяца не выводится, пока месяц не закрыт."),
        ("bills", "Как получать квитанции по электронной почте?",
         "В настройках профиля включите получение квитанций по электронной почте и укажите адрес."),
        ("payments", "Оплата прошла, но долг не уменьшился.",
         "Платеж отображается в состоянии «в обработке», пока РГК не подтвердит его; обычно это занимает 1–3 рабочих дня."),
        ("payments", "Какие ограничения у онлайн-оплаты?",
         "Сумма одного платежа — от 10 до 15 000 рублей."),
        ("meters", "Почему показания не приняты?",
         "Показание должно быть целым числом не меньше предыдущего, не превышать разрядность счетчика и максимальный расход, установленный РГК. По прибору с истекшим сроком поверки показания не принимаются."),
        ("meters", "Как передать показания?",
         "В разделе «Приборы учета» нажмите «Передать показания», введите текущие показания и нажмите «Передать». После проверки сотрудником состояние изменится на «принято» или «отказано» с указанием причины."),
        ("other", "Как найти ближайшее отделение РГК?",
         "Откройте раздел «Отделения»: там указаны адреса, телефоны и часы работы."),
    ]

    /// Minimal files of each allowed type, for demo attachments.
    static let tinyPDF: [UInt8] = Array("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".utf8)
    static let tinyPNG: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
                                   0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
                                   0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
                                   0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
                                   0x42, 0x60, 0x82]
    static let tinyJPEG: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
                                    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9]
}
