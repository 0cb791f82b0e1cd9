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
