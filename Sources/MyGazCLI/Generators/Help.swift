import MyGazCore

/// `--help` and `help COMMAND…` text, generated from the command model.
public enum HelpText {
    public static func render(_ path: [CommandSpec], lang: Lang, width: Int = 100) -> String {
        let command = path[path.count - 1]
        let name = (["mygaz-admin"] + path.dropFirst().map(\.name)).joined(separator: " ")
        var out = "\(name) — \(command.summary(lang))\n\n"
        let usageWord = lang == .ru ? "Использование" : "Usage"

        if command.handler == nil && !command.subcommands.isEmpty {
            let placeholder = path.count == 1 ? (lang == .ru ? "<группа> <действие>" : "<group> <action>") : (lang == .ru ? "<действие>" : "<action>")
            out += "\(usageWord): \(name) \(placeholder) [\(lang == .ru ? "параметры" : "options")]\n"
        } else {
            out += "\(usageWord): \(synopsis(path))\n"
        }
        if let discussion = command.discussion {
            out += "\n" + DisplayWidth.wrap(discussion(lang), to: width).joined(separator: "\n") + "\n"
        }
        if !command.visibleSubcommands.isEmpty {
            out += "\n" + (path.count == 1 ? (lang == .ru ? "Группы команд:" : "Command groups:") : (lang == .ru ? "Действия:" : "Actions:")) + "\n"
            out += twoColumns(command.visibleSubcommands.map { ($0.name, $0.summary(lang)) }, width: width)
        }
        if !command.arguments.isEmpty {
            out += "\n" + (lang == .ru ? "Аргументы:" : "Arguments:") + "\n"
            out += twoColumns(command.arguments.map { ($0.synopsis, $0.help(lang)) }, width: width)
        }
        let options = command.options.filter { !$0.hidden }
        if !options.isEmpty {
            out += "\n" + (lang == .ru ? "Параметры:" : "Options:") + "\n"
            out += twoColumns(options.map { ($0.synopsis, optionHelp($0, lang)) }, width: width)
        }
        if path.count == 1 {
            out += "\n" + (lang == .ru ? "Общие параметры (в любом месте строки):" : "Global options (anywhere on the line):") + "\n"
            out += twoColumns(GlobalOptions.all.map { ($0.synopsis, $0.help(lang)) }, width: width)
        }
        if !command.examples.isEmpty {
            out += "\n" + (lang == .ru ? "Примеры:" : "Examples:") + "\n"
            for example in command.examples {
                out += "  $ \(example.command)\n"
                for line in DisplayWidth.wrap(example.help(lang), to: width - 6) { out += "      \(line)\n" }
            }
        }
        if let access = accessLine(command.access, lang) { out += "\n" + access + "\n" }
        if path.count == 1 {
            out += "\n" + (lang == .ru ? "Разделы справки:" : "Help topics:") + "\n"
            out += twoColumns(HelpTopics.all.map { ($0.name, $0.summary(lang)) }, width: width)
            out += "\n" + (lang == .ru ? "Подробнее: mygaz-admin help <команда|раздел>, man mygaz-admin"
                                       : "More: mygaz-admin help <command|topic>, man mygaz-admin") + "\n"
        } else if command.handler == nil {
            out += "\n" + (lang == .ru ? "Подробнее: \(name) <действие> --help; общие параметры: mygaz-admin --help"
                                       : "More: \(name) <action> --help; global options: mygaz-admin --help") + "\n"
        } else {
            out += "\n" + (lang == .ru ? "Общие параметры (--db, --format, --lang …): mygaz-admin --help"
                                       : "Global options (--db, --format, --lang …): mygaz-admin --help") + "\n"
        }
        return out
    }

    public static func synopsis(_ path: [CommandSpec]) -> String {
        let command = path[path.count - 1]
        var parts = ["mygaz-admin"] + path.dropFirst().map(\.name)
        for option in command.options where !option.hidden && isRequired(option, in: command) {
            parts.append("--\(option.long)" + (option.value.map { " \($0)" } ?? ""))
        }
        if command.options.contains(where: { !$0.hidden && !isRequired($0, in: command) }) {
            parts.append("[options]")
        }
        parts.append(contentsOf: command.arguments.map(\.synopsis))
        return parts.joined(separator: " ")
    }

