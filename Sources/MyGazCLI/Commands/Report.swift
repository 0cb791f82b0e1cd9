import Foundation
import MyGazCore

/// `report`: what a manager reads about the back office's work (issue 38).
enum ReportCommands {
    static let spec = CommandSpec(
        "report", L("reports for managers: deadlines kept and missed", "отчеты для руководителя: соблюдение сроков"),
        subcommands: [
            CommandSpec("deadlines", L("a month's decisions against their deadlines, per RGK, operator and kind",
                                       "решения за месяц и их сроки: по РГК, операторам и видам"),
                        discussion: L("Per RGK and per operator, for readings, applications and tickets: the items decided in the month (each once, at its first decision: a reading accepted or rejected at the office, an application's first step to accepted, rejected or completed, a ticket's first answer), how many on time and their share, the median and the 90th percentile of the time to decision in working days, and what is overdue now; and the month's decisions per day. On a terminal the shares and the days are drawn as bars; --format csv or json gives the numbers; --output FILE.pdf writes one A4 page with the same charts. Deadlines and their rules: docs/deadlines.md.",
                                      "По РГК и по операторам, для показаний, заявок и обращений: сколько решено за месяц (каждое один раз, по первому решению: показание принято или отклонено в отделе, заявка впервые принята, отклонена или выполнена, на обращение дан первый ответ), сколько в срок и какая это доля, медиана и 90-й процентиль времени до решения в рабочих днях, сколько просрочено сейчас; и решения месяца по дням. В терминале доли и дни рисуются полосами; --format csv или json дает числа; --output ФАЙЛ.pdf записывает одну страницу A4 с теми же диаграммами. Сроки и их правила: docs/deadlines.md."),
                        options: [
                            OptionSpec(.month, value: "YYYY-MM", L("the month (default the current one)", "месяц (по умолчанию текущий)")),
                            Opt.rgk,
                            OptionSpec(.output, short: "o", value: "FILE", L("write the report as a one-page PDF to FILE", "записать отчет в FILE — PDF на одну страницу"),
                                       completion: .file),
                        ],
                        examples: [Example("mygaz-admin report deadlines --month 2026-11", L("November's deadlines, kept and missed.", "Сроки за ноябрь: соблюдены и нарушены."),
                                           featured: true),
                                   Example("mygaz-admin report deadlines --rgk vologda --format csv", L("One RGK's numbers for a spreadsheet.",
                                                                                                        "Цифры одной РГК для таблицы."))],
                        access: .everyone, handler: deadlines),
        ])

    static func deadlines(_ inv: Invocation) throws -> ExitStatus {
        let month = try inv.period(.month) ?? inv.clock.today.period
        let (year, number) = (Int(month.prefix(4))!, Int(month.suffix(2))!)
        let report = try DeadlineReport.load(inv.db, year: year, month: number, rgk: inv.string(.rgk), scope: try inv.session.rgkScope(),
                                             try inv.dueQuery())
        for year in report.unknownYears { inv.out.warn(.deadlineYearUnknown, .text(String(year)), .int(report.leftOut[year] ?? 0)) }
        if inv.string(.output) != nil {
            let pdf = try DeadlineReportDocument.pdf(report, russian: inv.out.lang == .ru, fonts: try BillDocument.fonts())
            try FileOutput.write(pdf, to: inv.string(.output), inv)
            return .success
        }
        switch inv.out.format {
        case .csv, .tsv: inv.out.table(DeadlineReportView.rows(report, rgkRows: nil, inv.out))
        default: inv.out.record(DeadlineReportView.record(report, inv.out))
        }
        return .success
    }
}
