/// An English and a Russian label.
public struct Label: Sendable {
    public let en: String
    public let ru: String
    public init(_ en: String, _ ru: String) { self.en = en; self.ru = ru }
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

    private static let entries: [(CodeDomain, [(String, Label)])] = [
        (.applicationStatus, [
            ("draft", Label("Draft", "Черновик")),
            ("submitted", Label("Submitted", "В обработке")),
            ("accepted", Label("Accepted", "Принята")),
            ("needs_info", Label("Needs information", "Требует уточнения")),
            ("rejected", Label("Rejected", "Не согласована")),
            ("completed", Label("Completed", "Выполнена")),
        ]),
        (.applicationKind, [
            ("vdgo_maintenance", Label("In-house equipment maintenance", "ТО ВДГО")),
            ("repair", Label("Repair call", "Заявка на ремонт")),
            ("recalculation", Label("Recalculation", "Перерасчет")),
            ("contract_connection", Label("Contract: technical connection", "Договор на техническое присоединение")),
            ("contract_supply", Label("Contract: gas supply", "Договор на поставку газа")),
            ("contract_vdgo", Label("Contract: equipment maintenance", "Договор на ТО ВДГО")),
        ]),
        (.readingStatus, [
            ("pending", Label("pending", "в обработке")),
            ("accepted", Label("accepted", "принято")),
            ("rejected", Label("rejected", "отказано")),
            ("superseded", Label("superseded", "заменено новым")),
        ]),
        (.readingReason, [
            ("lower_than_previous", Label("lower than the previous reading", "меньше предыдущего показания")),
            ("exceeds_capacity", Label("does not fit the meter's digits", "превышает разрядность счетчика")),
            ("exceeds_max_consumption", Label("exceeds the maximum consumption", "превышает максимально допустимый расход")),
            ("verification_expired", Label("meter verification expired", "истек срок поверки прибора учета")),
            ("meter_not_working", Label("meter is not working", "прибор учета неисправен или снят")),
            ("duplicate", Label("duplicate", "повторная передача")),
            ("other", Label("other", "другая причина")),
        ]),
        (.ticketStatus, [
            ("new", Label("New", "Новое")),
            ("answered", Label("Answered", "Отвечено")),
            ("closed", Label("Closed", "Закрыто")),
        ]),
        (.ticketChannel, [
            ("rgk", Label("RGK abonent department", "Абонентский отдел РГК")),
            ("office", Label("RGK office", "Отделение РГК")),
            ("support", Label("Portal support", "Техническая поддержка портала")),
        ]),
        (.ticketTopic, [
            ("registration", Label("Registration", "Регистрация")),
            ("extended", Label("Extended version", "Расширенная версия")),
            ("settlements", Label("Settlements", "Взаиморасчеты")),
            ("bills", Label("Bills", "Квитанции")),
            ("payments", Label("Payment problems", "Проблемы с оплатой")),
            ("meters", Label("Meters", "Приборы учета")),
            ("other", Label("Other", "Другое")),
        ]),
        (.userStatus, [
            ("pending", Label("pending", "не подтверждена")),
            ("active", Label("active", "активна")),
            ("blocked", Label("blocked", "заблокирована")),
            ("deleted", Label("deleted", "удалена")),
        ]),
        (.pinRequestStatus, [
            ("open", Label("open", "открыт")),
            ("issued", Label("issued", "ПИН-код выдан")),
            ("rejected", Label("rejected", "отклонен")),
        ]),
        (.outboxStatus, [
            ("waiting", Label("waiting", "ожидает")),
            ("sending", Label("sending", "отправляется")),
            ("sent", Label("sent", "отправлено")),
            ("failed", Label("failed", "не доставлено")),
        ]),
        (.role, [
            ("clerk", Label("clerk", "сотрудник абонентского отдела")),
            ("support", Label("support", "техническая поддержка")),
            ("admin", Label("admin", "администратор")),
        ]),
        (.accessLevel, [
            ("restricted", Label("restricted", "ограниченная версия")),
            ("extended", Label("extended", "расширенная версия")),
        ]),
        (.meterState, [
            ("working", Label("working", "исправен")),
            ("faulty", Label("faulty", "неисправен")),
            ("removed", Label("removed", "снят")),
        ]),
        (.serviceKind, [
            ("gas", Label("Natural gas", "Природный газ")),
            ("vdgo", Label("Equipment maintenance", "ТО ВДГО")),
        ]),
        (.importKind, [
            ("rgk", Label("RGKs", "РГК")),
            ("offices", Label("offices", "отделения")),
            ("accounts", Label("accounts", "лицевые счета")),
            ("services", Label("services and balances", "услуги и сальдо")),
            ("meters", Label("meters", "приборы учета")),
            ("readings", Label("readings", "показания")),
            ("settlements", Label("settlements", "взаиморасчеты")),
            ("payments", Label("payments", "оплаты")),
            ("contracts", Label("contracts", "договоры")),
            ("acts", Label("acts of work", "акты выполненных работ")),
            ("pins", Label("PINs from bills", "ПИН-коды с квитанций")),
        ]),
        (.importStatus, [
            ("running", Label("running", "выполняется")),
            ("incomplete", Label("incomplete", "прервана")),
            ("completed", Label("completed", "завершена")),
            ("failed", Label("failed", "ошибка")),
            ("superseded", Label("finished by a later run", "завершена повторным запуском")),
        ]),
        (.contractKind, [
            ("supply", Label("gas supply", "поставка газа")),
            ("vdgo", Label("equipment maintenance", "ТО ВДГО")),
            ("connection", Label("technical connection", "техническое присоединение")),
        ]),
    ]

    private static let table: [CodeDomain: [String: Label]] = Dictionary(uniqueKeysWithValues: entries.map { entry in
        (entry.0, Dictionary(uniqueKeysWithValues: entry.1.map { ($0.0, $0.1) }))
    })

    private static let order: [CodeDomain: [String]] = Dictionary(uniqueKeysWithValues: entries.map { entry in
        (entry.0, entry.1.map(\.0))
    })
}