    /// Options whose help begins with "required" are shown in the synopsis.
    static func isRequired(_ option: OptionSpec, in command: CommandSpec) -> Bool {
        option.help.en.hasPrefix("required")
    }

    static func optionHelp(_ option: OptionSpec, _ lang: Lang) -> String {
        var text = option.help(lang)
        if let choices = option.choices, !text.contains(choices.first ?? "\u{0}") {
            text += " (" + choices.joined(separator: ", ") + ")"
        }
        if option.repeatable { text += lang == .ru ? "; можно повторять" : "; may be repeated" }
        return text
    }

    static func accessLine(_ access: Access, _ lang: Lang) -> String? {
        guard case .roles(let roles) = access, roles != Set(Role.allCases) else { return nil }
        let names = roles.sorted().map(\.rawValue).joined(separator: ", ")
        return (lang == .ru ? "Роли: " : "Roles: ") + names
    }

    static func twoColumns(_ rows: [(String, String)], width: Int) -> String {
        let left = min(30, (rows.map { DisplayWidth.of($0.0) }.max() ?? 0) + 2)
        var out = ""
        for (name, text) in rows {
            let wrapped = DisplayWidth.wrap(text, to: max(30, width - left - 4))
            if DisplayWidth.of(name) + 2 > left {
                out += "  \(name)\n"
                for line in wrapped { out += "  " + String(repeating: " ", count: left) + line + "\n" }
            } else {
                for (i, line) in wrapped.enumerated() {
                    let head = i == 0 ? DisplayWidth.pad(name, to: left) : String(repeating: " ", count: left)
                    out += "  " + head + line + "\n"
                }
            }
        }
        return out
    }
}

/// `help TOPIC`: the pages that are not commands.
public struct HelpTopic: Sendable {
    public let name: String
    public let summary: L
    public let body: @Sendable (Lang) -> String
}

public enum HelpTopics {
    public static let all: [HelpTopic] = [
        HelpTopic(name: "exit-codes", summary: L("what each exit status means", "что означает каждый код завершения"),
                  body: exitCodes),
        HelpTopic(name: "formats", summary: L("output formats: table, json, csv, tsv", "форматы вывода: table, json, csv, tsv"),
                  body: formats),
        HelpTopic(name: "statuses", summary: L("status and reason codes, their labels, and the allowed transitions",
                                               "коды состояний и причин, их названия и допустимые переходы"),
                  body: statuses),
        HelpTopic(name: "environment", summary: L("environment variables the program reads", "переменные окружения, которые читает программа"),
                  body: environment),
        HelpTopic(name: "import-formats", summary: L("the RGK files import reads: kinds, columns, dialects", "файлы РГК для загрузки: виды, столбцы, форматы"),
                  body: importFormats),
    ]

    public static func find(_ name: String) -> HelpTopic? { all.first { $0.name == name } }

    public static func exitCodeMeaning(_ status: ExitStatus) -> L {
        switch status {
        case .success: return L("success, including a no-op reported as \"unchanged\"", "успех, в том числе «без изменений»")
        case .internalError: return L("internal error (a bug: please report it)", "внутренняя ошибка (сообщите о ней)")
        case .usage: return L("usage error: unknown command or option, bad or missing value", "ошибка вызова: неизвестная команда или параметр, неверное или пропущенное значение")
        case .notFound: return L("not found: no such id, login, account or file", "не найдено: нет такого идентификатора, логина, счета или файла")
        case .conflict: return L("conflict: the current state does not allow it, or it already exists", "конфликт: текущее состояние этого не допускает, или объект уже существует")
        case .partial: return L("partial: a batch run with --continue-on-error, an outbox send or an import --skip-invalid did some items and not others",
                                  "частично: пакет с --continue-on-error, отправка из outbox или загрузка с --skip-invalid выполнены не для всех элементов")
        case .invalidData: return L("invalid input data: a file, stdin, or a value that breaks a rule", "неверные входные данные: файл, стандартный ввод или значение, нарушающее правило")
        case .permission: return L("permission denied: not an operator, the role does not allow it, or a configuration file others could change",
                                   "нет прав: не оператор, роль этого не позволяет, или файл настроек могут изменить посторонние")
        case .database: return L("database busy, locked, missing, unreadable, full, or of another schema version", "база занята, заблокирована, отсутствует, недоступна, переполнена или другой версии схемы")
        case .interrupted: return L("interrupted by Ctrl-C during a review; the decisions made before it stay made",
                                    "прервано Ctrl-C во время разбора; принятые до этого решения сохраняются")
        }
    }

