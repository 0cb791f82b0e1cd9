import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct CatalogTests {
    static func placeholders(_ text: String) -> Set<String> {
        var found = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            // `{2|счет|счета|счетов}` is the placeholder {2} with the noun's forms
            found.insert(String(rest[open...close].split(separator: "|")[0]) + (rest[open...close].contains("|") ? "}" : ""))
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    @Test func textFromOutsideStaysOnOneLineAndReadsAsItIs() {
        let rendered = Texts(.en).render(.notFound, .entity(.user), .text("a\nb\r\t\u{202E}cba\u{0}я"))
        #expect(rendered == "user a\\nb\\r\\t\\u202Ecba\\u0000я not found")
        #expect(Texts(.en).render(.notFound, .entity(.user), .text("Иванов И. И.")) == "user Иванов И. И. not found")
        let r = InProcess.run(["user", "show", "x\ny"])
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test func everyMessageExistsInBothLanguagesWithTheSamePlaceholders() {
        let languageNeutral: Set<MessageKey> = [.verbatim, .transition, .checkFailed, .operatorRoleChanged, .countLine]
        for key in MessageKey.allCases {
            let (en, ru) = Catalog.texts(key)
            #expect(!en.isEmpty && !ru.isEmpty, "\(key) is empty")
            #expect(Self.placeholders(en) == Self.placeholders(ru), "\(key): placeholders differ")
            if !languageNeutral.contains(key) {
                #expect(ru.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) }, "\(key): the Russian text is not Russian")
                #expect(en != ru, "\(key): not translated")
            }
        }
    }

    @Test func everyStoredCodeHasLabelsInBothLanguages() {
        for domain in CodeDomain.allCases {
            #expect(!domain.codes.isEmpty, "\(domain) has no codes")
            #expect(Set(Labels.codes(domain)) == Set(domain.codes), "\(domain): the labels are not those of the stored codes")
            for code in domain.codes {
                let en = Labels.label(domain, code, .en), ru = Labels.label(domain, code, .ru)
                #expect(en != code || code == "other" || en.lowercased() == code, "\(domain) \(code) has no English label")
                #expect(ru.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) } || ru == "SMS" || ru == "e-mail"
                        || (domain == .identityProvider && ru == en), "\(domain) \(code) has no Russian label")
            }
        }
    }

    /// The forms of a noun for 1, 2, 5, 11 and 21, as a Russian reader expects them (one, few, many,
    /// many, one) and an English one (one, other…), written out rather than computed.
    static let expectedForm: [Lang: [Int: Int]] = [.ru: [1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1, 112: 2],
                                                   .en: [1: 0, 2: 1, 5: 1, 11: 1, 21: 1, 22: 1, 112: 1]]

    /// `{n|form|form|form}` placeholders of a template: the argument's number and the noun's forms.
    static func countedPlaceholders(_ text: String) -> [(index: Int, forms: [String])] {
        var found: [(Int, [String])] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let parts = rest[rest.index(after: open)..<close].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if parts.count > 1, let n = Int(parts[0]) { found.append((n, Array(parts.dropFirst()))) }
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    @Test func theRussianPluralRule() {
        for (n, form) in [(0, Plural.Form.many), (1, .one), (2, .few), (4, .few), (5, .many), (11, .many), (12, .many), (14, .many),
                          (20, .many), (21, .one), (22, .few), (25, .many), (101, .one), (111, .many), (112, .many), (1_001, .one)] {
            #expect(Plural.russian(Int64(n)) == form, "\(n)")
        }
        #expect(Russian.days(1) == "1 дня" && Russian.days(21) == "21 дня" && Russian.days(3) == "3 дней" && Russian.days(30) == "30 дней")
    }

    /// Every message is rendered with 1, 2, 5, 11 and 21 in each of its counted places, in both
    /// languages: the noun must take the form the number asks for. A number left bare before a noun
    /// the catalogue counts elsewhere ("{2} привязанных счета") fails too: it could not agree.
    @Test func everyCountedNounAgreesWithItsNumber() {
        var nounForms: Set<String> = ["счет", "счета", "счетов", "строка", "строки", "строк", "байт", "байта", "столбцов", "попыток",
                                      "дней", "дня", "заявок", "показаний", "пользователей", "сообщений", "страниц"]
        for key in MessageKey.allCases {
            let (en, ru) = Catalog.texts(key)
            for template in [en, ru] { for (_, forms) in Self.countedPlaceholders(template) { forms.forEach { nounForms.insert($0) } } }
        }
        for key in MessageKey.allCases {
            for lang in Lang.allCases {
                let template = Catalog.template(key, lang)
                let counted = Self.countedPlaceholders(template)
                let indexes = Self.placeholders(template).compactMap { Int($0.dropFirst().dropLast()) }
                for (index, forms) in counted {
                    #expect(forms.count == (lang == .ru ? 3 : 2), "\(key) \(lang): {\(index)|…} needs \(lang == .ru ? 3 : 2) forms")
                    for (n, expected) in Self.expectedForm[lang]!.sorted(by: { $0.key < $1.key }) {
                        let args: [MessageArg] = (1...max(indexes.max() ?? 1, index)).map { $0 == index ? .int(n) : .text("X") }
                        let rendered = Texts(lang).render(Message(key, args))
                        let want = "\(n) " + forms[min(expected, forms.count - 1)]
                        #expect(rendered.contains(want), "\(key) \(lang) with \(n): «\(rendered)» lacks «\(want)»")
                    }
                }
                // a bare {n} followed by a counted noun (an adjective may stand between)
                var rest = Substring(template)
                while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                    let bare = !rest[open...close].contains("|")
                    rest = rest[rest.index(after: close)...]
                    guard bare, rest.first == " " else { continue }
                    let words = rest.split(whereSeparator: { $0 == " " || ",;:().«»".contains($0) }).prefix(lang == .ru ? 2 : 1).map(String.init)
                    for word in words where nounForms.contains(word.lowercased()) {
                        Issue.record("\(key) \(lang): a bare number before «\(word)» cannot agree with it; write {n|…|…|…}")
                    }
                }
            }
        }
    }

    /// A state is told of its own noun: пользователь активен, заявка принята, показание принято.
    /// Every state label of an entity is rendered in its change message and must agree in gender.
    @Test func everyStateAgreesWithItsNounsGender() {
        enum Gender: String { case masculine, feminine, neuter }
        let subjects: [(Entity, CodeDomain, Gender)] = [
            (.user, .userStatus, .masculine), (.application, .applicationStatus, .feminine), (.reading, .readingStatus, .neuter),
            (.ticket, .ticketStatus, .neuter), (.pinRequest, .pinRequestStatus, .masculine), (.outbox, .outboxStatus, .neuter),
            (.importBatch, .importStatus, .feminine), (.account, .accountStatus, .masculine), (.pin, .pinState, .masculine),
            (.meter, .meterState, .masculine),
        ]
        func gender(of word: String) -> Gender? {
            let w = word.lowercased()
            guard w.count > 3 else { return nil }
            if ["на", "та", "ла", "ая"].contains(where: w.hasSuffix) { return .feminine }
            if ["но", "то", "ло", "ое"].contains(where: w.hasSuffix) { return .neuter }
            if ["ен", "ан", "ят", "ыт", "ит", "ый", "ой"].contains(where: w.hasSuffix) { return .masculine }
            return nil
        }
        #expect(gender(of: "заблокирована") == .feminine && gender(of: "активен") == .masculine && gender(of: "принято") == .neuter)
        for (entity, domain, expected) in subjects {
            let codes = domain.codes
            for (from, to) in zip(codes, codes.dropFirst() + codes.prefix(1)) {
                let rendered = Texts(.ru).render(.transition, .entity(entity), "7", .code(domain, from), .code(domain, to))
                for code in [from, to] {
                    for word in Labels.label(domain, code, .ru).split(separator: " ").map(String.init) {
                        if let g = gender(of: word), g != expected {
                            Issue.record("«\(rendered)»: «\(word)» is \(g.rawValue), «\(Catalog.noun(entity, .ru))» is \(expected.rawValue)")
                        }
                    }
                }
            }
        }
    }

    @Test func manualsLabelsForApplicationStatuses() {
        #expect(Labels.label(.applicationStatus, "submitted", .ru) == "В обработке")
        #expect(Labels.label(.applicationStatus, "needs_info", .ru) == "Требует уточнения")
        #expect(Labels.label(.applicationStatus, "rejected", .ru) == "Не согласована")
        #expect(Labels.label(.readingStatus, "rejected", .ru) == "отказано")
    }

    @Test func languageComesFromFlagThenEnvironment() {
        #expect(Lang.detect(["LANG": "ru_RU.UTF-8"]) == .ru)
        #expect(Lang.detect(["LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"]) == .en)
        #expect(Lang.detect(["LC_MESSAGES": "ru_RU", "LANG": "en_US"]) == .ru)
        #expect(Lang.detect([:]) == .en)
        let r = InProcess.run(["stauts"], environment: ["LANG": "ru_RU.UTF-8"])
        #expect(r.stderr.contains("неизвестная команда"))
        let forced = InProcess.run(["--lang", "en", "stauts"], environment: ["LANG": "ru_RU.UTF-8"])
        #expect(forced.stderr.contains("unknown command"))
    }
}

/// A Russian screen holds no English words: only the names a clerk types (commands, options,
/// codes, settings, variables, formats) stay Latin.
@Suite struct RussianWordsTests {
    /// Issue 41: a letter or SMS a customer reads has dashes « — », never a hyphen standing for
    /// one («Ответ - в течение…»). Every Russian text the program writes (the demo's made-up
    /// customers' words aside) is read for a hyphen between spaces after a word.
    @Test func russianTextsHaveDashesNotHyphens() throws {
        let sources = TestSourceRules.testsDirectory.deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.contains("/Demo/") } ?? []
        #expect(files.count > 50)
        let pattern = try NSRegularExpression(pattern: "[\\p{Cyrillic}»)] - [\\p{Cyrillic}«\\\\]")
        var found: [String] = []
        for file in files {
            let text = try String(contentsOfFile: sources.path + "/" + file, encoding: .utf8)
            for (n, line) in text.components(separatedBy: "\n").enumerated()
            // «или - для чтения со стандартного ввода»: the «-» typed for stdin is no dash
            where pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil && !line.contains("или - ") {
                found.append("\(file):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(found.isEmpty, "a hyphen for a dash:\n\(found.joined(separator: "\n"))")
    }

    /// Latin words a Russian text may hold: what is typed or read as it is.
    static let typed: Set<String> = {
        var words: Set<String> = ["mygaz-admin", "e-mail", "sms", "pdf", "jpeg", "png", "json", "csv", "tsv", "utf-8", "cp1251", "sqlite", "sqlite3",
                                  "id", "wal", "url", "http", "https", "sendmail", "pragma", "pg_dump", "pg_basebackup", "custom", "integrity_check", "editor", "visual", "lang", "root",
                                  "m³", "mib", "kib", "gib", "n", "x", "y", "yes", "no", "all", "tty", "stdin", "stdout", "stderr", "nfc", "fsync",
                                  // the shell's own commands and their arguments, a key of the review, the shared group's name
                                  "groupadd", "chgrp", "chmod", "chown", "go-w", "ulimit", "passwd", "uid", "g", "rw", "rwxs", "o-rwx", "f", "b", "mygaz",
                                  // the Debian package of the bills' font, and how it is installed
                                  "apt", "install", "fonts-dejavu-core"]
        func walk(_ command: CommandSpec) {
            words.insert(command.name.lowercased())
            for option in command.options {
                words.insert(option.name.rawValue)
                option.choices?.forEach { words.insert($0.lowercased()) }
                if let value = option.value { words.insert(value.lowercased()) }
            }
            command.arguments.forEach { words.insert($0.name.lowercased()) }
            command.subcommands.forEach(walk)
        }
        walk(CommandTree.root)
        GlobalOptions.all.forEach { words.insert($0.name.rawValue) }
        // the columns of the RGK files, as their headers name them
        ImportKind.allCases.forEach { kind in kind.columns.forEach { words.insert($0.key.lowercased()) } }
        for codes in [ApplicationStatus.codes, ApplicationKind.codes, ReadingStatus.codes, ReadingReason.codes, TicketStatus.codes,
                      TicketChannel.codes, TicketTopic.codes, UserStatus.codes, PinRequestStatus.codes, OutboxStatus.codes, OutboxKind.codes,
                      Role.codes, AccessLevel.codes, MeterState.codes, ServiceKind.codes, ImportKind.codes, ContractKind.codes, SettingKey.codes] {
            codes.forEach { words.insert($0.lowercased()) }
        }
        return words
    }()

    /// The Latin words of `text` that are not typed names: placeholders, «quoted» names,
    /// --options, $VARIABLES, e-mail addresses, CONSTANTS and dotted keys aside. (No regular
    /// expressions: Foundation's cache of them hangs tests that run at once.)
    static func englishWords(_ text: String) -> [String] {
        var plain = ""
        var skipUntil: Character?
        for ch in text {
            if let end = skipUntil {
                if ch == end { skipUntil = nil }
                plain.append(" ")
            } else if let end = ["«": "»", "'": "'", "{": "}"][ch] as Character? {
                skipUntil = end
                plain.append(" ")
            } else {
                plain.append(ch)
            }
        }
        var words: [String] = []
        for token in plain.split(whereSeparator: { $0.isWhitespace || ",;:()[]/!?=<>\"+|".contains($0) }).map(String.init) {
            if token.hasPrefix("$") || token.hasPrefix("--") || token.contains("@") || token == "SQLite" || token == "PostgreSQL" { continue }
            let word = token.trimmingCharacters(in: CharacterSet(charactersIn: ".-_"))
            guard word.contains(where: { $0.isASCII && $0.isLetter }) else { continue }
            if word.count >= 3 && word.allSatisfy({ ($0.isASCII && $0.isUppercase) || $0.isNumber || $0 == "_" }) { continue }   // CONSTANTS
            if let first = word.first, first.isNumber, word.drop(while: \.isNumber).allSatisfy({ "smhdwX".contains($0) }) { continue }   // 7d, 79XXX
            if typed.contains(word.lowercased()) { continue }
            if word.split(separator: ".").allSatisfy({ typed.contains($0.lowercased()) || $0.allSatisfy(\.isNumber) }) { continue }
            words.append(word)
        }
        return words
    }

    @Test func theWordFinderSeesEnglishAndLetsNamesBe() {
        #expect(Self.englishWords("сообщение для {1} queued") == ["queued"])
        #expect(Self.englishWords("см. «mygaz-admin config list»; --sendmail, $EDITOR, mail.from, pending, a@b.ru, MYGAZ_SMS_COMMAND").isEmpty)
    }

    @Test func everyRussianMessageIsInRussianWords() {
        var found: [String] = []
        for key in MessageKey.allCases {
            let words = Self.englishWords(Catalog.texts(key).1)
            if !words.isEmpty { found.append("\(key): \(words.joined(separator: ", "))") }
        }
        #expect(found.isEmpty, "English words on Russian screens:\n\(found.joined(separator: "\n"))")
    }

    /// Issue 41: a yes/no question has one form per language, said in one place (`YesNo`); no
    /// prompt writes its own «[y/N]» on a Russian screen.
    @Test func aQuestionAsksYesOrNoInTheReadersLanguage() throws {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        _ = InProcess.run(["--db", s.db, "operator", "add", "helper", "--role", "support"], login: "boss")
        let prompter = ScriptedPrompter(["н"])
        let io = IO(stdout: MemorySink(), stderr: MemorySink(), stdin: MemoryInput(""), terminal: TerminalInfo(stdinIsTTY: true),
                    environment: ["LANG": "ru_RU.UTF-8"], prompter: prompter, login: "boss")
        _ = MyGazCLI.run(["--db", s.db, "operator", "remove", "helper"], io: io)
        #expect(InProcess.run(["--db", s.db, "operator", "list", "--format", "tsv"], login: "boss").stdout.contains("helper"), "«н» is no")
        #expect(prompter.questions.count == 1 && prompter.questions.allSatisfy { $0.hasSuffix(" [д/Н] ") && Self.englishWords($0) == ["helper"] },
                "\(prompter.questions) \(prompter.questions.map { Self.englishWords($0) })")
        #expect(YesNo.isYes("да") && YesNo.isYes(" Y ") && YesNo.isYes("д") && !YesNo.isYes("н") && !YesNo.isYes("") && !YesNo.isYes("нет"))
        // the sources: the form of the question is written once
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var writers: [String] = []
        for file in FileManager.default.enumerator(atPath: sources.path)?.compactMap({ $0 as? String }) ?? [] where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            if (text.contains("[y/N]") || text.contains("[д/Н]")) && !file.hasSuffix("Output/Lang.swift") { writers.append(file) }
        }
        #expect(writers.isEmpty, "a yes/no question written outside YesNo: \(writers)")
    }

    /// Issue 41: what delivery wrote of a failure («exit 1», «timed out after 30 s») is told in
    /// Russian words on a Russian screen; what the program itself said stays as it said it.
    @Test func aDeliveryErrorIsToldInRussian() {
        for stored in ["exit 1", "exit 2: sendmail: no route", "killed by signal 9", "timed out after 30 s",
                       "timed out after 30 s; it may or may not have gone out; check, then outbox retry", "no sender address",
                       "invalid recipient: not an e-mail address; nothing was sent", "invalid recipient: not a Russian mobile number; nothing was sent"] {
            let russian = OutboxView.error(stored, .ru)
            // what the program said (after «exit 2: ») is its own
            let said = stored.hasPrefix("exit ") ? stored.components(separatedBy: ": ").dropFirst().joined(separator: ": ") : ""
            #expect(Self.englishWords(russian).filter { !said.contains($0) }.isEmpty, "«\(stored)» → «\(russian)»")
            #expect(OutboxView.error(stored, .en) == stored)
        }
        #expect(OutboxView.error("exit 1", .ru) == "программа отправки завершилась с кодом 1")
        #expect(OutboxView.error("timed out after 30 s", .ru) == "программа отправки не ответила за 30 с")
    }
}
