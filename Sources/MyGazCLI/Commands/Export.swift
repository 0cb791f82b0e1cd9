import Foundation
import MyGazCore

enum ExportCommands {
    static let spec = CommandSpec(
        "export", L("write decided readings and desk changes back for the RGK's billing", "выгрузка решенных показаний и изменений из офиса для биллинга РГК"),
        subcommands: [
            CommandSpec("readings", L("decided readings in the RGK's CSV dialect (; Russian headers, DD.MM.YYYY)",
                                      "решенные показания в формате РГК (; русские заголовки, ДД.ММ.ГГГГ)"),
                        options: [
                            OptionSpec(.rgk, value: "CODE", L("required: the RGK", "обязательно: РГК"), completion: .live(.rgk)),
                            OptionSpec(.status, value: "STATUS", L("accepted (default), rejected or all", "accepted (по умолчанию), rejected или all"),
                                       choices: ["accepted", "rejected", "all"]),
                            OptionSpec(.since, value: "DATE", L("decided on or after DATE", "решенные начиная с DATE")),
                            OptionSpec(.until, value: "DATE", L("decided before DATE", "решенные до DATE")),
                            OptionSpec(.encoding, value: "ENCODING", L("cp1251 (default) or utf-8", "cp1251 (по умолчанию) или utf-8"), choices: ["cp1251", "utf-8"]),
                            Opt.output,
                        ],
                        examples: [Example("mygaz-admin export readings --rgk vologda --since 2026-07-01 --output показания_июль.csv",
                                           L("Accepted readings of July for the billing.", "Принятые показания за июль для биллинга."), featured: true)],
                        access: .admins, handler: readings),
            CommandSpec("contacts", L("holders' phones changed at the desk, in the RGK's CSV dialect (cp1251, ; Russian headers)",
                                      "телефоны владельцев, измененные в офисе, в формате РГК (cp1251, ; русские заголовки)"),
                        discussion: L("The changes in force not yet exported (or those made since --since), marked exported when written to a file or a pipe: a second export writes only what is new.",
                                      "Действующие изменения, еще не выгруженные (или сделанные начиная с --since); записанные в файл или канал отмечаются выгруженными: повторная выгрузка пишет только новое."),
                        options: [
                            OptionSpec(.rgk, value: "CODE", L("required: the RGK", "обязательно: РГК"), completion: .live(.rgk)),
                            OptionSpec(.since, value: "DATE", L("the changes made on or after DATE, exported or not", "изменения начиная с DATE, в том числе выгруженные")),
                            Opt.output,
                        ],
                        examples: [Example("mygaz-admin export contacts --rgk vologda --output телефоны.csv",
                                           L("The phones changed at the desk, for the RGK's billing.", "Телефоны, измененные в офисе, для биллинга РГК."))],
                        access: .admins, handler: contacts),
        ])

    static func contacts(_ inv: Invocation) throws -> ExitStatus {
        guard let rgk = inv.string(.rgk) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--rgk") }
        // an RGK the operator does not work is refused before a row is read (exit 7)
        _ = try inv.session.rgks(rgk)
        let rows = try HolderPhone.toExport(inv.db, rgk: rgk, since: try inv.moment(.since))
        let file = try inv.string(.output).map { try NewFile($0, like: inv.globals.dbPath) }
        let sink: TextSink = file.map { FileSink(fd: $0.fd) } ?? inv.io.stdout
        if inv.out.format == .json {
            sink.write(JSON.encode(.array(rows.map {
                .object([("id", .int($0.id)), ("rgk", .text($0.rgk)), ("account", .text($0.account)), ("phone", .text($0.phone)),
                         ("old_phone", .of($0.oldPhone)), ("changed_at", .text($0.changedAt)), ("document", .text($0.document)),
                         ("changed_by", .text($0.changedBy))])
            })) + "\n")
        } else {
            func emit(_ fields: [String]) { sink.write(bytes: CSVWriter.bytes(CSVWriter.line(fields), .cp1251)) }
            emit(HolderPhone.header)
            rows.forEach { emit(HolderPhone.fields($0)) }
        }
        sink.flush()
        if let file, let written = sink as? FileSink {
            if written.failure != 0 {
                throw MyGazError(.database, .fileCannotWrite, .text(file.path), .text(String(cString: strerror(written.failure))))
            }
            try file.commit()
            inv.io.stderr.write(inv.out.texts.render(.exportContactsWritten, .int(rows.count), .text(file.path)) + "\n")
        }
        // a file or a pipe goes to the RGK; a look at the terminal does not
        if file != nil || !inv.io.terminal.stdoutIsTTY {
            try HolderPhone.markExported(inv.session, rows.map(\.id), rgk: rgk)
        }
        return .success
    }

    static func readings(_ inv: Invocation) throws -> ExitStatus {
        guard let rgk = inv.string(.rgk) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--rgk") }
        // an RGK the operator does not work is refused before a row is read (exit 7)
        _ = try inv.session.rgks(rgk)
        var filter = ReadingExport.Filter(rgk: rgk)
        switch inv.string(.status) ?? "accepted" {
        case "all": filter.statuses = [.accepted, .rejected]
        case "rejected": filter.statuses = [.rejected]
        default: filter.statuses = [.accepted]
        }
        filter.since = try inv.moment(.since)
        filter.until = try inv.moment(.until)
        let utf8 = inv.string(.encoding) == "utf-8"
        // an export holds customers' data: a new file, as private as the database, put in place whole
        let file = try inv.string(.output).map { try NewFile($0, like: inv.globals.dbPath) }
        let sink: TextSink = file.map { FileSink(fd: $0.fd) } ?? inv.io.stdout
        var exported: [Int64] = []
        var count: Int { exported.count }
        if inv.out.format == .json {
            sink.write("[")
            try ReadingExport.forEach(inv.db, filter) { r in
                sink.write((count == 0 ? "" : ",") + JSON.encode(.object([
                    ("id", .int(r.id)), ("rgk", .text(r.rgk)), ("account", .text(r.account)), ("serial", .text(r.serial)),
                    ("date", .text(r.date)), ("value", .int(r.value)), ("status", .text(r.status)), ("reason", .of(r.reason)),
                    ("decided_at", .text(r.decidedAt)), ("decided_by", .of(r.decidedBy)), ("source", .text(r.source))])))
                exported.append(r.id)
            }
            sink.write("]\n")
        } else {
            let encoding: FileEncoding = utf8 ? .utf8 : .cp1251
            func emit(_ fields: [String]) { sink.write(bytes: CSVWriter.bytes(CSVWriter.line(fields), encoding)) }
            emit(ReadingExport.header)
            try ReadingExport.forEach(inv.db, filter) { r in
                emit(ReadingExport.fields(r))
                exported.append(r.id)
            }
        }
        sink.flush()
        if let file, let written = sink as? FileSink {
            if written.failure != 0 {
                throw MyGazError(.database, .fileCannotWrite, .text(file.path), .text(String(cString: strerror(written.failure))))
            }
            try file.commit()
            inv.io.stderr.write(inv.out.texts.render(.exportWritten, .int(count), .text(file.path)) + "\n")
        }
        // a file or a pipe goes to the billing; a look at the terminal does not
        if file != nil || !inv.io.terminal.stdoutIsTTY {
            try ReadingExport.markExported(inv.session, exported, rgk: rgk)
        }
        return .success
    }
}