    static func exitCodes(_ lang: Lang) -> String {
        var out = lang == .ru ? "Коды завершения mygaz-admin:\n\n" : "Exit codes of mygaz-admin:\n\n"
        for status in ExitStatus.allCases {
            out += "  " + DisplayWidth.pad(String(status.rawValue), to: 3, right: true) + "  \(exitCodeMeaning(status)(lang))\n"
        }
        return out
    }

    // MARK: environment

    /// The variables the program reads: `help environment` and the man page's ENVIRONMENT.
    public static let environmentVariables: [(name: String, text: L)] = [
        ("MYGAZ_DB", L("the database file when --db is not given (else ./mygaz.db)", "файл базы, если не указан --db (иначе ./mygaz.db)")),
        ("MYGAZ_SENDMAIL", L("the sendmail-compatible command 'outbox send' delivers e-mail with (else mail.sendmail in the configuration file, else /usr/sbin/sendmail -i -t); the message is on its stdin, the recipient in its To: header and in MYGAZ_RECIPIENT, never in its arguments",
                             "команда, совместимая с sendmail, которой «outbox send» отправляет e-mail (иначе mail.sendmail в файле настроек, иначе /usr/sbin/sendmail -i -t); письмо — на стандартном вводе, адрес — в заголовке To: и в MYGAZ_RECIPIENT, никогда не в аргументах")),
        ("MYGAZ_SMTP", L("the SMTP relay 'outbox send' gives e-mail to instead of sendmail (else mail.smtp in the configuration file): smtp://HOST:PORT, STARTTLS when offered, or smtps://HOST:PORT; its login is mail.smtp_user (MYGAZ_SMTP_USER), its password the first line of the file mail.smtp_password_file names (MYGAZ_SMTP_PASSWORD_FILE; owned by root or you, readable by nobody outside its group), its CA certificates mail.smtp_ca_file (MYGAZ_SMTP_CA_FILE; else the system's)",
                         "почтовый сервер, которому «outbox send» передает e-mail вместо sendmail (иначе mail.smtp в файле настроек): smtp://ХОСТ:ПОРТ, STARTTLS, если предложен, или smtps://ХОСТ:ПОРТ; имя — mail.smtp_user (MYGAZ_SMTP_USER), пароль — первая строка файла из mail.smtp_password_file (MYGAZ_SMTP_PASSWORD_FILE; владелец root или вы, читать его может только его группа), сертификаты УЦ — mail.smtp_ca_file (MYGAZ_SMTP_CA_FILE; иначе системные)")),
        ("MYGAZ_OUTBOX_MAX_PARALLEL", L("the most senders 'outbox send' runs side by side, whatever --parallel says (else outbox.max_parallel in the configuration file): the sessions the relay allows",
                                        "наибольшее число параллельных отправителей «outbox send», что бы ни указывал --parallel (иначе outbox.max_parallel в файле настроек): столько сеансов, сколько допускает почтовый сервер")),
        ("MYGAZ_SMS_COMMAND", L("the command 'outbox send' delivers SMS with (else sms.command in the configuration file): the text is its stdin, the number in MYGAZ_RECIPIENT",
                                "команда, которой «outbox send» отправляет SMS (иначе sms.command в файле настроек): текст — на стандартном вводе, номер — в MYGAZ_RECIPIENT")),
        ("MYGAZ_PRINT_COMMAND", L("the command 'account bill --print' gives the PDF to on its stdin (else print.command in the configuration file, else lp)",
                                  "команда, которой «account bill --print» передает PDF на стандартный ввод (иначе print.command в файле настроек, иначе lp)")),
        ("MYGAZ_CONFIG", L("the configuration file of the programs to run and the mail relay (default /etc/mygaz-admin.conf): 'key = value' lines of mail.sendmail, mail.smtp, mail.smtp_user, mail.smtp_password_file, mail.smtp_ca_file, outbox.max_parallel, sms.command, print.command; read only when root or you own it and its directory and nobody else may change them",
                           "файл настроек с программами для запуска и почтовым сервером (по умолчанию /etc/mygaz-admin.conf): строки «ключ = значение» для mail.sendmail, mail.smtp, mail.smtp_user, mail.smtp_password_file, mail.smtp_ca_file, outbox.max_parallel, sms.command, print.command; читается, только если он и его каталог принадлежат root или вам и никто другой не может их изменить")),
        ("LC_ALL, LC_MESSAGES, LANG", L("the language of messages when --lang is not given: ru* is Russian, anything else English",
                                         "язык сообщений, если не указан --lang: ru* — русский, иначе английский")),
        ("NO_COLOR", L("when set and not empty, no colour (as --no-color); colour is only ever used on a terminal",
                       "если задана и не пуста — без цвета (как --no-color); цвет бывает только в терминале")),
        ("VISUAL, EDITOR", L("the editor (VISUAL first, then EDITOR, else vi; a command with arguments is run by the shell) that 'ticket reply', the ticket and application reviews and 'faq add|edit' open on a terminal when no text is given; an empty or unchanged text sends nothing",
                             "редактор (сначала VISUAL, затем EDITOR, иначе vi; команда с аргументами выполняется оболочкой), который «ticket reply», разбор обращений и заявок и «faq add|edit» открывают в терминале, если текст не задан; пустой или неизмененный текст ничего не отправляет")),
        ("COLUMNS", L("the width of tables and help when the terminal does not say", "ширина таблиц и справки, если терминал ее не сообщает")),
        ("TZ", L("the time zone dates are shown in (stored times are UTC)", "часовой пояс для показа дат (хранится время UTC)")),
    ]

