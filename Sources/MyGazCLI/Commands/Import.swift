import Foundation
import MyGazCore

enum ImportCommands {
    static let fileOptions: [OptionSpec] = [
        OptionSpec(.rgk, value: "CODE", L("the RGK of every row, when the file has no RGK column (or the only one allowed)",
                                           "РГК всех строк, если в файле нет такого столбца (или единственная допустимая)"), completion: .live(.rgk)),
        OptionSpec(.encoding, value: "ENCODING", L("auto (default: valid UTF-8 is UTF-8, anything else Windows-1251), utf-8 or cp1251",
                                                    "auto (по умолчанию: корректный UTF-8 — UTF-8, иначе Windows-1251), utf-8 или cp1251"),
                   choices: EncodingChoice.allCases.map(\.rawValue)),
        OptionSpec(.delimiter, value: "C", L("the field separator: ; , or tab, also spelled semicolon, comma (default: taken from the header)",
                                              "разделитель полей: ; , или tab, также semicolon, comma (по умолчанию — по строке заголовка)"),
                   completion: .values(["semicolon", "comma", "tab"])),
        Opt.dryRun,
        OptionSpec(.skipInvalid, L("import the good rows and write the bad ones to --rejects", "загрузить корректные строки, а ошибочные записать в --rejects")),
        OptionSpec(.rejects, value: "FILE", L("where --skip-invalid writes the bad rows, with line and reason", "куда --skip-invalid пишет ошибочные строки с номером и причиной"),
                   completion: .file),
        OptionSpec(.asOf, value: "DATE", L("the day the file speaks for (default: its modification time): a holder's phone changed at the desk after it is kept",
                                            "дата, на которую составлен файл (по умолчанию — время его изменения): телефон владельца, измененный в офисе позже, сохраняется")),
        OptionSpec(.singleTransaction, L("write the whole file in one transaction (small files only: it holds the write lock)",
                                           "записать весь файл одной транзакцией (только для небольших файлов: держит блокировку)")),
    ]

    static func kindCommand(_ kind: ImportKind) -> CommandSpec {
        let columns = kind.columns.map { c in c.key + (c.aliases.first.map { "/\($0)" } ?? "") + (c.required ? "*" : "") }.joined(separator: ", ")
        return CommandSpec(
            kind.rawValue, L("import \(Labels.label(.importKind, kind.rawValue, .en)) (\(kind.columns.filter(\.required).map(\.key).joined(separator: ", ")) required)",
                             "загрузить: \(Labels.label(.importKind, kind.rawValue, .ru))"),
            discussion: L("Columns (English name/Russian alias, * required): \(columns).",
                          "Столбцы (английское имя/русский вариант, * — обязательные): \(columns)."),
            arguments: [ArgumentSpec("FILE", L("one or more files", "один или несколько файлов"), arity: .variadic, completion: .file)],
            options: fileOptions,
            examples: kind == .accounts ? [
                Example("mygaz-admin import accounts ЛС_вологда.csv --rgk vologda", L("A Windows-1251 export from 1C.", "Выгрузка из 1С в Windows-1251."), featured: true),
                Example("mygaz-admin import readings показания.csv --skip-invalid --rejects bad.csv", L("Load what is good; fix the rest later.", "Загрузить корректное, остальное исправить позже.")),
            ] : [],
            access: .admins, handler: { try importFiles($0, kind) })
    }

    static let spec = CommandSpec(
        "import", L("import the data files of the RGKs (CSV from Excel and 1C)", "загрузка файлов данных РГК (CSV из Excel и 1С)"),
        discussion: L("Every file is checked whole before anything is written: a file with a bad row writes nothing (exit 6) and each bad row is reported as FILE:LINE: column: reason. Rows are upserted by their natural key, so importing the same file again changes nothing. Writes go in short transactions, so the portal is never locked out; an interrupted import is finished by running the same command again. See 'mygaz-admin help import-formats'.",
                      "Каждый файл проверяется целиком до записи: файл с ошибочной строкой не записывается (код 6), каждая ошибка выводится как ФАЙЛ:СТРОКА: столбец: причина. Строки обновляются по естественному ключу, поэтому повторная загрузка того же файла ничего не меняет. Запись идет короткими транзакциями и не блокирует портал; прерванная загрузка завершается повторным запуском той же команды. См. «mygaz-admin help import-formats»."),
        subcommands: ImportKind.allCases.map(kindCommand) + [
            CommandSpec("history", L("past imports, newest first", "прошлые загрузки, новые сверху"),
                        options: [Opt.rgk, OptionSpec(.kind, value: "KIND", L("only this kind", "только этот вид"), choices: ImportKind.codes), Opt.limit],
                        access: .everyone, handler: history),
        ])

