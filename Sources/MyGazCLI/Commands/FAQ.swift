import Foundation
import MyGazCore

enum FAQCommands {
    static let idArg = ArgumentSpec("ID", L("the FAQ entry", "вопрос FAQ"), completion: .live(.faq))
    static let topic = OptionSpec(.topic, value: "TOPIC", L("the topic (001 §5.1)", "тема (001 §5.1)"), choices: TicketTopic.codes)
    static let answerFile = OptionSpec(.answerFile, value: "FILE", L("read the answer from FILE (- for stdin)", "прочитать ответ из FILE (- — со стандартного ввода)"),
                                       completion: .file)

    static let spec = CommandSpec(
        "faq", L("frequently asked questions and their ready answers", "часто задаваемые вопросы и готовые ответы"),
        subcommands: [
            CommandSpec("list", L("list FAQ entries", "список вопросов FAQ"),
                        options: [topic, OptionSpec(.search, short: "s", value: "TEXT", L("words in the question or answer", "слова в вопросе или ответе"))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one FAQ entry", "один вопрос FAQ"), arguments: [idArg], access: .everyone, handler: show),
            CommandSpec("add", L("add a question and its answer", "добавить вопрос и ответ"),
                        options: [OptionSpec(.topic, value: "TOPIC", L("required: the topic", "обязательно: тема"), choices: TicketTopic.codes),
                                  OptionSpec(.question, value: "TEXT", L("required: the question", "обязательно: вопрос")),
                                  OptionSpec(.answer, value: "TEXT", L("the answer (without it, on a terminal: $VISUAL or $EDITOR)", "ответ (без него в терминале — $VISUAL или $EDITOR)")), answerFile],
                        access: .support, handler: add),
            CommandSpec("edit", L("change a FAQ entry", "изменить вопрос FAQ"),
                        discussion: L("With no option, on a terminal, opens the answer in $VISUAL or $EDITOR; leaving it as it was changes nothing.",
                                      "Без параметров в терминале открывает ответ в $VISUAL или $EDITOR; если оставить его как было, ничего не меняется."),
                        arguments: [idArg],
                        options: [topic, OptionSpec(.question, value: "TEXT", L("the new question", "новый вопрос")),
                                  OptionSpec(.answer, value: "TEXT", L("the new answer", "новый ответ")), answerFile],
                        access: .support, handler: edit),
            CommandSpec("remove", L("remove a FAQ entry", "удалить вопрос FAQ"), arguments: [idArg], options: [Opt.yes],
                        access: .support, handler: remove),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        let entries = try FAQ.list(inv.db, topic: try inv.choice(.topic, as: TicketTopic.self), search: inv.string(.search))
        var t = Table([Column("id", L("ID", "ID"), align: .right), Column("topic", L("TOPIC", "ТЕМА")),
                       Column("question", L("QUESTION", "ВОПРОС")), Column("answer", L("ANSWER", "ОТВЕТ"), .machineOnly)])
        for e in entries {
            t.append([Cell(.int(e.id)), Cell(.text(e.topic), display: inv.out.texts.label(.ticketTopic, e.topic)),
                      Cell(.text(e.question)), Cell(.text(e.answer))])
        }
        inv.out.table(t)
        return .success
    }

    static func parseID(_ text: String) throws -> Int64 {
        try References.parseID(.faq, text)
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let e = try FAQ.find(inv.db, try parseID(inv.argument("ID")!))
        var r = Record()
        r.field("id", L("ID", "ID"), .int(e.id))
        r.field("topic", L("Topic", "Тема"), .text(e.topic), display: inv.out.texts.label(.ticketTopic, e.topic))
        r.field("question", L("Question", "Вопрос"), .text(e.question))
        r.field("answer", L("Answer", "Ответ"), .text(e.answer))
        r.field("updated_at", L("Updated", "Изменен"), .text(e.updatedAt), display: Timestamp.display(e.updatedAt))
        inv.out.record(r)
        return .success
    }

    static func answer(_ inv: Invocation) throws -> String? {
        try inv.exclusive(.answer, .answerFile)
        if let text = try inv.text(.answer) { return text }
        guard let path = inv.string(.answerFile) else { return nil }
        let bytes: [UInt8]
        if path == "-" { bytes = inv.io.stdin.readAll() } else {
            guard let data = FileManager.default.contents(atPath: path) else { throw MyGazError(.notFound, .fileMissing, .text(path)) }
            bytes = [UInt8](data)
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func add(_ inv: Invocation) throws -> ExitStatus {
        guard let topic = try inv.choice(.topic, as: TicketTopic.self) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--topic") }
        guard let question = try inv.text(.question) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--question") }
        let answer: String
        if let given = try self.answer(inv) { answer = given } else {
            guard Editor.available(inv) else { throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--answer, --answer-file") }
            let template = "\n\n# " + inv.out.texts.render(.faqEditorHint, .text(question)) + "\n"
            guard let written = try Editor.compose(template: template, environment: inv.io.environment) else {
                inv.out.say(.faqNotSaved)
                return .success
            }
            answer = written
        }
        let id = try FAQ.add(inv.session, topic: topic, question: question, answer: answer)
        inv.out.results([ActionResult(id: String(id), outcome: .changed, status: nil, human: Message(.faqAdded, [.text(String(id))]))])
        return .success
    }

    static func edit(_ inv: Invocation) throws -> ExitStatus {
        let id = try parseID(inv.argument("ID")!)
        let topic = try inv.choice(.topic, as: TicketTopic.self), question = try inv.text(.question)
        var answer = try self.answer(inv)
        if topic == nil && question == nil && answer == nil {
            // nothing given: the answer in the editor, as it is now
            guard Editor.available(inv) else {
                throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--topic, --question, --answer, --answer-file")
            }
            let entry = try FAQ.find(inv.db, id)
            let template = entry.answer + "\n\n# " + inv.out.texts.render(.faqEditorHint, .text(entry.question)) + "\n"
            guard let written = try Editor.compose(template: template, environment: inv.io.environment) else {
                inv.out.say(.faqNotSaved)
                return .success
            }
            answer = written
        }
        let changed = try FAQ.edit(inv.session, id, topic: topic, question: question, answer: answer)
        inv.out.results([ActionResult(id: String(id), outcome: changed ? .changed : .unchanged, status: nil,
                                      human: Message(changed ? .faqEdited : .faqUnchanged, [.text(String(id))]))])
        return .success
    }

    static func remove(_ inv: Invocation) throws -> ExitStatus {
        let id = try parseID(inv.argument("ID")!)
        let entry = try FAQ.find(inv.db, id)
        guard try inv.confirm(inv.out.texts.render(.confirmRemoveFAQ, .text(String(id)), .text(entry.question))) else { return .success }
        try FAQ.remove(inv.session, id)
        inv.out.results([ActionResult(id: String(id), outcome: .changed, status: nil, human: Message(.faqRemoved, [.text(String(id))]))])
        return .success
    }
}