    static func environment(_ lang: Lang) -> String {
        var out = lang == .ru ? "Переменные окружения:\n\n" : "Environment variables:\n\n"
        out += HelpText.twoColumns(environmentVariables.map { ($0.name, $0.text(lang)) }, width: 100)
        out += lang == .ru
            ? "\nОператор — это пользователь ОС (как peer-аутентификация psql); никакая переменная этого не меняет.\n"
            : "\nThe operator is the OS login (like psql's peer authentication); no variable changes it.\n"
        return out
    }

    // MARK: formats

    static func formats(_ lang: Lang) -> String {
        lang == .ru ? """
            Форматы вывода (--format, или --json):

              table  для людей: выровненные столбцы (ширина кириллицы учитывается), даты ДД.ММ.ГГ,
                     суммы в рублях с разделителями; цвет только в терминале и никогда с --no-color
                     или NO_COLOR. Состояния показываются названиями из руководств.
              json   для программ: список — массив объектов, один объект — объект; ключи snake_case
                     и не меняются между версиями; коды вместо названий (pending, needs_info…);
                     время ISO-8601 UTC, суммы в копейках (*_kop), пустое значение — null.
                     Действие над несколькими id выводит по объекту на id:
                     {"id":…,"result":"changed|unchanged|failed","status":…,"error":…}
              csv    RFC 4180 с запятой и строкой заголовка из ключей json; поля с запятой,
                     кавычкой или переводом строки — в кавычках.
              tsv    то же через табуляцию, без кавычек: обратная косая черта, табуляция и
                     переводы строк внутри значения записываются как \\\\, \\t, \\n, \\r.
                     --no-header убирает строку заголовка (для конвейеров: ... | cut -f1).
                     Карточка (show, status) печатается таблицами: сначала поля (раздел record),
                     затем каждый раздел после пустой строки; первый столбец каждой строки —
                     section с именем раздела (links, meters, messages…).

            Ключи и типы каждого json — в docs/json.md; список и карточка одного объекта имеют
            одни и те же ключи (карточка только добавляет свои).

            Сообщения об ошибках всегда идут в stderr одной строкой; stdout содержит только данные.
            С --quiet печатаются только данные и ошибки.

            """ : """
            Output formats (--format, or --json):

              table  for people: aligned columns (Cyrillic measured by display width), dates as
                     DD.MM.YY, amounts in rubles with separators; colour only on a terminal, never
                     with --no-color or NO_COLOR. Statuses are shown by the manuals' names.
              json   for programs: a list is an array of objects, one item an object; keys are
                     snake_case and stable across versions; codes instead of labels (pending,
                     needs_info…); times ISO-8601 UTC, amounts in kopecks (*_kop), a missing value null.
                     An action on several ids prints one object per id:
                     {"id":…,"result":"changed|unchanged|failed","status":…,"error":…}
              csv    RFC 4180 with commas and a header of the json keys; a field with a comma,
                     a quote or a line break is quoted.
              tsv    the same with tabs and no quoting: a backslash, a tab and line breaks inside
                     a value are written \\\\, \\t, \\n, \\r.
                     --no-header leaves the header line out (for pipelines: ... | cut -f1).
                     A record (show, status) prints as tables: its fields first (section record),
                     then each section after a blank line; every line begins with its section's
                     name (links, meters, messages…).

            The keys and types of every json are in docs/json.md; a list and the show of the same
            thing share their keys (a show only adds its own).

            Errors always go to stderr, one line each; stdout holds only data. With --quiet only
            data and errors are printed.

            """
    }