    static func delimiter(_ text: String?) throws -> UInt8? {
        guard let text else { return nil }
        switch text {
        case ";", "semicolon": return 59
        case ",", "comma": return 44
        case "tab", "\\t", "\t": return 9
        default: throw MyGazError.usage(.badChoice, "--delimiter", .text(text), "; , tab (semicolon, comma)")
        }
    }

    static func importFiles(_ inv: Invocation, _ kind: ImportKind) throws -> ExitStatus {
        var options = ImportOptions(kind: kind)
        options.rgk = inv.string(.rgk)
        options.encoding = try inv.choice(.encoding, as: EncodingChoice.self) ?? .auto
        options.delimiter = try delimiter(inv.string(.delimiter))
        options.dryRun = inv.flag(.dryRun)
        options.skipInvalid = inv.flag(.skipInvalid)
        options.singleTransaction = inv.flag(.singleTransaction)
        options.asOf = try inv.moment(.asOf)
        let rejectsPath = inv.string(.rejects)
        if options.skipInvalid && rejectsPath == nil { throw MyGazError.usage(.optionRequires, "--skip-invalid", "--rejects FILE") }
        if rejectsPath != nil && !options.skipInvalid { throw MyGazError.usage(.optionRequires, "--rejects", "--skip-invalid") }
        let texts = inv.out.texts
        var reports: [ImportReport] = []
        for file in inv.arguments("FILE") {
            let progress = Progress(inv.out, label: "import \(kind.rawValue)")
            var phase = ImportPhase.checking
            progress.relabel(texts.render(.importChecking, .code(.importKind, kind.rawValue)))
            let rejects = rejectsPath.map { RejectsFile(path: $0, database: inv.globals.dbPath, texts: texts) }
            do {
                let report = try Importer.run(inv.session, options, file: file, rejects: rejects) { now, rows, fraction in
                    if now != phase {
                        phase = now
                        progress.relabel(texts.render(.importWriting, .code(.importKind, kind.rawValue)))
                    }
                    progress.update(Int64(rows), fraction: fraction)
                }
                progress.finish()
                reports.append(report)
                if inv.out.isHuman { summary(report, kind, inv.out) }
            } catch let refused as ImportRefused {
                progress.finish()
                // the files before it were imported: their reports come too
                if !inv.out.isHuman { inv.out.machine(.array((reports + [refused.report]).map { json($0, kind) })) }
                for p in refused.report.problems { inv.out.problem(file: file, line: p.line, column: p.column, reason: p.reason) }
                if refused.report.badRows > refused.report.problems.count {
                    inv.out.warn(.importMoreBadRows, .int(refused.report.badRows - refused.report.problems.count))
                }
                throw MyGazError.invalid(.importRefused, .text(file), .int(refused.report.badRows))
            }
        }
        if !inv.out.isHuman { inv.out.machine(.array(reports.map { json($0, kind) })) }
        // --skip-invalid that left rows behind: done, but not all of it
        return reports.contains { $0.rejected > 0 } ? .partial : .success
    }

    static func summary(_ r: ImportReport, _ kind: ImportKind, _ out: Output) {
        let name = (r.file as NSString).lastPathComponent
        let delimiter = r.delimiter == 9 ? "tab" : String(UnicodeScalar(r.delimiter))
        out.say(r.dryRun ? .importDrySummary : .importSummary, .code(.importKind, kind.rawValue), .text(name), .text(r.encoding.rawValue), .text(delimiter),
                .int(r.rowsRead), .int(r.inserted), .int(r.updated), .int(r.unchanged), .int(r.rejected),
                .seconds(r.seconds), .text(r.batchID.map { String($0) } ?? "—"))
        if let resumed = r.resumedFrom { out.say(.importResumed, .text(String(resumed))) }
        for c in r.phoneConflicts {
            out.say(.importPhoneKept, .text("\(c.rgk)/\(c.account)"), .text(Contact.written(c.deskPhone)), .text(c.changedBy),
                    .text(Timestamp.display(c.changedAt)), .text(c.filePhone.isEmpty ? "—" : Contact.written(c.filePhone)))
        }
        if r.inserted == 0 && r.updated == 0 && r.rejected == 0 && !r.dryRun { out.say(.importNothingChanged) }
        if r.dryRun { out.say(.dryRunNothingWritten) }
    }

