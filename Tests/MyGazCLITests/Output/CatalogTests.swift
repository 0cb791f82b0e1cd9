import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct CatalogTests {
    static func placeholders(_ text: String) -> Set<String> {
        var found = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            found.insert(String(rest[open...close]))
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
        let domains: [(CodeDomain, [String])] = [
            (.applicationStatus, ApplicationStatus.codes), (.applicationKind, ApplicationKind.codes),
            (.readingStatus, ReadingStatus.codes), (.readingReason, ReadingReason.codes), (.ticketStatus, TicketStatus.codes),
            (.ticketChannel, TicketChannel.codes), (.ticketTopic, TicketTopic.codes), (.userStatus, UserStatus.codes),
            (.pinRequestStatus, PinRequestStatus.codes), (.outboxStatus, OutboxStatus.codes), (.role, Role.codes),
            (.accessLevel, AccessLevel.codes), (.meterState, MeterState.codes), (.serviceKind, ServiceKind.codes),
            (.importKind, ImportKind.codes), (.contractKind, ContractKind.codes),
        ]
        for (domain, codes) in domains {
            for code in codes {
                let en = Labels.label(domain, code, .en), ru = Labels.label(domain, code, .ru)
                #expect(en != code || code == "other" || en.lowercased() == code, "\(domain) \(code) has no English label")
                #expect(ru.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) }, "\(domain) \(code) has no Russian label")
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
    /// Latin words a Russian text may hold: what is typed or read as it is.
    static let typed: Set<String> = {
        var words: Set<String> = ["mygaz-admin", "e-mail", "sms", "pdf", "jpeg", "png", "json", "csv", "tsv", "utf-8", "cp1251", "sqlite", "sqlite3",
                                  "id", "wal", "url", "http", "https", "sendmail", "pragma", "integrity_check", "editor", "visual", "lang", "root",
                                  "m³", "mib", "kib", "gib", "n", "x", "y", "yes", "no", "all", "tty", "stdin", "stdout", "stderr", "nfc", "fsync",
                                  // the shell's own commands and their arguments, a key of the review, the shared group's name
                                  "groupadd", "chgrp", "chmod", "ulimit", "passwd", "uid", "g", "rw", "rwxs", "o-rwx", "f", "b", "mygaz"]
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
            if token.hasPrefix("$") || token.hasPrefix("--") || token.contains("@") || token == "SQLite" { continue }
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
}
