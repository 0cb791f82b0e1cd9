/// A text in both languages of the program: an English and a Russian label.
public struct L: Sendable, Equatable {
    public let en: String
    public let ru: String
    public init(_ en: String, _ ru: String) { self.en = en; self.ru = ru }
    public func callAsFunction(russian: Bool) -> String { russian ? ru : en }
}

/// Labels of status and kind codes, as the manuals name them in Russian.
public enum Labels {
    public static func label(_ domain: CodeDomain, _ code: String, russian: Bool) -> String {
        guard let pair = table[domain]?[code] else { return code }
        return russian ? pair.ru : pair.en
    }

    public static func codes(_ domain: CodeDomain) -> [String] {
        order[domain] ?? []
    }

    private static let entries: [(CodeDomain, [(String, L)])] = [
        (.applicationStatus, [
            ("draft", L("Draft", "Черновик")),
            ("submitted", L("Submitted", "В обработке")),
            ("accepted", L("Accepted", "Принята")),
            ("needs_info", L("Needs information", "Требует уточнения")),
            ("rejected", L("Rejected", "Не согласована")),
            ("completed", L("Completed", "Выполнена")),
        ]),
        (.applicationKind, [
            ("vdgo_maintenance", L("In-house equipment maintenance", "ТО ВДГО")),
            ("repair", L("Repair call", "Заявка на ремонт")),
            ("recalculation", L("Recalculation", "Перерасчет")),
            ("contract_connection", L("Contract: technical connection", "Договор на техническое присоединение")),
            ("contract_supply", L("Contract: gas supply", "Договор на поставку газа")),
            ("contract_vdgo", L("Contract: equipment maintenance", "Договор на ТО ВДГО")),
        ]),
        (.readingStatus, [
            ("pending", L("pending", "в обработке")),
            ("accepted", L("accepted", "принято")),
            ("rejected", L("rejected", "отказано")),
            ("superseded", L("superseded", "заменено новым")),
        ]),
        (.readingReason, [
            ("lower_than_previous", L("lower than the previous reading", "меньше предыдущего показания")),
            ("exceeds_capacity", L("does not fit the meter's digits", "превышает разрядность счетчика")),
            ("exceeds_max_consumption", L("exceeds the maximum consumption", "превышает максимально допустимый расход")),
            ("verification_expired", L("meter verification expired", "истек срок поверки прибора учета")),
            ("meter_not_working", L("meter is not working", "прибор учета неисправен или снят")),
            ("duplicate", L("duplicate", "повторная передача")),
            ("other", L("other", "другая причина")),
        ]),
        (.ticketStatus, [
            ("new", L("New", "Новое")),
            ("answered", L("Answered", "Отвечено")),
            ("closed", L("Closed", "Закрыто")),
        ]),
        (.ticketChannel, [
            ("rgk", L("RGK abonent department", "Абонентский отдел РГК")),
            ("office", L("RGK office", "Отделение РГК")),
            ("support", L("Portal support", "Техническая поддержка портала")),
        ]),
        (.ticketTopic, [
            ("registration", L("Registration", "Регистрация")),
            ("extended", L("Extended version", "Расширенная версия")),
            ("settlements", L("Settlements", "Взаиморасчеты")),
            ("bills", L("Bills", "Квитанции")),
            ("payments", L("Payment problems", "Проблемы с оплатой")),
            ("meters", L("Meters", "Приборы учета")),
            ("other", L("Other", "Другое")),
        ]),
        // told apart in a list's topic column, cut at ten characters
        (.personalDataRequest, [
            ("personal_data", L("Personal data (152-FZ)", "Персональные данные (152-ФЗ)")),
            ("personal_data_correction", L("Data correction (152-FZ)", "Уточнение ПДн (152-ФЗ)")),
            ("personal_data_withdrawal", L("Consent withdrawal (152-FZ)", "Отзыв согласия (152-ФЗ)")),
        ]),
        (.userStatus, [
            ("pending", L("pending", "не подтвержден")),
            ("active", L("active", "активен")),
            ("blocked", L("blocked", "заблокирован")),
            ("deleted", L("deleted", "удален")),
        ]),
        (.pinRequestStatus, [
            ("open", L("open", "открыт")),
            ("issued", L("issued", "ПИН-код выдан")),
            ("rejected", L("rejected", "отклонен")),
        ]),
        (.outboxStatus, [
            ("waiting", L("waiting", "ожидает")),
            ("sending", L("sending", "отправляется")),
            ("sent", L("sent", "отправлено")),
            ("failed", L("failed", "не доставлено")),
            ("cancelled", L("cancelled", "отменено")),
        ]),
        (.outboxCancelReason, [
            ("user_blocked", L("the user is blocked", "пользователь заблокирован")),
            ("user_deleted", L("the user was deleted", "пользователь удален")),
            ("link_removed", L("the account is no longer linked to the user", "счет больше не привязан к пользователю")),
            ("access_restricted", L("the user no longer has the extended version of the account", "у пользователя больше нет расширенной версии по счету")),
            ("bills_off", L("the user switched bills by e-mail off", "пользователь отключил квитанции по электронной почте")),
            ("address_changed", L("the user's e-mail is no longer this address", "у пользователя больше нет этого адреса электронной почты")),
            ("notice_off", L("the user switched these notices off", "пользователь отключил эти уведомления")),
        ]),
        (.role, [
            ("clerk", L("clerk", "сотрудник абонентского отдела")),
            ("support", L("support", "техническая поддержка")),
            ("admin", L("admin", "администратор")),
        ]),
        (.accessLevel, [
            ("restricted", L("restricted", "ограниченная версия")),
            ("extended", L("extended", "расширенная версия")),
        ]),
        (.meterState, [
            ("working", L("working", "исправен")),
            ("faulty", L("faulty", "неисправен")),
            ("removed", L("removed", "снят")),
        ]),
        (.serviceKind, [
            ("gas", L("Natural gas", "Природный газ")),
            ("vdgo", L("Equipment maintenance", "ТО ВДГО")),
        ]),
        (.importKind, [
            ("rgk", L("RGKs", "РГК")),
            ("offices", L("offices", "отделения")),
            ("accounts", L("accounts", "лицевые счета")),
            ("services", L("services and balances", "услуги и сальдо")),
            ("meters", L("meters", "приборы учета")),
            ("readings", L("readings", "показания")),
            ("settlements", L("settlements", "взаиморасчеты")),
            ("payments", L("payments", "оплаты")),
            ("contracts", L("contracts", "договоры")),
            ("acts", L("acts of work", "акты выполненных работ")),
            ("pins", L("PINs from bills", "ПИН-коды с квитанций")),
            ("benefits", L("benefits", "льготы")),
            ("consumption", L("consumption modes", "режимы потребления")),
            ("equipment", L("gas equipment", "газоиспользующее оборудование")),
        ]),
        (.importStatus, [
            ("running", L("running", "выполняется")),
            ("incomplete", L("incomplete", "прервана")),
            ("completed", L("completed", "завершена")),
            ("failed", L("failed", "ошибка")),
            ("superseded", L("finished by a later run", "завершена повторным запуском")),
        ]),
        (.contractKind, [
            ("supply", L("gas supply", "поставка газа")),
            ("vdgo", L("equipment maintenance", "ТО ВДГО")),
            ("connection", L("technical connection", "техническое присоединение")),
        ]),
        (.consentChannel, [
            ("portal", L("on the portal", "на портале")),
            ("office", L("in the office", "в офисе")),
        ]),
        (.messageChannel, [
            ("sms", L("SMS", "SMS")),
            ("email", L("e-mail", "эл. почта")),
        ]),
        (.accountStatus, [
            ("open", L("open", "открыт")),
            ("closed", L("closed", "закрыт")),
        ]),
        (.extendedVia, [
            ("pin", L("PIN code", "ПИН-код")),
            ("meter_serial", L("meter serial number", "заводской номер прибора учета")),
            ("last_charge", L("last charge", "сумма последнего начисления")),
            ("in_person", L("in person at the office", "лично в офисе")),
        ]),
        (.readingSource, [
            ("portal", L("portal", "портал")),
            ("phone", L("by phone", "по телефону")),
            ("office", L("at the office", "в офисе")),
            ("rgk", L("RGK file", "файл РГК")),
        ]),
        (.paymentState, [
            ("processing", L("processing", "в обработке")),
            ("paid", L("paid", "оплачено")),
        ]),
        (.contractState, [
            ("active", L("active", "действует")),
            ("archive", L("archive", "архив")),
        ]),
        (.pinSource, [
            ("issued", L("issued", "выдан")),
            ("bill", L("bill", "квитанция")),
        ]),
        (.pinState, [
            ("active", L("active", "действует")),
            ("revoked", L("revoked", "отозван")),
        ]),
        (.applicationSource, [
            ("portal", L("portal", "портал")),
            ("office", L("at the office", "в офисе")),
            ("phone", L("by phone", "по телефону")),
        ]),
        (.recalculationReason, [
            ("residents", L("change in the number of residents", "изменение количества проживающих")),
            ("heated_area", L("change in the heated area", "изменение отапливаемой площади")),
            ("absence", L("temporary absence", "временное отсутствие")),
            ("other", L("other", "другое")),
        ]),
        (.equipmentKind, [
            ("appliance", L("gas appliance", "газовое оборудование")),
            ("meter", L("meter", "прибор учета")),
        ]),
        (.applianceKind, [
            ("stove", L("gas stove", "газовая плита")),
            ("water_heater", L("water heater", "газовый водонагреватель")),
            ("boiler", L("boiler", "газовый котел")),
            ("convector", L("convector", "газовый конвектор")),
        ]),
        (.actorKind, [
            ("customer", L("customer", "клиент")),
            ("operator", L("operator", "оператор")),
            ("system", L("system", "система")),
        ]),
        (.ticketSource, [
            ("portal", L("portal", "портал")),
            ("portal_anonymous", L("portal, without login", "портал, без входа")),
            ("phone", L("by phone", "по телефону")),
            ("office", L("at the office", "в офисе")),
        ]),
        (.outboxKind, [
            ("ticket_reply", L("answer to a ticket", "ответ на обращение")),
            ("ticket_received", L("ticket received", "обращение принято")),
            ("application_question", L("question on an application", "уточнение по заявке")),
            ("application_status", L("application decision", "решение по заявке")),
            ("reading_rejected", L("reading rejected", "отказ в приеме показаний")),
            ("pin", L("PIN code", "ПИН-код")),
            ("confirmation_code", L("confirmation code", "код подтверждения")),
            ("other", L("other", "другое")),
            ("bill", L("bill", "квитанция")),
            ("contact_changed", L("contact changed", "изменены контактные данные")),
            ("debt_notice", L("debt notice", "уведомление о задолженности")),
            ("verification_notice", L("verification notice", "уведомление о поверке")),
            ("news", L("news", "новости")),
        ]),
        (.profileField, [
            ("full_name", L("name", "ФИО")),
            ("email", L("e-mail", "электронная почта")),
            ("phone", L("phone", "телефон")),
            ("notify_debts", L("notifications of debts", "уведомления о задолженности")),
            ("notify_status", L("notifications of application states", "уведомления о статусе заявок")),
            ("notify_news", L("news", "новости")),
            ("email_bills", L("bills by e-mail", "квитанции на e-mail")),
        ]),
        (.applicationEventNote, [
            ("taken_at_office", L("taken at the office", "принята в офисе")),
        ]),
        (.codePurpose, [
            ("registration", L("registration", "регистрация")),
            ("recovery", L("password recovery", "восстановление пароля")),
        ]),
        (.userField, [
            ("login", L("login", "логин")),
            ("email", L("e-mail", "e-mail")),
            ("phone", L("phone", "телефон")),
        ]),
        (.identityProvider, [
            ("yandex", L("Yandex", "Яндекс")),
            ("vk", L("VK", "ВКонтакте")),
            ("mailru", L("Mail.ru", "Mail.ru")),
            ("google", L("Google", "Google")),
            ("ok", L("Odnoklassniki", "Одноклассники")),
        ]),
    ]