    static func json(_ r: ImportReport, _ kind: ImportKind) -> Value {
        .object([
            ("file", .text(r.file)), ("kind", .text(kind.rawValue)), ("encoding", .text(r.encoding.rawValue)),
            ("delimiter", .text(String(UnicodeScalar(r.delimiter)))), ("sha256", .text(r.sha256)), ("rows_read", .int(Int64(r.rowsRead))),
            ("inserted", .int(Int64(r.inserted))), ("updated", .int(Int64(r.updated))), ("unchanged", .int(Int64(r.unchanged))),
            ("rejected", .int(Int64(r.rejected))), ("bad_rows", .int(Int64(r.badRows))), ("seconds", .double((r.seconds * 100).rounded() / 100)),
            ("batch", .of(r.batchID)), ("resumed_from", .of(r.resumedFrom)), ("dry_run", .bool(r.dryRun)),
            ("longest_lock_ms", .int(Int64(r.longestLockSeconds * 1000))), ("as_of", .text(r.asOf)),
            ("phone_conflicts", .array(r.phoneConflicts.map {
                .object([("rgk", .text($0.rgk)), ("account", .text($0.account)), ("desk_phone", .text($0.deskPhone)), ("file_phone", .text($0.filePhone)),
                         ("changed_by", .text($0.changedBy)), ("changed_at", .text($0.changedAt))])
            })),
            ("problems", .array(r.problems.map { .object([("line", .int(Int64($0.line))), ("column", .text($0.column)), ("reason", .text($0.reason.key.rawValue))]) })),
        ])
    }

    static func history(_ inv: Invocation) throws -> ExitStatus {
        let rows = try ImportHistory.list(inv.db, rgk: inv.string(.rgk), kind: try inv.choice(.kind, as: ImportKind.self), limit: try inv.limit(),
                                            scope: inv.session.rgkScope())
        var t = Table([
            Column("id", L("BATCH", "ЗАГРУЗКА"), align: .right), Column("kind", L("KIND", "ВИД")), Column("rgk", L("RGK", "РГК")),
            Column("file", L("FILE", "ФАЙЛ"), cut: 12, priority: 1), Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("started_at", L("STARTED", "НАЧАЛО")),
            Column("seconds", L("SECONDS", "СЕКУНД"), align: .right, priority: 3), Column("rows_read", L("READ", "ПРОЧИТАНО"), align: .right, priority: 4),
            Column("rows_done", L("DONE", "ОБРАБОТАНО"), align: .right, .machineOnly),
            Column("inserted", L("NEW", "НОВЫХ"), align: .right), Column("updated", L("UPDATED", "ИЗМЕНЕНО"), align: .right, priority: 5),
            Column("unchanged", L("SAME", "БЕЗ ИЗМ."), align: .right, priority: 6), Column("rejected", L("REJECTED", "ОТКЛ."), align: .right),
            Column("encoding", L("ENCODING", "КОДИРОВКА"), .machineOnly), Column("sha256", L("SHA-256", "SHA-256"), .machineOnly),
            Column("operator", L("BY", "КТО"), priority: 2),
        ])
        for b in rows {
            let style: Style = b.status == "completed" ? .plain : (b.status == "incomplete" ? .red : .dim)
            func n(_ v: Int) -> Cell { Cell(.int(Int64(v)), display: Format.grouped(Int64(v), inv.out.lang)) }
            t.append([Cell(.int(b.id)), .code(.importKind, b.kind, inv.out.texts), Cell(.of(b.rgk)), Cell(.text(b.file)),
                      Cell(.text(b.status), display: inv.out.texts.label(.importStatus, b.status), style: style),
                      Cell(.text(b.startedAt), display: Timestamp.display(b.startedAt)),
                      Cell(.of(b.seconds), display: b.seconds.map(String.init) ?? "—"),
                      n(b.rowsRead), n(b.rowsDone), n(b.inserted), n(b.updated), n(b.unchanged), n(b.rejected),
                      Cell(.text(b.encoding)), Cell(.text(b.sha256)), Cell(.text(b.operatorLogin))])
        }
        inv.out.table(t)
        return .success
    }
}