    // MARK: statuses

    static func statuses(_ lang: Lang) -> String {
        let ru = lang == .ru
        let sections: [(L, CodeDomain)] = [
            (L("Applications", "Заявки"), .applicationStatus),
            (L("Application kinds", "Виды заявок"), .applicationKind),
            (L("Meter readings", "Показания"), .readingStatus),
            (L("Reasons to reject a reading", "Причины отказа в приеме показаний"), .readingReason),
            (L("Support tickets", "Обращения"), .ticketStatus),
            (L("Portal users", "Пользователи портала"), .userStatus),
            (L("PIN requests", "Запросы ПИН-кода"), .pinRequestStatus),
            (L("Outbox messages", "Сообщения outbox"), .outboxStatus),
            (L("Why delivery cancelled a message", "Почему доставка отменила сообщение"), .outboxCancelReason),
            (L("Import batches", "Загрузки"), .importStatus),
            (L("Operator roles", "Роли операторов"), .role),
        ]
        var out = ru ? "Коды (в базе и в --json) и их названия:\n" : "Codes (in the database and in --json) and their labels:\n"
        for (title, domain) in sections {
            out += "\n\(title(lang)):\n"
            out += HelpText.twoColumns(Labels.codes(domain).map { code in
                (code, ru ? Labels.label(domain, code, .ru) : Labels.label(domain, code, .en) + " — «" + Labels.label(domain, code, .ru) + "»")
            }, width: 100)
        }
        out += ru ? "\nПереходы заявок (mygaz-admin application ДЕЙСТВИЕ):\n" : "\nApplication transitions (mygaz-admin application ACTION):\n"
        for action in ApplicationAction.allCases {
            var from = Set(ApplicationKind.allCases.flatMap { action.allowedFrom(kind: $0) })
            from.remove(action.target)
            let sources = ApplicationStatus.allCases.filter { from.contains($0) }.map(\.rawValue).joined(separator: ", ")
            out += "  \(action.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(sources) → \(action.target.rawValue)\n"
        }
        out += ru
            ? "  (complete из submitted — только ТО ВДГО, ремонт и перерасчет)\n\nПоказание: pending → accepted | rejected; новое показание того же счетчика заменяет прежнее (superseded).\n"
            : "  (complete from submitted: maintenance, repair and recalculation only)\n\nA reading: pending → accepted | rejected; a newer one for the same meter replaces it (superseded).\n"
        return out
    }