    private static let table: [CodeDomain: [String: L]] = Dictionary(uniqueKeysWithValues: entries.map { entry in
        (entry.0, Dictionary(uniqueKeysWithValues: entry.1.map { ($0.0, $0.1) }))
    })

    private static let order: [CodeDomain: [String]] = Dictionary(uniqueKeysWithValues: entries.map { entry in
        (entry.0, entry.1.map(\.0))
    })
}

/// The plural rule: which form of a noun goes with a number.
public enum Plural {
    public enum Form: Int, Sendable { case one = 0, few = 1, many = 2 }

    /// Russian: 1, 21, 101 — one (счет); 2–4, 22–24 — few (счета); 0, 5–20, 25–30, 11–14 — many (счетов).
    public static func russian(_ n: Int64) -> Form {
        let m = n.magnitude
        if m % 10 == 1 && m % 100 != 11 { return .one }
        if (2...4).contains(m % 10) && !(12...14).contains(m % 100) { return .few }
        return .many
    }

    /// English: one for 1, the other form for everything else.
    public static func english(_ n: Int64) -> Form { n == 1 ? .one : .many }

    /// The form for `n` among forms written one/few/many (Russian) or one/other (English).
    public static func choose(_ n: Int64, _ forms: [String], russian isRussian: Bool) -> String {
        guard !forms.isEmpty else { return "" }
        let form = isRussian ? russian(n) : english(n)
        if !isRussian { return form == .one ? forms[0] : forms[min(1, forms.count - 1)] }
        return forms[min(form.rawValue, forms.count - 1)]
    }
}

/// Russian words that agree with a number.
public enum Russian {
    /// A count of days after «в течение» (genitive): "1 дня", "21 дня", "3 дней", "30 дней".
    public static func days(_ n: Int) -> String {
        "\(n) \(Plural.choose(Int64(n), ["дня", "дней", "дней"], russian: true))"
    }

    /// A deadline's period after «в течение»: «30 дней», «10 рабочих дней»; a day of the month «до 25-го числа».
    public static func period(_ p: DeadlinePeriod) -> String {
        switch p {
        case .calendarDays(let n): return days(n)
        case .workingDays(let n): return workingDays(n)
        case .dayOfMonth(let d): return "до \(d)-го числа"
        }
    }

    /// «в течение 10 рабочих дней», «1 рабочего дня».
    public static func workingDays(_ n: Int) -> String {
        "\(n) \(Plural.choose(Int64(n), ["рабочего дня", "рабочих дней", "рабочих дней"], russian: true))"
    }
}
