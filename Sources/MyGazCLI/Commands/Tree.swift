import MyGazCore

/// The whole command tree: the single source of truth for parsing, help, man page and completion.
public enum CommandTree {
    public static let root = CommandSpec(
        "mygaz-admin",
        L("the back office of the «Мой газ» customer portal", "рабочее место абонентского отдела портала «Мой газ»"),
        discussion: L("Clerks and support engineers work one shared SQLite database with it: portal users, PIN codes, applications, meter readings, support tickets, and the data files of the regional gas companies (RGK). You are who your OS login says you are.",
                      "Сотрудники абонентского отдела и технической поддержки работают с одной общей базой SQLite: пользователи портала, ПИН-коды, заявки, показания приборов учета, обращения и файлы данных региональных газовых компаний (РГК). Оператор определяется по пользователю ОС."),
        subcommands: [
            InitCommands.spec,
            DemoCommand.spec,
            StatusCommand.spec,
            UserCommands.spec,
            AccountCommands.spec,
            PaymentCommands.spec,
            OfficeCommands.spec,
            ContractCommands.spec,
            ActCommands.spec,
            PinCommands.spec,
            ApplicationCommands.spec,
            ReadingCommands.spec,
            TicketCommands.spec,
            FAQCommands.spec,
            OutboxCommands.spec,
            BillCommands.spec,
            NoticeCommands.spec,
            ConfigCommands.spec,
            CalendarCommands.spec,
            ReportCommands.spec,
            ImportCommands.spec,
            ExportCommands.spec,
            AuditCommands.spec,
            OperatorCommands.spec,
            DBCommands.spec,
            CompletionCommands.spec,
            CompletionCommands.live,
        ],
        access: .noDatabase)
}