    // MARK: import formats

    static func importFormats(_ lang: Lang) -> String {
        let ru = lang == .ru
        var out = ru ? """
            Файлы РГК (mygaz-admin import ВИД ФАЙЛ…):

              кодировка   Windows-1251 или UTF-8 (с BOM или без); по умолчанию: корректный UTF-8 — UTF-8,
                          иначе Windows-1251 (--encoding)
              разделитель ; , или табуляция — по строке заголовка (--delimiter)
              строки      CRLF или LF; кавычки по RFC 4180: внутри поля — разделитель, "" и перевод строки
              заголовок   английские имена или русские варианты, без учета регистра, пробелов, _ и ё/е
              числа       десятичная запятая или точка, пробел — разделитель тысяч (-3 319,52)
              даты        ДД.ММ.ГГГГ или ГГГГ-ММ-ДД (время после даты отбрасывается); периоды ММ.ГГГГ
              счета       023-185952 и 23185952 — один счет (цифры без ведущих нулей)
              пусто       пустая ячейка — значения еще нет (например, сальдо на конец незакрытого месяца);
                          столбец, которого нет в файле, в базе не меняется

            Строки обновляются по естественному ключу; повторная загрузка ничего не меняет.

            """ : """
            RGK files (mygaz-admin import KIND FILE…):

              encoding   Windows-1251 or UTF-8 (with or without BOM); by default valid UTF-8 is UTF-8,
                         anything else Windows-1251 (--encoding)
              delimiter  ; , or tab, taken from the header line (--delimiter)
              lines      CRLF or LF; RFC 4180 quoting: a field may hold the delimiter, "" and line breaks
              header     English names or Russian aliases, ignoring case, spaces, _ and ё/е
              numbers    a decimal comma or point, spaces between thousands (-3 319,52)
              dates      DD.MM.YYYY or YYYY-MM-DD (a time after the date is dropped); periods MM.YYYY
              accounts   023-185952 and 23185952 are one account (digits without leading zeros)
              empty      an empty cell is a value that does not exist yet (the closing balance of an
                         open month); a column the file lacks is left as it is in the database

            Rows are upserted by their natural key; importing the same file again changes nothing.

            """
        for kind in ImportKind.allCases {
            let keys = ImportFormats.naturalKey(kind).joined(separator: ", ")
            out += "\n\(kind.rawValue) — \(Labels.label(.importKind, kind.rawValue, lang)) (\(ru ? "ключ" : "key"): \(keys))\n"
            out += HelpText.twoColumns(kind.columns.map { c in
                (c.key + (c.required ? " *" : ""), c.aliases.joined(separator: ", "))
            }, width: 100)
        }
        out += ru ? "\n* — обязательный столбец. Без столбца rgk укажите --rgk КОД.\n" : "\n* a required column. Without an rgk column, give --rgk CODE.\n"
        return out
    }
}

/// What identifies a row of each kind (SPEC §4).
enum ImportFormats {
    static func naturalKey(_ kind: ImportKind) -> [String] {
        switch kind {
        case .rgk: return ["code"]
        case .offices: return ["rgk", "name"]
        case .accounts: return ["rgk", "account"]
        case .services: return ["rgk", "account", "service"]
        case .meters: return ["rgk", "account", "serial"]
        case .readings: return ["rgk", "account", "serial", "date"]
        case .settlements: return ["rgk", "account", "service", "period"]
        case .payments: return ["rgk", "external_id"]
        case .contracts: return ["rgk", "number"]
        case .acts: return ["rgk", "contract", "number", "work"]
        case .pins: return ["rgk", "account"]
        case .benefits: return ["rgk", "account", "benefit"]
        case .consumption: return ["rgk", "account", "mode"]
        case .equipment: return ["rgk", "account", "kind", "serial"]
        }
    }
}
